// The Overview tab (the first after sign-in): what happened lately, from GET …/overview (counted from the
// durable inbox and action queue): store events received and actions succeeded / failed / waiting in the
// last 24 hours and 7 days, a small chart per day (inline SVG, no chart library), the integrations that
// need reconnecting (linking to the Integrations tab) and the last event's time. Days are local days.
import { api, mp, query } from './api.js';
import { attempt, clear, h, time } from './dom.js';
import { showLogs } from './logs.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, ...children) => {
  const el = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  children.flat().forEach((c) => el.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return el;
};

// what the merchant reads for each count; "in progress" is pending + retrying
const SERIES = [
  { key: 'succeeded', label: 'Succeeded', statuses: ['succeeded'] },
  { key: 'failed', label: 'Failed', statuses: ['failed'] },
  { key: 'waiting', label: 'Waiting', statuses: ['waiting'] },
  { key: 'in-progress', label: 'In progress', statuses: ['pending', 'retrying'] },
];
const sum = (actions, statuses) => statuses.reduce((n, s) => n + (actions[s] || 0), 0);
const INTEGRATION_STATUS = { needs_reconnect: 'Needs reconnecting', pending: 'Not connected yet' };

export async function renderOverview(panel) {
  clear(panel, h('div', { class: 'panel-head' }, h('h2', {}, 'Overview')),
    h('p', { id: 'overview-loading', 'aria-busy': 'true' }, 'Loading the overview…'));
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const here = location.hash;
  const o = await attempt(() => api('GET', mp(`/overview${query({ tz })}`)));
  if (location.hash !== here) return; // another tab was opened meanwhile: leave its content alone
  if (!o) {
    clear(panel, h('div', { class: 'panel-head' }, h('h2', {}, 'Overview')),
      h('p', { class: 'empty' }, 'The overview could not be loaded (see the message above).'));
    return;
  }
  clear(panel,
    h('div', { class: 'panel-head' }, h('h2', {}, 'Overview'),
      h('button', { type: 'button', id: 'overview-refresh', class: 'secondary', onclick: () => renderOverview(panel) }, 'Refresh')),
    lastEvent(o),
    attention(o.integrations_not_connected || []),
    h('div', { class: 'overview-periods', id: 'overview-periods' },
      period('overview-24h', 'Last 24 hours', o.last_24h),
      period('overview-7d', 'Last 7 days', o.last_7_days)),
    perDay(o.days || []));
}

function lastEvent(o) {
  return h('p', { class: 'lead', id: 'overview-last-event' },
    o.last_event_at
      ? ['Last store event received: ', time(o.last_event_at), '.']
      : ['No store event received yet. Connect your store on the ', h('a', { href: '#sources' }, 'Store connections'), ' tab.']);
}

function attention(integrations) {
  if (integrations.length === 0) return null;
  return h('div', { class: 'card attention', id: 'overview-attention', role: 'region', 'aria-labelledby': 'attention-title' },
    h('h3', { id: 'attention-title' }, integrations.length === 1 ? 'One integration needs you' : `${integrations.length} integrations need you`),
    h('ul', {}, integrations.map((i) => h('li', { dataset: { id: i.id, status: i.status } },
      h('strong', {}, i.name), ': ', INTEGRATION_STATUS[i.status] || i.status,
      i.status_reason ? h('small', { class: 'reason' }, i.status_reason) : null))),
    h('p', {}, 'Their actions wait until they are connected. ',
      h('a', { href: '#integrations', id: 'overview-reconnect' }, 'Reconnect on the Integrations tab'), '.'));
}

function period(id, title, p) {
  const actions = (p && p.actions) || {};
  const stat = (label, value, cls, filters) => h('div', { class: `stat ${cls || ''}`, dataset: { stat: cls || 'events' } },
    h('span', { class: 'stat-value' }, filters && value > 0
      ? h('a', { href: '#logs', onclick: (e) => { e.preventDefault(); showLogs(filters); } }, String(value))
      : String(value)),
    h('span', { class: 'stat-label' }, label));
  return h('section', { class: 'card period', id, 'aria-label': title },
    h('h3', {}, title),
    h('div', { class: 'stats' },
      stat('Events received', (p && p.events) || 0, 'events'),
      SERIES.map((s) => stat(`Actions ${s.label.toLowerCase()}`, sum(actions, s.statuses), s.key,
        s.key === 'failed' || s.key === 'waiting' ? { kind: 'action', status: s.key } : null))));
}

/** A bar chart per day (events, and actions stacked by outcome) and the same numbers as a table. */
function perDay(days) {
  const width = 560;
  const height = 180;
  const top = 10;
  const bottom = 28;
  const slot = width / Math.max(days.length, 1);
  const bar = Math.min(22, slot / 3);
  const max = Math.max(1, ...days.map((d) => Math.max(d.events, SERIES.reduce((n, s) => n + sum(d.actions, s.statuses), 0))));
  const scale = (n) => (n / max) * (height - top - bottom);
  const label = (d) => new Date(`${d.date}T12:00:00`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' });
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', id: 'overview-chart', role: 'img',
    'aria-labelledby': 'chart-title' },
  svg('title', { id: 'chart-title' }, 'Store events and actions per day, last 7 days'),
  svg('line', { x1: 0, x2: width, y1: height - bottom, y2: height - bottom, class: 'axis' }),
  days.map((d, i) => {
    const x = i * slot + slot / 2;
    let y = height - bottom;
    const stacked = SERIES.map((s) => {
      const n = sum(d.actions, s.statuses);
      const hgt = scale(n);
      y -= hgt;
      return n ? svg('rect', { x: x + 1, y, width: bar, height: hgt, class: `bar bar-${s.key}` }, svg('title', {}, `${s.label}: ${n}`)) : null;
    }).filter(Boolean);
    return svg('g', { class: 'day' },
      d.events ? svg('rect', { x: x - bar - 1, y: height - bottom - scale(d.events), width: bar, height: scale(d.events), class: 'bar bar-events' },
        svg('title', {}, `Events: ${d.events}`)) : null,
      stacked,
      svg('text', { x, y: height - 8, 'text-anchor': 'middle', class: 'tick' }, label(d)));
  }));
  const legend = h('ul', { class: 'legend', 'aria-hidden': 'true' },
    [{ key: 'events', label: 'Events received' }, ...SERIES.map((s) => ({ key: s.key, label: `Actions ${s.label.toLowerCase()}` }))]
      .map((s) => h('li', {}, h('span', { class: `swatch bar-${s.key}` }), s.label)));
  const columns = ['Day', 'Events', ...SERIES.map((s) => s.label)];
  const table = h('table', { class: 'data cards', id: 'overview-days' },
    h('caption', { class: 'visually-hidden' }, 'Store events and actions per day'),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, days.slice().reverse().map((d) => h('tr', { dataset: { date: d.date } },
      h('td', { 'data-label': 'Day' }, label(d)),
      h('td', { 'data-label': 'Events' }, String(d.events)),
      SERIES.map((s) => h('td', { 'data-label': s.label }, String(sum(d.actions, s.statuses))))))));
  return h('section', { class: 'card', id: 'overview-per-day', 'aria-labelledby': 'per-day-title' },
    h('h3', { id: 'per-day-title' }, 'Per day'),
    h('p', { class: 'hint' }, 'An action counts on the day it was queued, with the status it has now.'),
    chart, legend, h('div', { class: 'table-wrap' }, table));
}
