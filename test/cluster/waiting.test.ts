import { type Client, type ClientDuplexStream, credentials } from '@grpc/grpc-js';
import { Cluster, Redis } from 'ioredis';
import pino from 'pino';
import { Pool } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Core, createCore } from '../../src/core/core.js';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import type { StreamingPullRequest } from '../../src/grpc/generated/streamgate/v1/StreamingPullRequest.js';
import type { StreamingPullResponse__Output } from '../../src/grpc/generated/streamgate/v1/StreamingPullResponse.js';
import { loadProto } from '../../src/grpc/proto.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import { buildHttpApp } from '../../src/http/app.js';
import { keySlot } from '../../src/redis/keys.js';
import { sleep, testConfig, uniq } from '../helpers/core.js';
import { startCluster, type TestCluster } from '../helpers/redis-cluster.js';
import type { TestRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

/**
 * Waiting pulls through the gateway in cluster mode (REST and gRPC servers listening on
 * loopback, real HTTP and grpc-js clients, a local cluster of 3 masters × 1 replica): 1,000
 * waiting pulls over 30 streams spread across all masters (500 REST long polls, 500
 * StreamingPull calls) each get their message, while the gateway holds at most
 * STREAMGATE_WATCH_CONNECTIONS (4) blocking connections per master, counted with CLIENT
 * LIST on each master from the moment the pulls are opened until the last one is answered.
 */

const STREAMS_PER_MASTER = 10;
const PER_TRANSPORT = 500;
const WATCH_CONNECTIONS = 4;

let cluster: TestCluster;
let core: Core;
let app: FastifyInstance;
let grpcServer: GrpcGateway;
let plain: Cluster;
let masters: TestRedis[];
const admins: Redis[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  await until(async () => (await cluster.masters()).length === 3, 20_000, 'three masters');
  masters = await cluster.masters();
  core = createCore(testConfig({ STREAMGATE_REDIS_CLUSTER: 'true', REDIS_URL: cluster.seeds, STREAMGATE_WATCH_CONNECTIONS: String(WATCH_CONNECTIONS) }), cluster.seeds);
  app = await buildHttpApp({ core });
  await app.listen({ host: '127.0.0.1', port: 0 });
  grpcServer = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  plain = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
  plain.on('error', () => undefined);
  await plain.ping();
  for (const m of masters) {
    const r = new Redis(m.port, '127.0.0.1', { maxRetriesPerRequest: 0, connectionName: 'test-admin' });
    r.on('error', () => undefined);
    admins.push(r);
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
  await grpcServer?.shutdown(2000);
  await core?.close();
  plain?.disconnect();
  for (const r of admins) r.disconnect();
  await cluster?.stop();
});

/** The gateway's blocking connections on a master: its watcher's, whose command is XREAD (the gateway's others read with XREADGROUP in scripts). */
async function blockingConnections(admin: Redis): Promise<number> {
  const list = String(await admin.call('CLIENT', 'LIST'));
  return list.split('\n').filter((l) => / cmd=xread /.test(l) && !/ name=test-admin /.test(l)).length;
}

/** `n` stream names owned by `master` now, each in a slot of its own. */
async function streamsOn(master: TestRedis, n: number): Promise<string[]> {
  const out: string[] = [];
  const slots = new Set<number>();
  while (out.length < n) {
    const name = uniq('wait');
    const slot = keySlot(name);
    if (slots.has(slot) || (await cluster.ownerOf(slot)).port !== master.port) continue;
    slots.add(slot);
    out.push(name);
  }
  return out;
}

it('1,000 waiting pulls (REST long polls and StreamingPull) over 30 streams on all 3 masters each get their message, with at most 4 blocking connections per master', async () => {
  expect(masters).toHaveLength(3);
  const streams = (await Promise.all(masters.map((m) => streamsOn(m, STREAMS_PER_MASTER)))).flat();
  // Group `r` for the REST pulls, `g` for StreamingPull: each stream gets as many entries as
  // it has waiters in one group, so every waiter must get exactly one.
  for (const s of streams) {
    await plain.xgroup('CREATE', s, 'r', '$', 'MKSTREAM');
    await plain.xgroup('CREATE', s, 'g', '$');
  }
  const streamOf = (i: number) => streams[i % streams.length] as string;

  // The blocking connections of every master, sampled until every pull is answered.
  const most = masters.map(() => 0);
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const counts = await Promise.all(admins.map(blockingConnections));
      counts.forEach((n, i) => (most[i] = Math.max(most[i] as number, n)));
      await sleep(50);
    }
  })();

  const httpUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const pool = new Pool(httpUrl, { connections: PER_TRANSPORT, pipelining: 1, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const { grpc } = loadProto();
  const client: StreamGatewayClient = new grpc.streamgate.v1.StreamGateway(grpcServer.address, credentials.createInsecure());
  const calls: ClientDuplexStream<StreamingPullRequest, StreamingPullResponse__Output>[] = [];
  try {
    const rest = Array.from({ length: PER_TRANSPORT }, async (_, i) => {
      const s = streamOf(i);
      const res = await pool.request({
        path: `/v1/streams/${encodeURIComponent(s)}/groups/r/pull`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ consumer: `c${i}`, count: 1, waitMs: 40_000 }),
      });
      const body = (await res.body.json()) as { messages?: { id: string }[] };
      expect(res.statusCode).toBe(200);
      return { stream: s, ids: (body.messages ?? []).map((m) => m.id) };
    });
    const streaming = Array.from({ length: PER_TRANSPORT }, (_, i) => {
      const s = streamOf(i);
      const call = client.StreamingPull();
      calls.push(call);
      const got = new Promise<{ stream: string; ids: string[] }>((resolve, reject) => {
        call.on('data', (r: StreamingPullResponse__Output) => {
          if (r.messages.length > 0) resolve({ stream: s, ids: r.messages.map((m) => m.id) });
        });
        call.on('error', (err) => reject(err));
        call.write({ stream: s, group: 'g', consumer: `c${i}`, maxOutstandingMessages: 1 });
      });
      // Cancelled in `finally`: an error after the test failed elsewhere is not a second failure.
      got.catch(() => undefined);
      return got;
    });
    await until(() => core.waitStats().waiting === 2 * PER_TRANSPORT, 20_000, `${2 * PER_TRANSPORT} waiting pulls`);
    // Every master serves some of the waiting streams.
    await until(async () => (await Promise.all(admins.map(blockingConnections))).every((n) => n > 0), 10_000, 'blocking reads on every master');

    const perStream = new Map<string, number>();
    for (let i = 0; i < PER_TRANSPORT; i++) perStream.set(streamOf(i), (perStream.get(streamOf(i)) ?? 0) + 1);
    const published = new Set<string>();
    await Promise.all(
      [...perStream].map(async ([s, n]) => {
        for (let k = 0; k < n; k++) published.add(`${s} ${String(await plain.xadd(s, '*', 'k', String(k)))}`);
      }),
    );

    const got = await Promise.all([...rest, ...streaming]);
    // Each waiter got one message, and each group got every entry once.
    expect(got.filter((g) => g.ids.length !== 1)).toEqual([]);
    for (const [name, part] of [
      ['REST', got.slice(0, PER_TRANSPORT)],
      ['StreamingPull', got.slice(PER_TRANSPORT)],
    ] as const) {
      expect(new Set(part.map((g) => `${g.stream} ${g.ids[0]}`)), name).toEqual(published);
    }
  } finally {
    sampling = false;
    await sampler;
    for (const call of calls) call.cancel();
    (client as unknown as Client).close();
    await pool.destroy();
  }
  expect(most.every((n) => n > 0), `blocking connections per master: ${most.join(', ')}`).toBe(true);
  expect(Math.max(...most), `blocking connections per master: ${most.join(', ')}`).toBeLessThanOrEqual(WATCH_CONNECTIONS);
}, 50_000);
