import type { FastifyInstance } from 'fastify';
import type { Core } from '../../src/core/core.js';
import { buildHttpApp } from '../../src/http/app.js';
import { testCore } from './core.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly core: Core;
  /** Base URL of a real listening server (only after `listen()`). */
  url: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** A REST app on the test Redis; `inject` for most tests, `listen()` for real HTTP on 127.0.0.1. */
export async function testApp(env: Record<string, string> = {}, redisUrl?: string): Promise<TestApp> {
  const core = testCore(env, redisUrl);
  const app = await buildHttpApp({ core });
  const t: TestApp = {
    app,
    core,
    url: '',
    async listen() {
      t.url = await app.listen({ host: '127.0.0.1', port: 0 });
      return t.url;
    },
    async close() {
      await app.close();
      await core.close();
    },
  };
  return t;
}

export const enc = encodeURIComponent;
