import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type Gw, ID, b, idsOf, publish, setup, stringKey, text, withGateway } from './unary-support.js';

/**
 * The stream and message RPCs through a real grpc-js client: Publish, ReadRange,
 * DeleteMessage, Trim, ListStreams, GetStream, DeleteStream. Each success with its fields
 * checked, each error with its gRPC status and the contract code in `error-code`.
 * (Groups: unary-groups.test.ts; consuming: unary-consume.test.ts.)
 */

let gw: Gw;
withGateway((g) => {
  gw = g;
});

/** A gateway whose messages may hold at most 64 bytes (names + values). */
let small: Gw;
withGateway(
  (g) => {
    small = g;
  },
  { STREAMGATE_MAX_MESSAGE_BYTES: '64' },
);

const BINARY = {
  invalidUtf8: Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]),
  empty: Buffer.alloc(0),
  nul: Buffer.from([0x00, 0x61, 0x00, 0x00]),
  text: b('ünïcødé ✓'),
};

describe('Publish', () => {
  it('writes bytes byte-exact both ways (invalid UTF-8, empty, NUL): the plain Redis entry, nothing added', async () => {
    const s = uniq();
    const r = await gw.rpc('Publish', { stream: s, messages: [{ fields: BINARY }] });
    expect(r.replayed).toBe(false);
    expect(r.ids).toHaveLength(1);
    expect(r.ids[0]).toMatch(ID);

    // What Redis holds: exactly these four fields, no envelope.
    const native = await gw.redis.xrangeBuffer(s, '-', '+');
    expect(native).toHaveLength(1);
    const [nativeId, flat] = native[0]!;
    expect(nativeId.toString()).toBe(r.ids[0]);
    const stored = new Map<string, Buffer>();
    for (let i = 0; i < flat.length; i += 2) stored.set(flat[i]!.toString(), flat[i + 1]!);
    expect(stored).toEqual(new Map(Object.entries(BINARY)));

    // And back through the gateway, byte for byte.
    const [m] = (await gw.rpc('ReadRange', { stream: s })).messages;
    expect(m?.id).toBe(r.ids[0]);
    expect(Object.keys(m?.fields ?? {}).sort()).toEqual(Object.keys(BINARY).sort());
    for (const [name, value] of Object.entries(BINARY)) expect(Buffer.compare(m!.fields[name]!, value), name).toBe(0);
    expect(m?.pairs).toEqual([]);
    expect(m?.deleted).toBe(false);
  });

  it('reads an entry added by a native client, bytes intact', async () => {
    const s = uniq();
    const id = await gw.redis.xadd(s, '*', 'raw', Buffer.from([0x80, 0x00, 0xff]));
    const [m] = (await gw.rpc('ReadRange', { stream: s })).messages;
    expect(m?.id).toBe(id);
    expect(m?.fields.raw).toEqual(Buffer.from([0x80, 0x00, 0xff]));
  });

  it('keeps repeated field names: `pairs` in Redis order, `fields` with the last value', async () => {
    const s = uniq();
    const pairs = [
      { name: 'a', value: b('1') },
      { name: 'b', value: Buffer.from([0xff]) },
      { name: 'a', value: b('3') },
      { name: 'c', value: Buffer.alloc(0) },
    ];
    const { ids } = await gw.rpc('Publish', { stream: s, messages: [{ pairs }] });
    const native = (await gw.redis.xrange(s, '-', '+'))[0]![1];
    expect(native.filter((_, i) => i % 2 === 0)).toEqual(['a', 'b', 'a', 'c']);

    const [m] = (await gw.rpc('ReadRange', { stream: s })).messages;
    expect(m?.id).toBe(ids[0]);
    expect(m?.pairs.map((p) => [p.name, p.value])).toEqual(pairs.map((p) => [p.name, p.value]));
    expect(m?.fields).toEqual({ a: b('3'), b: Buffer.from([0xff]), c: Buffer.alloc(0) });
  });

  it('publishes `pairs` without repeats in order, and `pairs` stays empty on the way back', async () => {
    const s = uniq();
    await gw.rpc('Publish', { stream: s, messages: [{ pairs: [{ name: 'z', value: b('1') }, { name: 'y', value: b('2') }] }] });
    expect((await gw.redis.xrange(s, '-', '+'))[0]![1]).toEqual(['z', '1', 'y', '2']);
    const [m] = (await gw.rpc('ReadRange', { stream: s })).messages;
    expect(text(m!)).toEqual({ z: '1', y: '2' });
    expect(m?.pairs).toEqual([]);
  });

  it('writes a batch with explicit IDs (`<ms>-<seq>`, `<ms>-*`) and trims in the same step', async () => {
    const s = uniq();
    const r = await gw.rpc('Publish', {
      stream: s,
      messages: [
        { id: '100-1', fields: { n: b('1') } },
        { id: '100-*', fields: { n: b('2') } },
        { id: '200-*', fields: { n: b('3') } },
        { fields: { n: b('4') } },
      ],
      trim: { maxLen: 2, exact: true },
    });
    expect(r.ids.slice(0, 3)).toEqual(['100-1', '100-2', '200-0']);
    expect(r.ids[3]).toMatch(ID);
    const left = await gw.rpc('ReadRange', { stream: s });
    expect(idsOf(left.messages)).toEqual(r.ids.slice(2));
  });

  it('replays an idempotency_key retry with the same IDs and writes nothing; another request is IDEMPOTENCY_CONFLICT', async () => {
    const s = uniq();
    const req = { stream: s, messages: [{ fields: { order: b('42') } }, { fields: { order: b('43') } }], idempotencyKey: 'k-1' };
    const first = await gw.rpc('Publish', req);
    expect(first.replayed).toBe(false);
    const again = await gw.rpc('Publish', req);
    expect(again).toEqual({ ids: first.ids, replayed: true });
    expect(await gw.redis.xlen(s)).toBe(2);

    await gw.fails('Publish', { ...req, messages: [{ fields: { order: b('44') } }] }, 'IDEMPOTENCY_CONFLICT');
    // Same fields, different bytes: still another request.
    await gw.fails(
      'Publish',
      { ...req, messages: [{ fields: { order: b('42') } }, { fields: { order: Buffer.from('43\0') } }] },
      'IDEMPOTENCY_CONFLICT',
    );
    expect(await gw.redis.xlen(s)).toBe(2);
    // Keys are scoped to the stream: the same key elsewhere is a new publish.
    const other = await gw.rpc('Publish', { ...req, stream: uniq() });
    expect(other.replayed).toBe(false);
    // Empty key: none.
    const none = await gw.rpc('Publish', { ...req, idempotencyKey: '' });
    expect(none.replayed).toBe(false);
    expect(await gw.redis.xlen(s)).toBe(4);
  });

  it('refuses malformed requests with INVALID_ARGUMENT, before writing anything', async () => {
    const s = uniq();
    const f = { a: b('1') };
    await gw.fails('Publish', { stream: s, messages: [] }, 'VALIDATION_FAILED');
    await gw.fails('Publish', { stream: s, messages: [{}] }, 'VALIDATION_FAILED');
    await gw.fails('Publish', { stream: s, messages: [{ fields: f, pairs: [{ name: 'a', value: b('1') }] }] }, 'VALIDATION_FAILED');
    await gw.fails('Publish', { stream: '', messages: [{ fields: f }] }, 'VALIDATION_FAILED');
    await gw.fails('Publish', { stream: 'bad\nname', messages: [{ fields: f }] }, 'VALIDATION_FAILED');
    await gw.fails('Publish', { stream: s, messages: [{ fields: f }], idempotencyKey: 'has space' }, 'VALIDATION_FAILED');
    await gw.fails('Publish', { stream: s, messages: [{ fields: f }], trim: {} }, 'VALIDATION_FAILED');
    await gw.fails('Publish', { stream: s, messages: [{ fields: f, id: 'abc' }] }, 'INVALID_ID');
    await gw.fails('Publish', { stream: s, messages: [{ fields: f, id: '0-0' }] }, 'INVALID_ID');
    await gw.fails('Publish', { stream: s, messages: [{ fields: f }], trim: { minId: 'x' } }, 'INVALID_ID');
    expect(await gw.redis.exists(s)).toBe(0);
  });

  it('ID_TOO_SMALL for an explicit ID not above the top one; the batch is all or nothing', async () => {
    const s = uniq();
    await gw.rpc('Publish', { stream: s, messages: [{ id: '5-0', fields: { n: b('1') } }] });
    await gw.fails('Publish', { stream: s, messages: [{ id: '5-0', fields: { n: b('2') } }] }, 'ID_TOO_SMALL');
    await gw.fails(
      'Publish',
      { stream: s, messages: [{ id: '6-0', fields: { n: b('2') } }, { id: '4-0', fields: { n: b('3') } }] },
      'ID_TOO_SMALL',
    );
    expect(idsOf((await gw.rpc('ReadRange', { stream: s })).messages)).toEqual(['5-0']);
    expect((await gw.rpc('GetStream', { stream: s })).lastGeneratedId).toBe('5-0');
  });

  it('NOT_A_STREAM for a key of another type, left alone', async () => {
    const k = await stringKey(gw, uniq());
    await gw.fails('Publish', { stream: k, messages: [{ fields: { a: b('1') } }] }, 'NOT_A_STREAM');
    expect(await gw.redis.get(k)).toBe('not a stream');
  });

  it('RESOURCE_EXHAUSTED / PAYLOAD_TOO_LARGE over STREAMGATE_MAX_MESSAGE_BYTES (names + values)', async () => {
    const s = uniq();
    // 4 + 60 = 64 bytes: at the limit.
    await small.rpc('Publish', { stream: s, messages: [{ fields: { name: Buffer.alloc(60, 1) } }] });
    await small.fails('Publish', { stream: s, messages: [{ fields: { name: Buffer.alloc(61, 1) } }] }, 'PAYLOAD_TOO_LARGE');
    await small.fails(
      'Publish',
      { stream: s, messages: [{ fields: { ok: b('1') } }, { pairs: [{ name: 'a', value: Buffer.alloc(40) }, { name: 'a', value: Buffer.alloc(40) }] }] },
      'PAYLOAD_TOO_LARGE',
    );
    expect(await small.redis.xlen(s)).toBe(1);
  });
});

