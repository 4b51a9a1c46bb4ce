import { credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestPki, makePki } from './certs.js';
import { type TestGateway, grpcListStreams, httpCall, startTestGateway } from './clients.js';
import { type TlsRedis, startTlsRedis } from './tls-redis.js';

/** rediss:// to a redis-server that speaks only TLS, through the real startGateway. */

let pki: TestPki;
const servers: TlsRedis[] = [];
let unsupported: string | undefined;
let plainAuth: TlsRedis | undefined;
let mutualAuth: TlsRedis | undefined;

beforeAll(async () => {
  pki = makePki();
  const a = await startTlsRedis(pki.server, pki.ca, 'no');
  if ('unsupported' in a) {
    unsupported = a.unsupported;
    return;
  }
  plainAuth = a.redis;
  servers.push(a.redis);
  const b = await startTlsRedis(pki.server, pki.ca, 'yes');
  if ('redis' in b) {
    mutualAuth = b.redis;
    servers.push(b.redis);
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  pki?.cleanup();
});

/** The TLS redis-server, or a skipped test saying why there is none. */
function tlsRedis(ctx: TestContext, which: 'no' | 'yes'): TlsRedis {
  const redis = which === 'no' ? plainAuth : mutualAuth;
  if (!redis) ctx.skip(unsupported ?? 'the TLS redis-server did not start');
  return redis as TlsRedis;
}

async function withGateway<T>(env: Record<string, string>, use: (gw: TestGateway) => Promise<T>): Promise<T> {
  const gw = await startTestGateway({ GRPC_PORT: 'off', ...env });
  try {
    return await use(gw);
  } finally {
    await gw.stop();
  }
}

/** Publish, create a group, a waiting pull woken by a second publish (the watcher's own connection). */
async function publishAndPull(base: string): Promise<void> {
  const stream = encodeURIComponent(uniq('tls'));
  const post = (path: string, json: unknown) => httpCall(`${base}/v1/streams/${stream}${path}`, { method: 'POST', json });
  expect((await post('/messages', { fields: { k: 'first' } })).status).toBe(201);
  expect((await post('/groups', { group: 'g', start: '0' })).status).toBe(201);
  const first = await post('/groups/g/pull', { consumer: 'c', count: 10 });
  expect(first.status).toBe(200);
  expect(JSON.parse(first.body).messages.map((m: { fields: unknown }) => m.fields)).toEqual([{ k: 'first' }]);

  const waiting = post('/groups/g/pull', { consumer: 'c', count: 10, waitMs: 5000 });
  await new Promise((r) => setTimeout(r, 200));
  expect((await post('/messages', { fields: { k: 'second' } })).status).toBe(201);
  const second = await waiting;
  expect(JSON.parse(second.body).messages.map((m: { fields: unknown }) => m.fields)).toEqual([{ k: 'second' }]);
}

describe('rediss://', () => {
  it('with the CA that signed the server: ready, publishes and pulls', async (ctx) => {
    const redis = tlsRedis(ctx, 'no');
    await withGateway({ REDIS_URL: redis.tlsUrl, STREAMGATE_REDIS_TLS_CA: pki.ca }, async (gw) => {
      const base = gw.gateway.httpUrl ?? '';
      expect((await httpCall(`${base}/readyz`)).status).toBe(200);
      await publishAndPull(base);
    });
  });

  it('with a wrong CA: not ready, BACKEND_UNAVAILABLE on both transports, no crash', async (ctx) => {
    const redis = tlsRedis(ctx, 'no');
    await withGateway({ REDIS_URL: redis.tlsUrl, STREAMGATE_REDIS_TLS_CA: pki.otherCa, GRPC_PORT: '0' }, async (gw) => {
      const base = gw.gateway.httpUrl ?? '';
      expect(await httpCall(`${base}/readyz`)).toEqual({ status: 503, body: '{"status":"unavailable"}' });
      const started = Date.now();
      const publish = await httpCall(`${base}/v1/streams/${uniq('tls')}/messages`, { method: 'POST', json: { fields: { k: 'v' } } });
      expect(publish.status).toBe(503);
      expect(JSON.parse(publish.body).code).toBe('BACKEND_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(10_000);
      const rpc = await grpcListStreams(gw.gateway.grpcAddress ?? '', credentials.createInsecure());
      expect(rpc.ok ? null : rpc.error.metadata.get('error-code')[0]).toBe('BACKEND_UNAVAILABLE');
      expect((await httpCall(`${base}/healthz`)).status).toBe(200);
    });
  });

  it('STREAMGATE_REDIS_TLS_INSECURE=true: connects without verifying, with a warning', async (ctx) => {
    const redis = tlsRedis(ctx, 'no');
    await withGateway({ REDIS_URL: redis.tlsUrl, STREAMGATE_REDIS_TLS_INSECURE: 'true' }, async (gw) => {
      expect(gw.logs.some((l) => l.level === 40 && String(l.msg).startsWith('STREAMGATE_REDIS_TLS_INSECURE'))).toBe(true);
      await publishAndPull(gw.gateway.httpUrl ?? '');
    });
  });

  it('--tls-auth-clients yes: works with a client certificate, not without', async (ctx) => {
    const redis = tlsRedis(ctx, 'yes');
    const env = { REDIS_URL: redis.tlsUrl, STREAMGATE_REDIS_TLS_CA: pki.ca };
    await withGateway({ ...env, STREAMGATE_REDIS_TLS_CERT: pki.client.cert, STREAMGATE_REDIS_TLS_KEY: pki.client.key }, async (gw) => {
      expect((await httpCall(`${gw.gateway.httpUrl}/readyz`)).status).toBe(200);
      await publishAndPull(gw.gateway.httpUrl ?? '');
    });
    await withGateway(env, async (gw) => {
      expect((await httpCall(`${gw.gateway.httpUrl}/readyz`)).status).toBe(503);
    });
  });
});
