// The Global Rules and Product rules tabs (spec §4): when TRIGGER happens (for a product, or any
// product), do ACTION in INTEGRATION. New Rule in steps (integration, action, trigger category and
// trigger, tags, product), a list with edit, enable/disable, delete and a dry-run Test.
import { api, mp, query } from './api.js';
import { attempt, badge, clear, clearErrors, confirmDialog, field, formError, h, notice } from './dom.js';
import { SAMPLES, sampleFor } from './samples.js';

export const ACTIONS = [
  { id: 'create_contact', name: 'Create contact' },
  { id: 'add_tags', name: 'Add tags' },
  { id: 'remove_tags', name: 'Remove tags' },
];

const actionName = (id) => (ACTIONS.find((a) => a.id === id) || { name: id }).name;

export async function loadCatalog() {
  const [triggers, integrations, products] = await Promise.all([
    api('GET', '/api/v1/triggers').then((r) => r.items || []),
    api('GET', mp('/integrations')).then((r) => r.items || []),
    api('GET', mp('/products')).then((r) => r.items || []).catch(() => []),
  ]);
  return { triggers, integrations, products };
}

export async function renderRules(panel, scope) {
  const product = scope === 'product';
  const title = product ? 'Product rules' : 'Global Rules';
  const list = h('div', { id: 'rules-list', 'aria-busy': 'true' }, 'Loading rules…');
  const editor = h('div', { id: 'rule-editor' });
  const tester = h('div', { id: 'rule-tester' });
  const filter = product ? h('input', { id: 'rules-product-filter', list: 'products-list', placeholder: 'all products', 'aria-label': 'Show the rules of product' }) : null;
  const products = h('datalist', { id: 'products-list' });
  const newButton = h('button', { type: 'button', id: 'new-rule-button', disabled: true }, 'New Rule');
  clear(panel,
    h('div', { class: 'panel-head' }, h('h2', {}, title), newButton),
    h('p', { class: 'lead' }, product
      ? 'Rules that fire only for one product (a subscription’s product, or a course).'
      : 'Rules that fire for every product.'),
    products,
    product ? h('form', { class: 'inline filter', onsubmit: (e) => { e.preventDefault(); reload(); } },
      h('label', { for: 'rules-product-filter' }, 'Product'), filter,
      h('button', { type: 'submit', class: 'secondary' }, 'Show')) : null,
    editor, tester, list);

  const catalog = await attempt(loadCatalog);
  list.removeAttribute('aria-busy');
  if (!catalog) { clear(list, 'Rules cannot be shown until the message above is resolved.'); return; }
  clear(products, catalog.products.map((p) => h('option', { value: p.product_id }, p.product_name || p.product_id)));
  const ctx = { scope, catalog, editor, tester, list };
  const reload = () => loadRules(ctx, filter ? filter.value.trim() : '');
  ctx.reload = reload;
  newButton.disabled = false;
  newButton.addEventListener('click', () => showEditor(ctx, null));
  await reload();
}

async function loadRules(ctx, productId) {
  const { scope, catalog, list } = ctx;
  const data = await attempt(() => api('GET', mp(`/rules${query({ scope, product_id: productId })}`)));
  if (!data) { clear(list, 'The rules could not be loaded (see the message above).'); return; }
  const items = (data.items || []).filter((r) => r.scope === scope);
  if (items.length === 0) {
    clear(list, h('p', { class: 'empty' }, scope === 'product'
      ? 'No product rule yet. Choose “New Rule” to add one.'
      : 'No global rule yet. Choose “New Rule” to add one.'));
    return;
  }
  items.sort((a, b) => (a.product_id || '').localeCompare(b.product_id || '') || a.created_at.localeCompare(b.created_at));
  const triggerName = (id) => (catalog.triggers.find((t) => t.id === id) || { display_name: id }).display_name;
  const integrationName = (id) => (catalog.integrations.find((i) => i.id === id) || { name: id }).name;
  const productName = (id) => (catalog.products.find((p) => p.product_id === id) || {}).product_name;
  const head = ['When', scope === 'product' ? 'Product' : null, 'Do', 'In', 'Tags', 'Enabled', 'Actions'].filter(Boolean);
  clear(list, h('table', { class: 'data cards', id: 'rules-table' },
    h('caption', { class: 'visually-hidden' }, scope === 'product' ? 'Product rules' : 'Global rules'),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((rule) => {
      const integration = catalog.integrations.find((i) => i.id === rule.integration_id);
      const toggle = h('input', { type: 'checkbox', class: 'toggle', checked: rule.enabled, 'aria-label': `Enabled: ${triggerName(rule.trigger)} → ${actionName(rule.action)}` });
      const state = h('span', {}, rule.enabled ? 'on' : 'off');
      toggle.addEventListener('change', async () => {
        const saved = await attempt(() => api('PATCH', mp(`/rules/${encodeURIComponent(rule.id)}`), { enabled: toggle.checked }));
        if (saved) {
          rule.enabled = saved.enabled;
          notice(`Rule ${saved.enabled ? 'enabled' : 'disabled'}.`);
        } else {
          toggle.checked = !toggle.checked;
        }
        clear(state, toggle.checked ? 'on' : 'off');
      });
      return h('tr', { dataset: { id: rule.id, trigger: rule.trigger, product: rule.product_id || '' } },
        h('td', { 'data-label': 'When' }, triggerName(rule.trigger)),
        scope === 'product' ? h('td', { 'data-label': 'Product' }, productName(rule.product_id) ? `${productName(rule.product_id)} ` : '', h('code', {}, rule.product_id)) : null,
        h('td', { 'data-label': 'Do' }, actionName(rule.action)),
        h('td', { 'data-label': 'In' }, integrationName(rule.integration_id), ' ', integration && integration.status !== 'connected' ? badge(integration.status) : null),
        h('td', { 'data-label': 'Tags' }, (rule.tags || []).map((t) => h('span', { class: 'tag' }, t))),
        h('td', { 'data-label': 'Enabled' }, h('label', { class: 'switch' }, toggle, state)),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'edit secondary', onclick: () => showEditor(ctx, rule) }, 'Edit'),
          h('button', { type: 'button', class: 'test secondary', onclick: () => showTester(ctx, rule) }, 'Test'),
          h('button', { type: 'button', class: 'delete danger', onclick: () => remove(ctx, rule, triggerName(rule.trigger)) }, 'Delete')));
    }))));
}