describe('ReadRange', () => {
  it('reads between bounds (inclusive, exclusive), with count and reverse', async () => {
    const s = uniq();
    const ids = ['1-0', '2-0', '3-0', '4-0'];
    await gw.rpc('Publish', { stream: s, messages: ids.map((id) => ({ id, fields: { id: b(id) } })) });
    expect(idsOf((await gw.rpc('ReadRange', { stream: s })).messages)).toEqual(ids);
    expect(idsOf((await gw.rpc('ReadRange', { stream: s, start: '2-0', end: '3' })).messages)).toEqual(['2-0', '3-0']);
    expect(idsOf((await gw.rpc('ReadRange', { stream: s, start: '(2-0', end: '(4-0' })).messages)).toEqual(['3-0']);
    expect(idsOf((await gw.rpc('ReadRange', { stream: s, count: 2 })).messages)).toEqual(['1-0', '2-0']);
    // reverse only flips the order: start and end stay the lower and upper bound.
    expect(idsOf((await gw.rpc('ReadRange', { stream: s, start: '2-0', end: '+', reverse: true, count: 2 })).messages)).toEqual([
      '4-0',
      '3-0',
    ]);
    const [m] = (await gw.rpc('ReadRange', { stream: s, start: '2', end: '2' })).messages;
    expect(text(m!)).toEqual({ id: '2-0' });
    expect(m?.deliveryCount).toBe(0);
    // An empty range of an existing stream is no error.
    expect((await gw.rpc('ReadRange', { stream: s, start: '5-0' })).messages).toEqual([]);
  });

  it('errors: INVALID_ID, VALIDATION_FAILED (count), STREAM_NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await publish(gw, s, { a: '1' });
    await gw.fails('ReadRange', { stream: s, start: 'abc' }, 'INVALID_ID');
    await gw.fails('ReadRange', { stream: s, end: '1-2-3' }, 'INVALID_ID');
    await gw.fails('ReadRange', { stream: s, end: '(0-0' }, 'INVALID_ID');
    await gw.fails('ReadRange', { stream: s, count: 1001 }, 'VALIDATION_FAILED');
    // Validation comes before existence.
    await gw.fails('ReadRange', { stream: uniq(), count: 1001 }, 'VALIDATION_FAILED');
    await gw.fails('ReadRange', { stream: uniq() }, 'STREAM_NOT_FOUND');
    await gw.fails('ReadRange', { stream: await stringKey(gw, uniq()) }, 'NOT_A_STREAM');
  });
});

