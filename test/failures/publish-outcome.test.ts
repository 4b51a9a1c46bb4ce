import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep, uniq } from '../helpers/core.js';
import { enc, type TestApp, testApp } from '../helpers/http.js';
import { commandConnectionOptions } from '../../src/redis/connection.js';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { mapRedisError } from '../../src/redis/redis-errors.js';
import { BackendUnavailable } from '../../src/contract/errors.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy.js';
import { until } from '../grpc/streaming-support.js';

/**
 * A publish is never reported failed when it was written, nor written when it was not.
 * A proxy between the gateway and Redis loses replies (the XADD ran) or requests (it did
 * not) and then cuts the connection; a stalled Redis (DEBUG SLEEP) makes the command
 * timeout fire. Each time the answer is 503 BACKEND_UNAVAILABLE with outcome "unknown", and
 * a retry with the same Idempotency-Key leaves exactly one entry. ioredis never re-sends the
 * write by itself after reconnecting.
 */

let redis: TestRedis;
let proxy: TcpProxy;
let direct: Redis;
let viaProxy: TestApp;
let slow: TestApp;

const COMMAND_TIMEOUT_MS = 300;

beforeAll(async () => {
  redis = await startRedis(['--enable-debug-command', 'yes']);
  proxy = await startTcpProxy(redis.port);
  direct = new Redis(redis.url);
  viaProxy = await testApp({}, proxy.url);
  slow = await testApp({ STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) }, redis.url);
});

afterAll(async () => {
  await viaProxy?.close();
  await slow?.close();
  direct?.disconnect();
  await proxy?.close();
  await redis?.stop();
});

afterEach(() => {
  proxy.replies = true;
  proxy.requests = true;
});

