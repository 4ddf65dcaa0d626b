// Small DOM helpers: building elements, status badges, messages, problem+json errors on forms,
// and a confirm dialog. No framework; text is always set as text, never as HTML.

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

export function badge(status) {
  return h('span', { class: `badge badge-${status || 'none'}`, dataset: { status: status || '' } }, status || '—');
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString());
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
  const candidates = [field, field.replace(/\[\d+\]$/, ''), field.split('.')[0]];
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
