import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/runtime/config.js';
import { type Core, createCore } from '../../src/core/core.js';

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
