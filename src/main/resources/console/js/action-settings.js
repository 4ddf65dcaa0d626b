// An action's settings (a rule's `params`, spec §4–§5) as form fields built from the action's
// params_schema (GET /api/v1/actions): `x-template` texts with their placeholders, enums as selects,
// `x-lookup` pickers filled from the integration's HighLevel lookups (workflows, pipelines → stages,
// custom fields; a text input and the reason when a lookup fails), and update_fields' map as rows of
// (custom field, text). Also the settings of a saved rule in words, for the rules list.
import { api, mp } from './api.js';
import { clear, h, inWords as words, placeholders } from './dom.js';


const LOOKUP_PATHS = { workflows: 'workflows', pipelines: 'pipelines', stages: 'pipelines', 'custom-fields': 'custom-fields' };

/**
 * The integration's lookups, asked once per list or form: lookups(integrationId).get('workflows') resolves to
 * { items } or { error } (a 409 for an integration not connected, a 502 with HighLevel's message…).
 */
export function lookupCache() {
  const cache = new Map();
  return (integrationId) => ({
    get(kind) {
      const path = LOOKUP_PATHS[kind];
      const key = `${integrationId}/${path}`;
      if (!cache.has(key)) {
        cache.set(key, api('GET', mp(`/integrations/${encodeURIComponent(integrationId)}/${path}`))
          .then((r) => ({ items: r.items || [] }))
          .catch((e) => ({ error: e })));
      }
      return cache.get(key);
    },
  });
}

const properties = (action) => Object.entries(((action && action.params_schema) || {}).properties || {});
const required = (action) => new Set(((action && action.params_schema) || {}).required || []);
const titleOf = (name, schema) => schema.title || words(name);
const isFieldMap = (schema) => schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object';
const NO_INTEGRATION = { noIntegration: true };
const lookupReason = (e) => (e.noIntegration ? 'choose the integration first to pick from its list' : e.status === 409
  ? 'HighLevel lists them only once the integration is connected (see the Integrations tab)'
  : `HighLevel could not list them (${e.detail || e.title || e.message})`);

/** True when the action has settings to fill in. */
export function hasSettings(action) {
  return properties(action).length > 0;
}

/**
 * The settings fields of `action` for the integration `integrationId` (may be empty), filled from `params`.
 * Returns { element, read() → params object }.
 */
export function settingsFields(action, integrationId, params, lookups) {
  const values = params || {};
  const need = required(action);
  const readers = [];
  const pipelineWatchers = [];
  let pipelines = null; // the pipelines lookup, once answered (stages follow the chosen pipeline)
  let pipelineControl = null;
  const container = h('div', { class: 'settings', id: 'rule-settings' });
  const source = integrationId ? lookups(integrationId) : null;

  for (const [name, schema] of properties(action)) {
    const id = `param-${name}`;
    const label = titleOf(name, schema) + (need.has(name) ? '' : ' (optional)');
    const dataField = `params.${name}`;
    if (isFieldMap(schema)) {
      const rows = fieldRows(name, schema, values[name] || {}, source);
      readers.push((out) => { const v = rows.read(); if (Object.keys(v).length) out[name] = v; });
      container.append(rows.element);
      continue;
    }
    const lookup = schema['x-lookup'];
    if (lookup) {
      const picker = lookupPicker(id, dataField, label, schema, lookup, values[name], source);
      readers.push((out) => { const v = picker.value(); if (v) out[name] = v; });
      if (lookup === 'pipelines') {
        pipelineControl = picker;
        picker.loaded.then((answer) => {
          pipelines = answer && answer.items ? answer.items : null;
          pipelineWatchers.forEach((w) => w());
        });
        picker.onChange(() => pipelineWatchers.forEach((w) => w()));
      }
      if (lookup === 'stages') {
        pipelineWatchers.push(() => picker.fillStages(pipelines, pipelineControl ? pipelineControl.value() : ''));
      }
      container.append(picker.element);
      continue;
    }
    if (Array.isArray(schema.enum)) {
      const select = h('select', { id, 'data-field': dataField },
        need.has(name) || schema.default !== undefined ? null : h('option', { value: '' }, '— none —'),
        schema.enum.map((v) => h('option', { value: v, selected: (values[name] ?? schema.default) === v }, words(v))));
      readers.push((out) => { if (select.value) out[name] = select.value; });
      container.append(h('div', { class: 'field' }, h('label', { for: id }, label), select,
        schema.description ? h('small', { class: 'hint' }, schema.description) : null));
      continue;
    }
    const template = schema['x-template'] === true;
    const long = template && (schema.maxLength || 0) > 500;
    const input = long
      ? h('textarea', { id, 'data-field': dataField, rows: '4', 'aria-describedby': `${id}-hint` })
      : h('input', { id, 'data-field': dataField, type: schema.type === 'number' || schema.type === 'integer' ? 'number' : 'text', autocomplete: 'off', 'aria-describedby': `${id}-hint` });
    input.value = values[name] ?? schema.default ?? '';
    readers.push((out) => {
      const v = input.value.trim();
      if (v !== '') out[name] = schema.type === 'number' || schema.type === 'integer' ? Number(v) : v;
    });
    container.append(h('div', { class: 'field wide' }, h('label', { for: id }, label), input,
      template ? placeholdersHint(`${id}-hint`, () => input) : (schema.description ? h('small', { class: 'hint', id: `${id}-hint` }, schema.description) : null)));
  }
  return {
    element: container,
    read() {
      const out = {};
      readers.forEach((r) => r(out));
      return out;
    },
  };
}

