// Small DOM helpers: every text goes in through textContent (never innerHTML), so stream
// names and message values cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A table: columns [{title, cell(row) → node or text, className?}]; `empty` when no row. */
export function table(columns, rows, { empty = 'none', testid, rowId } = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', { class: c.className }, c.title)));
  const body = rows.length
    ? rows.map((row) => h('tr', { 'data-row': rowId ? rowId(row) : undefined }, columns.map((c) => h('td', { class: c.className }, c.cell(row)))))
    : [h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty))];
  return h('table', { 'data-testid': testid }, h('thead', {}, head), h('tbody', {}, body));
}

/** A definition list of [label, value, testid?]. */
export const facts = (pairs) =>
  h('dl', { class: 'facts' }, pairs.map(([label, value, testid]) => [h('dt', {}, label), h('dd', { 'data-testid': testid }, value ?? '—')]));

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

/** Age of an entry from the milliseconds of its ID, by this browser's clock. */
export function idAge(id) {
  if (!id) return null;
  const ms = Number(id.split('-')[0]);
  return Number.isFinite(ms) ? Math.max(0, Date.now() - ms) : null;
}

/** The link of a page: state lives in the hash, so any view can be shared. */
export function href(stream, group, params) {
  let hash = '#/streams';
  if (stream !== undefined) hash += `/${encodeURIComponent(stream)}`;
  if (group !== undefined) hash += `/groups/${encodeURIComponent(group)}`;
  const qs = params ? new URLSearchParams(params).toString() : '';
  return qs ? `${hash}?${qs}` : hash;
}

/**
 * A button that needs `scope` on the page's stream: disabled (with the reason as its title)
 * when the key lacks it. The API refuses such calls anyway; this only saves a useless click.
 */
export function scoped(scopes, scope, label, onclick, attrs = {}) {
  const allowed = scopes.includes(scope);
  return h(
    'button',
    { type: 'button', ...attrs, 'data-scope': scope, disabled: !allowed, title: allowed ? attrs.title : `this key lacks the ${scope} scope on the stream`, onclick },
    label,
  );
}

export function section(title, ...children) {
  return h('section', {}, h('h2', {}, title), ...children);
}
