import type { ServiceError } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestGrpc, errorCode, testGrpc } from '../helpers/grpc.js';
import { type TestApp, enc, testApp } from '../helpers/http.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

/**
 * STREAMGATE_PUBLISH_WAIT_REPLICAS: a publish is answered only once WAIT confirms that many
 * replicas have it; otherwise 503 / UNAVAILABLE BACKEND_UNAVAILABLE, outcome unknown, after
 * about STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS, and a keyed retry once the replica is back
 * answers the same ID. Also: a write that reaches a replica (a demoted primary) is refused
 * with BACKEND_UNAVAILABLE and the connection is made again.
 * One primary and one replica of this file's own, REST over real HTTP and gRPC.
 */

/**
 * The WAIT timeout of the N=2 gateways, which can never be satisfied (one replica); the N=1
 * gateways wait up to WAIT_MS_1, long enough that a live replica confirms even on a loaded
 * machine (400 ms was not always).
 */
const WAIT_MS = 400;
const WAIT_MS_1 = 1200;
const waitMs = (replicas: number) => (replicas === 1 ? WAIT_MS_1 : WAIT_MS);
const env = (replicas: number) => ({
  GRPC_PORT: '0',
  STREAMGATE_PUBLISH_WAIT_REPLICAS: String(replicas),
  STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS: String(waitMs(replicas)),
  STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: '3000',
});

let primary: TestRedis;
let replica: TestRedis;
let direct: Redis;
let rest1: TestApp;
let rest2: TestApp;
let grpc1: TestGrpc;
let grpc2: TestGrpc;

const replicaOnline = () =>
  until(async () => /slave0:.*state=online/.test(await direct.info('replication')), 15_000, 'the replica online');

beforeAll(async () => {
  // The replica's full sync (at start and after its restart) begins at once, not after 5 s.
  primary = await startRedis(['--repl-diskless-sync-delay', '0']);
  replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port), '--enable-debug-command', 'yes']);
  direct = new Redis(primary.url);
  await replicaOnline();
  rest1 = await testApp(env(1), primary.url);
  await rest1.listen();
  rest2 = await testApp(env(2), primary.url);
  await rest2.listen();
  grpc1 = await testGrpc(env(1), primary.url);
  grpc2 = await testGrpc(env(2), primary.url);
}, 30_000);

afterAll(async () => {
  await Promise.all([rest1?.close(), rest2?.close(), grpc1?.close(), grpc2?.close()]);
  direct?.disconnect();
  await replica?.stop();
  await primary?.stop();
});

interface Answer {
  readonly status: number;
  readonly body: { ids?: string[]; code?: string; outcome?: string; detail?: string };
  readonly replayed: string | null;
  readonly ms: number;
}