describe('DeleteMessage', () => {
  it('deletes one entry: deleted 1, then 0', async () => {
    const s = uniq();
    const ids = await publish(gw, s, { n: '0' }, { n: '1' });
    expect(await gw.rpc('DeleteMessage', { stream: s, id: ids[0]! })).toEqual({ deleted: 1 });
    expect(await gw.rpc('DeleteMessage', { stream: s, id: ids[0]! })).toEqual({ deleted: 0 });
    expect(idsOf((await gw.rpc('ReadRange', { stream: s })).messages)).toEqual([ids[1]]);
  });

  it('errors: INVALID_ID, STREAM_NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await publish(gw, s, { n: '0' });
    await gw.fails('DeleteMessage', { stream: s, id: 'nope' }, 'INVALID_ID');
    await gw.fails('DeleteMessage', { stream: s, id: '' }, 'INVALID_ID');
    await gw.fails('DeleteMessage', { stream: uniq(), id: '1-0' }, 'STREAM_NOT_FOUND');
    await gw.fails('DeleteMessage', { stream: await stringKey(gw, uniq()), id: '1-0' }, 'NOT_A_STREAM');
  });
});

describe('Trim', () => {
  const ids = ['1-0', '2-0', '3-0', '4-0', '5-0'];
  const fill = async (s: string) => gw.rpc('Publish', { stream: s, messages: ids.map((id) => ({ id, fields: { n: b(id) } })) });

  it('trims by max_len and by min_id, exactly', async () => {
    const s = uniq();
    await fill(s);
    const byLen = await gw.rpc('Trim', { stream: s, trim: { maxLen: 3, exact: true } });
    expect(byLen).toEqual({ trimmed: 2 });
    expect(byLen.warning).toBeUndefined();
    expect(await gw.rpc('Trim', { stream: s, trim: { minId: '5-0', exact: true } })).toEqual({ trimmed: 2 });
    expect(idsOf((await gw.rpc('ReadRange', { stream: s })).messages)).toEqual(['5-0']);
    // max_len 0 is a real value (the oneof is set), not "unset".
    expect(await gw.rpc('Trim', { stream: s, trim: { maxLen: 0, exact: true } })).toEqual({ trimmed: 1 });
  });

  it('safe never removes what a group still needs; a plain trim that does says so in `warning`', async () => {
    const s = uniq();
    await fill(s);
    await gw.rpc('CreateGroup', { stream: s, group: 'g', start: '0' });
    const pulled = await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c', count: 2 });
    await gw.rpc('Ack', { stream: s, group: 'g', ids: [idsOf(pulled.messages)[0]!] });

    // Only 1-0 is done with (2-0 pending, 3-0.. not delivered).
    const safe = await gw.rpc('Trim', { stream: s, trim: { maxLen: 0, exact: true }, safe: true });
    expect(safe).toEqual({ trimmed: 1 });
    expect(idsOf((await gw.rpc('ReadRange', { stream: s })).messages)).toEqual(['2-0', '3-0', '4-0', '5-0']);

    const plain = await gw.rpc('Trim', { stream: s, trim: { maxLen: 2, exact: true } });
    expect(plain.trimmed).toBe(2);
    expect(plain.warning).toMatch(/consumer group/);
    expect(idsOf((await gw.rpc('ReadRange', { stream: s })).messages)).toEqual(['4-0', '5-0']);
  });

  it('errors: VALIDATION_FAILED (no threshold), INVALID_ID, STREAM_NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await fill(s);
    await gw.fails('Trim', { stream: s }, 'VALIDATION_FAILED');
    await gw.fails('Trim', { stream: s, trim: { exact: true } }, 'VALIDATION_FAILED');
    await gw.fails('Trim', { stream: s, trim: { minId: '1-x' } }, 'INVALID_ID');
    await gw.fails('Trim', { stream: uniq(), trim: { maxLen: 1 } }, 'STREAM_NOT_FOUND');
    await gw.fails('Trim', { stream: await stringKey(gw, uniq()), trim: { maxLen: 1 } }, 'NOT_A_STREAM');
    expect(await gw.redis.xlen(s)).toBe(5);
  });
});

