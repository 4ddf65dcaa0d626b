// The console's shell: sign-in (API key or operator token, then a marketplace), the tabs, and the
// hash routes (#overview, the first after sign-in, #integrations, #sources, #global-rules, #product-rules, #logs, #log/{id}).
import { api, session } from './api.js';
import { attempt, clear, clearErrors, h, notice } from './dom.js';
import { renderIntegrations } from './integrations.js';
import { renderSources } from './sources.js';
import { renderRules } from './rules.js';
import { renderLogs, renderLogEntry } from './logs.js';
import { renderOverview } from './overview.js';

const $ = (id) => document.getElementById(id);

function showSignIn() {
  $('workspace').hidden = true;
  $('account').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-form').hidden = !!session.token;
  $('pick-form').hidden = !session.token;
  if (session.token) loadMarketplaces();
  else $('token').focus();
}

async function loadMarketplaces() {
  const form = $('pick-form');
  const list = await attempt(() => api('GET', '/api/v1/marketplaces'), form);
  if (!list) {
    return;
  }
  const items = list.items || [];
  if (items.length === 1 && !session.marketplaceId && !form.dataset.switching) {
    session.pick(items[0]);
    if (!location.hash || location.hash === '#') location.hash = '#overview';
    route();
    return;
  }
  const select = clear($('marketplace'),
    items.map((m) => h('option', { value: m.id, selected: m.id === session.marketplaceId }, `${m.name} (${m.id})`)));
  if (items.length === 0) {
    clear($('pick-error'), 'No marketplace exists yet: create one with POST /api/v1/marketplaces (operator token).');
    $('pick-error').hidden = false;
  }
  form.items = items;
  select.focus();
}

async function signIn(event) {
  event.preventDefault();
  const form = $('sign-in-form');
  const token = $('token').value.trim();
  clearErrors(form);
  if (!token) {
    const box = $('sign-in-error');
    clear(box, 'Paste an API key or the operator token.');
    box.hidden = false;
    $('token').setAttribute('aria-invalid', 'true');
    $('token').classList.add('invalid');
    return;
  }
  const list = await attempt(() => api('GET', '/api/v1/marketplaces', undefined, token), form);
  if (!list) return;
  session.signIn(token);
  $('token').value = '';
  showSignIn();
}

function pick(event) {
  event.preventDefault();
  const form = $('pick-form');
  const chosen = (form.items || []).find((m) => m.id === $('marketplace').value);
  if (!chosen) return;
  delete form.dataset.switching;
  session.pick(chosen);
  if (!location.hash || location.hash === '#') location.hash = '#overview';
  route();
}

const TABS = {
  overview: (panel) => renderOverview(panel),
  integrations: (panel) => renderIntegrations(panel),
  sources: (panel) => renderSources(panel),
  'global-rules': (panel) => renderRules(panel, 'global'),
  'product-rules': (panel) => renderRules(panel, 'product'),
  logs: (panel) => renderLogs(panel),
};

function route() {
  if (!session.token || !session.marketplaceId) {
    showSignIn();
    return;
  }
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('account').hidden = false;
  clear($('current-marketplace'), 'Marketplace: ', h('strong', {}, session.marketplaceName || ''), ` (${session.marketplaceId})`);
  const hash = location.hash.replace(/^#/, '') || 'overview';
  const [name, arg] = hash.split('/');
  const tab = name === 'log' ? 'logs' : (TABS[name] ? name : 'overview');
  document.querySelectorAll('[role=tab]').forEach((t) => {
    const selected = t.id === `tab-${tab}`;
    t.setAttribute('aria-selected', String(selected));
    if (selected) t.setAttribute('aria-current', 'page'); else t.removeAttribute('aria-current');
  });
  const panel = $('panel');
  panel.setAttribute('aria-labelledby', `tab-${tab}`);
  clearErrors();
  if (name === 'log' && arg) renderLogEntry(panel, decodeURIComponent(arg));
  else TABS[tab](panel);
}

window.addEventListener('hashchange', () => { notice(''); route(); });
document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', signIn);
  $('pick-form').addEventListener('submit', pick);
  $('sign-out').addEventListener('click', () => { session.signOut(); notice(''); showSignIn(); });
  $('switch-marketplace').addEventListener('click', () => {
    session.forgetMarketplace();
    $('pick-form').dataset.switching = 'yes';
    showSignIn();
  });
  route();
});
