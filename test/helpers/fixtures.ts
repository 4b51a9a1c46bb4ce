import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { redisUrl, testCore } from './core.js';
import { type TestGrpc, testGrpc } from './grpc.js';
import { type TestApp, testApp } from './http.js';

/**
 * Per-file fixtures: a Core, a REST app or a gRPC server on the test Redis, plus a native
 * ioredis client, created before the file's tests and closed after them. `use` receives
 * them once ready.
 */
function withFixture<T>(
  create: () => T | Promise<T>,
  close: (t: T) => Promise<void>,
  use: (t: T, redis: Redis) => void,
): void {
  let made: T | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    made = await create();
    redis = new Redis(redisUrl());
    use(made, redis);
  });
  afterAll(async () => {
    if (made !== undefined) await close(made);
    redis?.disconnect();
  });
}

export const withCore = (use: (core: Core, redis: Redis) => void, env: Record<string, string> = {}): void =>
  withFixture(() => testCore(env), (c) => c.close(), use);

export const withApp = (use: (t: TestApp, redis: Redis) => void, env: Record<string, string> = {}): void =>
  withFixture(() => testApp(env), (t) => t.close(), use);

export const withGrpc = (use: (g: TestGrpc, redis: Redis) => void, env: Record<string, string> = {}): void =>
  withFixture(() => testGrpc(env), (g) => g.close(), use);