const publish = (t: TestApp, stream: string, key?: string) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/streams/${enc(stream)}/messages`,
    payload: { fields: { order: '42' } },
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });

const ready = (t: TestApp) => until(async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 5000, 'ready');

function expectUnknown(res: LightMyRequestResponse): string {
  expect(res.statusCode, res.body).toBe(503);
  const p = res.json<{ code: string; outcome: string; detail: string }>();
  expect(p.code).toBe('BACKEND_UNAVAILABLE');
  expect(p.outcome).toBe('unknown');
  expect(p.detail).toMatch(/may or may not have been written/);
  expect(p.detail).toMatch(/same Idempotency-Key is safe/);
  return p.detail;
}

describe('connection lost after sending', () => {
  it('the XADD ran, the reply was lost: 503 outcome unknown, and no second write after the reconnect', async () => {
    await ready(viaProxy);
    const stream = uniq('lost');
    proxy.replies = false;
    const answer = publish(viaProxy, stream);
    await until(async () => (await direct.xlen(stream)) === 1, 2000, 'the entry written');
    proxy.cut();
    proxy.replies = true;
    expect(expectUnknown(await answer)).toMatch(/connection to Redis was lost/);

    await ready(viaProxy);
    // Still one entry once the gateway is connected again: the unanswered command was
    // not re-sent by ioredis (it would be, with autoResendUnfulfilledCommands).
    await sleep(100);
    expect(await direct.xlen(stream)).toBe(1);
  });

  it('retrying with the same Idempotency-Key returns the first id: exactly one entry', async () => {
    await ready(viaProxy);
    const stream = uniq('retry');
    const key = uniq('key');
    proxy.replies = false;
    const answer = publish(viaProxy, stream, key);
    await until(async () => (await direct.xlen(stream)) === 1, 2000, 'the entry written');
    proxy.cut();
    proxy.replies = true;
    expectUnknown(await answer);

    await ready(viaProxy);
    const retry = await publish(viaProxy, stream, key);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const [[id]] = (await direct.xrange(stream, '-', '+')) as [[string, string[]]];
    expect(retry.json<{ ids: string[] }>().ids).toEqual([id]);
    expect(await direct.xlen(stream)).toBe(1);
  });

  it('the command never reached Redis: still "unknown" (the gateway cannot tell), and the retry writes it once', async () => {
    await ready(viaProxy);
    const stream = uniq('dropped');
    const key = uniq('key');
    proxy.requests = false;
    const answer = publish(viaProxy, stream, key);
    await sleep(50);
    proxy.cut();
    proxy.requests = true;
    expectUnknown(await answer);
    expect(await direct.exists(stream)).toBe(0);

    await ready(viaProxy);
    const retry = await publish(viaProxy, stream, key);
    expect(retry.statusCode, retry.body).toBe(201);
    expect(await direct.xlen(stream)).toBe(1);
  });
});

describe('no reply within STREAMGATE_REDIS_COMMAND_TIMEOUT_MS', () => {
  it('a stalled Redis: 503 outcome unknown after the timeout; the write lands later and a keyed retry replays it', async () => {
    await ready(slow);
    const stream = uniq('stalled');
    const key = uniq('key');
    const stalled = new Redis(redis.url);
    try {
      // Redis does nothing for 1 s; the publish waits in its input buffer meanwhile.
      const sleeping = stalled.call('DEBUG', 'SLEEP', '1');
      await sleep(50);
      const t0 = performance.now();
      const res = await publish(slow, stream, key);
      const ms = performance.now() - t0;
      expect(expectUnknown(res)).toMatch(new RegExp(`did not answer within ${COMMAND_TIMEOUT_MS} ms`));
      expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 5);
      expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS + 500);
      await sleeping;

      // Redis ran the publish once it woke up: it was written although the client saw 503.
      expect(await direct.xlen(stream)).toBe(1);
      const retry = await publish(slow, stream, key);
      expect(retry.statusCode, retry.body).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(await direct.xlen(stream)).toBe(1);
      console.info(`command timeout: publish answered 503 (outcome unknown) after ${ms.toFixed(0)} ms (timeout ${COMMAND_TIMEOUT_MS} ms)`);
    } finally {
      stalled.disconnect();
    }
  });

  it('reads time out too (BACKEND_UNAVAILABLE), and /readyz says 503 while Redis is stalled', async () => {
    await ready(slow);
    const stalled = new Redis(redis.url);
    try {
      const sleeping = stalled.call('DEBUG', 'SLEEP', '0.8');
      await sleep(50);
      const [read, readyz] = await Promise.all([
        slow.app.inject({ method: 'GET', url: `/v1/streams/${enc(uniq('r'))}` }),
        slow.app.inject({ method: 'GET', url: '/readyz' }),
      ]);
      expect(read.statusCode).toBe(503);
      expect(read.json<{ outcome: string }>().outcome).toBe('unknown');
      expect(readyz.statusCode).toBe(503);
      await sleeping;
      await ready(slow);
    } finally {
      stalled.disconnect();
    }
  });
});

describe('scripts after their cache is wiped', () => {
  it('SCRIPT FLUSH on a live connection: the next publish and pull still run (NOSCRIPT → EVAL)', async () => {
    await ready(slow);
    const stream = uniq('flush');
    expect((await publish(slow, stream)).statusCode).toBe(201);
    await direct.script('FLUSH');
    expect((await publish(slow, stream)).statusCode).toBe(201);
    const created = await slow.app.inject({ method: 'POST', url: `/v1/streams/${enc(stream)}/groups`, payload: { group: 'g', start: '0' } });
    expect(created.statusCode, created.body).toBe(201);
    await direct.script('FLUSH');
    const pulled = await slow.app.inject({
      method: 'POST',
      url: `/v1/streams/${enc(stream)}/groups/g/pull`,
      payload: { consumer: 'c', count: 10 },
    });
    expect(pulled.statusCode, pulled.body).toBe(200);
    expect(pulled.json<{ messages: unknown[] }>().messages).toHaveLength(2);
  });
});

describe("ioredis's failures, as outcomes", () => {
  it('a command refused for want of a connection is not_written; one that timed out is unknown', async () => {
    // Pins the ioredis messages unavailable.ts recognises: if they change, this fails.
    const nowhere = new Redis(`redis://127.0.0.1:${await freePort()}`, commandConnectionOptions(100));
    nowhere.on('error', () => undefined);
    try {
      const refused = mapRedisError(await nowhere.get('k').catch((e: unknown) => e));
      expect(refused).toBeInstanceOf(BackendUnavailable);
      expect((refused as BackendUnavailable).outcome).toBe('not_written');
    } finally {
      nowhere.disconnect();
    }
    const stalled = new Redis(redis.url);
    const timing = new Redis(redis.url, commandConnectionOptions(100));
    try {
      await timing.connect();
      const sleeping = stalled.call('DEBUG', 'SLEEP', '0.3');
      await sleep(20);
      const timedOut = mapRedisError(await timing.get('k').catch((e: unknown) => e), 100);
      expect((timedOut as BackendUnavailable).outcome).toBe('unknown');
      expect(timedOut?.message).toMatch(/did not answer within 100 ms/);
      await sleeping;
    } finally {
      stalled.disconnect();
      timing.disconnect();
    }
  });
});
