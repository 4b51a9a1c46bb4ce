// Group: consumers (idle, inactive, pending; stale ones flagged), pending entries (idle,
// deliveries) with nack / extend / dead-letter, dead letters with their x-* fields and
// redrive, the group's position, and a test pull.

import { access, path, v1 } from './api.js';
import { duration, facts, h, href, scoped, section, table } from './ui.js';

/** A consumer idle this long with pending entries is flagged (the metrics' default, 5 min). */
const DEFAULT_STALE_MS = 300_000;

export async function groupPage(ctx, stream, group) {
  const staleMs = Number(ctx.params.get('staleMs') ?? DEFAULT_STALE_MS) || DEFAULT_STALE_MS;
  const { scopes } = await access(stream);
  ctx.crumbs([[stream, href(stream)], [group, href(stream, group)]]);
  const base = path('streams', stream, 'groups', group);
  const parts = { info: h('div', {}), consumers: h('div', {}), pending: h('div', {}), dead: h('div', {}), pulled: h('div', {}) };

  async function refresh() {
    const [g, consumers, pending, dead] = await Promise.all([
      v1('GET', base),
      v1('GET', `${base}/consumers`),
      scopes.includes('consume') ? v1('GET', `${base}/pending/entries`, { query: { count: 100 } }) : null,
      scopes.includes('consume') ? v1('GET', `${base}/dead-letters`, { query: { count: 100 } }) : null,
    ]);
    parts.info.replaceChildren(
      facts([
        ['lag', g.lag ?? 'unknown', 'group-lag'],
        ['pending', g.pending, 'group-pending'],
        ['consumers', g.consumers],
        ['last delivered', g.lastDeliveredId],
        ['entries read', g.entriesRead ?? 'unknown'],
        ['lease', g.leaseMs ? duration(g.leaseMs) : 'off (no redelivery)'],
        ['max deliveries', g.maxDeliveries || 'off'],
        ['dead-letter stream', h('a', { href: href(g.deadLetterStream) }, g.deadLetterStream)],
        ['reap idle', g.reapIdleMs ? duration(g.reapIdleMs) : 'off'],
        ['retry backoff', g.maxBackoffMs ? `${duration(g.minBackoffMs)} – ${duration(g.maxBackoffMs)}` : 'off'],
      ]),
    );
    parts.consumers.replaceChildren(consumerTable(consumers.consumers));
    parts.pending.replaceChildren(pending ? pendingTable(pending.entries) : h('p', { class: 'muted' }, 'Listing pending entries needs the consume scope.'));
    parts.dead.replaceChildren(dead ? deadTable(dead.messages, dead.next) : h('p', { class: 'muted' }, 'Listing dead letters needs the consume scope.'));
  }

  // The notice an action returns is shown once the page shows its effect.
  const act = (fn) => ctx.act(async () => {
    const done = await fn();
    await refresh();
    if (done) ctx.notice(done);
  });

  function consumerTable(consumers) {
    const force = h('input', { type: 'checkbox', 'data-testid': 'force-delete' });
    return h('div', {},
      table(
        [
          { title: 'consumer', cell: (c) => c.name },
          { title: 'pending', className: 'num', cell: (c) => c.pending },
          { title: 'idle', className: 'num', cell: (c) => duration(c.idleMs) },
          { title: 'inactive', className: 'num', cell: (c) => (c.inactiveMs === null ? 'n/a (Redis < 7.2)' : duration(c.inactiveMs)) },
          { title: '', cell: (c) => (c.pending > 0 && c.idleMs > staleMs ? h('span', { class: 'bad', 'data-testid': 'stale' }, `stale: idle over ${duration(staleMs)} holding messages`) : '') },
          {
            title: '',
            cell: (c) =>
              scoped(scopes, 'admin', 'Delete', () =>
                act(async () => {
                  const res = await v1('DELETE', `${base}/consumers/${encodeURIComponent(c.name)}`, { query: { force: force.checked ? 'true' : undefined } });
                  return `consumer ${c.name} deleted (${res.pendingDropped} pending entries dropped)`;
                }), { 'data-testid': 'delete-consumer' }),
          },
        ],
        consumers,
        { empty: 'no consumer', testid: 'consumers', rowId: (c) => c.name },
      ),
      h('label', { class: 'muted' }, force, ' force: delete a consumer even if it holds pending entries (they are dropped from the pending list)'),
      h('p', { class: 'muted' }, `Stale: idle longer than ${duration(staleMs)} with pending entries (add ?staleMs=N to the URL to change).`),
    );
  }

  function pendingTable(entries) {
    const boxes = [];
    const selected = () => entries.filter((_, i) => boxes[i]?.checked);
    const byConsumer = (list) => Map.groupBy ? Map.groupBy(list, (e) => e.consumer) : list.reduce((m, e) => m.set(e.consumer, [...(m.get(e.consumer) ?? []), e]), new Map());
    const each = (verb, extra, done) => () =>
      act(async () => {
        const list = selected();
        if (list.length === 0) throw Object.assign(new Error('select pending entries first'), { title: 'Nothing selected', code: 'CONSOLE' });
        let n = 0;
        for (const [consumer, items] of byConsumer(list)) {
          const res = await v1('POST', `${base}/${verb}`, { body: { consumer, ids: items.map((e) => e.id), ...extra } });
          n += res[done];
        }
        return `${verb}: ${n} of ${list.length}`;
      });
    const rows = table(
      [
        { title: '', cell: (e) => { const box = h('input', { type: 'checkbox', 'aria-label': `select ${e.id}` }); boxes.push(box); return box; } },
        { title: 'id', cell: (e) => e.id },
        { title: 'consumer', cell: (e) => e.consumer },
        { title: 'idle', className: 'num', cell: (e) => duration(e.idleMs) },
        { title: 'deliveries', className: 'num', cell: (e) => e.deliveryCount },
      ],
      entries,
      { empty: 'nothing pending', testid: 'pending', rowId: (e) => e.id },
    );
    return h('div', {}, rows, h('div', { class: 'toolbar' },
      scoped(scopes, 'consume', 'Nack (redeliver now)', each('nack', {}, 'released'), { 'data-testid': 'nack' }),
      scoped(scopes, 'consume', 'Extend lease', each('extend', {}, 'extended'), { 'data-testid': 'extend' }),
      scoped(scopes, 'consume', 'Dead-letter (term)', each('term', { reason: 'terminated from the web console' }, 'terminated'), { 'data-testid': 'term' }),
    ));
  }

  function deadTable(messages, next) {
    const xFields = (m) => Object.entries(m.fields ?? {}).filter(([k]) => k.startsWith('x-'));
    const ownFields = (m) => Object.entries(m.fields ?? {}).filter(([k]) => !k.startsWith('x-'));
    const kv = (pairs) => h('ul', { class: 'kv' }, pairs.map(([k, v]) => h('li', {}, h('b', {}, k), ' ', v)));
    const rows = table(
      [
        { title: 'dead letter', cell: (m) => m.id },
        { title: 'x-* fields', cell: (m) => kv(xFields(m)) },
        { title: 'fields', cell: (m) => [m.encoding === 'base64' ? h('span', { class: 'muted' }, '(values in base64)') : null, kv(ownFields(m))] },
        { title: '', cell: (m) => scoped(scopes, 'admin', 'Redrive', () => act(async () => {
          const res = await v1('POST', `${base}/dead-letters/redrive`, { body: { ids: [m.id] } });
          return `redriven: ${res.redriven} (${res.ids.join(', ')})`;
        }), { 'data-testid': 'redrive' }) },
      ],
      messages,
      { empty: 'no dead letter', testid: 'dead-letters', rowId: (m) => m.id },
    );
    const all = scoped(scopes, 'admin', 'Redrive all (oldest first, one batch)', () => act(async () => {
      const res = await v1('POST', `${base}/dead-letters/redrive`, { body: {} });
      return `redriven: ${res.redriven}`;
    }), { 'data-testid': 'redrive-all' });
    return h('div', {}, rows, next ? h('p', { class: 'muted' }, `more dead letters after ${next}`) : null, h('div', { class: 'toolbar' }, messages.length ? all : null));
  }

  const position = h('form', { class: 'inline', onsubmit: (e) => {
    e.preventDefault();
    const id = e.target.elements.id.value.trim();
    act(async () => {
      await v1('PUT', `${base}/position`, { body: { id } });
      return `position set to ${id}`;
    });
  } },
    h('label', {}, 'Last delivered ID ', h('input', { name: 'id', required: true, size: 22, placeholder: '$, 0 or an ID', 'data-testid': 'position-id' })),
    scoped(scopes, 'admin', 'Set position', undefined, { type: 'submit', 'data-testid': 'set-position' }),
  );

  const pull = h('form', { class: 'inline', onsubmit: (e) => {
    e.preventDefault();
    const el = e.target.elements;
    act(async () => {
      const res = await v1('POST', `${base}/pull`, { body: { consumer: el.consumer.value, count: Number(el.count.value) || 1 } });
      parts.pulled.replaceChildren(table(
        [{ title: 'pulled', cell: (m) => m.id }, { title: 'deliveries', className: 'num', cell: (m) => m.deliveryCount }, { title: 'fields', cell: (m) => JSON.stringify(m.fields) }],
        res.messages,
        { empty: 'nothing to pull', testid: 'pulled' },
      ));
    });
  } },
    h('label', {}, 'Consumer ', h('input', { name: 'consumer', required: true, value: 'console', size: 12 })),
    h('label', {}, 'Count ', h('input', { name: 'count', type: 'number', min: 1, value: 1, size: 4 })),
    scoped(scopes, 'consume', 'Pull (leases them to the consumer)', undefined, { type: 'submit', 'data-testid': 'pull' }),
  );

  await refresh();
  return h('div', {},
    section(`Group ${group} on ${stream}`, parts.info, h('div', { class: 'toolbar' }, h('button', { type: 'button', onclick: () => act(async () => {}), 'data-testid': 'refresh' }, 'Refresh'), position)),
    section('Consumers', parts.consumers),
    section('Pending entries', parts.pending),
    section('Dead letters', parts.dead),
    section('Test pull', pull, parts.pulled),
  );
}
