// The Store connections tab (spec §3a): the marketplace's sources (one per store whose own webhook
// posts to the engine), New store connection → platform, name, signing secret (where the platform
// signs) → the webhook URL shown once with the platform's set-up steps; Rename, Set signing secret,
// Rotate key (a new URL, shown once), Delete. A signing secret is only ever typed, never shown.
// Above them, the marketplace's own Standard Webhooks endpoint (spec §3): its URL, its secret (shown
// at create and rotate only: the API cannot read it back), Rotate secret, the last delivery received
// and the deliveries refused for their signature (counted, not logged).
import { api, mp } from './api.js';
import { attempt, clear, confirmDialog, field, formError, h, notice, time } from './dom.js';

export async function renderSources(panel) {
  const endpoint = h('section', { id: 'endpoint', class: 'card', 'aria-labelledby': 'endpoint-title', 'aria-busy': 'true' },
    h('h3', { id: 'endpoint-title' }, 'Your webhook endpoint (Standard Webhooks)'), 'Loading…');
  const list = h('div', { id: 'sources-list', 'aria-busy': 'true' }, 'Loading store connections…');
  const result = h('div', { id: 'source-result' });
  const creator = h('div', { id: 'new-source' });
  const newButton = h('button', { type: 'button', id: 'new-source-button', disabled: true }, 'New store connection');
  clear(panel,
    h('h2', {}, 'Store connections'),
    endpoint,
    h('div', { class: 'panel-head' }, h('h3', {}, 'Store platforms'), newButton),
    h('p', { class: 'lead' }, 'Stores whose own webhooks (SamCart, Stripe, WooCommerce, ThriveCart, Shopify) post to this engine. '
      + 'Each connection has its own webhook URL to paste into the store.'),
    creator, result, list);
  renderEndpoint(endpoint);
  const platforms = await attempt(() => api('GET', '/api/v1/platforms').then((r) => r.items || []));
  const ctx = { list, result, platforms: new Map((platforms || []).map((p) => [p.id, p])) };
  ctx.reload = () => load(ctx);
  if (platforms && platforms.length > 0) {
    newButton.disabled = false;
    newButton.addEventListener('click', () => showCreate(creator, ctx));
  } else if (platforms) {
    newButton.title = 'This engine has no store platform yet';
  }
  await load(ctx);
}

const platformName = (ctx, id) => (ctx.platforms.get(id) || {}).name || id;
const signs = (ctx, id) => !!(ctx.platforms.get(id) || {}).signs;

