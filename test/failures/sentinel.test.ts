import { type Client, type ServiceError, credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, uniq } from '../helpers/core.js';
import { errorCode } from '../helpers/grpc.js';
import { enc } from '../helpers/http.js';
import { type TestSentinel, startSentinel } from '../helpers/redis-sentinel.js';
import { until } from '../helpers/wait.js';
import { loadProto } from '../../src/grpc/proto.js';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { type Gateway, startGateway } from '../../src/runtime/main.js';

/**
 * Sentinel: one primary, one replica, 3 sentinels. The gateway (real REST and gRPC, set up
 * from the environment as in production) finds the primary through the sentinels,
 * publishes with STREAMGATE_PUBLISH_WAIT_REPLICAS=1 and pulls; the primary is SIGKILLed.
 * During the failover requests fail fast with BACKEND_UNAVAILABLE (never a hang past the
 * command timeout); once the replica is promoted, publish and pull work again without a
 * restart, and every publish acknowledged before the kill is there.
 */

const COMMAND_TIMEOUT_MS = 1500;

let setup: TestSentinel;
let gw: Gateway;
let client: StreamGatewayClient;

beforeAll(async () => {
  setup = await startSentinel();
  const config = testConfig({
    GRPC_PORT: '0',
    STREAMGATE_REDIS_SENTINELS: setup.sentinels,
    STREAMGATE_REDIS_SENTINEL_NAME: setup.name,
    STREAMGATE_PUBLISH_WAIT_REPLICAS: '1',
    STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS: '1000',
    STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS),
  });
  gw = await startGateway(config, pino({ level: 'silent' }));
  const { grpc } = loadProto();
  client = new grpc.streamgate.v1.StreamGateway(gw.grpcAddress ?? '', credentials.createInsecure());
}, 40_000);

