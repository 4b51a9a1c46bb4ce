import { expect } from 'vitest';
import { type Table, codeOf, f, idsOf, publishIds, setup, stringKey, txt } from './support.js';

/** Publishing, reading, deleting and trimming messages. */
export const MESSAGES: Table = {
  async 'byte-exact binary values and repeated names, both ways'(d, x) {
    const s = x.name();
    const fields = {
      invalid: Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      empty: Buffer.alloc(0),
      nul: Buffer.from([0, 0, 0x41, 0]),
      text: Buffer.from('naïve ✓'),
    };
    const pairs: Array<[string, Buffer]> = [
      ['k', Buffer.from([0x80])],
      ['other', Buffer.from('x')],
      ['k', Buffer.from([0x00])],
    ];
    const unique: Array<[string, Buffer]> = [
      ['z', Buffer.from('1')],
      ['y', Buffer.from('2')],
    ];
    const pub = await d.publish(s, [{ fields }, { pairs }, { pairs: unique }]);
    expect(pub.replayed).toBe(false);
    const native = await x.redis.xrangeBuffer(s, '-', '+');
    // Redis holds exactly these fields, in this order, nothing added (no envelope).
    const asBytes = (list: Array<[string, Buffer]>) => list.flatMap(([k, v]) => [Buffer.from(k), v]);
    expect(native.map(([, flat]) => flat)).toEqual([asBytes(Object.entries(fields)), asBytes(pairs), asBytes(unique)]);
    expect(native.map(([id]) => id.toString())).toEqual(pub.ids);
    const read = await d.read(s);
    expect(read[0]?.fields).toEqual(fields);
    expect(read[0]?.pairs).toBe(null);
    expect(read[0]?.deliveryCount).toBe(0);
    // Repeated names: every pair in Redis order, and `fields` with the last value.
    expect(read[1]?.pairs).toEqual(pairs);
    expect(read[1]?.fields).toEqual({ k: Buffer.from([0x00]), other: Buffer.from('x') });
    // Pairs without repeats read back as plain fields.
    expect(read[2]).toMatchObject({ fields: { z: Buffer.from('1'), y: Buffer.from('2') }, pairs: null });
    await d.createGroup(s, 'g', { start: '0' });
    const pulled = await d.pull(s, 'g', 'c', { count: 3 });
    expect(pulled.map((m) => [m.fields, m.pairs])).toEqual(read.map((m) => [m.fields, m.pairs]));
    // An entry written by a native client reads back the same way.
    await x.redis.xadd(s, '*', 'raw', Buffer.from([0xc0, 0x80]));
    const [rawMsg] = await d.pull(s, 'g', 'c');
    expect(rawMsg?.fields).toEqual({ raw: Buffer.from([0xc0, 0x80]) });
    const [rawRead] = await d.read(s, { start: rawMsg!.id });
    expect(rawRead?.fields).toEqual({ raw: Buffer.from([0xc0, 0x80]) });
    return { pub, read, pulled, raw: rawMsg };
  },

  async 'publish a batch with explicit IDs (<ms>-<seq>, <ms>-*) and trim in the same step'(d, x) {
    const s = x.name();
    const r = await d.publish(
      s,
      [{ id: '100-1', fields: f({ n: '1' }) }, { id: '100-*', fields: f({ n: '2' }) }, { id: '200-*', fields: f({ n: '3' }) }, { fields: f({ n: '4' }) }],
      { trim: { maxLen: 2, exact: true } },
    );
    expect(r.ids.slice(0, 3)).toEqual(['100-1', '100-2', '200-0']);
    expect(r.ids[3]).toMatch(/^\d+-\d+$/);
    const left = idsOf(await d.read(s));
    expect(left).toEqual(r.ids.slice(2));
    const byId = await d.publish(s, [{ id: '9999999999999-0', fields: f({ n: '5' }) }], { trim: { minId: '9999999999999-0', exact: true } });
    const last = idsOf(await d.read(s));
    expect(last).toEqual(byId.ids);
    return { batch: r.ids.slice(0, 3), left: left.length, last };
  },

  async 'explicit IDs not above the top: ID_TOO_SMALL, and a refused batch writes nothing'(d, x) {
    const s = x.name();
    await publishIds(d, s, ['5-0']);
    const same = await codeOf(d.publish(s, [{ id: '5-0', fields: f({ n: '2' }) }]));
    const below = await codeOf(d.publish(s, [{ id: '3-0', fields: f({ n: '2' }) }]));
    // Second ID below the first: refused before anything is written.
    const order = await codeOf(d.publish(s, [{ id: '6-0', fields: f({ n: '2' }) }, { id: '4-0', fields: f({ n: '3' }) }]));
    // An explicit ID after an automatic one cannot be checked in advance; still nothing stays.
    const late = await codeOf(d.publish(s, [{ fields: f({ a: '1' }) }, { id: '11-0', fields: f({ a: '2' }) }]));
    // An empty message anywhere in the batch: nothing of the batch is written.
    const empty = await codeOf(d.publish(s, [{ fields: f({ a: '1' }) }, { fields: {} }]));
    expect([same, below, order, late, empty]).toEqual(['ID_TOO_SMALL', 'ID_TOO_SMALL', 'ID_TOO_SMALL', 'ID_TOO_SMALL', 'VALIDATION_FAILED']);
    expect(idsOf(await d.read(s))).toEqual(['5-0']);
    expect((await d.streamInfo(s)).lastGeneratedId).toBe('5-0');
    // On a stream that did not exist, a refused batch leaves no stream behind.
    const fresh = x.name();
    const none = await codeOf(d.publish(fresh, [{ fields: f({ a: '1' }) }, { id: '1-0', fields: f({ a: '2' }) }]));
    expect(none).toBe('ID_TOO_SMALL');
    expect(await x.redis.exists(fresh)).toBe(0);
    return { same, below, order, late, empty, none };
  },

  async 'malformed publishes are refused before anything is written'(d, x) {
    const s = x.name();
    const one = [{ fields: f({ a: '1' }) }];
    const codes = {
      noMessages: await codeOf(d.publish(s, [])),
      emptyMessage: await codeOf(d.publish(s, [{}])),
      fieldsAndPairs: await codeOf(d.publish(s, [{ fields: f({ a: '1' }), pairs: [['a', Buffer.from('1')]] }])),
      badStreamName: await codeOf(d.publish('bad\nname', one)),
      badKey: await codeOf(d.publish(s, one, { idempotencyKey: 'has space' })),
      emptyTrim: await codeOf(d.publish(s, one, { trim: {} })),
      badId: await codeOf(d.publish(s, [{ id: 'abc', fields: f({ a: '1' }) }])),
      zeroId: await codeOf(d.publish(s, [{ id: '0-0', fields: f({ a: '1' }) }])),
      badTrimId: await codeOf(d.publish(s, one, { trim: { minId: 'x' } })),
    };
    expect(codes).toEqual({
      noMessages: 'VALIDATION_FAILED',
      emptyMessage: 'VALIDATION_FAILED',
      fieldsAndPairs: 'VALIDATION_FAILED',
      badStreamName: 'VALIDATION_FAILED',
      badKey: 'VALIDATION_FAILED',
      emptyTrim: 'VALIDATION_FAILED',
      badId: 'INVALID_ID',
      zeroId: 'INVALID_ID',
      badTrimId: 'INVALID_ID',
    });
    expect(await x.redis.exists(s)).toBe(0);
    return codes;
  },

  async 'messages over STREAMGATE_MAX_MESSAGE_BYTES (names + values) are refused, the batch with them'(d, x) {
    const s = x.name();
    // The runner's limit is 4096 bytes: name 'a' (1) + 4095 is exactly at it.
    const at = await d.publish(s, [{ fields: { a: Buffer.alloc(4095, 1) } }]);
    const over = await codeOf(d.publish(s, [{ fields: { a: Buffer.alloc(4096, 1) } }]));
    const batch = await codeOf(
      d.publish(s, [
        { fields: f({ ok: '1' }) },
        {
          pairs: [
            ['a', Buffer.alloc(2100)],
            ['a', Buffer.alloc(2100)],
          ],
        },
      ]),
    );
    expect([over, batch]).toEqual(['PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE']);
    expect(await x.redis.xlen(s)).toBe(1);
    return { at: at.ids.length, over, batch };
  },

  async 'idempotent publish: a retry replays the first IDs, another body conflicts, keys are per stream'(d, x) {
    const s = x.name();
    const body = [{ fields: f({ order: '42' }) }, { fields: f({ order: '43' }) }];
    const first = await d.publish(s, body, { idempotencyKey: 'order-42' });
    expect(first.replayed).toBe(false);
    const replay = await d.publish(s, body, { idempotencyKey: 'order-42' });
    expect(replay).toEqual({ ids: first.ids, replayed: true });
    const conflict = await codeOf(d.publish(s, [{ fields: f({ order: '44' }) }], { idempotencyKey: 'order-42' }));
    // Same names, different bytes: still another request.
    const bytes = await codeOf(d.publish(s, [body[0]!, { fields: { order: Buffer.from('43\0') } }], { idempotencyKey: 'order-42' }));
    expect([conflict, bytes]).toEqual(['IDEMPOTENCY_CONFLICT', 'IDEMPOTENCY_CONFLICT']);
    expect((await d.streamInfo(s)).length).toBe(2);
    // The key is scoped to the stream: the same key elsewhere is a new publish.
    const elsewhere = await d.publish(x.name(), body, { idempotencyKey: 'order-42' });
    expect(elsewhere.replayed).toBe(false);
    expect(elsewhere.ids).toHaveLength(2);
    return { first, replay, conflict, bytes, elsewhere: elsewhere.replayed };
  },

  async 'read ranges: inclusive and exclusive bounds, incomplete IDs, count and reverse'(d, x) {
    const s = x.name();
    const ids = ['1-1', '2-1', '3-1', '4-1', '5-1'];
    await publishIds(d, s, ids);
    const r = async (q: Parameters<typeof d.read>[1]) => idsOf(await d.read(s, q));
    const all = await d.read(s);
    expect(idsOf(all)).toEqual(ids);
    expect([txt(all[0]), all[0]?.deliveryCount]).toEqual([{ id: '1-1' }, 0]);
    const ranges = {
      inclusive: await r({ start: '2-1', end: '4-1' }),
      exclusiveStart: await r({ start: '(2-1' }),
      exclusiveEnd: await r({ start: '-', end: '(4-1' }),
      incomplete: await r({ start: '3', end: '+' }),
      oneMs: await r({ start: '2', end: '2' }),
      counted: await r({ count: 2 }),
      reversed: await r({ start: '2-1', end: '4-1', reverse: true }),
      reversedExclusive: await r({ start: '(2-1', reverse: true }),
      notReversed: await r({ reverse: false, count: 2 }),
      // With a count, reverse reads from the upper bound down; the bounds stay lower and upper.
      reversedCount: await r({ reverse: true, count: 2 }),
      empty: await r({ start: '6-0' }),
    };
    expect(ranges).toEqual({
      inclusive: ['2-1', '3-1', '4-1'],
      exclusiveStart: ['3-1', '4-1', '5-1'],
      exclusiveEnd: ['1-1', '2-1', '3-1'],
      incomplete: ['3-1', '4-1', '5-1'],
      oneMs: ['2-1'],
      counted: ['1-1', '2-1'],
      reversed: ['4-1', '3-1', '2-1'],
      reversedExclusive: ['5-1', '4-1', '3-1'],
      notReversed: ['1-1', '2-1'],
      reversedCount: ['5-1', '4-1'],
      empty: [],
    });
    return ranges;
  },

  async 'delete a message: deleted 1, then 0'(d, x) {
    const s = x.name();
    const { ids } = await d.publish(s, [{ fields: f({ n: '0' }) }, { fields: f({ n: '1' }) }]);
    const counts = [await d.deleteMessage(s, ids[0]!), await d.deleteMessage(s, ids[0]!)];
    expect(counts).toEqual([1, 0]);
    const left = idsOf(await d.read(s));
    expect(left).toEqual([ids[1]]);
    return { counts, left };
  },

  async 'trim by maxLen and by minId, exactly; maxLen 0 is a value'(d, x) {
    const s = x.name();
    await publishIds(d, s, ['1-0', '2-0', '3-0', '4-0', '5-0']);
    const byLen = await d.trim(s, { maxLen: 3, exact: true });
    const byId = await d.trim(s, { minId: '5-0', exact: true });
    expect([byLen, byId]).toEqual([
      { trimmed: 2, warning: null },
      { trimmed: 2, warning: null },
    ]);
    expect(idsOf(await d.read(s))).toEqual(['5-0']);
    const zero = await d.trim(s, { maxLen: 0, exact: true });
    expect(zero).toEqual({ trimmed: 1, warning: null });
    return { byLen, byId, zero };
  },

  async 'trim: safe keeps what groups need, plain trim warns'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 5);
    await d.pull(s, 'g', 'c', { count: 2 });
    await d.ack(s, 'g', [ids[0]!]);
    // Only ids[0] is done with (ids[1] pending, the rest not delivered).
    const safe = await d.trim(s, { maxLen: 0, exact: true, safe: true });
    expect(safe).toEqual({ trimmed: 1, warning: null });
    expect(idsOf(await d.read(s))).toEqual(ids.slice(1));
    const quiet = await d.trim(s, { maxLen: 4, exact: true });
    expect(quiet).toEqual({ trimmed: 0, warning: null });
    const plain = await d.trim(s, { maxLen: 2, exact: true });
    expect(plain.trimmed).toBe(2);
    expect(plain.warning).toMatch(/consumer group/);
    expect(plain.warning).toEqual(expect.stringContaining('safe'));
    const info = await d.streamInfo(s);
    expect(info).toMatchObject({ length: 2, firstId: ids[3], lastId: ids[4], lastGeneratedId: ids[4], groups: 1, entriesAdded: 5 });
    // ids[3] was never delivered to g: a safe trim by ID keeps it too.
    const byId = await d.trim(s, { minId: ids[4]!, exact: true, safe: true });
    expect(byId).toEqual({ trimmed: 0, warning: null });
    return { safe, quiet, plain, info, byId };
  },

  async 'a trim of entries every group is done with gives no warning'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3);
    await d.pull(s, 'g', 'c', { count: 2 });
    await d.ack(s, 'g', ids.slice(0, 2));
    const trimmed = await d.trim(s, { maxLen: 1, exact: true });
    expect(trimmed).toEqual({ trimmed: 2, warning: null });
    return trimmed;
  },

  async 'a key of another type is refused by every stream operation and left alone'(d, x) {
    const k = await stringKey(x);
    const codes = [
      await codeOf(d.publish(k, [{ fields: f({ a: '1' }) }])),
      await codeOf(d.trim(k, { maxLen: 1 })),
      await codeOf(d.deleteStream(k)),
      await codeOf(d.deleteMessage(k, '1-0')),
    ];
    expect(codes).toEqual(['NOT_A_STREAM', 'NOT_A_STREAM', 'NOT_A_STREAM', 'NOT_A_STREAM']);
    expect(await x.redis.get(k)).toBe('v');
    return codes;
  },
};