async function load(ctx) {
  const { list } = ctx;
  const data = await attempt(() => api('GET', mp('/sources')));
  list.removeAttribute('aria-busy');
  if (!data) { clear(list, 'The store connections could not be loaded (see the message above).'); return; }
  const items = data.items || [];
  if (items.length === 0) {
    clear(list, h('p', { class: 'empty' }, 'No store connection yet. Choose “New store connection” to receive a store’s own webhooks.'));
    return;
  }
  clear(list, h('div', { class: 'table-wrap' }, h('table', { class: 'data cards', id: 'sources-table' },
    h('caption', { class: 'visually-hidden' }, 'Store connections'),
    h('thead', {}, h('tr', {}, ['Name', 'Platform', 'Last delivery received', 'Signing secret', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((s) => row(s, ctx))))));
}

function secretState(source, ctx) {
  if (!signs(ctx, source.platform)) return h('span', { class: 'hint' }, 'not needed (the URL’s key is the credential)');
  return source.has_signing_secret
    ? h('span', { class: 'badge badge-set', dataset: { status: 'set' } }, 'set')
    : [h('span', { class: 'badge badge-not_set', dataset: { status: 'not_set' } }, 'not set'),
      h('small', { class: 'reason' }, 'deliveries are refused until it is set')];
}

function row(source, ctx) {
  const tr = h('tr', { dataset: { id: source.id, name: source.name, platform: source.platform } },
    h('td', { class: 'name', 'data-label': 'Name' }, source.name),
    h('td', { 'data-label': 'Platform' }, platformName(ctx, source.platform)),
    h('td', { class: 'last-event', 'data-label': 'Last delivery received' }, source.last_event_at ? time(source.last_event_at) : h('span', { class: 'empty' }, 'never'),
      source.refused_count > 0
        ? h('div', { class: 'refused', title: 'Deliveries refused for a wrong URL key or a signature that does not verify (not in the log)' },
            `${source.refused_count} refused, last `, time(source.last_refused_at))
        : null),
    h('td', { class: 'secret', 'data-label': 'Signing secret' }, secretState(source, ctx)),
    h('td', { class: 'actions' },
      h('button', { type: 'button', class: 'rename secondary', onclick: () => rename(tr, source, ctx) }, 'Rename'),
      signs(ctx, source.platform)
        ? h('button', { type: 'button', class: 'set-secret secondary', onclick: () => setSecret(tr, source, ctx) }, 'Set signing secret')
        : null,
      h('button', { type: 'button', class: 'rotate secondary', onclick: () => rotate(source, ctx) }, 'Rotate key'),
      h('button', { type: 'button', class: 'delete danger', onclick: () => remove(source, ctx) }, 'Delete')));
  return tr;
}

function secretInput(id, label) {
  // type=password, never pre-filled: a saved secret is never sent back, so there is nothing to show.
  return h('input', { id, type: 'password', 'data-field': 'signing_secret', autocomplete: 'off', spellcheck: 'false', maxlength: '500', 'aria-label': label });
}

function showCreate(container, ctx) {
  const platform = h('select', { id: 'source-platform', name: 'platform', 'data-field': 'platform', required: true },
    h('option', { value: '' }, 'Choose the store platform…'),
    [...ctx.platforms.values()].map((p) => h('option', { value: p.id }, p.name)));
  const name = h('input', { id: 'source-name', name: 'name', required: true, maxlength: '100', 'data-field': 'name', autocomplete: 'off' });
  const secret = secretInput('source-secret');
  const secretField = field('Signing secret (optional now)', secret,
    'The platform’s own webhook secret (Stripe “whsec_…”, WooCommerce’s secret, Shopify’s app secret, ThriveCart’s secret word). '
    + 'You can set it later; until then its deliveries are refused. It is stored encrypted and never shown again.');
  secret.removeAttribute('aria-label');
  secret.setAttribute('aria-describedby', 'source-secret-hint');
  secretField.hidden = true;
  platform.addEventListener('change', () => {
    secretField.hidden = !signs(ctx, platform.value);
    if (secretField.hidden) secret.value = '';
  });
  const form = h('form', { id: 'new-source-form', class: 'card', novalidate: true },
    h('h3', {}, 'New store connection'),
    field('Platform', platform),
    field('Name', name, 'A name you will recognise in the logs, e.g. “Main Stripe account”.'),
    secretField,
    formError('new-source-error'),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'create-source' }, 'Create and show the webhook URL'),
      h('button', { type: 'button', class: 'secondary', onclick: () => clear(container) }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { platform: platform.value, name: name.value };
    if (signs(ctx, platform.value) && secret.value.trim()) body.signing_secret = secret.value.trim();
    const created = await attempt(() => api('POST', mp('/sources'), body), form);
    secret.value = '';
    if (!created) return;
    clear(container);
    notice(`Store connection “${created.name}” created.`);
    await ctx.reload();
    showUrl(ctx, created, `Webhook URL of “${created.name}”`);
  });
  clear(ctx.result);
  clear(container, form);
  platform.focus();
}

/** The webhook URL, shown this once (after create or rotate-key), with Copy and the platform's steps. */
function showUrl(ctx, source, title) {
  const p = ctx.platforms.get(source.platform) || { name: source.platform, setup_steps: [] };
  const { row: urlRow, status: copied } = copyRow('webhook-url', source.webhook_url || '', 'webhook-url-warning');
  const steps = p.setup_steps || [];
  const card = h('section', { class: 'card once', id: 'webhook-url-card', 'aria-labelledby': 'webhook-url-title', tabindex: '-1' },
    h('h3', { id: 'webhook-url-title' }, title),
    h('div', { class: 'field' }, h('label', { for: 'webhook-url' }, 'Webhook URL'), urlRow),
    copied,
    h('p', { class: 'warning', id: 'webhook-url-warning' },
      h('strong', {}, 'It will not be shown again. '),
      `Copy it now and paste it into ${p.name}. If you lose it, use “Rotate key” to get a new URL (the old one then stops working).`),
    steps.length ? [h('h4', {}, `Set it up in ${p.name}`), h('ol', { id: 'setup-steps', class: 'setup-steps' }, steps.map((s) => h('li', {}, s)))] : null,
    signs(ctx, source.platform) && !source.has_signing_secret
      ? h('p', { class: 'hint', id: 'secret-reminder' }, `${p.name} signs its deliveries: set its signing secret on this connection (“Set signing secret”), or they are refused.`)
      : null,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'secondary', id: 'webhook-url-done', onclick: () => clear(ctx.result) }, 'Done, I have copied it')));
  clear(ctx.result, card);
  card.focus();
  card.querySelector('#webhook-url').select();
}