/** "Filled in from the store event: {{customer.email}} …", each a button inserting itself into target(). */
function placeholdersHint(id, target) {
  return h('small', { class: 'hint placeholders', id },
    'Filled in from the store event: ',
    placeholders.map((p) => h('button', {
      type: 'button', class: 'placeholder', title: `Insert {{${p}}}`,
      onclick: () => {
        const input = target();
        if (!input) return;
        const at = input.selectionStart ?? input.value.length;
        const end = input.selectionEnd ?? at;
        const text = `{{${p}}}`;
        input.value = input.value.slice(0, at) + text + input.value.slice(end);
        input.focus();
        input.setSelectionRange(at + text.length, at + text.length);
      },
    }, `{{${p}}}`)));
}

/**
 * A select filled from one of the integration's lookups; while it loads, or if it fails, a text input
 * (with the reason) so the id can still be typed.
 */
function lookupPicker(id, dataField, label, schema, kind, current, source) {
  const select = h('select', { id, 'data-field': dataField, disabled: true }, h('option', { value: current || '' }, current ? current : 'Loading…'));
  const text = h('input', { id: `${id}-typed`, type: 'text', autocomplete: 'off', hidden: true, value: current || '', 'aria-describedby': `${id}-hint` });
  const hint = h('small', { class: 'hint', id: `${id}-hint` }, schema.description || '');
  const changeHandlers = [];
  select.addEventListener('change', () => changeHandlers.forEach((f) => f()));
  text.addEventListener('input', () => changeHandlers.forEach((f) => f()));
  const element = h('div', { class: 'field lookup', dataset: { lookup: kind } }, h('label', { for: id }, label), select, text, hint);
  // the API's errors name params.<field>: only the control in use carries that name
  const use = (control) => {
    [select, text].forEach((c) => { if (c === control) c.setAttribute('data-field', dataField); else c.removeAttribute('data-field'); });
  };
  const typed = (reason) => {
    use(text);
    select.hidden = true;
    select.disabled = true;
    text.hidden = false;
    element.querySelector('label').setAttribute('for', text.id);
    clear(hint, `Type the HighLevel id: ${reason}.`);
    hint.classList.add('lookup-failed');
  };
  const fillOptions = (items, label0) => {
    const known = items.some((i) => i.id === current);
    clear(select,
      h('option', { value: '' }, label0),
      items.map((i) => h('option', { value: i.id, selected: i.id === current }, i.name || i.id)),
      current && !known ? h('option', { value: current, selected: true }, `${current} (not in HighLevel’s list)`) : null);
    use(select);
    select.disabled = false;
    select.hidden = false;
    text.hidden = true;
    element.querySelector('label').setAttribute('for', select.id);
  };
  let loaded = Promise.resolve(null);
  let firstFill = true;
  if (!source) {
    typed(lookupReason(NO_INTEGRATION));
  } else if (kind !== 'stages') {
    loaded = source.get(kind).then((answer) => {
      if (answer.error) typed(lookupReason(answer.error));
      else fillOptions(answer.items, answer.items.length ? `— choose a ${label.replace(/ \(optional\)$/, '').toLowerCase()} —` : '— HighLevel lists none —');
      return answer;
    });
  }
  return {
    element,
    loaded,
    value: () => (text.hidden ? select.value : text.value.trim()),
    onChange: (f) => changeHandlers.push(f),
    /** Stages follow the chosen pipeline. */
    fillStages(pipelines, pipelineId) {
      if (!pipelines) { typed(source ? 'the pipelines could not be listed' : lookupReason(NO_INTEGRATION)); return; }
      const pipeline = pipelines.find((p) => p.id === pipelineId);
      if (!pipeline && current && firstFill) { typed('its pipeline is not in HighLevel’s list'); return; }
      if (!pipeline) {
        clear(select, h('option', { value: '' }, '— choose the pipeline first —'));
        use(select);
        select.disabled = true;
        select.hidden = false;
        text.hidden = true;
        return;
      }
      // the saved stage is kept the first time; after that a stage of another pipeline does not carry over
      if (!firstFill || !current) current = (pipeline.stages || []).some((s) => s.id === select.value) ? select.value : '';
      firstFill = false;
      fillOptions(pipeline.stages || [], '— choose a stage —');
    },
  };
}