describe('ListStreams', () => {
  it('walks the streams matching a pattern with the cursor, skipping keys of other types', async () => {
    const prefix = uniq('ls');
    const names = [`${prefix}:a`, `${prefix}:b`, `${prefix}:c`];
    for (const n of names) await publish(gw, n, { x: '1' });
    await stringKey(gw, `${prefix}:string`);
    const found: string[] = [];
    let cursor = '';
    let steps = 0;
    do {
      const r = await gw.rpc('ListStreams', { match: `${prefix}:*`, cursor, count: 1000 });
      found.push(...r.streams);
      cursor = r.cursor;
      expect(++steps).toBeLessThan(10_000);
    } while (cursor !== '0');
    expect(found.sort()).toEqual(names);
  });

  it('errors: VALIDATION_FAILED for a bad cursor or count', async () => {
    await gw.fails('ListStreams', { cursor: 'abc' }, 'VALIDATION_FAILED');
    await gw.fails('ListStreams', { cursor: '18446744073709551616' }, 'VALIDATION_FAILED');
    await gw.fails('ListStreams', { count: 1001 }, 'VALIDATION_FAILED');
    // The same limit as REST's.
    await gw.fails('ListStreams', { match: 'x'.repeat(1025) }, 'VALIDATION_FAILED');
    expect((await gw.rpc('ListStreams', { match: `${uniq()}*`.padEnd(1024, '?'), count: 10 })).cursor).toMatch(/^\d+$/);
  });
});