/**
 * A read-only value with a Copy button (the clipboard where the page may use it, else the value is
 * selected for Ctrl+C) and a polite status line: ids `{id}`, `copy-{id}` and, for the first one on the
 * page, `copy-status` (the store connection's URL keeps its ids).
 */
function copyRow(id, value, describedBy) {
  const input = h('input', { id, type: 'text', readonly: true, value, spellcheck: 'false', 'aria-describedby': describedBy });
  const status = h('span', { id: id === 'webhook-url' ? 'copy-status' : `${id}-copy-status`, role: 'status', 'aria-live': 'polite', class: 'hint' });
  const copy = h('button', { type: 'button', id: `copy-${id}`, class: 'copy' }, 'Copy');
  input.addEventListener('focus', () => input.select());
  copy.addEventListener('click', async () => {
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
      await navigator.clipboard.writeText(input.value);
      clear(status, 'Copied to the clipboard.');
    } catch {
      input.focus();
      input.select();
      clear(status, 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  });
  return { row: h('div', { class: 'copy-row' }, input, copy), status };
}

// ---- the marketplace's own endpoint (spec §3) --------------------------------------------------

async function renderEndpoint(section) {
  const m = await attempt(() => api('GET', mp('')));
  section.removeAttribute('aria-busy');
  const title = section.querySelector('h3');
  if (!m) { clear(section, title, 'The endpoint could not be loaded (see the message above).'); return; }
  const { row: urlRow, status } = copyRow('endpoint-url', m.webhook_url || '', 'endpoint-hint');
  const secretOnce = h('div', { id: 'endpoint-secret-once' });
  clear(section, title,
    h('p', { class: 'hint', id: 'endpoint-hint' },
      'For a store, or your own shop’s code, that sends events in this engine’s own format, signed the Standard Webhooks way: '
      + 'it posts them to this URL and signs them with this marketplace’s webhook secret.'),
    h('div', { class: 'field' }, h('label', { for: 'endpoint-url' }, 'Webhook URL'), urlRow),
    status,
    h('dl', { class: 'facts' },
      h('dt', {}, 'Webhook secret'),
      h('dd', { id: 'endpoint-secret' },
        'Shown only when the marketplace is created and when you rotate it: the engine keeps it encrypted and cannot show it again. '
        + 'Use the one you saved then (or find it where you pasted it in your store); '
        + 'lost it? Rotate it and paste the new one into your store.',
        m.previous_secret_expires_at ? h('small', { class: 'reason', id: 'endpoint-previous' }, 'The secret it replaced is still accepted until ', time(m.previous_secret_expires_at), '.') : null),
      h('dt', {}, 'Last delivery received'),
      h('dd', { id: 'endpoint-last-event' }, m.last_event_at ? time(m.last_event_at) : h('span', { class: 'empty' }, 'never')),
      h('dt', {}, 'Refused deliveries'),
      h('dd', { id: 'endpoint-refused' }, m.refused_count > 0
        ? h('span', { class: 'refused' }, `${m.refused_count} refused for a missing or wrong signature or an old timestamp (not in the log), last `, time(m.last_refused_at),
          '. Check that your store signs with the current secret and a correct clock.')
        : 'none')),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', id: 'rotate-secret', class: 'secondary', onclick: () => rotateSecret(m, section) }, 'Rotate secret')),
    secretOnce);
}

async function rotateSecret(m, section) {
  const ok = await confirmDialog('Rotate the webhook secret?',
    'A new secret is issued and shown once. The current one keeps working for 24 hours, so your store has a day to switch to the new one; after that its deliveries signed with the old secret are refused.',
    'Rotate secret');
  if (!ok) return;
  const rotated = await attempt(() => api('POST', mp('/rotate-secret')));
  if (!rotated) return;
  const hours = rotated.previous_secret_valid_for_hours || 24;
  notice(`New webhook secret issued: the previous one stays valid for ${hours} hours.`);
  await renderEndpoint(section);
  const { row, status } = copyRow('new-secret', rotated.webhook_secret, 'new-secret-warning');
  const card = h('section', { class: 'card once secret-once', id: 'new-secret-card', 'aria-labelledby': 'new-secret-title', tabindex: '-1' },
    h('h4', { id: 'new-secret-title' }, 'New webhook secret'),
    h('div', { class: 'field' }, h('label', { for: 'new-secret' }, 'Webhook secret'), row),
    status,
    h('p', { class: 'warning', id: 'new-secret-warning' },
      h('strong', {}, 'It will not be shown again. '),
      `Copy it now and paste it into your store. The previous secret keeps working for ${hours} hours, then only this one does.`),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'secondary', id: 'new-secret-done', onclick: () => card.remove() }, 'Done, I have copied it')));
  clear(section.querySelector('#endpoint-secret-once'), card);
  card.focus();
}

