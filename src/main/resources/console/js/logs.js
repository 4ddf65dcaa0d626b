// The Logs tab (spec §7): search (q) and filters, newest first, "Load more" with next_cursor. Entries of one
// store event are grouped (the event, the triggers it derived, the actions they queued, in that order).
// An entry's detail explains itself: an event shows its stored payload and what it produced; an action
// its rule and the request and response bodies of each HighLevel call. Replay (confirmed) for failed,
// waiting or canceled actions not replayed yet, bulk replay of the filtered failures, "Retry now" for a
// retrying action; an entry still pending or retrying refreshes itself until it settles. Event entries
// of a store connection (§3a) name its source, platform and the platform's own event type.
import { api, mp, query } from './api.js';
import {
  actionName, attempt, badge, clear, confirmDialog, field, h, learnProducts, loadNames, notice, product as productLabel, productName,
  statusLabel, time, triggerName,
} from './dom.js';

const KINDS = ['event', 'trigger', 'action'];
const STATUSES = ['accepted', 'duplicate', 'rejected', 'ignored', 'ping', 'fired', 'suppressed', 'pending', 'waiting', 'retrying',
  'succeeded', 'skipped', 'failed', 'canceled'];
const REPLAYABLE = ['failed', 'waiting', 'canceled'];
const UNSETTLED = { pending: 1500, retrying: 5000 }; // how often an unsettled entry refreshes itself (ms)
const COLUMNS = ['Time', 'Kind', 'Status', 'What', 'Product', 'Email', 'Message', 'Actions'];
let lastFilters = {};
let liveTimer = null;

const replayable = (e) => e.kind === 'action' && REPLAYABLE.includes(e.status) && !e.replayed_by;

/** Opens the Logs tab with these filters (the Overview's counts link here). */
export function showLogs(filters) {
  lastFilters = { ...filters };
  if (location.hash === '#logs') window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = '#logs';
}

const select = (id, name, label, options, value) => field(label, h('select', { id, name, 'data-field': name },
  h('option', { value: '' }, 'any'),
  options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label))));

const isoFromLocal = (v) => (v ? new Date(v).toISOString() : '');
const localFromIso = (v) => {
  if (!v) return '';
  const d = new Date(v);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};

async function lookups() {
  const [{ triggers, actions }, integrations, products, sources, platforms] = await Promise.all([
    loadNames(),
    api('GET', mp('/integrations')).then((r) => r.items || []).catch(() => []),
    api('GET', mp('/products')).then((r) => r.items || []).catch(() => []),
    api('GET', mp('/sources')).then((r) => r.items || []).catch(() => []),
    api('GET', '/api/v1/platforms').then((r) => r.items || []).catch(() => []),
  ]);
  learnProducts(products);
  const platformName = (id) => (platforms.find((p) => p.id === id) || {}).name || id;
  return {
    triggers, actions, integrations, products, sources, platformName,
    integrationNames: new Map(integrations.map((i) => [i.id, i.name])),
    sourceNames: new Map(sources.map((s) => [s.id, s.name])),
    triggerName,
  };
}

