import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { uniq } from '../helpers/core.js';
import { type TestApp } from '../helpers/http.js';
import { expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { R, call, createGroup, enc, gp, idsOf, ok, publish, publishIds, pull, sp } from './support.js';
import { withApp } from '../helpers/fixtures.js';

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

describe('GET /v1/streams', () => {
  it('lists the streams matching a pattern, following the cursor until "0"', async () => {
    const prefix = uniq('scan');
    const names = [`${prefix}:a`, `${prefix}:b`, `${prefix}:c`];
    for (const n of names) await publish(t, n, { a: '1' });
    await redis.set(`${prefix}:not-a-stream`, 'v');

    const found: string[] = [];
    let cursor = '0';
    let steps = 0;
    do {
      const page = await ok(t, 200, 'GET', R.streams, `/v1/streams?match=${enc(`${prefix}:*`)}&count=10&cursor=${cursor}`);
      expect(typeof page.cursor).toBe('string');
      found.push(...(page.streams as string[]));
      cursor = page.cursor;
      steps++;
      expect(steps, 'SCAN never finished').toBeLessThan(100_000);
    } while (cursor !== '0');
    // SCAN may return a key twice; the set of names is what counts.
    expect([...new Set(found)].sort()).toEqual(names);
  });

  it('refuses a cursor that no call returned, and a count out of range', async () => {
    for (const q of ['cursor=abc', 'cursor=-1', 'cursor=99999999999999999999', 'count=0', 'count=1001']) {
      expectProblem(await call(t, 'GET', `/v1/streams?${q}`), 'VALIDATION_FAILED', 'GET', R.streams);
    }
  });
});

describe('GET /v1/streams/{stream}', () => {
  it('describes a stream', async () => {
    const s = uniq();
    await publishIds(t, s, ['1-0', '2-0', '3-0']);
    await createGroup(t, s, { group: 'g' });
    await ok(t, 200, 'DELETE', R.message, sp(s, '/messages/3-0'));
    expect(await ok(t, 200, 'GET', R.stream, sp(s))).toEqual({
      length: 2,
      firstId: '1-0',
      lastId: '2-0',
      lastGeneratedId: '3-0',
      groups: 1,
      entriesAdded: 3,
      maxDeletedEntryId: '3-0',
    });
  });

  it('describes an empty stream with null IDs', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true });
    expect(await ok(t, 200, 'GET', R.stream, sp(s))).toEqual({
      length: 0,
      firstId: null,
      lastId: null,
      lastGeneratedId: '0-0',
      groups: 1,
      entriesAdded: 0,
      maxDeletedEntryId: null,
    });
  });

  it('answers STREAM_NOT_FOUND, NOT_A_STREAM and VALIDATION_FAILED for bad names', async () => {
    expectProblem(await call(t, 'GET', sp(uniq())), 'STREAM_NOT_FOUND', 'GET', R.stream);
    const k = uniq('list');
    await redis.rpush(k, 'x');
    expectProblem(await call(t, 'GET', sp(k)), 'NOT_A_STREAM', 'GET', R.stream);
    expectProblem(await call(t, 'GET', sp('bad\u0001name')), 'VALIDATION_FAILED', 'GET', R.stream);
    expectProblem(await call(t, 'GET', sp('é'.repeat(257))), 'VALIDATION_FAILED', 'GET', R.stream);
    // 512 bytes is allowed.
    expectProblem(await call(t, 'GET', sp('x'.repeat(512))), 'STREAM_NOT_FOUND', 'GET', R.stream);
  });
});

describe('DELETE /v1/streams/{stream}', () => {
  it('deletes the stream with its groups and their policies: 204', async () => {
    const s = uniq();
    await publish(t, s, { a: '1' });
    await createGroup(t, s, { group: 'g', leaseMs: 1000 });
    expect(await redis.hexists(keys.policy(s), 'g')).toBe(1);

    const res = await call(t, 'DELETE', sp(s));
    expect(res.statusCode).toBe(204);
    expect(expectDocumented(res, 'DELETE', R.stream)).toBeUndefined();
    expect(await redis.exists(s)).toBe(0);
    expect(await redis.exists(keys.policy(s))).toBe(0);
    expectProblem(await call(t, 'GET', sp(s)), 'STREAM_NOT_FOUND', 'GET', R.stream);

    // A new stream of that name starts without the old group's policy.
    await publish(t, s, { a: '2' });
    await redis.xgroup('CREATE', s, 'g', '0');
    expect((await ok(t, 200, 'GET', R.group, gp(s, 'g'))).leaseMs).toBe(30_000);
  });

  it('answers STREAM_NOT_FOUND, and NOT_A_STREAM leaving the key alone', async () => {
    expectProblem(await call(t, 'DELETE', sp(uniq())), 'STREAM_NOT_FOUND', 'DELETE', R.stream);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'DELETE', sp(k)), 'NOT_A_STREAM', 'DELETE', R.stream);
    expect(await redis.get(k)).toBe('v');
  });
});

describe('names that need URL encoding', () => {
  it('work in every path position: slash, spaces, unicode and a hash tag', async () => {
    const s = `orders/eu west ü ☃ {x}:${uniq()}`;
    const ids = await publish(t, s, { a: '1' }, { a: '2' });
    expect(await redis.xlen(s)).toBe(2);
    expect(idsOf((await ok(t, 200, 'GET', R.messages, sp(s, '/messages'))).messages)).toEqual(ids);
    expect((await ok(t, 200, 'GET', R.stream, sp(s))).length).toBe(2);

    const group = 'grüppe/1';
    const consumer = 'wörker:{1}';
    const created = await createGroup(t, s, { group, start: '0' });
    expect(created.name).toBe(group);
    expect(created.deadLetterStream).toBe(`${s}:dlq`);
    const got = await pull(t, s, group, { consumer, count: 10 });
    expect(idsOf(got)).toEqual(ids);
    const consumers = await ok(t, 200, 'GET', R.consumers, gp(s, group, '/consumers'));
    expect(consumers.consumers.map((c: { name: string }) => c.name)).toEqual([consumer]);
    await ok(t, 200, 'POST', R.ack, gp(s, group, '/ack'), { ids });
    expect(await ok(t, 200, 'DELETE', R.consumer, gp(s, group, `/consumers/${enc(consumer)}`))).toEqual({ pendingDropped: 0 });
    expect(await ok(t, 200, 'DELETE', R.message, sp(s, `/messages/${ids[0]}`))).toEqual({ deleted: 1 });
    expect(await ok(t, 200, 'POST', R.trim, sp(s, '/trim'), { maxLen: 0, exact: true })).toEqual({ trimmed: 1 });

    const listed = await ok(t, 200, 'GET', R.streams, `/v1/streams?match=${enc(s.replace(/[[\]*?\\]/g, '\\$&'))}&count=1000`);
    // One SCAN step may miss it; the cursor loop is tested above. When found, the name is exact.
    for (const name of listed.streams) expect(name).toBe(s);

    expect(await ok(t, 204, 'DELETE', R.group, gp(s, group))).toBeUndefined();
    expect(await ok(t, 204, 'DELETE', R.stream, sp(s))).toBeUndefined();
    expect(await redis.exists(s)).toBe(0);
  });
});
