// Streams: every stream the key may see, with its length, groups and last entry's age.

import { v1, path } from './api.js';
import { duration, facts, h, href, idAge, section, table } from './ui.js';

/** At most this many SCAN steps per load: a page shows what they found, and a "more" link. */
const MAX_STEPS = 20;

export async function streamsPage(ctx) {
  const { params } = ctx;
  const match = params.get('match') ?? '';
  const names = [];
  let cursor = params.get('cursor') ?? '0';
  let steps = 0;
  do {
    const page = await v1('GET', 'streams', { query: { match: match || undefined, cursor, count: 200 } });
    names.push(...page.streams);
    cursor = page.cursor;
    steps += 1;
  } while (cursor !== '0' && steps < MAX_STEPS && names.length < 500);
  names.sort();
  const infos = await Promise.all(names.map((name) => v1('GET', path('streams', name)).then((info) => ({ name, info }), (error) => ({ name, error }))));

  const open = h('form', { class: 'inline', onsubmit: (e) => {
    e.preventDefault();
    const name = e.target.elements.stream.value;
    if (name) location.hash = href(name);
  } }, h('label', {}, 'Open stream ', h('input', { name: 'stream', required: true, placeholder: 'name', 'data-testid': 'open-stream' })), h('button', { type: 'submit' }, 'Open'));
  const filter = h('form', { class: 'inline', onsubmit: (e) => {
    e.preventDefault();
    const m = e.target.elements.match.value;
    location.hash = href(undefined, undefined, m ? { match: m } : undefined);
  } }, h('label', {}, 'Match ', h('input', { name: 'match', value: match, placeholder: '* (Redis MATCH glob)' })), h('button', { type: 'submit' }, 'Filter'));

  const rows = table(
    [
      { title: 'stream', cell: (r) => h('a', { href: href(r.name) }, r.name) },
      { title: 'length', className: 'num', cell: (r) => (r.info ? r.info.length : '') },
      { title: 'groups', className: 'num', cell: (r) => (r.info ? r.info.groups : '') },
      { title: 'last entry', cell: (r) => (r.info ? r.info.lastId ?? 'empty' : h('span', { class: 'bad' }, `${r.error.title} (${r.error.code})`)) },
      { title: 'last entry age', className: 'num', cell: (r) => (r.info?.lastId ? duration(idAge(r.info.lastId)) : '—') },
    ],
    infos,
    { empty: 'no stream visible to this key' + (match ? ` matches ${match}` : ''), testid: 'streams', rowId: (r) => r.name },
  );
  const more = cursor !== '0' ? h('p', {}, h('a', { href: href(undefined, undefined, { ...(match ? { match } : {}), cursor }) }, 'More streams…')) : null;
  ctx.crumbs([]);
  return h('div', {}, section('Streams', h('div', { class: 'toolbar' }, open, filter), rows, more, facts([['shown', names.length]])));
}