/** update_fields' map: rows of (custom field picker, text), with Add and Remove. */
function fieldRows(name, schema, current, source) {
  const templateSchema = schema.additionalProperties || {};
  const list = h('div', { class: 'field-rows', id: `param-${name}`, 'data-field': `params.${name}`, tabindex: '-1' });
  const rows = [];
  let counter = 0;
  const loaded = source ? source.get(schema['x-lookup'] || 'custom-fields') : Promise.resolve({ error: NO_INTEGRATION });
  let answered = null; // the lookup's answer once in: rows added after it are filled at once
  loaded.then((answer) => { answered = answer; });
  const addRow = (fieldId = '', value = '') => {
    counter += 1;
    const n = counter;
    const pick = h('select', { id: `param-${name}-key-${n}`, 'aria-label': `Custom field ${n}` });
    const typed = h('input', { id: `param-${name}-key-${n}-typed`, type: 'text', autocomplete: 'off', hidden: true, value: fieldId, 'aria-label': `Custom field id ${n}` });
    const text = h('input', { id: `param-${name}-value-${n}`, type: 'text', autocomplete: 'off', value, 'aria-label': `Value of custom field ${n}`, class: 'template' });
    const row = h('div', { class: 'field-row', dataset: { row: String(n) } }, pick, typed, text);
    const entry = { row, pick, typed, text, key: () => (typed.hidden ? pick.value : typed.value.trim()) };
    const remove = h('button', { type: 'button', class: 'secondary remove-field', 'aria-label': `Remove custom field ${n}`, onclick: () => {
      rows.splice(rows.indexOf(entry), 1);
      row.remove();
    } }, 'Remove');
    row.append(remove);
    const fill = (answer) => {
      if (answer && answer.items) {
        const known = answer.items.some((f) => f.id === fieldId);
        clear(pick, h('option', { value: '' }, '— choose a custom field —'),
          answer.items.map((f) => h('option', { value: f.id, selected: f.id === fieldId }, f.name || f.field_key || f.id)),
          fieldId && !known ? h('option', { value: fieldId, selected: true }, `${fieldId} (not in HighLevel’s list)`) : null);
      } else {
        pick.hidden = true;
        typed.hidden = false;
      }
    };
    clear(pick, h('option', { value: fieldId }, fieldId || 'Loading…'));
    if (answered) fill(answered); else loaded.then(fill);
    rows.push(entry);
    list.append(row);
    entry.rowKey = () => `params.${name}.${entry.key()}`;
    return entry;
  };
  const reason = h('small', { class: 'hint', id: `param-${name}-hint` });
  loaded.then((answer) => {
    if (answer.error) {
      clear(reason, `Type each custom field’s HighLevel id: ${lookupReason(answer.error)}.`);
      reason.classList.add('lookup-failed');
    }
  });
  Object.entries(current).forEach(([k, v]) => addRow(k, v));
  if (rows.length === 0) addRow();
  const add = h('button', { type: 'button', class: 'secondary', id: `param-${name}-add` }, 'Add a custom field');
  add.addEventListener('click', () => addRow().pick.focus());
  // a placeholder button inserts into the value last focused (or the last row's)
  let lastText = null;
  list.addEventListener('focusin', (e) => { if (e.target.classList.contains('template')) lastText = e.target; });
  const element = h('div', { class: 'field wide field-map' },
    h('span', { class: 'label', id: `param-${name}-label` }, titleOf(name, schema)),
    h('small', { class: 'hint' }, 'Pick a custom field and write its value; the store event’s values fill the placeholders.'),
    list, add, reason,
    templateSchema['x-template']
      ? placeholdersHint(`param-${name}-placeholders`, () => (lastText && lastText.isConnected ? lastText : (rows[rows.length - 1] || {}).text))
      : null);
  // the API names a field as params.fields.<id>: mark that row's text
  const syncFieldNames = () => rows.forEach((r) => { r.text.dataset.field = r.rowKey(); });
  list.addEventListener('change', syncFieldNames);
  list.addEventListener('input', syncFieldNames);
  loaded.then(syncFieldNames);
  return {
    element,
    read() {
      syncFieldNames();
      const out = {};
      rows.forEach((r) => { if (r.key()) out[r.key()] = r.text.value; });
      return out;
    },
  };
}