function showEditor(ctx, rule) {
  const { scope, catalog, editor } = ctx;
  clear(ctx.tester);
  const categories = [...new Set(catalog.triggers.map((t) => t.category))];
  const current = rule ? catalog.triggers.find((t) => t.id === rule.trigger) : null;
  const integration = h('select', { id: 'rule-integration', 'data-field': 'integration_id', required: true },
    h('option', { value: '' }, catalog.integrations.length ? '— choose an integration —' : '— no integration yet: add one on the Integrations tab —'),
    catalog.integrations.map((i) => h('option', { value: i.id, selected: rule && rule.integration_id === i.id }, `${i.name} (${i.status})`)));
  const action = h('select', { id: 'rule-action', 'data-field': 'action', required: true },
    ACTIONS.map((a) => h('option', { value: a.id, selected: rule ? rule.action === a.id : a.id === 'add_tags' }, a.name)));
  const category = h('select', { id: 'rule-category', 'data-field': 'category' },
    categories.map((c) => h('option', { value: c, selected: current ? current.category === c : false }, c === 'ecommerce' ? 'E-commerce' : c.charAt(0).toUpperCase() + c.slice(1))));
  const trigger = h('select', { id: 'rule-trigger', 'data-field': 'trigger', required: true });
  const fillTriggers = () => clear(trigger, catalog.triggers.filter((t) => t.category === category.value)
    .map((t) => h('option', { value: t.id, selected: rule && rule.trigger === t.id }, t.display_name)));
  category.addEventListener('change', fillTriggers);
  fillTriggers();
  const tags = h('textarea', { id: 'rule-tags', 'data-field': 'tags', rows: '3', 'aria-describedby': 'rule-tags-hint' });
  tags.value = rule ? (rule.tags || []).join('\n') : '';
  const product = scope === 'product'
    ? h('input', { id: 'rule-product', 'data-field': 'product_id', list: 'products-list', required: true, autocomplete: 'off', value: rule ? rule.product_id : '' })
    : null;
  const tagsHint = () => (action.value === 'create_contact'
    ? 'Optional for Create contact: added right after the contact is created. One per line or comma-separated.'
    : 'Required: 1 to 20 tags, one per line or comma-separated.');
  const hint = h('small', { class: 'hint', id: 'rule-tags-hint' }, tagsHint());
  action.addEventListener('change', () => clear(hint, tagsHint()));
  const enabled = h('input', { type: 'checkbox', id: 'rule-enabled', checked: rule ? rule.enabled : true, 'data-field': 'enabled' });
  const form = h('form', { id: 'rule-form', class: 'card steps', novalidate: true },
    h('h3', {}, rule ? 'Edit rule' : (scope === 'product' ? 'New product rule' : 'New global rule')),
    h('fieldset', {}, h('legend', {}, '1. Integration and action'),
      field('HighLevel integration', integration),
      field('Action', action)),
    h('fieldset', {}, h('legend', {}, '2. Trigger'),
      field('Trigger category', category),
      field('Trigger', trigger),
      product ? field('Product', product, 'Pick a product seen in store events, or type its id (a subscription’s product_id, or a course id).') : null),
    h('fieldset', {}, h('legend', {}, '3. Tags'),
      h('div', { class: 'field' }, h('label', { for: 'rule-tags' }, 'Tags'), tags, hint),
      h('div', { class: 'field checkbox' }, enabled, h('label', { for: 'rule-enabled' }, 'Enabled'))),
    formError('rule-error'),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'save-rule' }, rule ? 'Save rule' : 'Create rule'),
      h('button', { type: 'button', class: 'secondary', onclick: () => clear(editor) }, 'Cancel')));
  // an error answered for the old choice of action or trigger no longer applies once it changes
  [action, trigger, integration].forEach((control) => control.addEventListener('change', () => clearErrors(form)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      scope,
      trigger: trigger.value || null,
      integration_id: integration.value || null,
      action: action.value,
      tags: tags.value.split(/[\n,]/).map((t) => t.trim()).filter(Boolean),
      enabled: enabled.checked,
    };
    if (product) body.product_id = product.value.trim() || null;
    const saved = await attempt(() => (rule
      ? api('PUT', mp(`/rules/${encodeURIComponent(rule.id)}`), body)
      : api('POST', mp('/rules'), body)), form);
    if (saved) {
      clear(editor);
      notice(rule ? 'Rule saved.' : 'Rule created.');
      ctx.reload();
    }
  });
  clear(editor, form);
  integration.focus();
}

