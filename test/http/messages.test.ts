import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { ID, R, call, createGroup, idsOf, ok, publish, publishIds, pull, sp } from './support.js';
import { withApp } from '../helpers/fixtures.js';

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

const range = async (stream: string, query = '') =>
  (await ok(t, 200, 'GET', R.messages, `${sp(stream, '/messages')}${query}`)).messages as Array<{ id: string; fields: Record<string, string> }>;

describe('POST /v1/streams/{stream}/messages', () => {
  it('publishes one message: 201 {ids}, stored as the plain Redis entry', async () => {
    const s = uniq();
    const res = await call(t, 'POST', sp(s, '/messages'), { fields: { orderId: '42', status: 'paid' } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const body = expectDocumented(res, 'POST', R.messages);
    expect(body.ids).toHaveLength(1);
    expect(body.ids[0]).toMatch(ID);
    // No envelope: exactly the given fields, in order.
    expect(await redis.xrange(s, '-', '+')).toEqual([[body.ids[0], ['orderId', '42', 'status', 'paid']]]);
  });

  it('publishes a batch in order, with pairs keeping repeated names', async () => {
    const s = uniq();
    const body = await ok(t, 201, 'POST', R.messages, sp(s, '/messages'), {
      messages: [{ fields: { n: '1' } }, { pairs: [['n', '2'], ['n', 'again']] }, { fields: { n: '3' } }],
    });
    expect(body.ids).toHaveLength(3);
    const entries = await redis.xrange(s, '-', '+');
    expect(entries.map(([id]) => id)).toEqual(body.ids);
    expect(entries[1]?.[1]).toEqual(['n', '2', 'n', 'again']);
    const read = await range(s);
    expect(read[1]).toMatchObject({ id: body.ids[1], pairs: [['n', '2'], ['n', 'again']] });
  });

  it('trims in the same step when asked (trim: maxLen or minId)', async () => {
    const s = uniq();
    await publishIds(t, s, ['1-0', '2-0', '3-0']);
    const body = await ok(t, 201, 'POST', R.messages, sp(s, '/messages'), { id: '4-0', fields: { n: '4-0' }, trim: { maxLen: 2, exact: true } });
    expect(body.ids).toEqual(['4-0']);
    expect(idsOf(await range(s))).toEqual(['3-0', '4-0']);
    await ok(t, 201, 'POST', R.messages, sp(s, '/messages'), { messages: [{ id: '5-0', fields: { n: '5-0' } }], trim: { minId: '5-0', exact: true } });
    expect(idsOf(await range(s))).toEqual(['5-0']);
    for (const trim of [{}, { maxLen: 1, minId: '1-0' }, { maxLen: -1 }]) {
      expectProblem(await call(t, 'POST', sp(s, '/messages'), { fields: { a: '1' }, trim }), 'VALIDATION_FAILED', 'POST', R.messages);
    }
    expectProblem(await call(t, 'POST', sp(s, '/messages'), { fields: { a: '1' }, trim: { minId: 'x' } }), 'INVALID_ID', 'POST', R.messages);
    expect(idsOf(await range(s))).toEqual(['5-0']);
  });

  it('takes explicit IDs and refuses one not above the top ID (ID_TOO_SMALL)', async () => {
    const s = uniq();
    await publishIds(t, s, ['5-1']);
    const res = await call(t, 'POST', sp(s, '/messages'), { id: '5-1', fields: { a: '1' } });
    expectProblem(res, 'ID_TOO_SMALL', 'POST', R.messages);
    expectProblem(await call(t, 'POST', sp(s, '/messages'), { id: '3-0', fields: { a: '1' } }), 'ID_TOO_SMALL', 'POST', R.messages);
    expect(await redis.xlen(s)).toBe(1);
  });

  it('answers INVALID_ID for a malformed explicit ID', async () => {
    const s = uniq();
    const p = expectProblem(await call(t, 'POST', sp(s, '/messages'), { id: 'abc', fields: { a: '1' } }), 'INVALID_ID', 'POST', R.messages);
    expect(p.detail).toContain('abc');
    expect(await redis.exists(s)).toBe(0);
  });

  it('writes a batch all or nothing', async () => {
    const s = uniq();
    await publishIds(t, s, ['10-0']);
    // Second message invalid (empty): nothing of the batch is written.
    const empty = await call(t, 'POST', sp(s, '/messages'), { messages: [{ fields: { a: '1' } }, { fields: {} }] });
    expectProblem(empty, 'VALIDATION_FAILED', 'POST', R.messages);
    // Second ID below the first: refused before anything is written.
    const order = await call(t, 'POST', sp(s, '/messages'), { messages: [{ id: '20-0', fields: { a: '1' } }, { id: '15-0', fields: { a: '2' } }] });
    expectProblem(order, 'ID_TOO_SMALL', 'POST', R.messages);
    // An explicit ID after an automatic one cannot be checked in advance; still nothing stays.
    const late = await call(t, 'POST', sp(s, '/messages'), { messages: [{ fields: { a: '1' } }, { id: '11-0', fields: { a: '2' } }] });
    expectProblem(late, 'ID_TOO_SMALL', 'POST', R.messages);
    expect(await redis.xrange(s, '-', '+')).toEqual([['10-0', ['n', '10-0']]]);
    // On a stream that did not exist, a refused batch leaves no stream behind.
    const fresh = uniq();
    expectProblem(
      await call(t, 'POST', sp(fresh, '/messages'), { messages: [{ fields: { a: '1' } }, { id: '1-0', fields: { a: '2' } }] }),
      'ID_TOO_SMALL',
      'POST',
      R.messages,
    );
    expect(await redis.exists(fresh)).toBe(0);
  });

  it('refuses bodies that fail the schema (VALIDATION_FAILED)', async () => {
    const s = uniq();
    const bad: unknown[] = [
      { fields: { a: 1 } },
      {},
      { fields: { a: '1' }, messages: [{ fields: { b: '2' } }] },
      { messages: [] },
      { pairs: [['a']] },
      { messages: [{ fields: { a: '1' } }], id: '1-1' },
      [],
    ];
    for (const body of bad) {
      const p = expectProblem(await call(t, 'POST', sp(s, '/messages'), body), 'VALIDATION_FAILED', 'POST', R.messages);
      expect(p.detail, JSON.stringify(body)).not.toBe('');
    }
    const notJson = await call(t, 'POST', sp(s, '/messages'), '{"fields":', { 'content-type': 'application/json' });
    expectProblem(notJson, 'VALIDATION_FAILED', 'POST', R.messages);
    // A body that is not an object names the body itself, not "body.".
    const p = expectProblem(await call(t, 'POST', sp(s, '/messages'), '"text"', { 'content-type': 'application/json' }), 'VALIDATION_FAILED', 'POST', R.messages);
    expect(p.errors?.[0]?.path).toBe('body');
    expect(await redis.exists(s)).toBe(0);
  });

  it('answers NOT_A_STREAM for a key of another type, and leaves it alone', async () => {
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'POST', sp(k, '/messages'), { fields: { a: '1' } }), 'NOT_A_STREAM', 'POST', R.messages);
    expect(await redis.get(k)).toBe('v');
  });

  it('replays an Idempotency-Key retry (200, Idempotent-Replayed, same ids) and refuses another body with it', async () => {
    const s = uniq();
    const headers = { 'idempotency-key': `key-${uniq()}` };
    const body = { messages: [{ fields: { a: '1' } }, { fields: { a: '2' } }] };
    const first = await call(t, 'POST', sp(s, '/messages'), body, headers);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const ids = expectDocumented(first, 'POST', R.messages).ids;

    const again = await call(t, 'POST', sp(s, '/messages'), body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(expectDocumented(again, 'POST', R.messages).ids).toEqual(ids);
    expect(await redis.xlen(s)).toBe(2);

    const other = await call(t, 'POST', sp(s, '/messages'), { messages: [{ fields: { a: '1' } }, { fields: { a: 'changed' } }] }, headers);
    expectProblem(other, 'IDEMPOTENCY_CONFLICT', 'POST', R.messages);
    expect(await redis.xlen(s)).toBe(2);

    // The key is scoped to the stream: the same key on another stream is a new publish.
    const s2 = uniq();
    const elsewhere = await call(t, 'POST', sp(s2, '/messages'), body, headers);
    expect(elsewhere.statusCode).toBe(201);
    expect(expectDocumented(elsewhere, 'POST', R.messages).ids).toHaveLength(2);

    const badKey = await call(t, 'POST', sp(s, '/messages'), body, { 'idempotency-key': 'has space' });
    expectProblem(badKey, 'VALIDATION_FAILED', 'POST', R.messages);
  });

  it('carries binary values with encoding=base64, and never alters a value that is not UTF-8', async () => {
    const s = uniq();
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const body = await ok(t, 201, 'POST', R.messages, `${sp(s, '/messages')}?encoding=base64`, {
      fields: { bin: bytes.toString('base64'), txt: Buffer.from('héllo').toString('base64') },
    });
    const stored = await redis.xrangeBuffer(s, '-', '+');
    expect(stored[0]?.[1][1]).toEqual(bytes);
    expect(stored[0]?.[1][3]?.toString('utf8')).toBe('héllo');

    // utf8 (default): the message comes back wholly base64, marked.
    const [asText] = await range(s);
    expect(asText).toEqual({ id: body.ids[0], fields: { bin: bytes.toString('base64'), txt: Buffer.from('héllo').toString('base64') }, encoding: 'base64' });
    // A valid UTF-8 message reads as text by default, base64 when asked.
    const [id2] = await publish(t, s, { k: 'é' });
    const messages = await range(s, '?start=' + id2);
    expect(messages).toEqual([{ id: id2, fields: { k: 'é' } }]);
    const b64 = await range(s, `?start=${id2}&encoding=base64`);
    expect(b64).toEqual([{ id: id2, fields: { k: Buffer.from('é').toString('base64') }, encoding: 'base64' }]);

    expectProblem(await call(t, 'POST', `${sp(s, '/messages')}?encoding=base64`, { fields: { a: 'not base64!' } }), 'VALIDATION_FAILED', 'POST', R.messages);
    expectProblem(await call(t, 'GET', `${sp(s, '/messages')}?encoding=latin1`), 'VALIDATION_FAILED', 'GET', R.messages);
  });
});

describe('size limits (PAYLOAD_TOO_LARGE)', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await testApp({ STREAMGATE_MAX_MESSAGE_BYTES: '100', STREAMGATE_MAX_BODY_BYTES: '2048', STREAMGATE_MAX_BATCH: '3' });
  });
  afterAll(async () => small.close());

  it('refuses a message over STREAMGATE_MAX_MESSAGE_BYTES, and writes nothing of its batch', async () => {
    const s = uniq();
    const res = await small.app.inject({ method: 'POST', url: sp(s, '/messages'), payload: { messages: [{ fields: { a: '1' } }, { fields: { a: 'x'.repeat(120) } }] } });
    const p = expectProblem(res, 'PAYLOAD_TOO_LARGE', 'POST', R.messages);
    expect(p.detail).toMatch(/100 bytes/);
    expect(await redis.exists(s)).toBe(0);
    // Exactly at the limit is fine (name 1 byte + value 99 bytes).
    const at = await small.app.inject({ method: 'POST', url: sp(s, '/messages'), payload: { fields: { a: 'x'.repeat(99) } } });
    expect(at.statusCode).toBe(201);
    expect(expectDocumented(at, 'POST', R.messages).ids).toHaveLength(1);
  });

  it('refuses a body over STREAMGATE_MAX_BODY_BYTES with a problem, not a framework error', async () => {
    const s = uniq();
    const fields: Record<string, string> = {};
    for (let i = 0; i < 60; i++) fields[`f${i}`] = 'y'.repeat(30);
    const res = await small.app.inject({ method: 'POST', url: sp(s, '/messages'), payload: { fields } });
    expectProblem(res, 'PAYLOAD_TOO_LARGE', 'POST', R.messages);
    expect(await redis.exists(s)).toBe(0);
  });

  it('refuses a body over STREAMGATE_MAX_BODY_BYTES on every route that takes a body', async () => {
    const s = uniq();
    const big = 'z'.repeat(3000);
    const cases = [
      ['POST', R.trim, sp(s, '/trim'), { maxLen: 1, pad: big }],
      ['POST', R.groups, sp(s, '/groups'), { group: big }],
      ['PATCH', R.group, sp(s, '/groups/g'), { deadLetterStream: big }],
      ['PUT', R.position, sp(s, '/groups/g/position'), { id: big }],
      ['POST', R.pull, sp(s, '/groups/g/pull'), { consumer: big }],
      ['POST', R.ack, sp(s, '/groups/g/ack'), { ids: [big] }],
      ['POST', R.nack, sp(s, '/groups/g/nack'), { consumer: 'c', ids: [big] }],
      ['POST', R.extend, sp(s, '/groups/g/extend'), { consumer: 'c', ids: [big] }],
      ['POST', R.claim, sp(s, '/groups/g/claim'), { consumer: 'c', minIdleMs: 0, ids: [big] }],
      ['POST', R.autoclaim, sp(s, '/groups/g/autoclaim'), { consumer: big, minIdleMs: 0 }],
      ['POST', R.redrive, sp(s, '/groups/g/dead-letters/redrive'), { ids: [big] }],
    ] as const;
    for (const [method, route, url, payload] of cases) {
      expectProblem(await small.app.inject({ method, url, payload }), 'PAYLOAD_TOO_LARGE', method, route);
    }
  });

  it('refuses a batch longer than STREAMGATE_MAX_BATCH (VALIDATION_FAILED)', async () => {
    const s = uniq();
    const messages = Array.from({ length: 4 }, (_, i) => ({ fields: { i: String(i) } }));
    expectProblem(await small.app.inject({ method: 'POST', url: sp(s, '/messages'), payload: { messages } }), 'VALIDATION_FAILED', 'POST', R.messages);
    expect(await redis.exists(s)).toBe(0);
  });
});