afterAll(async () => {
  (client as unknown as Client | undefined)?.close();
  await gw?.stop();
  await setup?.stop();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

async function rest(method: string, path: string, body?: object): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(`${gw.httpUrl}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: performance.now() - t0 };
}

function rpc<Res>(method: string, request: object): Promise<{ res?: Res; code?: string; ms: number }> {
  const t0 = performance.now();
  const fn = (client as unknown as Record<string, (r: object, o: object, cb: (e: ServiceError | null, r: Res) => void) => void>)[method];
  return new Promise((resolve) =>
    fn?.call(client, request, { deadline: Date.now() + 10_000 }, (err, res) =>
      resolve(err ? { code: errorCode(err) ?? `grpc ${err.code}`, ms: performance.now() - t0 } : { res, ms: performance.now() - t0 }),
    ),
  );
}

const restPublish = (s: string, n: number) => rest('POST', `/v1/streams/${enc(s)}/messages`, { fields: { n: String(n) } });
const grpcPublish = (s: string, n: number) =>
  rpc<{ ids: string[] }>('Publish', { stream: s, messages: [{ fields: { n: Buffer.from(String(n)) } }] });

describe('Sentinel failover', () => {
  it('follows the failover: fails fast during it, recovers without a restart, loses no publish acknowledged with WAIT 1', async () => {
    const s = uniq('sentinel');
    await until(async () => (await rest('GET', '/readyz')).status === 200, 10_000, 'ready through Sentinel');
    expect((await rest('POST', `/v1/streams/${enc(s)}/groups`, { group: 'g', start: '0', createStream: true })).status).toBe(201);

    // Publishes acknowledged before the kill, on both transports (each confirmed by WAIT 1).
    const acked: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await restPublish(s, i);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      acked.push(...(r.body.ids as string[]));
      const g = await grpcPublish(s, i);
      expect(g.code).toBeUndefined();
      acked.push(...(g.res?.ids ?? []));
    }
    const pulled = await rest('POST', `/v1/streams/${enc(s)}/groups/g/pull`, { consumer: 'c', count: 10 });
    expect(pulled.status).toBe(200);
    expect((pulled.body.messages as unknown[]).length).toBe(10);

    const old = await setup.currentPrimary();
    await setup.primary.kill('SIGKILL');

    // During the failover: BACKEND_UNAVAILABLE, each within the command timeout (+ slack
    // for a loaded machine), never a hang; REST and gRPC, publish and pull.
    const bound = COMMAND_TIMEOUT_MS + 2000;
    const during = [
      await restPublish(s, -1),
      await rest('POST', `/v1/streams/${enc(s)}/groups/g/pull`, { consumer: 'c', count: 1 }),
    ];
    for (const a of during) {
      expect(a.status, JSON.stringify(a.body)).toBe(503);
      expect(a.body.code).toBe('BACKEND_UNAVAILABLE');
      expect(a.ms).toBeLessThan(bound);
    }
    const g = await grpcPublish(s, -1);
    expect(g.code).toBe('BACKEND_UNAVAILABLE');
    expect(g.ms).toBeLessThan(bound);
    const gp = await rpc('Pull', { stream: s, group: 'g', consumer: 'c', count: 1 });
    expect(gp.code).toBe('BACKEND_UNAVAILABLE');
    expect(gp.ms).toBeLessThan(bound);

    // The replica is promoted. The gateway reaches it, but it has no replica yet: WAIT 1
    // cannot be met, so a publish is answered outcome unknown, never 201.
    const promoted = await setup.promoted(old, 30_000);
    expect(promoted).toBe(`127.0.0.1:${setup.replica.port}`);
    let alone: Answer | undefined;
    await until(async () => {
      alone = await restPublish(s, 999);
      return alone.status !== 503 || /only 0 of 1 replicas/.test(String(alone.body.detail));
    }, 20_000, 'the gateway on the new primary');
    expect(alone?.status).toBe(503);
    expect(alone?.body.outcome).toBe('unknown');
    // The old primary comes back and the sentinels make it a replica of the new one; the
    // same gateway publishes and pulls again, no restart.
    await setup.primary.restart();
    await until(async () => (await restPublish(s, 1000)).status === 201, 20_000, 'REST publish after the failover');
    await until(async () => (await grpcPublish(s, 1001)).code === undefined, 10_000, 'gRPC publish after the failover');
    const after = await rest('POST', `/v1/streams/${enc(s)}/groups/g/pull`, { consumer: 'c2', count: 5 });
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect((after.body.messages as unknown[]).length).toBe(5);
    const gPull = await rpc<{ messages: unknown[] }>('Pull', { stream: s, group: 'g', consumer: 'c3', count: 5 });
    expect(gPull.code).toBeUndefined();
    expect(gPull.res?.messages.length).toBe(5);

    // A waiting pull is woken through the watcher's connection, which followed too.
    expect((await rest('POST', `/v1/streams/${enc(s)}/groups`, { group: 'w', start: '$' })).status).toBe(201);
    const waiting = rest('POST', `/v1/streams/${enc(s)}/groups/w/pull`, { consumer: 'c', count: 1, waitMs: 8000 });
    await until(async () => {
      const text = await (await fetch(`${gw.httpUrl}/metrics`)).text();
      return /^streamgate_waiting_pulls [1-9]/m.test(text);
    }, 5000, 'the pull waiting');
    const woke = await restPublish(s, 2000);
    expect(woke.status).toBe(201);
    const got = await waiting;
    expect(got.status).toBe(200);
    expect((got.body.messages as Array<{ id: string }>).map((m) => m.id)).toEqual(woke.body.ids);
    expect(got.ms).toBeLessThan(6000);

    // Every publish acknowledged before the kill is on the new primary.
    const ids = new Set<string>();
    let start = '-';
    for (;;) {
      const page = await rest('GET', `/v1/streams/${enc(s)}/messages?start=${enc(start)}&count=1000`);
      expect(page.status).toBe(200);
      for (const m of page.body.messages as Array<{ id: string }>) ids.add(m.id);
      if (page.body.next === null || page.body.next === undefined) break;
      start = `(${page.body.next as string}`;
    }
    const lost = acked.filter((id) => !ids.has(id));
    expect(lost).toEqual([]);
    expect(acked.length).toBe(80);
  }, 90_000);
});
