// The Logs tab (spec §7): search (q) and filters, newest first, "Load more" with next_cursor; an
// entry's detail with its HighLevel calls; Replay for failed, waiting or canceled actions. Event entries
// of a store connection (§3a) name its source, platform and the platform's own event type.
import { api, mp, query } from './api.js';
import { attempt, badge, clear, field, h, notice, time } from './dom.js';
import { ACTIONS } from './rules.js';

const KINDS = ['event', 'trigger', 'action'];
const STATUSES = ['accepted', 'duplicate', 'rejected', 'ignored', 'ping', 'fired', 'suppressed', 'pending', 'waiting', 'retrying',
  'succeeded', 'skipped', 'failed', 'canceled'];
const REPLAYABLE = ['failed', 'waiting', 'canceled'];
let lastFilters = {};

const select = (id, name, label, options, value) => field(label, h('select', { id, name, 'data-field': name },
  h('option', { value: '' }, 'any'),
  options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label))));

const isoFromLocal = (v) => (v ? new Date(v).toISOString() : '');
const localFromIso = (v) => {
  if (!v) return '';
  const d = new Date(v);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};

export async function renderLogs(panel) {
  const f = lastFilters;
  const [triggers, integrations, products, sources, platforms] = await Promise.all([
    api('GET', '/api/v1/triggers').then((r) => r.items || []).catch(() => []),
    api('GET', mp('/integrations')).then((r) => r.items || []).catch(() => []),
    api('GET', mp('/products')).then((r) => r.items || []).catch(() => []),
    api('GET', mp('/sources')).then((r) => r.items || []).catch(() => []),
    platformsList(),
  ]);
  const platformName = (id) => (platforms.find((p) => p.id === id) || {}).name || id;
  const q = h('input', { id: 'log-q', name: 'q', type: 'search', value: f.q || '', 'data-field': 'q', placeholder: 'email, event id, message…' });
  const product = h('input', { id: 'log-product', name: 'product_id', list: 'log-products', value: f.product_id || '', 'data-field': 'product_id', autocomplete: 'off' });
  const since = h('input', { id: 'log-since', name: 'since', type: 'datetime-local', value: localFromIso(f.since), 'data-field': 'since' });
  const until = h('input', { id: 'log-until', name: 'until', type: 'datetime-local', value: localFromIso(f.until), 'data-field': 'until' });
  const form = h('form', { id: 'log-filters', class: 'card filters', role: 'search', novalidate: true },
    h('div', { class: 'search-row' },
      field('Search', q),
      h('button', { type: 'submit', id: 'log-search' }, 'Search'),
      h('button', { type: 'button', id: 'log-reset', class: 'secondary' }, 'Reset')),
    h('div', { class: 'filter-grid' },
      select('log-kind', 'kind', 'Kind', KINDS.map((k) => ({ value: k, label: k })), f.kind),
      select('log-status', 'status', 'Status', STATUSES.map((s) => ({ value: s, label: s })), f.status),
      select('log-trigger', 'trigger', 'Trigger', triggers.map((t) => ({ value: t.id, label: t.display_name })), f.trigger),
      select('log-action', 'action', 'Action', ACTIONS.map((a) => ({ value: a.id, label: a.name })), f.action),
      field('Product', product),
      select('log-integration', 'integration_id', 'Integration', integrations.map((i) => ({ value: i.id, label: i.name })), f.integration_id),
      select('log-source', 'source_id', 'Source', sources.map((s) => ({ value: s.id, label: `${s.name} (${platformName(s.platform)})` })), f.source_id),
      field('Since', since),
      field('Until', until)),
    h('datalist', { id: 'log-products' }, products.map((p) => h('option', { value: p.product_id }, p.product_name || p.product_id))),
    h('p', { class: 'form-error', id: 'log-error', role: 'alert', hidden: true }));
  const rows = h('tbody', { id: 'log-rows' });
  const table = h('table', { class: 'data cards', id: 'log-table' },
    h('caption', { class: 'visually-hidden' }, 'Event log, newest first'),
    h('thead', {}, h('tr', {}, ['Time', 'Kind', 'Status', 'What', 'Product', 'Email', 'Message', ''].map((c) => h('th', { scope: 'col' }, c)))),
    rows);
  const more = h('button', { type: 'button', id: 'log-more', class: 'secondary', hidden: true }, 'Load more');
  const summary = h('p', { id: 'log-summary', class: 'hint', role: 'status', 'aria-live': 'polite' });
  clear(panel, h('div', { class: 'panel-head' }, h('h2', {}, 'Logs')), form, summary, table, more);

  const names = {
    integrations: new Map(integrations.map((i) => [i.id, i.name])),
    sources: new Map(sources.map((s) => [s.id, s.name])),
    platform: platformName,
  };
  let cursor = null;
  let count = 0;
  const filters = () => {
    const data = Object.fromEntries(new FormData(form).entries());
    data.since = isoFromLocal(data.since);
    data.until = isoFromLocal(data.until);
    return data;
  };
  const load = async (append) => {
    const params = filters();
    lastFilters = params;
    if (!append) { cursor = null; count = 0; }
    const page = await attempt(() => api('GET', mp(`/logs${query({ ...params, cursor: append ? cursor : null })}`)), form);
    if (!page) return;
    const items = page.items || [];
    count = append ? count + items.length : items.length;
    const built = items.map((e) => entryRow(e, names, () => load(false)));
    if (append) rows.append(...built); else clear(rows, built);
    if (count === 0) clear(rows, h('tr', {}, h('td', { colspan: '8', class: 'empty' }, 'No log entry matches.')));
    cursor = page.next_cursor || null;
    more.hidden = !cursor;
    clear(summary, `${count} entr${count === 1 ? 'y' : 'ies'} shown, newest first${cursor ? '; more below' : ''}.`);
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(false); });
  form.querySelector('#log-reset').addEventListener('click', () => { form.reset(); form.querySelectorAll('input').forEach((i) => { i.value = ''; }); form.querySelectorAll('select').forEach((s) => { s.value = ''; }); load(false); });
  more.addEventListener('click', () => load(true));
  await load(false);
}

