import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Config, loadConfig } from '../../src/runtime/config.js';
import { type Core, createCore } from '../../src/core/core.js';
import { type TestRedis, startRedis } from './redis-server.js';

export const redisUrl = (): string => inject('redisUrl');

/** A unique stream name per test, so tests never see each other's data. */
export const uniq = (prefix = 't'): string => `${prefix}-${randomBytes(6).toString('hex')}`;

export function testConfig(env: Record<string, string> = {}): Config {
  // No reaper timer: tests that reap call core.reaper.tick(), so reaps never come unasked.
  return loadConfig({ HTTP_PORT: '0', GRPC_PORT: 'off', LOG_LEVEL: 'silent', STREAMGATE_REAP_INTERVAL_MS: '0', ...env });
}

/** A Core on the shared test Redis, or on `url` (a private server a test may stop). */
export function testCore(env: Record<string, string> = {}, url: string = redisUrl()): Core {
  return createCore(testConfig(env), url);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A redis-server of a test file's own, with a Core and a plain client on it. */
export interface PrivateRedis {
  readonly server: TestRedis;
  readonly core: Core;
  readonly redis: Redis;
}

/**
 * Starts a redis-server of the calling file (or describe block) before its tests and stops
 * it after, with a Core (testCore) and a plain client on it: for tests that count commands
 * or connections, which the files running in parallel on the shared server would disturb.
 */
export function privateRedis(env: Record<string, string> = {}): PrivateRedis {
  const own: { -readonly [K in keyof PrivateRedis]?: PrivateRedis[K] } = {};
  beforeAll(async () => {
    own.server = await startRedis();
    own.core = testCore(env, own.server.url);
    own.redis = new Redis(own.server.url);
  });
  afterAll(async () => {
    await own.core?.close();
    own.redis?.disconnect();
    await own.server?.stop();
  });
  return own as PrivateRedis;
}

/** Calls per command since the server started or the last CONFIG RESETSTAT (INFO commandstats), e.g. `{ xadd: 1, evalsha: 2 }`. */
export async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  const calls: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) calls[m[1]!] = Number(m[2]);
  return calls;
}
