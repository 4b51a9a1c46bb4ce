import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestApp } from '../helpers/http.js';
import { expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { R, call, createGroup, enc, gp, ok, publish, pull } from './support.js';
import { withApp } from '../helpers/fixtures.js';

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

const consumers = async (s: string, g: string) =>
  (await ok(t, 200, 'GET', R.consumers, gp(s, g, '/consumers'))).consumers as Array<{ name: string; pending: number; idleMs: number; inactiveMs: number | null }>;

describe('consumers', () => {
  it('PUT creates a consumer (201), then answers 200 for an existing one', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true });
    const first = await call(t, 'PUT', gp(s, 'g', '/consumers/c1'));
    expect(first.statusCode).toBe(201);
    expect(expectDocumented(first, 'PUT', R.consumer)).toEqual({ consumer: 'c1', created: true });
    const again = await call(t, 'PUT', gp(s, 'g', '/consumers/c1'));
    expect(again.statusCode).toBe(200);
    expect(expectDocumented(again, 'PUT', R.consumer)).toEqual({ consumer: 'c1', created: false });
    const list = await consumers(s, 'g');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'c1', pending: 0 });
    expect(list[0]?.idleMs).toBeGreaterThanOrEqual(0);
    // Redis < 7.2 does not report inactivity: null, never a made-up number.
    expect(list[0]?.inactiveMs === null || (list[0]?.inactiveMs ?? -1) >= 0).toBe(true);
  });

  it('lists consumers with their pending counts', async () => {
    const s = uniq();
    await publish(t, s, { a: '1' }, { a: '2' }, { a: '3' });
    await createGroup(t, s, { group: 'g', start: '0' });
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    await pull(t, s, 'g', { consumer: 'c2', count: 1 });
    const list = await consumers(s, 'g');
    expect(list.map(({ name, pending }) => ({ name, pending })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'c1', pending: 2 },
      { name: 'c2', pending: 1 },
    ]);
  });

  it('DELETE refuses a consumer with pending messages (CONSUMER_HAS_PENDING); force drops them', async () => {
    const s = uniq();
    await publish(t, s, { a: '1' }, { a: '2' });
    await createGroup(t, s, { group: 'g', start: '0' });
    await pull(t, s, 'g', { consumer: 'busy', count: 2 });

    const refused = await call(t, 'DELETE', gp(s, 'g', '/consumers/busy'));
    expectProblem(refused, 'CONSUMER_HAS_PENDING', 'DELETE', R.consumer);
    expect((await consumers(s, 'g')).map((c) => c.name)).toEqual(['busy']);
    expectProblem(await call(t, 'DELETE', gp(s, 'g', '/consumers/busy?force=false')), 'CONSUMER_HAS_PENDING', 'DELETE', R.consumer);

    expect(await ok(t, 200, 'DELETE', R.consumer, gp(s, 'g', '/consumers/busy?force=true'))).toEqual({ pendingDropped: 2 });
    expect(await consumers(s, 'g')).toEqual([]);
    expect((await ok(t, 200, 'GET', R.pending, gp(s, 'g', '/pending'))).count).toBe(0);
  });

  it('DELETE of a consumer without pending messages answers {pendingDropped: 0}', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true });
    await ok(t, 201, 'PUT', R.consumer, gp(s, 'g', '/consumers/idle'));
    expect(await ok(t, 200, 'DELETE', R.consumer, gp(s, 'g', '/consumers/idle'))).toEqual({ pendingDropped: 0 });
    expectProblem(await call(t, 'DELETE', gp(s, 'g', '/consumers/idle')), 'CONSUMER_NOT_FOUND', 'DELETE', R.consumer);
  });

  it('answers VALIDATION_FAILED, GROUP_NOT_FOUND, STREAM_NOT_FOUND and NOT_A_STREAM', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true });
    expectProblem(await call(t, 'PUT', gp(s, 'g', `/consumers/${enc('a b')}`)), 'VALIDATION_FAILED', 'PUT', R.consumer);
    expectProblem(await call(t, 'DELETE', gp(s, 'g', '/consumers/c?force=maybe')), 'VALIDATION_FAILED', 'DELETE', R.consumer);
    expectProblem(await call(t, 'PUT', gp(s, 'nope', '/consumers/c')), 'GROUP_NOT_FOUND', 'PUT', R.consumer);
    expectProblem(await call(t, 'GET', gp(s, 'nope', '/consumers')), 'GROUP_NOT_FOUND', 'GET', R.consumers);
    expectProblem(await call(t, 'DELETE', gp(s, 'nope', '/consumers/c')), 'GROUP_NOT_FOUND', 'DELETE', R.consumer);
    const missing = uniq();
    expectProblem(await call(t, 'PUT', gp(missing, 'g', '/consumers/c')), 'STREAM_NOT_FOUND', 'PUT', R.consumer);
    expectProblem(await call(t, 'GET', gp(missing, 'g', '/consumers')), 'STREAM_NOT_FOUND', 'GET', R.consumers);
    expectProblem(await call(t, 'DELETE', gp(missing, 'g', '/consumers/c')), 'STREAM_NOT_FOUND', 'DELETE', R.consumer);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'GET', gp(k, 'g', '/consumers')), 'NOT_A_STREAM', 'GET', R.consumers);
    expectProblem(await call(t, 'PUT', gp(k, 'g', '/consumers/c')), 'NOT_A_STREAM', 'PUT', R.consumer);
    expectProblem(await call(t, 'DELETE', gp(k, 'g', '/consumers/c')), 'NOT_A_STREAM', 'DELETE', R.consumer);
  });
});
