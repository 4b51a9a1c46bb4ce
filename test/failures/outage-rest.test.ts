import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { enc, type TestApp, testApp } from '../helpers/http.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { until } from '../grpc/streaming-support.js';

/**
 * REST while its Redis crashes and comes back: requests fail fast with 503
 * BACKEND_UNAVAILABLE, a waiting long-poll ends at once, /readyz follows, and once Redis is
 * back everything works again without a restart: the watcher's blocking connection and the
 * Lua scripts (a restarted Redis has an empty script cache) included.
 */

let redis: TestRedis;
let t: TestApp;

beforeAll(async () => {
  // AOF (fsync always) so the stream and group survive the crash.
  redis = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
  t = await testApp({ STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: '1000' }, redis.url);
});

afterAll(async () => {
  await t?.close();
  await redis?.stop();
});

const sp = (stream: string, rest = '') => `/v1/streams/${enc(stream)}${rest}`;
const readyz = async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode;

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await p;
  return [v, performance.now() - t0];
}

function expectUnavailable(res: LightMyRequestResponse, outcome?: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.headers['retry-after']).toBe('1');
  const p = res.json<Record<string, unknown>>();
  expect(p.code).toBe('BACKEND_UNAVAILABLE');
  if (outcome !== undefined) expect(p.outcome).toBe(outcome);
  return p;
}

async function setup(): Promise<{ stream: string; group: string }> {
  const stream = uniq('outage');
  const group = 'g';
  const res = await t.app.inject({ method: 'POST', url: sp(stream, '/groups'), payload: { group, createStream: true } });
  expect(res.statusCode, res.body).toBe(201);
  return { stream, group };
}

const pull = (stream: string, group: string, waitMs: number) =>
  t.app.inject({ method: 'POST', url: sp(stream, `/groups/${group}/pull`), payload: { consumer: 'c', waitMs } });

const publish = (stream: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: sp(stream, '/messages'), payload: { fields }, headers });

describe('Redis crashes and comes back', () => {
  it('a waiting long-poll answers 503 at once; requests fail fast; /readyz 503; all recovers after a restart', async () => {
    const { stream, group } = await setup();
    expect(await readyz()).toBe(200);

    const waiting = pull(stream, group, 20_000);
    await until(() => t.core.waitStats().waiting === 1, 2000, 'the pull waits');

    await redis.kill('SIGKILL');
    const killedAt = performance.now();
    const polled = await waiting;
    const polledAfterKillMs = performance.now() - killedAt;
    // Nothing was leased while it waited: 503 tells the client to back off (an empty answer
    // would invite an immediate re-poll in a loop).
    expectUnavailable(polled);
    expect(polledAfterKillMs).toBeLessThan(1000);
    expect(t.core.waitStats().waiting).toBe(0);

    // Every kind of request, during the outage: 503, not written, well under a second.
    const requests = [
      () => publish(stream, { a: '1' }),
      () => publish(stream, { a: '1' }, { 'idempotency-key': uniq('k') }),
      () => t.app.inject({ method: 'GET', url: sp(stream, '/messages') }),
      () => t.app.inject({ method: 'GET', url: sp(stream) }),
      () => t.app.inject({ method: 'GET', url: sp(stream, '/groups') }),
      () => t.app.inject({ method: 'GET', url: sp(stream, `/groups/${group}/dead-letters`) }),
      () => t.app.inject({ method: 'POST', url: sp(stream, `/groups/${group}/ack`), payload: { ids: ['1-1'] } }),
      () => pull(stream, group, 5000),
      () => t.app.inject({ method: 'GET', url: '/v1/streams' }),
    ];
    let slowest = 0;
    for (const request of requests) {
      const [res, ms] = await timed(request());
      const p = expectUnavailable(res, 'not_written');
      expect(String(p.detail)).toMatch(/not connected/);
      slowest = Math.max(slowest, ms);
    }
    expect(slowest).toBeLessThan(1000);
    expect(await readyz()).toBe(503);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await redis.restart();
    const restartedAt = performance.now();
    await until(async () => (await readyz()) === 200, 5000, '/readyz 200 again');
    const recoverMs = performance.now() - restartedAt;
    expect(recoverMs).toBeLessThan(3000);
    console.info(
      `REST outage: long-poll answered 503 ${polledAfterKillMs.toFixed(0)} ms after Redis died; ` +
        `slowest request during the outage ${slowest.toFixed(1)} ms; /readyz 200 ${recoverMs.toFixed(0)} ms after Redis restarted`,
    );

    // The group survived (AOF); a new long-poll is woken by a publish (watcher reconnected),
    // and the scripts run although the restarted Redis had none cached.
    const again = pull(stream, group, 10_000);
    await until(() => t.core.waitStats().waiting === 1, 2000, 'the new pull waits');
    const published = await publish(stream, { after: 'restart' });
    expect(published.statusCode, published.body).toBe(201);
    const [woken, wokenMs] = await timed(again);
    expect(woken.statusCode, woken.body).toBe(200);
    expect(woken.json<{ messages: { fields: Record<string, string> }[] }>().messages.map((m) => m.fields)).toEqual([
      { after: 'restart' },
    ]);
    expect(wokenMs).toBeLessThan(2000);
  }, 20_000);

  it('starts without Redis: /readyz 503 and requests fail fast; serves once Redis appears', async () => {
    const stream = uniq('late');
    await redis.kill('SIGKILL');
    const late = await testApp({ STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: '1000' }, redis.url);
    try {
      expect((await late.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      const [res, ms] = await timed(late.app.inject({ method: 'POST', url: sp(stream, '/messages'), payload: { fields: { a: '1' } } }));
      expectUnavailable(res, 'not_written');
      expect(ms).toBeLessThan(1000);
      await redis.restart();
      await until(async () => (await late.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 5000, 'ready');
      const ok = await late.app.inject({ method: 'POST', url: sp(stream, '/messages'), payload: { fields: { a: '1' } } });
      expect(ok.statusCode, ok.body).toBe(201);
    } finally {
      await late.close();
    }
  });
});
