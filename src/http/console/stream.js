// Stream: its groups (lag, pending, consumers, policy), a chart of lag and delivery rate
// sampled by this page, a form to publish a test message and one to create a group.

import { access, path, v1 } from './api.js';
import { lineChart } from './chart.js';
import { duration, facts, h, href, idAge, scoped, section, table } from './ui.js';

const SAMPLE_MS = 2000;
const KEEP = 90;

const policy = (g) =>
  [
    `lease ${g.leaseMs ? duration(g.leaseMs) : 'off'}`,
    `maxDeliveries ${g.maxDeliveries || 'off'}`,
    `dlq ${g.deadLetterStream}`,
    g.reapIdleMs ? `reap ${duration(g.reapIdleMs)}` : null,
    g.maxBackoffMs ? `backoff ${duration(g.minBackoffMs)}–${duration(g.maxBackoffMs)}` : null,
  ].filter(Boolean).join(' · ');

export async function streamPage(ctx, stream) {
  const { scopes } = await access(stream);
  ctx.crumbs([[stream, href(stream)]]);
  const info = h('div', {});
  const groups = h('div', {});
  const chart = h('div', { class: 'charts' });
  const samples = []; // {t, groups: Map(name → {lag, entriesRead})}

  async function refresh() {
    let stat = null;
    let list = [];
    try {
      stat = await v1('GET', path('streams', stream));
      list = (await v1('GET', path('streams', stream, 'groups'))).groups;
      ctx.clearError();
    } catch (err) {
      if (err.code !== 'STREAM_NOT_FOUND') throw err;
    }
    info.replaceChildren(
      stat
        ? facts([
            ['length', stat.length, 'stream-length'],
            ['groups', stat.groups, 'stream-groups'],
            ['first entry', stat.firstId ?? 'none'],
            ['last entry', stat.lastId ?? 'none'],
            ['last entry age', stat.lastId ? duration(idAge(stat.lastId)) : '—'],
            ['entries added', stat.entriesAdded],
          ])
        : h('p', { class: 'muted', 'data-testid': 'stream-missing' }, 'This stream does not exist yet: publish a message to create it.'),
    );
    groups.replaceChildren(
      table(
        [
          { title: 'group', cell: (g) => h('a', { href: href(stream, g.name) }, g.name) },
          { title: 'lag', className: 'num', cell: (g) => g.lag ?? '?' },
          { title: 'pending', className: 'num', cell: (g) => g.pending },
          { title: 'consumers', className: 'num', cell: (g) => g.consumers },
          { title: 'last delivered', cell: (g) => g.lastDeliveredId },
          { title: 'policy', cell: policy },
        ],
        list,
        { empty: 'no group', testid: 'groups', rowId: (g) => g.name },
      ),
    );
    samples.push({ t: Date.now(), groups: new Map(list.map((g) => [g.name, { lag: g.lag, read: g.entriesRead }])) });
    if (samples.length > KEEP) samples.shift();
    drawCharts();
  }

  function drawCharts() {
    const names = [...new Set(samples.flatMap((s) => [...s.groups.keys()]))].slice(0, 8);
    const lag = names.map((name) => ({ name, points: samples.map((s) => [s.t, s.groups.get(name)?.lag ?? null]) }));
    const rate = names.map((name) => ({
      name,
      points: samples.slice(1).map((s, i) => {
        const a = samples[i].groups.get(name);
        const b = s.groups.get(name);
        const dt = (s.t - samples[i].t) / 1000;
        return [s.t, a && b && a.read !== null && b.read !== null ? Math.max(0, (b.read - a.read) / dt) : null];
      }),
    }));
    chart.replaceChildren(lineChart('Lag (entries not yet delivered)', lag), lineChart('Delivery rate (entries/s)', rate, { unit: '/s' }));
  }

  const publish = h('form', { 'data-testid': 'publish-form', onsubmit: (e) => {
    e.preventDefault();
    ctx.act(async () => {
      let fields;
      try {
        fields = JSON.parse(e.target.elements.fields.value);
      } catch (err) {
        throw Object.assign(new Error(`the fields are not JSON: ${err.message}`), { title: 'Not JSON', code: 'CONSOLE' });
      }
      const { ids } = await v1('POST', path('streams', stream, 'messages'), { body: { fields } });
      await refresh();
      ctx.notice(`published ${ids.join(', ')}`);
    });
  } },
    h('label', {}, 'Fields (a JSON object of strings) ', h('textarea', { name: 'fields', rows: 2, cols: 50, spellcheck: 'false' }, '{"hello": "world"}')),
    scoped(scopes, 'publish', 'Publish', undefined, { type: 'submit', 'data-testid': 'publish' }),
  );

  const create = h('form', { 'data-testid': 'create-group-form', onsubmit: (e) => {
    e.preventDefault();
    const el = e.target.elements;
    const body = { group: el.group.value, start: el.start.value || '$', createStream: true };
    for (const name of ['leaseMs', 'maxDeliveries']) if (el[name].value !== '') body[name] = Number(el[name].value);
    ctx.act(async () => {
      await v1('POST', path('streams', stream, 'groups'), { body });
      await refresh();
      ctx.notice(`group ${body.group} created`);
    });
  } },
    h('label', {}, 'Group ', h('input', { name: 'group', required: true, size: 12 })),
    h('label', {}, 'Start ', h('input', { name: 'start', value: '$', size: 6, title: '$ (new entries only), 0 (all), or an ID' })),
    h('label', {}, 'leaseMs ', h('input', { name: 'leaseMs', type: 'number', min: 0, size: 8, placeholder: 'default' })),
    h('label', {}, 'maxDeliveries ', h('input', { name: 'maxDeliveries', type: 'number', min: 0, size: 4, placeholder: 'default' })),
    scoped(scopes, 'admin', 'Create group', undefined, { type: 'submit', 'data-testid': 'create-group' }),
  );

  await refresh();
  const timer = setInterval(() => refresh().catch((err) => ctx.error(err)), SAMPLE_MS);
  ctx.onLeave(() => clearInterval(timer));
  return h('div', {},
    section(`Stream ${stream}`, info),
    section('Groups', groups),
    section('Over time (sampled by this page every 2 s)', chart),
    section('Publish a test message', publish),
    section('Create a group', create),
  );
}
