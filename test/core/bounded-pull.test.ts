import type { Client, ServiceError } from '@grpc/grpc-js';
import { credentials } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../src/core/core.js';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { loadProto } from '../../src/grpc/proto.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import { buildHttpApp } from '../../src/http/app.js';
import { keys } from '../../src/redis/keys.js';
import { testConfig, uniq } from '../helpers/core.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { openPull } from '../grpc/streaming-support.js';

/**
 * Issue 11 rows 6, 9 and the pull part of 2, on both transports (REST pull, gRPC Pull and
 * StreamingPull), over a redis-server of this file's own so INFO commandstats counts only
 * what these tests do.
 *
 * - Row 6: with 200k unexpired pending entries a pull costs a bounded amount of Redis time
 *   (the target is 0.5 ms; asserted with a margin for a loaded 2-core machine:
 *   before the fix it was 8-30 ms), and an expired lease among them is still redelivered
 *   within the stated bound: ⌈pending / STREAMGATE_LEASE_WALK⌉ + 1 pulls of the group.
 * - Row 9: a hand-corrupted stored policy gives the defaults, a warning (once per group per
 *   minute) and a metric, never a 500.
 * - Row 2: a pull answers at most STREAMGATE_MAX_RESPONSE_BYTES of entries; what does
 *   not fit is not delivered (not pending) and the next pull gets it.
 */

const PENDING = 200_000;
const WALK = 256; // STREAMGATE_LEASE_WALK's default
const LEASE = 600_000;
/** Redis time per pull (µs) asserted at 200k pending: the 500 µs target, with room for a loaded machine. */
const PULL_USEC_BOUND = 3000;

let server: TestRedis;
let redis: Redis;
let core: Core;
let app: FastifyInstance;
let grpc: GrpcGateway;
let client: StreamGatewayClient;
const warnings: { obj: object; msg: string }[] = [];

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  const logger = { info: () => undefined, warn: (obj: object, msg: string) => warnings.push({ obj, msg }) };
  core = createCore(testConfig({ GRPC_PORT: '0' }), server.url, { logger });
  app = await buildHttpApp({ core });
  grpc = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  client = new (loadProto().grpc.streamgate.v1.StreamGateway)(grpc.address, credentials.createInsecure());
}, 60_000);

afterAll(async () => {
  (client as unknown as Client | undefined)?.close();
  await grpc?.shutdown(2000);
  await app?.close();
  await core?.close();
  redis?.disconnect();
  await server?.stop();
});

interface Got {
  id: string;
  deliveryCount: number;
}

async function restPull(s: string, g: string, consumer: string, count: number): Promise<Got[]> {
  const res = await app.inject({
    method: 'POST',
    url: `/v1/streams/${encodeURIComponent(s)}/groups/${g}/pull`,
    payload: { consumer, count },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { messages: Got[] }).messages;
}

function rpc<T>(method: string, request: object): Promise<T> {
  const fn = (client as unknown as Record<string, (r: object, cb: (e: ServiceError | null, v: T) => void) => void>)[method]!;
  return new Promise((resolve, reject) => fn.call(client, request, (e, v) => (e ? reject(e) : resolve(v))));
}

async function grpcPull(s: string, g: string, consumer: string, count: number): Promise<Got[]> {
  const r = await rpc<{ messages: { id: string; deliveryCount: number }[] }>('Pull', { stream: s, group: g, consumer, count });
  return r.messages.map((m) => ({ id: m.id, deliveryCount: Number(m.deliveryCount) }));
}

/** usec_per_call of EVALSHA since the last CONFIG RESETSTAT: the pull script's Redis time. */
async function scriptUsecPerCall(): Promise<{ calls: number; usecPerCall: number }> {
  const m = /^cmdstat_evalsha:calls=(\d+),usec=\d+,usec_per_call=([\d.]+)/m.exec(await redis.info('commandstats'));
  return { calls: Number(m?.[1] ?? 0), usecPerCall: Number(m?.[2] ?? NaN) };
}

/** `n` entries of two small fields, added inside Redis (fast). */
async function fill(s: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 50_000) {
    await redis.eval(
      "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'n', tostring(i), 'body', 'x') end return 1",
      1,
      s,
      Math.min(50_000, n - i),
    );
  }
}

