import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { redisUrl, testCore } from './core.js';
import { type TestGrpc, testGrpc } from './grpc.js';
import { type TestApp, testApp } from './http.js';

/**
 * Per-file fixtures: a Core (or a REST app) on the test Redis plus a native ioredis client,
 * created before the file's tests and closed after them. `use` receives them once ready.
 */
export function withCore(use: (core: Core, redis: Redis) => void, env: Record<string, string> = {}): void {
  let core: Core | undefined;
  let redis: Redis | undefined;
  beforeAll(() => {
    core = testCore(env);
    redis = new Redis(redisUrl());
    use(core, redis);
  });
  afterAll(async () => {
    await core?.close();
    redis?.disconnect();
  });
}

export function withApp(use: (t: TestApp, redis: Redis) => void, env: Record<string, string> = {}): void {
  let t: TestApp | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    t = await testApp(env);
    redis = new Redis(redisUrl());
    use(t, redis);
  });
  afterAll(async () => {
    await t?.close();
    redis?.disconnect();
  });
}

export function withGrpc(use: (g: TestGrpc, redis: Redis) => void, env: Record<string, string> = {}): void {
  let g: TestGrpc | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    g = await testGrpc(env);
    redis = new Redis(redisUrl());
    use(g, redis);
  });
  afterAll(async () => {
    await g?.close();
    redis?.disconnect();
  });
}
