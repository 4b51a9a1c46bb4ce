import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { type RedisAdapterOptions, openRedis } from '../../src/redis/client.js';
import { keySlot } from '../../src/redis/keys.js';
import { sleep, uniq } from '../helpers/core.js';
import { RESERVED_CONSUMER } from '../../src/core/reaper.js';
import { fields, pullOf } from '../core/support.js';
import { type TestApp } from '../helpers/http.js';
import { type TestCluster } from '../helpers/redis-cluster.js';
import { type ClusterGateway, clusterGateway } from './support.js';

/**
 * ListStreams, routing and nodeFor on a local Redis Cluster (3 masters × 1 replica): SCAN
 * visits every master, each stream is listed once, and a bad cursor is the contract's 400.
 */

let cluster: TestCluster;
let core: Core;
let app: TestApp['app'];
let plain: Cluster;
/** Streams put on every master (names picked so that each master owns some). */
const streams: string[] = [];

let gw: ClusterGateway;

beforeAll(async () => {
  gw = await clusterGateway();
  ({ cluster, core, app, plain } = gw);
  const owners = new Map<number, number>();
  for (let i = 0; streams.length < 30 || owners.size < 3; i++) {
    const name = `ls-${i}-${uniq()}`;
    const owner = (await cluster.ownerOf(keySlot(name))).port;
    owners.set(owner, (owners.get(owner) ?? 0) + 1);
    streams.push(name);
    await plain.xadd(name, '*', 'f', 'v');
  }
  // Keys of other types are not listed.
  await plain.set('ls-not-a-stream', 'x');
}, 60_000);

afterAll(async () => {
  await gw?.close();
});

/** MOVED replies given by every node so far (INFO errorstats). */
async function movedReplies(): Promise<number> {
  let total = 0;
  for (const n of cluster.nodes) {
    const r = new Redis(n.port, '127.0.0.1');
    try {
      total += Number(/errorstat_MOVED:count=(\d+)/.exec(await r.info('errorstats'))?.[1] ?? 0);
    } finally {
      r.disconnect();
    }
  }
  return total;
}

const list = async (query: string) => {
  const res = await app.inject({ method: 'GET', url: `/v1/streams?${query}` });
  return { status: res.statusCode, body: res.json() as { streams: string[]; cursor: string; code?: string; errors?: unknown } };
};

describe('ListStreams on a cluster', () => {
  it('lists the streams of every master, each once, across pages', async () => {
    const seen: string[] = [];
    let cursor = '0';
    let pages = 0;
    do {
      const { status, body } = await list(`match=ls-*&count=7&cursor=${encodeURIComponent(cursor)}`);
      expect(status).toBe(200);
      seen.push(...body.streams);
      cursor = body.cursor;
      expect(++pages).toBeLessThan(200);
    } while (cursor !== '0');
    expect(seen.sort()).toEqual([...streams].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a cursor that is not one with 400 VALIDATION_FAILED', async () => {
    for (const bad of ['x', '1-0', '-1', '', '+5', '302231454903657293676544', '1'.repeat(25)]) {
      const { status, body } = await list(`cursor=${encodeURIComponent(bad)}`);
      expect(status, bad).toBe(400);
      expect(body.code, bad).toBe('VALIDATION_FAILED');
    }
  });

  it('sends XINFO and XGROUP to the master that owns the stream, not to a random node (no MOVED)', async () => {
    const before = await movedReplies();
    for (const name of streams.slice(0, 6)) {
      const info = await app.inject({ method: 'GET', url: `/v1/streams/${name}` });
      expect(info.statusCode, name).toBe(200);
      expect(info.json().length).toBe(1);
      const created = await app.inject({ method: 'POST', url: `/v1/streams/${name}/groups`, payload: { group: 'g', start: '0' } });
      expect(created.statusCode, name).toBe(201);
      const groups = await app.inject({ method: 'GET', url: `/v1/streams/${name}/groups` });
      expect(groups.json().groups.map((g: { name: string }) => g.name)).toEqual(['g']);
      const position = await app.inject({ method: 'PUT', url: `/v1/streams/${name}/groups/g/position`, payload: { id: '0' } });
      expect(position.statusCode, name).toBeLessThan(300);
    }
    // A command sent to a random node is answered MOVED (ioredis then follows it, and
    // refreshes its whole slot map each time).
    expect(await movedReplies()).toBe(before);
  });
});

describe('the reaper on a cluster', () => {
  it("finds the reaping groups of every master (the per-slot registries) and releases an idle consumer's messages", async () => {
    // One stream per master, each with its dead-letter stream in its slot (hash tag).
    const reaped: string[] = [];
    const owners = new Set<number>();
    for (let i = 0; owners.size < 3; i++) {
      const s = `{reap-${i}-${uniq()}}`;
      const owner = (await cluster.ownerOf(keySlot(s))).port;
      if (owners.has(owner)) continue;
      owners.add(owner);
      reaped.push(s);
      await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: 100, reapIdleMs: 200 });
      await core.streams.publish(s, { messages: [{ pairs: fields({ n: '1' }) }] });
      expect(await core.consume.pull(s, 'g', pullOf('pod-1'))).toHaveLength(1);
    }
    await sleep(400);
    await core.reaper.tick();
    for (const s of reaped) {
      expect((await core.groups.listConsumers(s, 'g')).map((c) => [c.name, c.pending]), s).toEqual([[RESERVED_CONSUMER, 1]]);
    }
  });
});

const ADAPTER: RedisAdapterOptions = {
  commandTimeoutMs: 2000,
  guard: { assert: () => undefined },
  onError: () => undefined,
  watchConnections: 1,
  watchPollMs: 100,
  reclaimPollMs: 1000,
  leaseWalk: { whole: 400, step: 100 },
};

describe('nodeFor', () => {
  it("is the connection to the master that owns the stream's slot", async () => {
    const adapter = openRedis(cluster.seeds, { ...ADAPTER, cluster: true });
    try {
      await adapter.backend.commands.range(streams[0]!, '-', '+', 1);
      for (const name of streams) {
        const node = adapter.nodeFor(name);
        expect(node, name).not.toBeNull();
        expect(node!.options.port, name).toBe((await cluster.ownerOf(keySlot(name))).port);
        // A plain command on it runs there, without a redirection.
        expect(await node!.xlen(name)).toBe(1);
      }
    } finally {
      await adapter.close(100);
    }
  });

  it('is the one connection on a single node', async () => {
    const adapter = openRedis(cluster.nodes[0]!.url, ADAPTER);
    try {
      const a = adapter.nodeFor('a');
      expect(a).toBeInstanceOf(Redis);
      expect(adapter.nodeFor('b')).toBe(a);
    } finally {
      await adapter.close(100);
    }
  });
});