export async function renderLogs(panel) {
  stopLive();
  const f = lastFilters;
  const here = location.hash;
  const names = await lookups();
  if (location.hash !== here) return; // another tab was opened meanwhile: leave its content alone
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
      select('log-status', 'status', 'Status', STATUSES.map((s) => ({ value: s, label: statusLabel(s) })), f.status),
      select('log-trigger', 'trigger', 'Trigger', names.triggers.map((t) => ({ value: t.id, label: t.display_name })), f.trigger),
      select('log-action', 'action', 'Action', names.actions.map((a) => ({ value: a.id, label: a.display_name })), f.action),
      field('Product', product),
      select('log-integration', 'integration_id', 'Integration', names.integrations.map((i) => ({ value: i.id, label: i.name })), f.integration_id),
      select('log-source', 'source_id', 'Source', names.sources.map((s) => ({ value: s.id, label: `${s.name} (${names.platformName(s.platform)})` })), f.source_id),
      field('Since', since),
      field('Until', until)),
    h('datalist', { id: 'log-products' }, names.products.map((p) => h('option', { value: p.product_id }, p.product_name || p.product_id))),
    h('p', { class: 'form-error', id: 'log-error', role: 'alert', hidden: true }));
  const rows = h('tbody', { id: 'log-rows' });
  const table = h('table', { class: 'data cards', id: 'log-table' },
    h('caption', { class: 'visually-hidden' }, 'Event log, newest first, grouped by store event'),
    h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
    rows);
  const more = h('button', { type: 'button', id: 'log-more', class: 'secondary', hidden: true }, 'Load more');
  const summary = h('p', { id: 'log-summary', class: 'hint', role: 'status', 'aria-live': 'polite' });
  const bulk = h('button', { type: 'button', id: 'bulk-replay', class: 'secondary' }, 'Replay filtered failures');
  clear(panel, h('div', { class: 'panel-head' }, h('h2', {}, 'Logs'), bulk), form, summary, h('div', { class: 'table-wrap' }, table), more);

  let cursor = null;
  let loaded = [];
  // only the newest search may draw (or show an error): an earlier one answered late would show rows its filters
  // no longer ask for; "Load more" pages on with the filters of the rows shown, not with a form changed since
  let searches = 0;
  let shown = {};
  const filters = () => {
    const data = Object.fromEntries(new FormData(form).entries());
    data.since = isoFromLocal(data.since);
    data.until = isoFromLocal(data.until);
    return data;
  };
  const load = async (append) => {
    const params = append ? shown : filters();
    lastFilters = params;
    if (!append) {
      cursor = null;
      more.hidden = true;
    }
    const search = ++searches;
    const page = await attempt(() => api('GET', mp(`/logs${query({ ...params, cursor: append ? cursor : null })}`))
      .catch((e) => { if (search !== searches) return null; throw e; }), form);
    if (!page || search !== searches) return;
    shown = params;
    loaded = append ? loaded.concat(page.items || []) : (page.items || []);
    if (loaded.length === 0) clear(rows, h('tr', {}, h('td', { colspan: String(COLUMNS.length), class: 'empty', 'data-label': 'Log' }, 'No log entry matches.')));
    else clear(rows, groups(loaded).map((g) => groupRows(g, names, () => load(false))));
    cursor = page.next_cursor || null;
    more.hidden = !cursor;
    const count = loaded.length;
    clear(summary, `${count} entr${count === 1 ? 'y' : 'ies'} shown, newest first, grouped by store event${cursor ? '; more below' : ''}.`);
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(false); });
  form.querySelector('#log-reset').addEventListener('click', () => { form.reset(); form.querySelectorAll('input').forEach((i) => { i.value = ''; }); form.querySelectorAll('select').forEach((s) => { s.value = ''; }); load(false); });
  more.addEventListener('click', () => load(true));
  bulk.addEventListener('click', () => bulkReplay(filters(), () => load(false)));
  await load(false);
}

/**
 * Entries of one store event together: groups in the order of their newest entry (newest first), and
 * inside a group oldest first, so it reads as a story: the event, its triggers, their actions.
 */
function groups(items) {
  const byEvent = new Map();
  const out = [];
  items.forEach((e, i) => {
    const key = e.event_id ? `event:${e.event_id}` : `entry:${e.id}`;
    let g = byEvent.get(key);
    if (!g) {
      g = { eventId: e.event_id, entries: [] };
      byEvent.set(key, g);
      out.push(g);
    }
    g.entries.push({ e, i });
  });
  out.forEach((g) => { g.entries = g.entries.sort((a, b) => b.i - a.i).map((x) => x.e); });
  return out;
}