describe('GET /v1/streams/{stream}/messages', () => {
  const s = uniq();
  beforeAll(async () => publishIds(t, s, ['1-1', '2-1', '3-1', '4-1', '5-1']));

  it('reads the whole stream by default, oldest first', async () => {
    const all = await range(s);
    expect(idsOf(all)).toEqual(['1-1', '2-1', '3-1', '4-1', '5-1']);
    expect(all[0]).toEqual({ id: '1-1', fields: { n: '1-1' } });
  });

  it('takes start and end as lower and upper bounds, inclusive, and `(id` as exclusive', async () => {
    expect(idsOf(await range(s, '?start=2-1&end=4-1'))).toEqual(['2-1', '3-1', '4-1']);
    expect(idsOf(await range(s, `?start=${encodeURIComponent('(2-1')}`))).toEqual(['3-1', '4-1', '5-1']);
    expect(idsOf(await range(s, `?start=-&end=${encodeURIComponent('(4-1')}`))).toEqual(['1-1', '2-1', '3-1']);
    expect(idsOf(await range(s, '?start=3&end=%2B'))).toEqual(['3-1', '4-1', '5-1']);
  });

  it('reverse=true only flips the order: the bounds stay lower and upper', async () => {
    expect(idsOf(await range(s, '?start=2-1&end=4-1&reverse=true'))).toEqual(['4-1', '3-1', '2-1']);
    expect(idsOf(await range(s, `?start=${encodeURIComponent('(2-1')}&reverse=true`))).toEqual(['5-1', '4-1', '3-1']);
    expect(idsOf(await range(s, '?reverse=false&count=2'))).toEqual(['1-1', '2-1']);
    // With a count, reverse reads from the upper bound down.
    expect(idsOf(await range(s, '?reverse=true&count=2'))).toEqual(['5-1', '4-1']);
  });

  it('answers an empty list for an empty range of an existing stream', async () => {
    expect(await range(s, '?start=6-0')).toEqual([]);
  });

  it('refuses bad queries: INVALID_ID for bounds, VALIDATION_FAILED for count and reverse', async () => {
    expectProblem(await call(t, 'GET', `${sp(s, '/messages')}?start=abc`), 'INVALID_ID', 'GET', R.messages);
    expectProblem(await call(t, 'GET', `${sp(s, '/messages')}?end=${encodeURIComponent('((1-0')}`), 'INVALID_ID', 'GET', R.messages);
    for (const q of ['count=0', 'count=1001', 'count=abc', 'reverse=maybe']) {
      expectProblem(await call(t, 'GET', `${sp(s, '/messages')}?${q}`), 'VALIDATION_FAILED', 'GET', R.messages);
    }
    // Validation comes before any existence check.
    expectProblem(await call(t, 'GET', `${sp(uniq(), '/messages')}?count=0`), 'VALIDATION_FAILED', 'GET', R.messages);
  });

  it('answers STREAM_NOT_FOUND and NOT_A_STREAM', async () => {
    expectProblem(await call(t, 'GET', sp(uniq(), '/messages')), 'STREAM_NOT_FOUND', 'GET', R.messages);
    const k = uniq('hash');
    await redis.hset(k, 'a', 'b');
    expectProblem(await call(t, 'GET', sp(k, '/messages')), 'NOT_A_STREAM', 'GET', R.messages);
  });
});