describe('GetStream', () => {
  it('describes a stream: length, first/last IDs, counters; optional entries_added present', async () => {
    const s = uniq();
    await gw.rpc('Publish', { stream: s, messages: ['1-0', '2-0', '3-0'].map((id) => ({ id, fields: { a: b('1') } })) });
    await gw.rpc('CreateGroup', { stream: s, group: 'g1' });
    await gw.rpc('CreateGroup', { stream: s, group: 'g2' });
    await gw.rpc('DeleteMessage', { stream: s, id: '3-0' });
    expect(await gw.rpc('GetStream', { stream: s })).toMatchObject({
      length: 2,
      firstId: '1-0',
      lastId: '2-0',
      lastGeneratedId: '3-0',
      groups: 2,
      entriesAdded: 3,
      maxDeletedEntryId: '3-0',
    });
  });

  it('an empty stream: empty IDs, not absent fields', async () => {
    const s = uniq();
    await gw.rpc('CreateGroup', { stream: s, group: 'g', createStream: true });
    expect(await gw.rpc('GetStream', { stream: s })).toMatchObject({
      length: 0,
      firstId: '',
      lastId: '',
      lastGeneratedId: '0-0',
      groups: 1,
      maxDeletedEntryId: '',
    });
  });

  it('errors: VALIDATION_FAILED, STREAM_NOT_FOUND, NOT_A_STREAM', async () => {
    await gw.fails('GetStream', { stream: '' }, 'VALIDATION_FAILED');
    await gw.fails('GetStream', { stream: 'x'.repeat(513) }, 'VALIDATION_FAILED');
    await gw.fails('GetStream', { stream: uniq() }, 'STREAM_NOT_FOUND');
    await gw.fails('GetStream', { stream: await stringKey(gw, uniq()) }, 'NOT_A_STREAM');
  });
});

describe('DeleteStream', () => {
  it('deletes the stream with its groups and their policies', async () => {
    const s = uniq();
    await setup(gw, s, 2, { leaseMs: 200, maxDeliveries: 3 });
    expect(await gw.rpc('DeleteStream', { stream: s })).toEqual({});
    expect(await gw.redis.exists(s)).toBe(0);
    await gw.fails('GetStream', { stream: s }, 'STREAM_NOT_FOUND');
    // A group of the same name made again (by a native client) has the default policy.
    await gw.redis.xgroup('CREATE', s, 'g', '$', 'MKSTREAM');
    const { group } = await gw.rpc('GetGroup', { stream: s, group: 'g' });
    expect(group).toMatchObject({ leaseMs: 30000, maxDeliveries: 0, deadLetterStream: `${s}:dlq` });
  });

  it('errors: STREAM_NOT_FOUND; NOT_A_STREAM leaves the key alone', async () => {
    await gw.fails('DeleteStream', { stream: uniq() }, 'STREAM_NOT_FOUND');
    const k = await stringKey(gw, uniq());
    await gw.fails('DeleteStream', { stream: k }, 'NOT_A_STREAM');
    expect(await gw.redis.get(k)).toBe('not a stream');
  });
});