function groupRows(g, names, reload) {
  const rows = g.entries.map((e) => entryRow(e, names, reload, !!g.eventId));
  if (!g.eventId) return rows;
  const event = g.entries.find((e) => e.kind === 'event');
  const first = g.entries[0];
  const counts = {};
  g.entries.filter((e) => e.kind === 'action').forEach((e) => { counts[e.status] = (counts[e.status] || 0) + 1; });
  const triggers = g.entries.filter((e) => e.kind === 'trigger').length;
  const actions = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = [];
  if (triggers) parts.push(`${triggers} trigger${triggers === 1 ? '' : 's'}`);
  if (actions) parts.push(`${actions} action${actions === 1 ? '' : 's'} (${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')})`);
  const head = h('tr', { class: `group-head${counts.failed ? ' has-failure' : ''}`, dataset: { eventId: g.eventId } },
    h('td', { colspan: String(COLUMNS.length), 'data-label': 'Store event' },
      h('span', { class: 'group-title' },
        h('strong', {}, first.event_type || 'store event'), ' ', h('code', {}, g.eventId),
        first.email ? ` · ${first.email}` : ''),
      h('span', { class: 'group-summary' }, parts.length ? parts.join(', ') : (event ? `${event.status}` : '')),
      event ? h('a', { class: 'event-link', href: `#log/${encodeURIComponent(event.id)}` }, 'Event and payload') : null));
  return [head, ...rows];
}

/** "Stripe charge.refunded via Main Stripe": where an event entry came from, or null for the marketplace's own webhook. */
function origin(e, names) {
  if (!e.platform && !e.source_id) return null;
  const source = e.source_id ? (names.sourceNames.get(e.source_id) || e.source_id) : null;
  return [e.platform ? names.platformName(e.platform) : 'store', e.platform_event_type ? ` ${e.platform_event_type}` : '',
    source ? ` via ${source}` : ''].join('');
}

function what(e, names) {
  if (e.kind === 'event') {
    const from = origin(e, names);
    const type = e.event_type || (from ? null : 'store event');
    return [type, from ? h('small', { class: 'reason origin' }, from) : null];
  }
  if (e.kind === 'trigger') return triggerName(e.trigger);
  // an integration deleted since keeps its name in old entries (integration_name), marked deleted
  const where = integrationLabel(e, names);
  return `${triggerName(e.trigger)} → ${actionName(e.action)}${where ? ` in ${where}` : ''}`;
}

function entryRow(e, names, reload, grouped) {
  const cell = (label, ...content) => h('td', { 'data-label': label }, ...content);
  return h('tr', { class: grouped ? 'in-group' : null, dataset: { id: e.id, kind: e.kind, status: e.status, eventId: e.event_id || '' } },
    cell('Time', time(e.created_at)),
    cell('Kind', e.kind),
    cell('Status', badge(e.status), e.replay_of ? h('small', { class: 'reason' }, 'replay') : null,
      e.replayed_by ? h('small', { class: 'reason replayed' }, h('a', { href: `#log/${encodeURIComponent(e.replayed_by)}` }, 'replayed')) : null),
    cell('What', what(e, names)),
    cell('Product', e.product_id ? productLabel(e.product_id) : ''),
    cell('Email', e.email || ''),
    h('td', { class: 'message', 'data-label': 'Message' }, e.message || ''),
    h('td', { class: 'actions', 'data-label': 'Actions' },
      h('a', { class: 'button secondary details', href: `#log/${encodeURIComponent(e.id)}` }, 'Details'),
      replayable(e) ? h('button', { type: 'button', class: 'replay', onclick: () => replay(e, names) }, 'Replay') : null,
      e.kind === 'action' && e.status === 'retrying'
        ? h('button', { type: 'button', class: 'retry-now secondary', onclick: () => retryNow(e, reload) }, 'Retry now') : null));
}