/**
 * A saved rule's settings in words for the rules list: "Workflow: Welcome sequence", "Stage: Won"…
 * Names come from the integration's lookups when they answer; ids until then (or when they cannot).
 */
export function settingsInWords(action, params, integrationId, lookups) {
  const entries = properties(action).filter(([name]) => params && params[name] !== undefined && params[name] !== '');
  if (entries.length === 0) return null;
  const source = integrationId ? lookups(integrationId) : null;
  const named = (kind, id, pick) => {
    const span = h('span', { class: 'setting-value' }, id);
    if (source) {
      source.get(kind).then((answer) => {
        const found = answer.items ? pick(answer.items, id) : null;
        if (found) clear(span, found);
      });
    }
    return span;
  };
  const stageOf = (items, id) => {
    for (const p of items) {
      const s = (p.stages || []).find((x) => x.id === id);
      if (s) return s.name;
    }
    return null;
  };
  const byId = (items, id) => (items.find((i) => i.id === id) || {}).name || null;
  const shown = entries.map(([name, schema]) => {
    const value = params[name];
    let text;
    if (isFieldMap(schema)) {
      text = h('span', {}, Object.entries(value).map(([k, v], i) => [i ? '; ' : '', named('custom-fields', k, byId), ' = “', v, '”']));
    } else if (schema['x-lookup'] === 'stages') text = named('stages', value, stageOf);
    else if (schema['x-lookup']) text = named(schema['x-lookup'], value, byId);
    else if (Array.isArray(schema.enum)) text = words(value);
    else text = `“${value}”`;
    return { name, title: titleOf(name, schema), text };
  });
  // one setting reads as "Add to workflow: Welcome sequence"; several as a list under the action
  if (shown.length === 1) return h('span', { class: 'settings-words', dataset: { param: shown[0].name } }, ': ', shown[0].text);
  return h('ul', { class: 'settings-words' }, shown.map((s) => h('li', { dataset: { param: s.name } }, `${s.title}: `, s.text)));
}