/** Delivers every entry of the group to `holder` (a native read), leaving them pending. */
async function deliverAll(s: string, g: string, holder: string): Promise<void> {
  for (;;) {
    const n = (await redis.eval(
      "local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 20000, 'STREAMS', KEYS[1], '>') if r then return #r[1][2] end return 0",
      1,
      s,
      g,
      holder,
    )) as number;
    if (n === 0) return;
  }
}

describe('row 6: a pull costs bounded Redis time whatever the pending list (200k pending)', () => {
  const s = uniq('big');
  let ids: string[] = [];

  beforeAll(async () => {
    await fill(s, PENDING);
    // 200k pending, then 100 new entries to read.
    await core.groups.create(s, { group: 'cost-new', start: '0', leaseMs: LEASE });
    await deliverAll(s, 'cost-new', 'holder');
    await fill(s, 100);
    // 200,100 pending, nothing new.
    for (const g of ['cost', 'expiry', 'probe']) {
      await core.groups.create(s, { group: g, start: '0', leaseMs: LEASE });
      await deliverAll(s, g, 'holder');
    }
    ids = (await redis.xrange(s, '-', '+')).map(([id]) => id);
  }, 120_000);

  it('REST pull and gRPC Pull: Redis time per pull within the bound, with and without new messages', async () => {
    expect((await redis.xpending(s, 'cost'))[0]).toBe(PENDING + 100);
    expect((await redis.xpending(s, 'cost-new'))[0]).toBe(PENDING);
    await redis.config('RESETSTAT');
    let delivered = 0;
    for (let i = 0; i < 5; i++) {
      expect(await restPull(s, 'cost', 'c', 10)).toEqual([]);
      expect(await grpcPull(s, 'cost', 'c', 10)).toEqual([]);
      delivered += (await restPull(s, 'cost-new', 'c', 10)).length + (await grpcPull(s, 'cost-new', 'c', 10)).length;
    }
    expect(delivered).toBe(100);
    const { calls, usecPerCall } = await scriptUsecPerCall();
    // (ioredis may send a script's first call on a connection as EVAL: not counted here.)
    expect(calls).toBeGreaterThanOrEqual(18);
    expect(usecPerCall, `Redis time per pull at ${PENDING} pending (µs)`).toBeLessThan(PULL_USEC_BOUND);
  }, 60_000);

  it('an expired lease in the middle of 200k pending is redelivered within ⌈pending/walk⌉ + 1 pulls (REST and gRPC alternating), each within the bound', async () => {
    const target = ids[PENDING / 2]!;
    // Released at once (idle = lease): expired, in the middle of the pending list.
    expect(await core.consume.nack(s, 'expiry', 'holder', [target], 0)).toEqual({ count: 1, notPending: [] });
    const bound = Math.ceil((PENDING + 100) / WALK) + 1;
    await redis.config('RESETSTAT');
    let pulls = 0;
    let got: Got[] = [];
    while (got.length === 0 && pulls < bound + 50) {
      got = pulls % 2 === 0 ? await restPull(s, 'expiry', 'w', 1) : await grpcPull(s, 'expiry', 'w', 1);
      pulls++;
    }
    expect(got.map((m) => [m.id, m.deliveryCount])).toEqual([[target, 2]]);
    expect(pulls, 'pulls until the expired lease came back').toBeLessThanOrEqual(bound);
    const { usecPerCall } = await scriptUsecPerCall();
    expect(usecPerCall, 'Redis time per pull while walking (µs)').toBeLessThan(PULL_USEC_BOUND);
  }, 120_000);

  it('a waiting pull is woken by the lease probe, which walks the same bounded steps', async () => {
    // Near the end of the list, a few steps after where the group's walk stands (set here,
    // white-box): found by the first probes, each looking at one step. Walked whole (the
    // probe before the fix), the list costs ~10 ms of Redis time per probe.
    const at = PENDING - 2 * WALK;
    await redis.set(keys.leaseCursor(s, 'probe'), ids[at - 2 * WALK]!, 'PX', 600_000);
    const target = ids[at]!;
    expect(await core.consume.nack(s, 'probe', 'holder', [target], 0)).toEqual({ count: 1, notPending: [] });
    await redis.config('RESETSTAT');
    const started = Date.now();
    const res = await app.inject({
      method: 'POST',
      url: `/v1/streams/${encodeURIComponent(s)}/groups/probe/pull`,
      payload: { consumer: 'waiter', count: 1, waitMs: 20_000 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const messages = (res.json() as { messages: Got[] }).messages;
    // The pull's own first look took one step; the probe (every 1 s) the next ones.
    expect(messages.map((m) => [m.id, m.deliveryCount])).toEqual([[target, 2]]);
    expect(Date.now() - started).toBeLessThan(15_000);
    const xpending = /^cmdstat_xpending:calls=(\d+),usec=\d+,usec_per_call=([\d.]+)/m.exec(await redis.info('commandstats'));
    expect(Number(xpending?.[2]), 'Redis time per XPENDING of the pulls and probes (µs)').toBeLessThan(PULL_USEC_BOUND);
    expect((await scriptUsecPerCall()).usecPerCall).toBeLessThan(PULL_USEC_BOUND);
  }, 60_000);
});

describe('row 9: a corrupt stored policy gives the defaults, a warning and a metric, never a 500', () => {
  const metric = async (): Promise<number> => {
    const m = await core.metrics.registry.getSingleMetric('streamgate_policy_unreadable_total')?.get();
    return m?.values[0]?.value ?? 0;
  };

  it.each([
    ['not JSON', 'not json'],
    ['a field of the wrong type', '{"leaseMs":"soon","maxDeliveries":0}'],
    ['JSON that is not an object', '[1,2]'],
  ])('%s: REST and gRPC pulls, nack and extend, GET and PATCH group', async (_what, stored) => {
    const s = uniq('pol');
    await core.groups.create(s, { group: 'g', createStream: true, start: '0' });
    await core.streams.publish(s, { messages: [{ pairs: [['a', Buffer.from('1')]] }, { pairs: [['a', Buffer.from('2')]] }] });
    await redis.hset(keys.policy(s), 'g', stored);
    const before = await metric();
    const warned = warnings.length;

    const rest = await restPull(s, 'g', 'c', 1);
    expect(rest.map((m) => m.deliveryCount)).toEqual([1]);
    const viaGrpc = await grpcPull(s, 'g', 'c', 1);
    expect(viaGrpc.map((m) => m.deliveryCount)).toEqual([1]);
    // Leases work with the default lease: nack and extend answer, no 500.
    const nack = await app.inject({ method: 'POST', url: `/v1/streams/${s}/groups/g/nack`, payload: { consumer: 'c', ids: [rest[0]!.id] } });
    expect(nack.statusCode, nack.body).toBe(200);
    const extend = await app.inject({ method: 'POST', url: `/v1/streams/${s}/groups/g/extend`, payload: { consumer: 'c', ids: [viaGrpc[0]!.id] } });
    expect(extend.statusCode, extend.body).toBe(200);

    const info = await app.inject({ method: 'GET', url: `/v1/streams/${s}/groups/g` });
    expect(info.statusCode, info.body).toBe(200);
    expect(info.json()).toMatchObject({ leaseMs: 30_000, maxDeliveries: 0, deadLetterStream: `${s}:dlq` });

    expect(await metric()).toBeGreaterThanOrEqual(before + 3);
    // One warning for the group, however many reads found the policy unreadable.
    const mine = warnings.slice(warned).filter((w) => (w.obj as { stream?: string }).stream === s);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.obj).toMatchObject({ stream: s, group: 'g' });

    // A PATCH repairs it: merged over the defaults.
    const patch = await app.inject({ method: 'PATCH', url: `/v1/streams/${s}/groups/g`, payload: { maxDeliveries: 3 } });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(JSON.parse((await redis.hget(keys.policy(s), 'g'))!)).toEqual({ leaseMs: 30_000, maxDeliveries: 3, deadLetterStream: `${s}:dlq` });
    const after = await metric();
    await restPull(s, 'g', 'c', 1);
    expect(await metric()).toBe(after);
  });
});

describe('row 2 (pulls): at most STREAMGATE_MAX_RESPONSE_BYTES of entries per pull', () => {
  const MIB = 1_048_576;
  const BIG = 1_000_000; // under the default 1 MiB message limit; 2 fit the default 2 MiB budget
  const FIT = 2;
  const bigMessages = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => ({ pairs: [['v', Buffer.alloc(BIG, 97 + i)] as [string, Buffer], ['i', Buffer.from(`${tag}${i}`)] as [string, Buffer]] }));

  async function bigStream(n: number): Promise<{ s: string; ids: string[] }> {
    const s = uniq('bytes');
    await core.groups.create(s, { group: 'g', createStream: true, start: '0' });
    const { ids } = await core.streams.publish(s, { messages: bigMessages(n, 'm') });
    return { s, ids };
  }

  const pendingOf = async (s: string, consumer: string) =>
    ((await redis.xpending(s, 'g', '-', '+', 100, consumer)) as [string][]).map(([id]) => id);

  it('REST pull: 5 entries of ~1 MB, count 5 → 2, nothing else pending; the next pulls get the others', async () => {
    expect(core.config.limits.maxResponseBytes).toBe(2 * MIB);
    const { s, ids } = await bigStream(5);
    const first = await restPull(s, 'g', 'c', 5);
    expect(first.map((m) => m.id)).toEqual(ids.slice(0, FIT));
    expect(await pendingOf(s, 'c')).toEqual(ids.slice(0, FIT));
    const second = await restPull(s, 'g', 'c2', 5);
    expect(second.map((m) => [m.id, m.deliveryCount])).toEqual(ids.slice(FIT, 2 * FIT).map((id) => [id, 1]));
    expect((await restPull(s, 'g', 'c2', 5)).map((m) => m.id)).toEqual(ids.slice(2 * FIT));
    // The group's counters stayed exact: nothing left to read, lag 0.
    const [group] = (await core.groups.list(s)).filter((g) => g.name === 'g');
    expect(group).toMatchObject({ pending: 5, lag: 0 });
  });

  it('gRPC Pull and StreamingPull: the same budget', async () => {
    const { s, ids } = await bigStream(4);
    const first = await grpcPull(s, 'g', 'c', 4);
    expect(first.map((m) => m.id)).toEqual(ids.slice(0, FIT));
    expect(await pendingOf(s, 'c')).toEqual(ids.slice(0, FIT));
    const p = openPull(client, { stream: s, group: 'g', consumer: 'sp', maxOutstandingMessages: 10 });
    try {
      await p.until(() => p.ids().length >= 2, 10_000, 'the 2 left');
      expect(p.ids()).toEqual(ids.slice(FIT));
      // Each StreamingPull response holds what one pull read: within the budget too.
      const big = await bigStream(5);
      const q = openPull(client, { stream: big.s, group: 'g', consumer: 'sp', maxOutstandingMessages: 10 });
      try {
        await q.until(() => q.ids().length >= 5, 10_000, 'all 5');
        expect(q.ids()).toEqual(big.ids);
        for (const r of q.responses) expect(r.messages.length).toBeLessThanOrEqual(FIT);
      } finally {
        await q.cancel();
      }
    } finally {
      await p.cancel();
    }
  });

  it('small entries, then large ones the gateway did not expect: the overflow is given back, not delivered', async () => {
    const s = uniq('mixed');
    await core.groups.create(s, { group: 'g', createStream: true, start: '0' });
    const small = await core.streams.publish(s, { messages: [{ pairs: [['a', Buffer.from('x')]] }] });
    // The gateway learns this stream's messages are small: the next pull reads all at once.
    expect((await restPull(s, 'g', 'c', 10)).map((m) => m.id)).toEqual(small.ids);
    const { ids } = await core.streams.publish(s, { messages: bigMessages(5, 'b') });
    const first = await restPull(s, 'g', 'c', 10);
    expect(first.map((m) => m.id)).toEqual(ids.slice(0, FIT));
    expect(await pendingOf(s, 'c')).toEqual([...small.ids, ...ids.slice(0, FIT)]);
    const [info] = (await redis.xinfo('GROUPS', s)) as unknown[][];
    const at = (k: string) => info![info!.indexOf(k) + 1];
    expect([at('last-delivered-id'), at('entries-read'), at('lag')]).toEqual([ids[FIT - 1], 1 + FIT, 5 - FIT]);
    expect((await grpcPull(s, 'g', 'c', 10)).map((m) => m.id)).toEqual(ids.slice(FIT, 2 * FIT));
  });
});
