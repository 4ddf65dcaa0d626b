// The Integrations tab (spec §6): list with status badges; New Integration → name → Connect with
// OAuth (the browser goes to HighLevel's authorize_url and comes back through the callback page);
// Edit (rename), Refresh (Reconnect when HighLevel wants a new authorization), Delete.
// #integrations/{id} (where the OAuth callback page returns) marks that integration's row and says
// how its connection went.
import { api, mp } from './api.js';
import { attempt, badge, clear, confirmDialog, field, formError, h, notice, time } from './dom.js';

export async function renderIntegrations(panel, returnedTo) {
  const list = h('div', { id: 'integrations-list', 'aria-busy': 'true' }, 'Loading integrations…');
  const result = h('div', { id: 'refresh-result', role: 'status', 'aria-live': 'polite' });
  const creator = h('div', { id: 'new-integration' });
  clear(panel,
    h('div', { class: 'panel-head' },
      h('h2', {}, 'Integrations'),
      h('button', { type: 'button', id: 'new-integration-button', onclick: () => showCreate(creator) }, 'New Integration')),
    h('p', { class: 'lead' }, 'HighLevel sub-accounts (locations) this marketplace sends contacts and tags to.'),
    creator, result, list);
  await load(list, result);
  if (returnedTo) showReturn(list, returnedTo);
}

/** Back from HighLevel's OAuth pages: the integration's row, marked, and its outcome in the notice. */
function showReturn(list, id) {
  history.replaceState(null, '', '#integrations'); // a reload does not say it again
  const tr = [...list.querySelectorAll('tr[data-id]')].find((r) => r.dataset.id === id);
  if (!tr) return;
  tr.classList.add('highlight');
  const integration = tr.integration;
  notice(integration.status === 'connected'
    ? `“${integration.name}” is connected to HighLevel${integration.location_name ? ` (${integration.location_name})` : integration.location_id ? ` (location ${integration.location_id})` : ''}.`
    : `“${integration.name}” is not connected yet${integration.status_reason ? `: ${integration.status_reason}` : ''}. Use “${integration.status === 'pending' ? 'Connect with OAuth' : 'Reconnect'}” to try again.`);
  tr.scrollIntoView({ block: 'center' });
}

async function load(list, result) {
  const data = await attempt(() => api('GET', mp('/integrations')));
  list.removeAttribute('aria-busy');
  if (!data) { clear(list, 'The integrations could not be loaded (see the message above).'); return; }
  const items = data.items || [];
  if (items.length === 0) {
    clear(list, h('p', { class: 'empty' }, 'No integration yet. Choose “New Integration” to connect a HighLevel location.'));
    return;
  }
  clear(list, h('table', { class: 'data cards', id: 'integrations-table' },
    h('caption', { class: 'visually-hidden' }, 'Integrations'),
    h('thead', {}, h('tr', {}, ['Name', 'Status', 'Location', 'Connected', 'Token expires', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((i) => row(i, list, result)))));
}

function row(integration, list, result) {
  const reload = () => load(list, result);
  const tr = h('tr', { dataset: { id: integration.id, name: integration.name } },
    h('td', { class: 'name', 'data-label': 'Name' }, integration.name),
    h('td', { 'data-label': 'Status' }, badge(integration.status), integration.status_reason ? h('small', { class: 'reason' }, integration.status_reason) : null),
    h('td', { 'data-label': 'Location' }, integration.location_name || integration.location_id || '—',
      integration.location_name && integration.location_id ? h('small', { class: 'reason id' }, integration.location_id) : null),
    h('td', { 'data-label': 'Connected' }, time(integration.connected_at)),
    h('td', { 'data-label': 'Token expires' }, time(integration.token_expires_at)),
    h('td', { class: 'actions' },
      integration.status !== 'connected'
        ? h('button', { type: 'button', class: 'connect', onclick: () => connect(integration) }, integration.status === 'pending' ? 'Connect with OAuth' : 'Reconnect')
        : null,
      h('button', { type: 'button', class: 'edit secondary', onclick: () => edit(tr, integration, reload) }, 'Edit'),
      h('button', { type: 'button', class: 'refresh secondary', onclick: () => refresh(integration, result, reload) }, 'Refresh'),
      h('button', { type: 'button', class: 'delete danger', onclick: () => remove(integration, reload) }, 'Delete')));
  tr.integration = integration;
  return tr;
}

function showCreate(container) {
  const name = h('input', { id: 'integration-name', name: 'name', required: true, maxlength: '100', 'data-field': 'name', autocomplete: 'off' });
  const form = h('form', { id: 'new-integration-form', class: 'card', novalidate: true },
    h('h3', {}, 'New Integration'),
    field('Name', name, 'A name you will recognise in rules and logs, e.g. “Main HighLevel”.'),
    formError('new-integration-error'),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'connect-oauth' }, 'Connect with OAuth'),
      h('button', { type: 'button', class: 'secondary', onclick: () => clear(container) }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const created = await attempt(() => api('POST', mp('/integrations'), { name: name.value }), form);
    if (created && created.authorize_url) {
      notice(`Integration “${created.name}” created; opening HighLevel to connect it…`);
      window.location.assign(created.authorize_url);
    }
  });
  clear(container, form);
  name.focus();
}