function rename(tr, source, ctx) {
  const cell = tr.querySelector('td.name');
  const input = h('input', { id: `rename-${source.id}`, value: source.name, 'data-field': 'name', maxlength: '100', 'aria-label': `New name for ${source.name}` });
  const form = h('form', { class: 'inline rename-form', novalidate: true },
    input,
    h('button', { type: 'submit', class: 'save' }, 'Save'),
    h('button', { type: 'button', class: 'secondary', onclick: ctx.reload }, 'Cancel'),
    formError(`rename-error-${source.id}`));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const saved = await attempt(() => api('PATCH', mp(`/sources/${encodeURIComponent(source.id)}`), { name: input.value }), form);
    if (saved) { notice(`Renamed to “${saved.name}”.`); ctx.reload(); }
  });
  clear(cell, form);
  input.select();
}

function setSecret(tr, source, ctx) {
  const cell = tr.querySelector('td.secret');
  const input = secretInput(`secret-${source.id}`, `Signing secret of ${source.name}`);
  const form = h('form', { class: 'inline secret-form', novalidate: true },
    input,
    h('button', { type: 'submit', class: 'save' }, 'Save'),
    h('button', { type: 'button', class: 'secondary', onclick: ctx.reload }, 'Cancel'),
    h('small', { class: 'hint' }, source.has_signing_secret ? 'Replaces the saved secret, which is never shown.' : 'Stored encrypted, never shown again.'),
    formError(`secret-error-${source.id}`));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) {
      input.setAttribute('aria-invalid', 'true');
      input.classList.add('invalid');
      const box = form.querySelector('.form-error');
      clear(box, 'Paste the platform’s signing secret.');
      box.hidden = false;
      input.focus();
      return;
    }
    const saved = await attempt(() => api('PATCH', mp(`/sources/${encodeURIComponent(source.id)}`), { signing_secret: value }), form);
    input.value = '';
    if (saved) { notice(`Signing secret of “${saved.name}” saved.`); ctx.reload(); }
  });
  clear(cell, form);
  input.focus();
}

async function rotate(source, ctx) {
  const p = platformName(ctx, source.platform);
  const ok = await confirmDialog(`Rotate the key of “${source.name}”?`,
    `Its current webhook URL stops working at once: ${p}’s deliveries to it are refused until you paste the new URL into ${p}. The new URL is shown once.`,
    'Rotate key');
  if (!ok) return;
  const rotated = await attempt(() => api('POST', mp(`/sources/${encodeURIComponent(source.id)}/rotate-key`)));
  if (!rotated) return;
  notice(`New key for “${rotated.name}”: the old webhook URL no longer works.`);
  await ctx.reload();
  showUrl(ctx, rotated, `New webhook URL of “${rotated.name}”`);
}

async function remove(source, ctx) {
  const p = platformName(ctx, source.platform);
  const ok = await confirmDialog(`Delete “${source.name}”?`,
    `Its webhook URL stops working: ${p}’s deliveries to it are refused from now on. Its entries in the log stay. This cannot be undone.`,
    'Delete store connection');
  if (!ok) return;
  const done = await attempt(() => api('DELETE', mp(`/sources/${encodeURIComponent(source.id)}`)));
  if (done !== undefined) { notice(`Deleted “${source.name}”.`); clear(ctx.result); ctx.reload(); }
}