async function restPublish(t: TestApp, stream: string, body: object, key?: string): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(`${t.url}/v1/streams/${enc(stream)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'], replayed: res.headers.get('idempotent-replayed'), ms: performance.now() - t0 };
}

interface GrpcAnswer {
  readonly ids?: string[];
  readonly replayed?: boolean;
  readonly code?: string;
  readonly outcome?: string;
  readonly ms: number;
}

async function grpcPublish(g: TestGrpc, stream: string, key = ''): Promise<GrpcAnswer> {
  const t0 = performance.now();
  try {
    const res = await g.call<{ ids: string[]; replayed: boolean }>('Publish', {
      stream,
      messages: [{ fields: { n: Buffer.from('1') } }],
      idempotencyKey: key,
    });
    return { ...res, ms: performance.now() - t0 };
  } catch (err) {
    const e = err as ServiceError;
    return { code: errorCode(e), outcome: e.metadata.get('outcome')[0] as string | undefined, ms: performance.now() - t0 };
  }
}

const one = { fields: { n: '1' } };
const batch = { messages: [{ fields: { n: '1' } }, { fields: { n: '2' } }] };

function expectNotReplicated(a: { code?: string; outcome?: string; ms: number }, timeoutMs: number): void {
  expect(a.code).toBe('BACKEND_UNAVAILABLE');
  expect(a.outcome).toBe('unknown');
  // After about the WAIT timeout: not at once, and not the command timeout (3 s).
  expect(a.ms).toBeGreaterThanOrEqual(timeoutMs * 0.9);
  expect(a.ms).toBeLessThan(timeoutMs + 1500);
}

describe('with the replica up', () => {
  it('N=1: REST single and batch, keyed or not, and gRPC answer once the replica has the messages', async () => {
    const s = uniq('wait');
    const view = new Redis(replica.url);
    try {
      const a = await restPublish(rest1, s, one);
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      const b = await restPublish(rest1, s, batch, uniq('key'));
      expect(b.status, JSON.stringify(b.body)).toBe(201);
      const c = await grpcPublish(grpc1, s);
      expect(c.code).toBeUndefined();
      // Answered after WAIT: the replica has every entry already.
      expect(await view.xlen(s)).toBe(4);
    } finally {
      view.disconnect();
    }
  });

  it('N=1: the answer waits for a replica that is slow to take the write (REST and gRPC)', async () => {
    const s = uniq('slow');
    const view = new Redis(replica.url);
    try {
      for (const publish of [() => restPublish(rest1, s, one).then((a) => a.status), () => grpcPublish(grpc1, s).then((g) => g.code ?? 201)]) {
        // The replica does nothing for 250 ms (less than the WAIT timeout): the write reaches it only after that.
        const stalled = view.call('DEBUG', 'SLEEP', '0.25');
        await new Promise((r) => setTimeout(r, 50));
        const t0 = performance.now();
        expect(await publish()).toBe(201);
        expect(performance.now() - t0).toBeGreaterThanOrEqual(120);
        await stalled;
      }
      expect(await view.xlen(s)).toBe(2);
    } finally {
      view.disconnect();
    }
  });

  it('N=2 with one replica: BACKEND_UNAVAILABLE outcome unknown after about the timeout, on both transports', async () => {
    const s = uniq('wait2');
    const a = await restPublish(rest2, s, one);
    expect(a.status).toBe(503);
    expectNotReplicated({ ...a.body, ms: a.ms }, WAIT_MS);
    expect(a.body.detail).toMatch(/only 1 of 2 replicas confirmed it within 400 ms/);
    expect(a.body.detail).toMatch(/same Idempotency-Key is safe/);
    expectNotReplicated(await grpcPublish(grpc2, s), WAIT_MS);
    // Written on the primary all the same (that is why the outcome is unknown).
    expect(await direct.xlen(s)).toBe(2);
  });
});

describe('with the replica stopped', () => {
  it('N=1: outcome unknown on both transports; a keyed retry once it is back answers the same ID', async () => {
    const s = uniq('down');
    const restKey = uniq('rk');
    const grpcKey = uniq('gk');
    await replica.kill('SIGKILL');
    try {
      const a = await restPublish(rest1, s, one, restKey);
      expect(a.status).toBe(503);
      expectNotReplicated({ ...a.body, ms: a.ms }, WAIT_MS_1);
      const g = await grpcPublish(grpc1, s, grpcKey);
      expectNotReplicated(g, WAIT_MS_1);
      // Concurrent publishes share WAITs, and all get the same answer: at most three rounds
      // (their XADDs queue behind the WAIT on the shared connection, then join the next
      // round), not one WAIT after another (5 × the timeout).
      const many = await Promise.all(Array.from({ length: 5 }, () => restPublish(rest1, s, one)));
      for (const m of many) expect(m.body.outcome).toBe('unknown');
      expect(Math.max(...many.map((m) => m.ms))).toBeLessThan(3 * WAIT_MS_1 + 800);
    } finally {
      await replica.restart();
    }
    await replicaOnline();
    const entries = (await direct.xrange(s, '-', '+')).map(([id]) => id);
    expect(entries).toHaveLength(7);

    const again = await restPublish(rest1, s, one, restKey);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.replayed).toBe('true');
    expect(again.body.ids).toEqual([entries[0]]);
    const gAgain = await grpcPublish(grpc1, s, grpcKey);
    expect(gAgain.replayed).toBe(true);
    expect(gAgain.ids).toEqual([entries[1]]);
    // And nothing was written twice.
    expect(await direct.xlen(s)).toBe(7);
  }, 30_000);
});

describe('a write that reaches a replica (a demoted primary)', () => {
  it('is refused with BACKEND_UNAVAILABLE (not written), and the connection is made again', async () => {
    const t = await testApp({}, replica.url);
    try {
      await t.listen();
      await until(async () => (await fetch(`${t.url}/readyz`)).status === 200, 5000, 'ready');
      const changes: boolean[] = [];
      t.core.onConnectionChange((up) => changes.push(up));
      const s = uniq('ro');
      const a = await restPublish(t, s, one);
      expect(a.status).toBe(503);
      expect(a.body.code).toBe('BACKEND_UNAVAILABLE');
      expect(a.body.outcome).toBe('not_written');
      expect(a.body.detail).toMatch(/READONLY/);
      // READONLY drops the connection (with Sentinel the next one asks for the new primary).
      await until(() => changes.includes(false), 3000, 'the connection dropped');
      await until(() => changes.at(-1) === true, 3000, 'the connection made again');
      // The script path (a keyed batch) is refused the same way.
      const b = await restPublish(t, s, batch, uniq('key'));
      expect(b.status).toBe(503);
      expect(b.body.outcome).toBe('not_written');
      expect(b.body.detail).toMatch(/READONLY/);
    } finally {
      await t.close();
    }
  });
});
