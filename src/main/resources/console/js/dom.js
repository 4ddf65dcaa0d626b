// Small DOM helpers: building elements, status badges, messages, problem+json errors on forms,
// a confirm dialog, and the merchant's wording (statuses, trigger/action/product names, local times).
// No framework; text is always set as text, never as HTML.
import { api } from './api.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A status badge: the merchant's words ("Needs reconnecting"), the machine value in data-status. */
export function badge(status) {
  return h('span', { class: `badge badge-${status || 'none'}`, dataset: { status: status || '' } }, status ? statusLabel(status) : '—');
}

/** A time in the browser's locale and time zone, the zone shown ("Nov 26, 2026, 11:00 AM GMT+1"); ISO in the tooltip. */
export function time(iso) {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: iso }, localTime(iso));
}

/** The status line at the top of the page (polite, for successes). */
export function notice(text) {
  const el = document.getElementById('notice');
  clear(el, text);
  el.hidden = !text;
}

/** Describes an ApiError (or any error) in words: "Title: detail" plus per-field messages. */
export function describe(error) {
  const parts = [];
  const title = error.title || 'Error';
  parts.push(error.detail && error.detail !== title ? `${title}: ${error.detail}` : title);
  for (const e of error.errors || []) {
    const line = `${e.field}: ${e.message}`;
    if (!error.detail || !error.detail.includes(line)) parts.push(line);
  }
  return parts.join(' — ');
}

/** Shows an error where it belongs: in the form (highlighting its field) or in the page's alert. */
export function showError(error, form) {
  const box = form ? form.querySelector('.form-error') : null;
  const target = box || document.getElementById('alert');
  clear(target, describe(error));
  target.hidden = false;
  if (form) {
    const fields = new Set([error.field, ...(error.errors || []).map((e) => e.field)].filter(Boolean));
    for (const f of fields) {
      const input = fieldInput(form, f);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.classList.add('invalid');
        if (box && box.id) input.setAttribute('aria-describedby', box.id);
      }
    }
    const first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }
}

function fieldInput(form, field) {
  // params.fields.cf_1 → params.fields → params: the closest control that says it holds the field
  const parts = field.replace(/\[\d+\]$/, '').split('.');
  const candidates = [field, ...parts.map((_, i) => parts.slice(0, parts.length - i).join('.'))];
  for (const c of candidates) {
    const el = form.querySelector(`[data-field="${CSS.escape(c)}"]`);
    if (el) return el;
  }
  return null;
}

export function clearErrors(form) {
  const alert = document.getElementById('alert');
  alert.hidden = true;
  clear(alert);
  if (!form) return;
  const box = form.querySelector('.form-error');
  if (box) { box.hidden = true; clear(box); }
  form.querySelectorAll('[aria-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    el.classList.remove('invalid');
  });
}

/** Runs an action, showing its error (if any) instead of throwing. Resolves to the result or undefined. */
export async function attempt(fn, form) {
  clearErrors(form);
  try {
    return await fn();
  } catch (e) {
    showError(e, form);
    return undefined;
  }
}

/** An accessible modal confirmation; resolves true when confirmed. */
export function confirmDialog(title, message, confirmLabel) {
  return new Promise((resolve) => {
    const dialog = document.getElementById('confirm');
    clear(dialog.querySelector('h2'), title);
    clear(dialog.querySelector('p'), message);
    const ok = dialog.querySelector('#confirm-ok');
    ok.textContent = confirmLabel;
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    dialog.querySelector('#confirm-cancel').focus();
  });
}

export function formError(id) {
  return h('p', { class: 'form-error', id, role: 'alert', hidden: true });
}

export function field(label, control, hint) {
  const id = control.id;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('small', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

// ---- Merchant wording: statuses, trigger and action names, local times (shared by every page) ----

const STATUS_LABELS = {
  pending: 'Pending', connected: 'Connected', needs_reconnect: 'Needs reconnecting',
  accepted: 'Accepted', duplicate: 'Duplicate', rejected: 'Rejected', ignored: 'Ignored', ping: 'Ping',
  fired: 'Fired', suppressed: 'Suppressed',
  waiting: 'Waiting', retrying: 'Retrying', succeeded: 'Succeeded', skipped: 'Skipped', failed: 'Failed', canceled: 'Canceled',
  set: 'Set', not_set: 'Not set',
};

/** A machine value as words: order_total → "Order total". */
export function inWords(value) {
  const words = String(value ?? '').replace(/[_.]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A status in words: needs_reconnect → "Needs reconnecting"; an unknown one with its underscores as spaces. */
export function statusLabel(status) {
  if (!status) return '';
  return STATUS_LABELS[status] || inWords(status);
}

/** An ISO time as text in the browser's locale and time zone, with the zone. */
export function localTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  // (dateStyle/timeStyle cannot be combined with timeZoneName: the parts are spelled out)
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
}

/** The placeholders a template may use (spec §5), as GET /api/v1/actions lists them. */
export const placeholders = [];
function setPlaceholders(list) {
  if (Array.isArray(list) && list.length) placeholders.splice(0, placeholders.length, ...list);
}

// Display names, from GET /api/v1/triggers and GET /api/v1/actions (loadNames); until they are known a
// trigger shows its id and an action its id in words.
const names = { triggers: new Map(), actions: new Map(), products: new Map() };
let catalogs = null;

/**
 * The engine's triggers and actions (asked once per page load; they change only with the engine's version).
 * Resolves to { triggers, actions } (empty lists when the engine cannot be asked; asked again next time).
 */
export function loadNames() {
  if (!catalogs) {
    catalogs = Promise.all([
      api('GET', '/api/v1/triggers').then((r) => r.items || []).catch(() => []),
      api('GET', '/api/v1/actions').then((r) => { setPlaceholders(r.placeholders); return r.items || []; }).catch(() => []),
    ]).then(([triggers, actions]) => {
      triggers.forEach((t) => names.triggers.set(t.id, t.display_name));
      actions.forEach((a) => names.actions.set(a.id, a.display_name));
      if (triggers.length === 0 || actions.length === 0) catalogs = null; // try again next time
      return { triggers, actions };
    });
  }
  return catalogs;
}

/** Remembers product names seen in events (GET …/products items) for productName. */
export function learnProducts(items) {
  (items || []).forEach((p) => { if (p.product_name) names.products.set(p.product_id, p.product_name); });
}

export const triggerName = (id) => names.triggers.get(id) || (id ? id : '');
export const actionName = (id) => names.actions.get(id) || inWords(id);
/** The product's name as last seen in a store event, or null when none was. */
export const productName = (id) => names.products.get(id) || null;
/** "Course X" with its id small beside it; the bare id when no event named it. */
export function product(id) {
  if (!id) return '—';
  const name = productName(id);
  return name ? h('span', { class: 'product' }, name, ' ', h('small', { class: 'id' }, id)) : h('code', {}, id);
}
/** An integration's HighLevel location: its name (location_name) or, until HighLevel told it, its id. */
export const locationName = (integration) => (integration && (integration.location_name || integration.location_id)) || '';
