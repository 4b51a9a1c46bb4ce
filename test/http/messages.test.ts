import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { ID, R, call, ok, publish, publishIds, sp } from './support.js';
import { withApp } from '../helpers/fixtures.js';

/**
 * What only REST has on the message routes. Everything a user can do through both
 * transports is in the scenario table (test/transports/scenarios.test.ts): here are the
 * single-message body, JSON the contract refuses, the Idempotency-Key and
 * Idempotent-Replayed headers, values as text or base64, and body size limits.
 */

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

  it('refuses trim members JSON can carry but the contract does not (both thresholds, negative)', async () => {
    const s = uniq();
    await publishIds(t, s, ['1-0', '2-0']);
    for (const trim of [{ maxLen: 1, minId: '1-0' }, { maxLen: -1 }, { maxLen: '1' }]) {
      expectProblem(await call(t, 'POST', sp(s, '/messages'), { fields: { a: '1' }, trim }), 'VALIDATION_FAILED', 'POST', R.messages);
    }
    expect(await redis.xlen(s)).toBe(2);
  });

  it('checks the messages before the trim, as the core does (INVALID_ID wins over a trim with both thresholds)', async () => {
    const s = uniq();
    const body = { id: 'abc', fields: { a: '1' }, trim: { maxLen: 1, minId: '1-0' } };
    expectProblem(await call(t, 'POST', sp(s, '/messages'), body), 'INVALID_ID', 'POST', R.messages);
    expect(await redis.exists(s)).toBe(0);
  });

  it('answers INVALID_ID for a malformed explicit ID', async () => {
    const s = uniq();
    const p = expectProblem(await call(t, 'POST', sp(s, '/messages'), { id: 'abc', fields: { a: '1' } }), 'INVALID_ID', 'POST', R.messages);
    expect(p.detail).toContain('abc');
    expect(await redis.exists(s)).toBe(0);
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

describe('GET /v1/streams/{stream}/messages and POST /v1/streams/{stream}/trim', () => {
  it('refuses query values that are not numbers or booleans, before any existence check', async () => {
    const s = uniq();
    await publishIds(t, s, ['1-0']);
    for (const q of ['count=0', 'count=abc', 'reverse=maybe']) {
      expectProblem(await call(t, 'GET', `${sp(s, '/messages')}?${q}`), 'VALIDATION_FAILED', 'GET', R.messages);
      expectProblem(await call(t, 'GET', `${sp(uniq(), '/messages')}?${q}`), 'VALIDATION_FAILED', 'GET', R.messages);
    }
  });

  it('refuses trim bodies JSON can carry but the contract does not; nothing is trimmed', async () => {
    const s = uniq();
    await publishIds(t, s, ['1-0', '2-0']);
    for (const body of [{ maxLen: 1, minId: '1-0' }, { maxLen: -1 }, { maxLen: '1' }, { maxLen: 1, safe: 'yes' }]) {
      expectProblem(await call(t, 'POST', sp(s, '/trim'), body), 'VALIDATION_FAILED', 'POST', R.trim);
    }
    expect(await redis.xlen(s)).toBe(2);
  });
});