/** The entry's integration by name: its current one, or the name it had when deleted, saying so. */
function integrationLabel(e, names) {
  if (!e.integration_id) return null;
  const current = names.integrationNames.get(e.integration_id);
  if (current) return current;
  if (e.integration_name) return e.integration_deleted ? `${e.integration_name} (deleted)` : e.integration_name;
  return `a deleted integration (${e.integration_id})`;
}

function describeAction(e, names) {
  const integration = integrationLabel(e, names);
  return `${actionName(e.action)}${integration ? ` in ${integration}` : ''}${e.email ? ` for ${e.email}` : ''}`;
}

/** Confirmed, then the new entry opens and follows its own progress. */
async function replay(entry, names) {
  const ok = await confirmDialog('Replay this action?',
    `${describeAction(entry, names)} runs again as a new log entry${entry.status === 'waiting' ? '; this waiting one is canceled so it never runs twice' : ''}.`,
    'Replay');
  if (!ok) return;
  const created = await attempt(() => api('POST', mp(`/logs/${encodeURIComponent(entry.id)}/replay`)));
  if (created) {
    notice(`Replaying: new entry ${created.id} (${created.status}).`);
    location.hash = `#log/${encodeURIComponent(created.id)}`;
  }
}

async function bulkReplay(filters, after) {
  const ok = await confirmDialog('Replay the filtered failures?',
    'Every failed, waiting or canceled action that matches the current search and filters, and was never replayed, runs again: once each, as a new log entry.',
    'Replay all');
  if (!ok) return;
  const params = { ...filters };
  delete params.limit;
  delete params.cursor;
  const result = await attempt(() => api('POST', mp(`/logs/replay${query(params)}`)), document.getElementById('log-filters'));
  if (!result) return;
  const skipped = result.skipped || [];
  notice(`${result.replayed === 0 ? 'No failure to replay' : `Replaying ${result.replayed} action${result.replayed === 1 ? '' : 's'}`}`
    + `${skipped.length ? `; ${skipped.length} could not run (${skipped[0].reason})` : ''}${result.more ? '; more remain: replay again' : ''}.`);
  await after();
}

async function retryNow(entry, after) {
  const done = await attempt(() => api('POST', mp(`/logs/${encodeURIComponent(entry.id)}/retry`)));
  if (done) {
    notice('Retrying now.');
    await after();
  }
}

function stopLive() {
  if (liveTimer) clearTimeout(liveTimer);
  liveTimer = null;
}

