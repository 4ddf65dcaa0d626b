// The Global Rules and Product rules tabs (spec §4): when TRIGGER happens (for a product, or any
// product), do ACTION in INTEGRATION. Each trigger explained in a sentence (with the delay and threshold
// in force); the action's settings from its params schema (action-settings.js); products picked from
// those seen in store events, a never-seen id warned about; the Product rules tab lists the products,
// and #product-rules/{productId} shows and creates one product's rules. Edit, enable/disable, delete and
// a dry-run Test on each rule.
import { api, mp, query } from './api.js';
import {
  actionName, attempt, badge, clear, clearErrors, confirmDialog, field, formError, h, learnProducts, loadNames,
  locationName, notice, product as productLabel, productName, statusLabel, triggerName,
} from './dom.js';
import { SAMPLES, sampleFor } from './samples.js';
import { hasSettings, lookupCache, settingsFields, settingsInWords } from './action-settings.js';

const CATEGORY_NAMES = { ecommerce: 'E-commerce', courses: 'Courses' };
const categoryName = (c) => CATEGORY_NAMES[c] || (c ? c.charAt(0).toUpperCase() + c.slice(1) : '');
/** What "the product" of a rule is for the trigger's category (spec §3). */
const PRODUCT_HINTS = {
  courses: 'For course triggers the product is the course: its course id.',
  ecommerce: 'The product id the store sends (for subscription triggers, the subscription’s product).',
};

export async function loadCatalog() {
  const [names, integrations, products] = await Promise.all([
    loadNames(),
    api('GET', mp('/integrations')).then((r) => r.items || []),
    api('GET', mp('/products')).then((r) => r.items || []).catch(() => []),
  ]);
  learnProducts(products);
  return { triggers: names.triggers, actions: names.actions, integrations, products };
}

export async function renderRules(panel, scope, productId) {
  const forProduct = scope === 'product';
  const one = forProduct && productId ? productId : null;
  const list = h('div', { id: 'rules-list', 'aria-busy': 'true' }, 'Loading rules…');
  const editor = h('div', { id: 'rule-editor' });
  const tester = h('div', { id: 'rule-tester' });
  const products = h('div', { id: 'products-list' });
  const help = h('div', { id: 'triggers-help-box' });
  const newButton = h('button', { type: 'button', id: 'new-rule-button', disabled: true }, one ? 'New rule for this product' : 'New Rule');
  const heading = h('h2', {}, forProduct ? 'Product rules' : 'Global Rules');
  clear(panel,
    h('div', { class: 'panel-head' }, heading, newButton),
    one ? h('p', {}, h('a', { href: '#product-rules', id: 'all-products' }, '← All products')) : null,
    h('p', { class: 'lead', id: 'rules-lead' }, forProduct
      ? (one ? 'These rules fire only for this product.' : 'Rules that fire only for one product (a subscription’s product, or a course). Choose a product to see and add its rules.')
      : 'Rules that fire for every product.'),
    help, editor, tester, products, list);

  const catalog = await attempt(loadCatalog);
  list.removeAttribute('aria-busy');
  if (!catalog) { clear(list, 'Rules cannot be shown until the message above is resolved.'); return; }
  if (catalog.actions.length === 0 || catalog.triggers.length === 0) {
    clear(list, h('p', { class: 'alert' }, 'The engine did not list its triggers and actions (GET /api/v1/triggers, GET /api/v1/actions): reload the page to try again.'));
    return;
  }
  const ctx = { scope, productId: one, catalog, editor, tester, list, products, lookups: lookupCache() };
  if (one) {
    clear(heading, 'Rules for ', productLabel(one));
    if (!catalog.products.some((p) => p.product_id === one)) {
      panel.querySelector('#rules-lead').after(neverSeen(one, 'product-never-seen'));
    }
  }
  clear(help, triggersHelp(catalog.triggers));
  ctx.reload = () => loadRules(ctx);
  newButton.disabled = false;
  newButton.addEventListener('click', () => showEditor(ctx, null));
  await ctx.reload();
}

/** "When each trigger fires": every trigger's sentence, by category, folded away until asked for. */
function triggersHelp(triggers) {
  const categories = [...new Set(triggers.map((t) => t.category))];
  return h('details', { class: 'card help', id: 'triggers-help' },
    h('summary', {}, 'When each trigger fires'),
    categories.map((c) => [h('h4', {}, categoryName(c)),
      h('dl', { class: 'explained' }, triggers.filter((t) => t.category === c).map((t) => [
        h('dt', { dataset: { trigger: t.id } }, t.display_name),
        h('dd', {}, t.explanation || '')]))]));
}

