import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestApp } from '../helpers/http.js';
import { expectProblem } from '../helpers/openapi-check.js';
import { R, call, createGroup, enc, gp, idsOf, ok, publish, pull, sp } from './support.js';
import { withApp } from '../helpers/fixtures.js';

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

/**
 * What only REST has on the stream routes. Everything a user can do through both transports
 * is in the scenario table (test/transports/scenarios.test.ts): here are query strings the
 * contract refuses and names that need URL encoding in every path position.
 */

describe('GET /v1/streams', () => {
  it('refuses a cursor that no call returned, and a count out of range, as query strings', async () => {
    for (const q of ['cursor=abc', 'cursor=-1', 'cursor=99999999999999999999', 'count=0', 'count=1001', 'count=x']) {
      expectProblem(await call(t, 'GET', `/v1/streams?${q}`), 'VALIDATION_FAILED', 'GET', R.streams);
    }
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