function platformsList() {
  return api('GET', '/api/v1/platforms').then((r) => r.items || []).catch(() => []);
}

/** "Stripe charge.refunded via Main Stripe": where an event entry came from, or null for the marketplace's own webhook. */
function origin(e, names) {
  if (!e.platform && !e.source_id) return null;
  const source = e.source_id ? (names.sources.get(e.source_id) || e.source_id) : null;
  return [e.platform ? names.platform(e.platform) : 'store', e.platform_event_type ? ` ${e.platform_event_type}` : '',
    source ? ` via ${source}` : ''].join('');
}

function what(e, names) {
  if (e.kind === 'event') {
    const from = origin(e, names);
    const type = e.event_type || (from ? null : 'store event');
    return [type, from ? h('small', { class: 'reason origin' }, from) : null];
  }
  if (e.kind === 'trigger') return e.trigger || '';
  const integration = names.integrations.get(e.integration_id);
  // an integration deleted since keeps its id in old entries: say so rather than drop it
  const where = integration || (e.integration_id ? `a deleted integration (${e.integration_id})` : null);
  return `${e.trigger || ''} → ${e.action || ''}${where ? ` in ${where}` : ''}`;
}

function entryRow(e, names, reload) {
  return h('tr', { dataset: { id: e.id, kind: e.kind, status: e.status } },
    h('td', { 'data-label': 'Time' }, time(e.created_at)),
    h('td', { 'data-label': 'Kind' }, e.kind),
    h('td', { 'data-label': 'Status' }, badge(e.status), e.replay_of ? h('small', { class: 'reason' }, 'replay') : null),
    h('td', { 'data-label': 'What' }, what(e, names)),
    h('td', { 'data-label': 'Product' }, e.product_id || ''),
    h('td', { 'data-label': 'Email' }, e.email || ''),
    h('td', { class: 'message', 'data-label': 'Message' }, e.message || ''),
    h('td', { class: 'actions' },
      h('a', { class: 'button secondary details', href: `#log/${encodeURIComponent(e.id)}` }, 'Details'),
      e.kind === 'action' && REPLAYABLE.includes(e.status)
        ? h('button', { type: 'button', class: 'replay', onclick: () => replay(e, reload) }, 'Replay') : null));
}