describe('DELETE /v1/streams/{stream}/messages/{id}', () => {
  it('deletes an entry: {deleted: 1}, then {deleted: 0}', async () => {
    const s = uniq();
    const [a, b] = await publish(t, s, { n: '1' }, { n: '2' });
    expect(await ok(t, 200, 'DELETE', R.message, sp(s, `/messages/${a}`))).toEqual({ deleted: 1 });
    expect(await ok(t, 200, 'DELETE', R.message, sp(s, `/messages/${a}`))).toEqual({ deleted: 0 });
    expect(idsOf(await range(s))).toEqual([b]);
  });

  it('answers INVALID_ID, STREAM_NOT_FOUND and NOT_A_STREAM', async () => {
    const s = uniq();
    await publish(t, s, { n: '1' });
    expectProblem(await call(t, 'DELETE', sp(s, '/messages/not-an-id')), 'INVALID_ID', 'DELETE', R.message);
    expectProblem(await call(t, 'DELETE', sp(uniq(), '/messages/1-0')), 'STREAM_NOT_FOUND', 'DELETE', R.message);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'DELETE', sp(k, '/messages/1-0')), 'NOT_A_STREAM', 'DELETE', R.message);
  });
});

describe('POST /v1/streams/{stream}/trim', () => {
  it('trims by maxLen and by minId: {trimmed}', async () => {
    const s = uniq();
    await publishIds(t, s, ['1-0', '2-0', '3-0', '4-0', '5-0']);
    const byLen = await ok(t, 200, 'POST', R.trim, sp(s, '/trim'), { maxLen: 3, exact: true });
    expect(byLen).toEqual({ trimmed: 2 });
    const byId = await ok(t, 200, 'POST', R.trim, sp(s, '/trim'), { minId: '5-0', exact: true });
    expect(byId).toEqual({ trimmed: 2 });
    expect(idsOf(await range(s))).toEqual(['5-0']);
  });

  it('warns when a plain trim removes entries a group still needs; safe: true never removes them', async () => {
    const s = uniq();
    await publishIds(t, s, ['1-0', '2-0', '3-0', '4-0', '5-0']);
    await createGroup(t, s, { group: 'g', start: '0' });
    // Deliver 1..3, ack 1 and 2: 3 is pending, 4 and 5 are not yet delivered.
    expect(idsOf(await pull(t, s, 'g', { consumer: 'c', count: 3 }))).toEqual(['1-0', '2-0', '3-0']);
    await ok(t, 200, 'POST', R.ack, `${sp(s, '/groups/g/ack')}`, { ids: ['1-0', '2-0'] });

    const safe = await ok(t, 200, 'POST', R.trim, sp(s, '/trim'), { maxLen: 1, exact: true, safe: true });
    expect(safe).toEqual({ trimmed: 2 });
    expect(idsOf(await range(s))).toEqual(['3-0', '4-0', '5-0']);
    const safeById = await ok(t, 200, 'POST', R.trim, sp(s, '/trim'), { minId: '5-0', exact: true, safe: true });
    expect(safeById).toEqual({ trimmed: 0 });

    const plain = await ok(t, 200, 'POST', R.trim, sp(s, '/trim'), { maxLen: 1, exact: true });
    expect(plain.trimmed).toBe(2);
    expect(plain.warning).toEqual(expect.any(String));
    expect(plain.warning.length).toBeGreaterThan(0);
    expect(idsOf(await range(s))).toEqual(['5-0']);
  });

  it('gives no warning when the trimmed entries were done with', async () => {
    const s = uniq();
    await publishIds(t, s, ['1-0', '2-0', '3-0']);
    await createGroup(t, s, { group: 'g', start: '0' });
    await pull(t, s, 'g', { consumer: 'c', count: 2 });
    await ok(t, 200, 'POST', R.ack, sp(s, '/groups/g/ack'), { ids: ['1-0', '2-0'] });
    expect(await ok(t, 200, 'POST', R.trim, sp(s, '/trim'), { maxLen: 1, exact: true })).toEqual({ trimmed: 2 });
  });

  it('answers VALIDATION_FAILED, INVALID_ID, STREAM_NOT_FOUND and NOT_A_STREAM', async () => {
    const s = uniq();
    await publish(t, s, { a: '1' });
    for (const body of [{}, { maxLen: 1, minId: '1-0' }, { maxLen: -1 }, { maxLen: '1' }, { maxLen: 1, safe: 'yes' }]) {
      expectProblem(await call(t, 'POST', sp(s, '/trim'), body), 'VALIDATION_FAILED', 'POST', R.trim);
    }
    expectProblem(await call(t, 'POST', sp(s, '/trim'), { minId: 'x' }), 'INVALID_ID', 'POST', R.trim);
    expectProblem(await call(t, 'POST', sp(uniq(), '/trim'), { maxLen: 1 }), 'STREAM_NOT_FOUND', 'POST', R.trim);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'POST', sp(k, '/trim'), { maxLen: 1 }), 'NOT_A_STREAM', 'POST', R.trim);
    expect(await redis.get(k)).toBe('v');
  });
});