function neverSeen(productId, id) {
  return h('p', { class: 'warning', id },
    `No store event has mentioned “${productId}” yet. Check the id: rules for a product the store never sends never fire. `
    + 'They can still be saved (the store may simply not have sold it yet).');
}

async function loadRules(ctx) {
  const { scope, productId, list } = ctx;
  const data = await attempt(() => api('GET', mp(`/rules${query({ scope, product_id: productId })}`)));
  if (!data) { clear(list, 'The rules could not be loaded (see the message above).'); return; }
  const items = (data.items || []).filter((r) => r.scope === scope && (!productId || r.product_id === productId));
  if (scope === 'product' && !productId) showProducts(ctx, items);
  if (items.length === 0) {
    clear(list, h('p', { class: 'empty' }, scope === 'global'
      ? 'No global rule yet. Choose “New Rule” to add one.'
      : productId ? 'No rule for this product yet. Choose “New rule for this product” to add one.'
        : 'No product rule yet. Choose a product above, or “New Rule”.'));
    return;
  }
  items.sort((a, b) => (a.product_id || '').localeCompare(b.product_id || '') || a.created_at.localeCompare(b.created_at));
  const withProduct = scope === 'product' && !productId;
  const head = ['When', withProduct ? 'Product' : null, 'Do', 'In', 'Tags', 'Enabled', 'Actions'].filter(Boolean);
  clear(list,
    withProduct ? h('h3', {}, 'All product rules') : null,
    h('table', { class: 'data cards', id: 'rules-table' },
      h('caption', { class: 'visually-hidden' }, scope === 'product' ? 'Product rules' : 'Global rules'),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((rule) => ruleRow(ctx, rule, withProduct)))));
}

function ruleRow(ctx, rule, withProduct) {
  const { catalog } = ctx;
  const integration = catalog.integrations.find((i) => i.id === rule.integration_id);
  const action = catalog.actions.find((a) => a.id === rule.action);
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
  return h('tr', { dataset: { id: rule.id, trigger: rule.trigger, action: rule.action, product: rule.product_id || '' } },
    h('td', { 'data-label': 'When' }, triggerName(rule.trigger)),
    withProduct ? h('td', { 'data-label': 'Product' },
      h('a', { href: `#product-rules/${encodeURIComponent(rule.product_id)}`, class: 'product-link' }, productLabel(rule.product_id))) : null,
    h('td', { 'data-label': 'Do', class: 'do' }, actionName(rule.action),
      settingsInWords(action, rule.params, rule.integration_id, ctx.lookups)),
    h('td', { 'data-label': 'In' }, integration ? integration.name : `a deleted integration (${rule.integration_id})`,
      integration && locationName(integration) ? h('small', { class: 'reason' }, locationName(integration)) : null,
      integration && integration.status !== 'connected' ? [' ', badge(integration.status)] : null),
    h('td', { 'data-label': 'Tags' }, (rule.tags || []).length ? rule.tags.map((t) => h('span', { class: 'tag' }, t)) : '—'),
    h('td', { 'data-label': 'Enabled' }, h('label', { class: 'switch' }, toggle, state)),
    h('td', { class: 'actions' },
      h('button', { type: 'button', class: 'edit secondary', onclick: () => showEditor(ctx, rule) }, 'Edit'),
      h('button', { type: 'button', class: 'test secondary', onclick: () => showTester(ctx, rule) }, 'Test'),
      h('button', { type: 'button', class: 'delete danger', onclick: () => remove(ctx, rule) }, 'Delete')));
}