async function replay(entry, after) {
  const created = await attempt(() => api('POST', mp(`/logs/${encodeURIComponent(entry.id)}/replay`)));
  if (created) {
    notice(`Replaying: new entry ${created.id} (${created.status}).`);
    after(created);
  }
}

export async function renderLogEntry(panel, id) {
  clear(panel, h('p', { 'aria-busy': 'true' }, 'Loading log entry…'));
  const [entry, integrations, sources, platforms] = await Promise.all([
    attempt(() => api('GET', mp(`/logs/${encodeURIComponent(id)}`))),
    api('GET', mp('/integrations')).then((r) => r.items || []).catch(() => []),
    api('GET', mp('/sources')).then((r) => r.items || []).catch(() => []),
    platformsList(),
  ]);
  const back = h('a', { href: '#logs', class: 'button secondary', id: 'back-to-logs' }, '← Back to logs');
  if (!entry) { clear(panel, back); return; }
  const integration = integrations.find((i) => i.id === entry.integration_id);
  const source = sources.find((s) => s.id === entry.source_id);
  const platform = platforms.find((p) => p.id === entry.platform);
  const facts = [
    ['Id', h('code', {}, entry.id)], ['Kind', entry.kind], ['Status', badge(entry.status)],
    ['Created', time(entry.created_at)], ['Updated', time(entry.updated_at)],
    ['Store event', entry.event_id ? [h('code', {}, entry.event_id), entry.event_type ? ` (${entry.event_type})` : ''] : null],
    ['Source', entry.source_id ? (source ? `${source.name} (${entry.source_id})` : entry.source_id) : null],
    ['Platform', entry.platform ? (platform ? platform.name : entry.platform) : null],
    ['Platform event type', entry.platform_event_type ? h('code', {}, entry.platform_event_type) : null],
    ['Trigger', entry.trigger], ['Rule', entry.rule_id ? h('code', {}, entry.rule_id) : null],
    ['Action', entry.action], ['Integration', entry.integration_id ? (integration ? `${integration.name} (${entry.integration_id})` : `deleted (${entry.integration_id})`) : null],
    ['Product', entry.product_id], ['Email', entry.email], ['Message', entry.message],
    ['Replay of', entry.replay_of ? h('a', { href: `#log/${encodeURIComponent(entry.replay_of)}` }, entry.replay_of) : null],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '');
  const calls = entry.calls || [];
  const replayable = entry.kind === 'action' && REPLAYABLE.includes(entry.status);
  clear(panel,
    h('div', { class: 'panel-head' }, h('h2', {}, 'Log entry'), back),
    h('dl', { class: 'facts card', id: 'log-entry', dataset: { status: entry.status } }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    replayable ? h('button', {
      type: 'button', id: 'replay-entry',
      onclick: () => replay(entry, (created) => { location.hash = `#log/${encodeURIComponent(created.id)}`; }),
    }, 'Replay this action') : null,
    h('h3', {}, 'HighLevel calls'),
    calls.length === 0 ? h('p', { class: 'empty' }, 'No call to HighLevel recorded for this entry.') : h('table', { class: 'data cards', id: 'log-calls' },
      h('thead', {}, h('tr', {}, ['At', 'Method', 'Path', 'Status', 'Latency', 'traceId', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, calls.map((c) => h('tr', { class: c.error || (c.status && c.status >= 400) ? 'failed-call' : '' },
        h('td', { 'data-label': 'At' }, time(c.at)), h('td', { 'data-label': 'Method' }, h('code', {}, c.method)), h('td', { 'data-label': 'Path' }, h('code', {}, c.path)),
        h('td', { 'data-label': 'Status' }, c.status == null ? 'no answer' : String(c.status)),
        h('td', { 'data-label': 'Latency' }, c.latency_ms == null ? '—' : `${c.latency_ms} ms`),
        h('td', { 'data-label': 'traceId' }, c.trace_id ? h('code', {}, c.trace_id) : '—'),
        h('td', { 'data-label': 'Error' }, c.error || '—'))))));
}