async function connect(integration) {
  const answer = await attempt(() => api('POST', mp(`/integrations/${encodeURIComponent(integration.id)}/connect`)));
  if (answer && answer.authorize_url) window.location.assign(answer.authorize_url);
}

function edit(tr, integration, reload) {
  const cell = tr.querySelector('td.name');
  const input = h('input', { id: `rename-${integration.id}`, value: integration.name, 'data-field': 'name', maxlength: '100', 'aria-label': `New name for ${integration.name}` });
  const form = h('form', { class: 'inline rename-form', novalidate: true },
    input,
    h('button', { type: 'submit', class: 'save' }, 'Save'),
    h('button', { type: 'button', class: 'secondary', onclick: reload }, 'Cancel'),
    formError(`rename-error-${integration.id}`));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const saved = await attempt(() => api('PATCH', mp(`/integrations/${encodeURIComponent(integration.id)}`), { name: input.value }), form);
    if (saved) { notice(`Renamed to “${saved.name}”.`); reload(); }
  });
  clear(cell, form);
  input.select();
}

async function refresh(integration, result, reload) {
  clear(result, `Refreshing “${integration.name}”…`);
  const answer = await attempt(() => api('POST', mp(`/integrations/${encodeURIComponent(integration.id)}/refresh`)));
  if (!answer) { clear(result); return; }
  const parts = [h('strong', {}, answer.name), ': ', badge(answer.status)];
  if (answer.status === 'connected') {
    parts.push(' — token refreshed', answer.token_expires_at ? [', valid until ', time(answer.token_expires_at)] : '', '.');
  } else if (answer.status_reason) {
    parts.push(` — ${answer.status_reason}`);
  }
  if (answer.authorize_url) {
    parts.push(' HighLevel needs a new authorization. ',
      h('a', { class: 'button', id: 'reconnect', href: answer.authorize_url }, 'Reconnect'));
  }
  await reload();
  clear(result, h('p', { class: 'card result' }, parts));
}

async function remove(integration, reload) {
  const ok = await confirmDialog(`Delete “${integration.name}”?`,
    `This removes the integration and its HighLevel tokens. Every rule that uses “${integration.name}” is deleted with it, and its waiting actions end as canceled in the log. This cannot be undone.`,
    'Delete integration and its rules');
  if (!ok) return;
  const done = await attempt(() => api('DELETE', mp(`/integrations/${encodeURIComponent(integration.id)}`)));
  if (done !== undefined) { notice(`Deleted “${integration.name}” and its rules.`); reload(); }
}