/** The Product rules tab's list of products: seen in store events (by name), or only named by rules. */
function showProducts(ctx, rules) {
  const { catalog, products } = ctx;
  const counts = new Map();
  rules.forEach((r) => counts.set(r.product_id, (counts.get(r.product_id) || 0) + 1));
  const seen = catalog.products.map((p) => ({ id: p.product_id, seen: true }));
  const onlyInRules = [...counts.keys()].filter((id) => !catalog.products.some((p) => p.product_id === id))
    .map((id) => ({ id, seen: false }));
  const all = [...seen, ...onlyInRules];
  const open = (id) => { location.hash = `#product-rules/${encodeURIComponent(id)}`; };
  const other = h('input', { id: 'product-open-id', autocomplete: 'off', placeholder: 'a product id', 'aria-label': 'Product id' });
  clear(products,
    h('h3', {}, 'Products'),
    all.length === 0
      ? h('p', { class: 'empty' }, 'No product seen in store events yet. Products appear here once the store sends an event naming them.')
      : h('table', { class: 'data cards', id: 'products-table' },
        h('caption', { class: 'visually-hidden' }, 'Products seen in store events'),
        h('thead', {}, h('tr', {}, ['Product', 'Rules', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, all.map((p) => h('tr', { dataset: { product: p.id, seen: String(p.seen) } },
          h('td', { 'data-label': 'Product' }, productLabel(p.id),
            p.seen ? null : h('small', { class: 'reason warn-text' }, 'not seen in store events yet')),
          h('td', { 'data-label': 'Rules' }, String(counts.get(p.id) || 0)),
          h('td', { class: 'actions' },
            h('button', { type: 'button', class: 'secondary open-product', onclick: () => open(p.id) },
              counts.get(p.id) ? 'Show its rules' : 'Add rules')))))),
    h('form', { class: 'inline filter', id: 'product-open-form', onsubmit: (e) => { e.preventDefault(); if (other.value.trim()) open(other.value.trim()); } },
      h('label', { for: 'product-open-id' }, 'Another product'), other,
      h('button', { type: 'submit', class: 'secondary' }, 'Open')));
}

/**
 * The product field: a text input (the product id) with the products seen in events listed below it by
 * name, the id small; picking one fills the id. A typed id no event mentioned gets a warning, not a refusal.
 */
function productPicker(products, value) {
  const input = h('input', { id: 'rule-product', 'data-field': 'product_id', required: true, autocomplete: 'off', value: value || '',
    placeholder: 'search by name, or type the product id', 'aria-describedby': 'rule-product-status rule-product-hint', role: 'combobox',
    'aria-controls': 'rule-product-options', 'aria-autocomplete': 'list' });
  const options = h('ul', { id: 'rule-product-options', class: 'product-options', role: 'listbox', 'aria-label': 'Products seen in store events' });
  const status = h('div', { id: 'rule-product-status', 'aria-live': 'polite' });
  const hint = h('small', { class: 'hint', id: 'rule-product-hint' }, PRODUCT_HINTS.ecommerce);
  const refresh = () => {
    const typed = input.value.trim();
    const exact = products.find((p) => p.product_id === typed);
    if (exact) {
      clear(options);
      clear(status, h('p', { class: 'chosen' }, '✓ ', productLabel(exact.product_id)));
      return;
    }
    const needle = typed.toLowerCase();
    const matches = products.filter((p) => !needle || (p.product_name || '').toLowerCase().includes(needle)
      || p.product_id.toLowerCase().includes(needle));
    clear(options, matches.slice(0, 8).map((p) => h('li', { role: 'option' },
      h('button', { type: 'button', class: 'product-option', dataset: { product: p.product_id }, onclick: () => {
        input.value = p.product_id;
        refresh();
        input.focus();
      } }, p.product_name || p.product_id, ' ', h('small', { class: 'id' }, p.product_id)))),
    matches.length > 8 ? h('li', { class: 'hint' }, `${matches.length - 8} more: type to narrow the list`) : null);
    clear(status, typed && matches.length === 0 ? neverSeen(typed, 'rule-product-warning')
      : products.length === 0 ? h('p', { class: 'hint' }, 'No product seen in store events yet: type its id.') : null);
    if (typed && matches.length > 0) status.append(h('p', { class: 'hint', id: 'rule-product-pick' }, 'Pick one of the products listed, or keep the id you typed.'));
  };
  input.addEventListener('input', refresh);
  refresh();
  return {
    input,
    element: h('div', { class: 'field wide product-field' }, h('label', { for: 'rule-product' }, 'Product'), input, options, status, hint),
    setCategory(category) { clear(hint, PRODUCT_HINTS[category] || PRODUCT_HINTS.ecommerce); },
    neverSeenWarning: () => !!status.querySelector('#rule-product-warning') || (input.value.trim() && !products.some((p) => p.product_id === input.value.trim())),
  };
}

function showEditor(ctx, rule) {
  const { scope, catalog, editor } = ctx;
  clear(ctx.tester);
  const categories = [...new Set(catalog.triggers.map((t) => t.category))];
  const current = rule ? catalog.triggers.find((t) => t.id === rule.trigger) : null;
  const integrationLabel = (i) => [i.name, i.location_name ? ` — ${i.location_name}` : '', i.status !== 'connected' ? ` (${statusLabel(i.status)})` : ''].join('');
  const integration = h('select', { id: 'rule-integration', 'data-field': 'integration_id', required: true },
    h('option', { value: '' }, catalog.integrations.length ? '— choose an integration —' : '— no integration yet: add one on the Integrations tab —'),
    catalog.integrations.map((i) => h('option', { value: i.id, selected: rule && rule.integration_id === i.id }, integrationLabel(i))));
  const actions = catalog.actions.slice();
  if (rule && !actions.some((a) => a.id === rule.action)) actions.push({ id: rule.action, display_name: actionName(rule.action), tags: 'optional' });
  const action = h('select', { id: 'rule-action', 'data-field': 'action', required: true, 'aria-describedby': 'rule-action-hint' },
    actions.map((a) => h('option', { value: a.id, selected: rule ? rule.action === a.id : a.id === 'add_tags' }, a.display_name)));
  const actionHint = h('small', { class: 'hint', id: 'rule-action-hint' });
  const category = h('select', { id: 'rule-category', 'data-field': 'category' },
    categories.map((c) => h('option', { value: c, selected: current ? current.category === c : false }, categoryName(c))));
  const trigger = h('select', { id: 'rule-trigger', 'data-field': 'trigger', required: true, 'aria-describedby': 'rule-trigger-explanation' });
  const explanation = h('p', { class: 'explanation', id: 'rule-trigger-explanation', 'aria-live': 'polite' });
  const explain = () => {
    const t = catalog.triggers.find((x) => x.id === trigger.value);
    clear(explanation, t ? t.explanation || '' : '');
    if (picker) picker.setCategory(category.value);
  };
  const fillTriggers = () => {
    clear(trigger, catalog.triggers.filter((t) => t.category === category.value)
      .map((t) => h('option', { value: t.id, selected: rule && rule.trigger === t.id }, t.display_name)));
    explain();
  };
  const picker = scope === 'product' ? productPicker(catalog.products, rule ? rule.product_id : ctx.productId) : null;
  category.addEventListener('change', fillTriggers);
  trigger.addEventListener('change', explain);
  fillTriggers();

  const tags = h('textarea', { id: 'rule-tags', 'data-field': 'tags', rows: '3', 'aria-describedby': 'rule-tags-hint' });
  tags.value = rule ? (rule.tags || []).join('\n') : '';
  const tagsHint = h('small', { class: 'hint', id: 'rule-tags-hint' });
  const tagsSet = h('fieldset', { id: 'rule-tags-fieldset' }, h('legend', {}, 'Tags'),
    h('div', { class: 'field' }, h('label', { for: 'rule-tags' }, 'Tags'), tags, tagsHint));
  const settingsSet = h('fieldset', { id: 'rule-settings-fieldset', class: 'settings-set' }, h('legend', {}, 'Action settings'));
  let settings = null;
  let settingsFor = null;
  const chosenAction = () => actions.find((a) => a.id === action.value) || { id: action.value, tags: 'optional' };
  const updateAction = () => {
    const a = chosenAction();
    clear(actionHint, a.description || '');
    actionHint.hidden = !a.description;
    tagsSet.hidden = a.tags === 'none';
    clear(tagsHint, a.tags === 'required'
      ? 'Required: 1 to 20 tags, one per line or comma-separated.'
      : `Optional for ${a.display_name}: added right after the contact is created. One per line or comma-separated.`);
    // the settings follow the action and the integration (its lookups); values typed so far are kept
    const key = `${a.id}|${integration.value}`;
    if (key !== settingsFor) {
      const before = settings && settingsFor && settingsFor.startsWith(`${a.id}|`) ? settings.read()
        : (rule && rule.action === a.id ? rule.params : {});
      settings = hasSettings(a) ? settingsFields(a, integration.value, before, ctx.lookups) : null;
      settingsFor = key;
      clear(settingsSet, h('legend', {}, `${a.display_name}: settings`), settings ? settings.element : null);
      settingsSet.hidden = !settings;
    }
  };
  action.addEventListener('change', updateAction);
  integration.addEventListener('change', updateAction);
  const enabled = h('input', { type: 'checkbox', id: 'rule-enabled', checked: rule ? rule.enabled : true, 'data-field': 'enabled' });
  const form = h('form', { id: 'rule-form', class: 'card steps', novalidate: true },
    h('h3', {}, rule ? 'Edit rule' : (scope === 'product' ? (ctx.productId ? 'New rule for this product' : 'New product rule') : 'New global rule')),
    h('fieldset', {}, h('legend', {}, 'When'),
      field('Trigger category', category),
      field('Trigger', trigger),
      explanation,
      picker ? picker.element : null),
    h('fieldset', {}, h('legend', {}, 'Do'),
      field('HighLevel integration', integration),
      h('div', { class: 'field' }, h('label', { for: 'rule-action' }, 'Action'), action, actionHint)),
    settingsSet,
    tagsSet,
    h('div', { class: 'field checkbox' }, enabled, h('label', { for: 'rule-enabled' }, 'Enabled')),
    formError('rule-error'),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'save-rule' }, rule ? 'Save rule' : 'Create rule'),
      h('button', { type: 'button', class: 'secondary', id: 'cancel-rule', onclick: () => clear(editor) }, 'Cancel')));
  updateAction();
  // an error answered for the old choice of action or trigger no longer applies once it changes
  [action, trigger, integration].forEach((control) => control.addEventListener('change', () => clearErrors(form)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const a = chosenAction();
    const body = {
      scope,
      trigger: trigger.value || null,
      integration_id: integration.value || null,
      action: action.value,
      params: settings ? settings.read() : {},
      enabled: enabled.checked,
    };
    if (a.tags !== 'none') body.tags = tags.value.split(/[\n,]/).map((t) => t.trim()).filter(Boolean);
    if (picker) body.product_id = picker.input.value.trim() || null;
    const saved = await attempt(() => (rule
      ? api('PUT', mp(`/rules/${encodeURIComponent(rule.id)}`), body)
      : api('POST', mp('/rules'), body)), form);
    if (saved) {
      clear(editor);
      const unseen = picker && picker.neverSeenWarning();
      notice(`${rule ? 'Rule saved.' : 'Rule created.'}${unseen ? ` Note: no store event has mentioned “${saved.product_id}” yet.` : ''}`);
      ctx.reload();
    }
  });
  clear(editor, form);
  (picker && !ctx.productId ? picker.input : category).focus();
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
    h('h3', {}, `Test “${triggerName(rule.trigger)} → ${actionName(rule.action)}” (a dry run: calls nothing, stores nothing)`),
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
  const cells = (labels, values) => values.map((v, i) => h('td', { 'data-label': labels[i] }, v));
  const triggerCols = ['Trigger', 'Product', 'Fired', 'Matches this rule', 'Why'];
  const callCols = ['Method', 'Path', 'Body', 'Note'];
  clear(output,
    h('h4', {}, 'Derived triggers'),
    triggers.length === 0 ? h('p', { class: 'empty' }, 'This event derives no trigger.') : h('table', { class: 'data cards', id: 'test-triggers' },
      h('thead', {}, h('tr', {}, triggerCols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, triggers.map((t) => h('tr', { dataset: { trigger: t.trigger } }, cells(triggerCols, [
        [triggerName(t.trigger), ' ', h('small', { class: 'id' }, t.trigger)], t.product_id ? productLabel(t.product_id) : '—',
        t.fired ? 'yes' : 'no', t.matches_rule ? 'yes' : 'no', t.message || '']))))),
    h('h4', {}, 'HighLevel calls it would make'),
    result.enabled === false ? h('p', { class: 'hint' }, 'Note: this rule is disabled; it fires nothing until enabled.') : null,
    result.integration_status && result.integration_status !== 'connected'
      ? h('p', { class: 'hint' }, `Note: the integration is “${statusLabel(result.integration_status)}”; these calls wait until it is connected.`) : null,
    calls.length === 0 ? h('p', { class: 'empty' }, 'None: no derived trigger matches this rule.') : h('table', { class: 'data cards', id: 'test-calls' },
      h('thead', {}, h('tr', {}, callCols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, calls.map((c) => h('tr', {}, cells(callCols, [
        h('code', {}, c.method), h('code', {}, c.path),
        c.body ? h('pre', {}, JSON.stringify(c.body, null, 2)) : '—', c.note || '']))))));
}

async function remove(ctx, rule) {
  const name = productName(rule.product_id) || rule.product_id;
  const ok = await confirmDialog('Delete this rule?',
    `“${triggerName(rule.trigger)} → ${actionName(rule.action)}”${rule.product_id ? ` for ${name}` : ''} stops firing. Its past actions stay in the log.`,
    'Delete rule');
  if (!ok) return;
  const done = await attempt(() => api('DELETE', mp(`/rules/${encodeURIComponent(rule.id)}`)));
  if (done !== undefined) { notice('Rule deleted.'); ctx.reload(); }
}