export async function renderLogEntry(panel, id, refreshing) {
  stopLive();
  if (!refreshing) clear(panel, h('p', { 'aria-busy': 'true' }, 'Loading log entry…'));
  const [entry, names] = await Promise.all([attempt(() => api('GET', mp(`/logs/${encodeURIComponent(id)}`))), lookups()]);
  const back = h('a', { href: '#logs', class: 'button secondary', id: 'back-to-logs' }, '← Back to logs');
  if (location.hash !== `#log/${encodeURIComponent(id)}`) return; // the merchant moved on meanwhile
  if (!entry) { clear(panel, back); return; }
  const [sameEvent, rule] = await Promise.all([
    entry.event_id ? api('GET', mp(`/logs${query({ event_id: entry.event_id, limit: 200 })}`)).then((r) => r.items || []).catch(() => []) : [],
    entry.rule_id ? api('GET', mp(`/rules/${encodeURIComponent(entry.rule_id)}`)).catch(() => null) : null,
  ]);
  if (location.hash !== `#log/${encodeURIComponent(id)}`) return;
  const source = names.sources.find((s) => s.id === entry.source_id);
  const facts = [
    ['Id', h('code', {}, entry.id)], ['Kind', entry.kind], ['Status', badge(entry.status)],
    ['Created', time(entry.created_at)], ['Updated', time(entry.updated_at)],
    ['Store event', entry.event_id ? [h('code', {}, entry.event_id), entry.event_type ? ` (${entry.event_type})` : ''] : null],
    ['Source', entry.source_id ? (source ? `${source.name} (${entry.source_id})` : entry.source_id) : null],
    ['Platform', entry.platform ? names.platformName(entry.platform) : null],
    ['Platform event type', entry.platform_event_type ? h('code', {}, entry.platform_event_type) : null],
    ['Trigger', entry.trigger ? `${names.triggerName(entry.trigger)} (${entry.trigger})` : null],
    ['Rule', entry.rule_id ? ruleFact(entry.rule_id, rule, names) : null],
    ['Action', entry.action ? actionName(entry.action) : null],
    ['Integration', entry.integration_id ? `${integrationLabel(entry, names)} (${entry.integration_id})` : null],
    ['Product', entry.product_id ? productLabel(entry.product_id) : null], ['Email', entry.email], ['Message', entry.message],
    ['Replay of', entry.replay_of ? h('a', { href: `#log/${encodeURIComponent(entry.replay_of)}`, id: 'replay-of' }, entry.replay_of) : null],
    ['Replayed by', entry.replayed_by ? h('a', { href: `#log/${encodeURIComponent(entry.replayed_by)}`, id: 'replayed-by' }, entry.replayed_by) : null],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '');
  const live = UNSETTLED[entry.status];
  // a refresh keeps what the merchant opened and where the focus was
  const opened = [...panel.querySelectorAll('details.call-body[open]')].map((d) => d.dataset.index);
  const focused = refreshing && document.activeElement && panel.contains(document.activeElement) ? document.activeElement.id : null;
  clear(panel,
    h('div', { class: 'panel-head' }, h('h2', {}, 'Log entry'), back),
    h('dl', { class: 'facts card', id: 'log-entry', dataset: { status: entry.status } }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('p', { id: 'live-status', class: 'hint', role: 'status', 'aria-live': 'polite' },
      live ? `This entry is ${entry.status}: it refreshes itself until it settles.` : ''),
    h('div', { class: 'buttons entry-buttons' },
      replayable(entry) ? h('button', { type: 'button', id: 'replay-entry', onclick: () => replay(entry, names) }, 'Replay this action') : null,
      entry.kind === 'action' && entry.status === 'retrying'
        ? h('button', { type: 'button', id: 'retry-entry', class: 'secondary', onclick: () => retryNow(entry, () => renderLogEntry(panel, id, true)) }, 'Retry now')
        : null),
    entry.kind === 'event' ? payloadSection(entry) : null,
    sameEvent.length > 1 ? sameEventSection(entry, sameEvent, names) : null,
    entry.kind === 'action' ? callsSection(entry.calls || []) : null);
  panel.querySelectorAll('details.call-body').forEach((d) => { d.open = opened.includes(d.dataset.index); });
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  if (live) {
    liveTimer = setTimeout(() => {
      if (panel.isConnected && location.hash === `#log/${encodeURIComponent(id)}`) renderLogEntry(panel, id, true);
    }, live);
  }
}

function ruleFact(ruleId, rule, names) {
  if (!rule) return [h('code', {}, ruleId), ' (deleted since)'];
  const tab = rule.scope === 'product' ? 'product-rules' : 'global-rules';
  const summary = `${actionName(rule.action)}${rule.tags && rule.tags.length ? ` (${rule.tags.join(', ')})` : ''} when ${names.triggerName(rule.trigger)}`
    + `${rule.scope === 'product' ? ` of ${productName(rule.product_id) || rule.product_id}` : ' of any product'}${rule.enabled === false ? ', disabled' : ''}`;
  return [h('a', { href: `#${tab}`, id: 'rule-link' }, summary), ' ', h('code', {}, ruleId)];
}

function payloadSection(entry) {
  return h('section', { class: 'card', id: 'event-payload-section', 'aria-labelledby': 'payload-title' },
    h('h3', { id: 'payload-title' }, 'Store payload'),
    entry.payload
      ? [h('p', { class: 'hint' }, 'As the engine stored it; anything that looks like a secret, token, password or signature shows as ***.'),
        h('pre', { id: 'event-payload', class: 'body' }, JSON.stringify(entry.payload, null, 2))]
      : h('p', { class: 'empty' }, entry.status === 'rejected' || entry.status === 'ignored' || entry.status === 'ping'
        ? 'Not stored: the engine did not accept this delivery as a store event.'
        : 'The stored event is not available.'));
}

function sameEventSection(entry, items, names) {
  const ordered = items.slice().reverse();
  return h('section', { class: 'card', id: 'same-event', 'aria-labelledby': 'same-event-title' },
    h('h3', { id: 'same-event-title' }, entry.kind === 'event' ? 'What this event produced' : 'Same store event'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data cards', id: 'event-entries' },
      h('caption', { class: 'visually-hidden' }, 'Entries of the same store event, oldest first'),
      h('thead', {}, h('tr', {}, ['Time', 'Kind', 'Status', 'What', 'Entry'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ordered.map((e) => h('tr', { class: e.id === entry.id ? 'current' : null, dataset: { id: e.id, kind: e.kind, status: e.status } },
        h('td', { 'data-label': 'Time' }, time(e.created_at)),
        h('td', { 'data-label': 'Kind' }, e.kind),
        h('td', { 'data-label': 'Status' }, badge(e.status)),
        h('td', { 'data-label': 'What' }, what(e, names)),
        h('td', { 'data-label': 'Entry', class: 'actions' }, e.id === entry.id
          ? h('span', { 'aria-current': 'true' }, 'this entry')
          : h('a', { href: `#log/${encodeURIComponent(e.id)}`, class: 'button secondary' }, 'Details'))))))));
}

function prettyBody(text) {
  if (text == null) return null;
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

function callsSection(calls) {
  const label = (c) => `${c.method} ${c.path} → ${c.status == null ? 'no answer' : c.status}`;
  return h('section', { id: 'calls-section' },
    h('h3', {}, 'HighLevel calls'),
    calls.length === 0 ? h('p', { class: 'empty' }, 'No call to HighLevel recorded for this entry.') : [
      h('div', { class: 'table-wrap' }, h('table', { class: 'data cards', id: 'log-calls' },
        h('thead', {}, h('tr', {}, ['At', 'Method', 'Path', 'Status', 'Latency', 'traceId', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, calls.map((c) => h('tr', { class: c.error || (c.status && c.status >= 400) ? 'failed-call' : '' },
          h('td', { 'data-label': 'At' }, time(c.at)), h('td', { 'data-label': 'Method' }, h('code', {}, c.method)),
          h('td', { 'data-label': 'Path' }, h('code', {}, c.path)),
          h('td', { 'data-label': 'Status' }, c.status == null ? 'no answer' : String(c.status)),
          h('td', { 'data-label': 'Latency' }, c.latency_ms == null ? '—' : `${c.latency_ms} ms`),
          h('td', { 'data-label': 'traceId' }, c.trace_id ? h('code', {}, c.trace_id) : '—'),
          h('td', { 'data-label': 'Error' }, c.error || '—')))))),
      h('div', { id: 'call-bodies' },
        h('p', { class: 'hint' }, 'Bodies only (never headers or tokens); long bodies are cut at 4,096 characters.'),
        calls.map((c, i) => h('details', { class: 'call-body', dataset: { index: String(i) } },
          h('summary', {}, `Call ${i + 1}: ${label(c)}`),
          h('h4', {}, 'Request body'),
          c.request_body == null ? h('p', { class: 'empty' }, 'No body.') : h('pre', { class: 'body request-body' }, prettyBody(c.request_body)),
          h('h4', {}, 'Response body'),
          c.response_body == null ? h('p', { class: 'empty' }, 'No body.') : h('pre', { class: 'body response-body' }, prettyBody(c.response_body)))))]);
}