function showTester(ctx, rule) {
  const { tester } = ctx;
  clear(ctx.editor);
  const sample = h('select', { id: 'test-sample', 'aria-label': 'Sample store event' },
    h('option', { value: '' }, 'Sample for this rule’s trigger'),
    Object.keys(SAMPLES).map((type) => h('option', { value: type }, type)));
  const event = h('textarea', { id: 'test-event', rows: '12', spellcheck: 'false', 'data-field': 'event', class: 'code' });
  const fill = () => {
    const value = sample.value ? SAMPLES[sample.value](rule.product_id || 'prod_sample') : sampleFor(rule.trigger, rule.product_id);
    event.value = JSON.stringify(value, null, 2);
  };
  sample.addEventListener('change', fill);
  fill();
  const output = h('div', { id: 'test-result', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { id: 'rule-test-form', class: 'card', novalidate: true },
    h('h3', {}, 'Test rule (dry run: calls nothing, stores nothing)'),
    h('div', { class: 'field' }, h('label', { for: 'test-sample' }, 'Pick a sample'), sample),
    h('div', { class: 'field' }, h('label', { for: 'test-event' }, 'Store event (JSON, as the store would POST it)'), event),
    formError('rule-test-error'),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'run-test' }, 'Run test'),
      h('button', { type: 'button', class: 'secondary', onclick: () => clear(tester) }, 'Close')),
    output);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let body;
    try {
      body = JSON.parse(event.value);
    } catch (err) {
      const box = form.querySelector('.form-error');
      clear(box, `The store event is not valid JSON: ${err.message}`);
      box.hidden = false;
      event.setAttribute('aria-invalid', 'true');
      return;
    }
    const result = await attempt(() => api('POST', mp(`/rules/${encodeURIComponent(rule.id)}/test`), body), form);
    if (result) showResult(output, result);
  });
  clear(tester, form);
  event.focus();
}

function showResult(output, result) {
  const triggers = result.triggers || [];
  const calls = result.calls || [];
  clear(output,
    h('h4', {}, 'Derived triggers'),
    triggers.length === 0 ? h('p', { class: 'empty' }, 'This event derives no trigger.') : h('table', { class: 'data cards', id: 'test-triggers' },
      h('thead', {}, h('tr', {}, ['Trigger', 'Product', 'Fired', 'Matches this rule', 'Why'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, triggers.map((t) => h('tr', {},
        h('td', { 'data-label': 'Trigger' }, t.trigger), h('td', { 'data-label': 'Product' }, t.product_id || '—'), h('td', { 'data-label': 'Fired' }, t.fired ? 'yes' : 'no'),
        h('td', { 'data-label': 'Matches this rule' }, t.matches_rule ? 'yes' : 'no'), h('td', { 'data-label': 'Why' }, t.message || ''))))),
    h('h4', {}, 'HighLevel calls it would make'),
    result.enabled === false ? h('p', { class: 'hint' }, 'Note: this rule is disabled; it fires nothing until enabled.') : null,
    result.integration_status && result.integration_status !== 'connected'
      ? h('p', { class: 'hint' }, `Note: the integration is ${result.integration_status}; these calls wait until it is connected.`) : null,
    calls.length === 0 ? h('p', { class: 'empty' }, 'None: no derived trigger matches this rule.') : h('table', { class: 'data cards', id: 'test-calls' },
      h('thead', {}, h('tr', {}, ['Method', 'Path', 'Body', 'Note'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, calls.map((c) => h('tr', {},
        h('td', { 'data-label': 'Method' }, h('code', {}, c.method)), h('td', { 'data-label': 'Path' }, h('code', {}, c.path)),
        h('td', { 'data-label': 'Body' }, c.body ? h('pre', {}, JSON.stringify(c.body, null, 2)) : '—'), h('td', { 'data-label': 'Note' }, c.note || ''))))));
}

async function remove(ctx, rule, triggerName) {
  const ok = await confirmDialog('Delete this rule?',
    `“${triggerName} → ${actionName(rule.action)}”${rule.product_id ? ` for ${rule.product_id}` : ''} stops firing. Its past actions stay in the log.`,
    'Delete rule');
  if (!ok) return;
  const done = await attempt(() => api('DELETE', mp(`/rules/${encodeURIComponent(rule.id)}`)));
  if (done !== undefined) { notice('Rule deleted.'); ctx.reload(); }
}
