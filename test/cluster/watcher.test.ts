import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../src/redis/keys.js';
import { clusterNodes } from '../../src/redis/watch-nodes.js';
import { StreamWatcher, type WakeReason } from '../../src/redis/watcher.js';
import { sleep, uniq } from '../helpers/core.js';
import { startCluster, type TestCluster } from '../helpers/redis-cluster.js';
import type { TestRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/wait.js';

/**
 * The watcher on a Redis Cluster (3 masters × 1 replica): waiting streams grouped by the
 * master serving their slot, at most STREAMGATE_WATCH_CONNECTIONS blocking connections per
 * master; a slot that moves takes its waits along without a wake-up lost or made up; a
 * master killed ends its waits (their pulls report the outage), and waiting works again
 * once its replica is promoted.
 */

let cluster: TestCluster;
let client: Cluster;
let watcher: StreamWatcher;

const direct = (node: TestRedis): Redis => {
  const r = new Redis(node.port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  return r;
};

/** Of `node`, run `fn` on a connection of its own. */
async function on<T>(node: TestRedis, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = direct(node);
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** The watcher's connections on a node: those whose last command was XREAD (the test's client only writes). */
const readers = (node: TestRedis): Promise<number> =>
  on(node, async (r) => String(await r.call('CLIENT', 'LIST')).split('\n').filter((l) => / cmd=xread /.test(l)).length);

/** `n` new stream names served by `node` now. */
async function streamsOn(node: TestRedis, n: number, prefix: string): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const name = uniq(prefix);
    if ((await cluster.ownerOf(keySlot(name))).port === node.port) out.push(name);
  }
  return out;
}

/** XADD through the Cluster client, again until it succeeds (a failover may be under way). */
async function xadd(stream: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return (await client.xadd(stream, '*', 'n', '1')) as string;
    } catch (err) {
      if (i > 100) throw err;
      await sleep(100);
    }
  }
}

beforeAll(async () => {
  cluster = await startCluster();
  // Right after `--cluster create` a node may still list a replica-to-be as a master.
  await until(async () => (await cluster.masters()).length === 3, 20_000, 'three masters');
  client = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
  client.on('error', () => undefined);
  await client.ping();
  watcher = new StreamWatcher(clusterNodes(client), { connections: 4, reclaimPollMs: 1000, blockMs: 2000, commandTimeoutMs: 2000 });
}, 60_000);

afterAll(async () => {
  watcher?.close();
  client?.disconnect();
  await cluster?.stop();
});

describe('the watcher on a cluster', () => {
  it('1,000 waits over 30 streams on all 3 masters each wake on an entry, with at most 4 blocking connections per master', async () => {
    const masters = await cluster.masters();
    expect(masters).toHaveLength(3);
    const streams = (await Promise.all(masters.map((m) => streamsOn(m, 10, 'w')))).flat();
    // One group per stream: an entry wakes one waiter of the group, so each stream gets as
    // many entries as it has waits, and every wait must be woken by one of them.
    const waits: Array<Promise<WakeReason>> = [];
    for (let i = 0; i < 1000; i++) {
      const stream = streams[i % 30] as string;
      waits.push(watcher.wait({ stream, group: 'g', afterId: '0-0', leaseMs: 0, timeoutMs: 30_000 }));
    }
    await until(() => watcher.stats().waiting === 1000, 5000, '1000 waits');
    expect(watcher.stats()).toMatchObject({ waiting: 1000, streams: 30, groups: 30 });
    // Every master has its readers blocked (or polling) on its streams, 4 at most.
    await until(async () => (await Promise.all(masters.map(readers))).every((n) => n > 0), 5000, 'readers on every master');
    for (const m of masters) expect(await readers(m)).toBeLessThanOrEqual(4);
    expect(watcher.stats().connections).toBeLessThanOrEqual(12);
    // Reading does not wake anyone by itself (a refused read, CROSSSLOT, would).
    await sleep(500);
    expect(watcher.stats().waiting).toBe(1000);

    const perStream = new Map<string, number>();
    for (let i = 0; i < 1000; i++) perStream.set(streams[i % 30] as string, (perStream.get(streams[i % 30] as string) ?? 0) + 1);
    await Promise.all([...perStream].map(async ([stream, n]) => {
      for (let i = 0; i < n; i++) await xadd(stream);
    }));
    const reasons = await Promise.all(waits);
    expect(reasons.filter((r) => r !== 'woken')).toEqual([]);
    expect(watcher.stats()).toMatchObject({ waiting: 0, streams: 0, groups: 0 });
    for (const m of masters) expect(await readers(m)).toBeLessThanOrEqual(4);
  }, 40_000);

  it('a slot migrated while waits are registered: nobody is woken by the move, and an entry after it wakes them all', async () => {
    const [from, to] = await cluster.masters();
    if (!from || !to) throw new Error('two masters expected');
    const [stream] = await streamsOn(from, 1, 'moving');
    const s = stream as string;
    const slot = keySlot(s);
    const afterId = await xadd(s);
    // 20 waits, each of its own group: one entry wakes each of them once.
    const waits = Array.from({ length: 20 }, (_, i) =>
      watcher.wait({ stream: s, group: `g${i}`, afterId, leaseMs: 0, timeoutMs: 30_000 }),
    );
    await until(() => watcher.stats().waiting === 20, 5000, '20 waits');
    await until(async () => (await readers(from)) > 0, 5000, 'a reader on the first master');

    const idOf = (node: TestRedis) => on(node, async (r) => String(await r.call('CLUSTER', 'MYID')));
    const [fromId, toId] = [await idOf(from), await idOf(to)];
    await on(to, (r) => r.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId));
    await on(from, (r) => r.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId));
    await on(from, async (r) => {
      const keys = (await r.call('CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
      await r.call('MIGRATE', '127.0.0.1', to.port, '', 0, 5000, 'KEYS', ...keys);
    });
    for (const node of [to, from, ...(await cluster.masters()).filter((m) => m !== to && m !== from)]) {
      await on(node, (r) => r.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId));
    }
    expect((await cluster.ownerOf(slot)).port).toBe(to.port);
    // The blocked read on the old master is answered MOVED: the watcher follows the slot
    // to its new master without waking anyone (nothing was added).
    await until(async () => (await readers(to)) > 0 && client.slots[slot]?.[0] === `127.0.0.1:${to.port}`, 10_000, 'the slot followed');
    await sleep(500);
    expect(watcher.stats().waiting).toBe(20);

    await xadd(s);
    const t0 = Date.now();
    expect(new Set(await Promise.all(waits))).toEqual(new Set(['woken']));
    expect(Date.now() - t0).toBeLessThan(3000);
  }, 40_000);

  it('a Cluster client without a slot map yet: the wait ends (its pull reports the outage), and waiting works once it has one', async () => {
    const lazy = new Cluster(cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), { lazyConnect: true });
    lazy.on('error', () => undefined);
    const early = new StreamWatcher(clusterNodes(lazy), { connections: 1, reclaimPollMs: 1000, blockMs: 2000, commandTimeoutMs: 2000 });
    try {
      const s = uniq('early');
      expect(await early.wait({ stream: s, group: 'g', afterId: '0-0', leaseMs: 0, timeoutMs: 10_000 })).toBe('woken');
      await lazy.ping();
      const later = early.wait({ stream: s, group: 'g', afterId: '0-0', leaseMs: 0, timeoutMs: 10_000 });
      await sleep(500);
      // Not woken by a failing read: it is read on its master.
      expect(early.stats().waiting).toBe(1);
      await xadd(s);
      expect(await later).toBe('woken');
    } finally {
      early.close();
      lazy.disconnect();
    }
  });

  it('a master killed: its waits end at once, other masters’ waits go on, and waiting works again after the failover', async () => {
    const [victim, other] = await cluster.masters();
    if (!victim || !other) throw new Error('two masters expected');
    const [lost] = await streamsOn(victim, 1, 'lost');
    const [kept] = await streamsOn(other, 1, 'kept');
    const l = lost as string;
    const k = kept as string;
    const ended = Array.from({ length: 10 }, (_, i) => watcher.wait({ stream: l, group: `g${i}`, afterId: '0-0', leaseMs: 0, timeoutMs: 30_000 }));
    const going = Array.from({ length: 10 }, (_, i) => watcher.wait({ stream: k, group: `g${i}`, afterId: '0-0', leaseMs: 0, timeoutMs: 30_000 }));
    await until(() => watcher.stats().waiting === 20, 5000, '20 waits');
    await until(async () => (await readers(victim)) > 0 && (await readers(other)) > 0, 5000, 'readers on both masters');

    const t0 = Date.now();
    await victim.kill('SIGKILL');
    // Woken (a pull then reports BACKEND_UNAVAILABLE), well before their 30 s timeout.
    expect(new Set(await Promise.all(ended))).toEqual(new Set(['woken']));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(watcher.stats().waiting).toBe(10);

    await cluster.settled();
    expect((await cluster.ownerOf(keySlot(l))).port).not.toBe(victim.port);
    // New waits on the stream follow its slot to the promoted replica.
    const again = watcher.wait({ stream: l, group: 'after', afterId: '0-0', leaseMs: 0, timeoutMs: 20_000 });
    // Read on the promoted replica, not woken by failing reads on the dead master.
    await until(async () => (await readers(await cluster.ownerOf(keySlot(l)))) > 0, 5000, 'a reader on the new master');
    await sleep(500);
    expect(watcher.stats().waiting).toBe(11);
    await xadd(l);
    expect(await again).toBe('woken');
    // The other master's waits were never disturbed: an entry wakes them.
    expect(watcher.stats().waiting).toBe(10);
    await xadd(k);
    expect(new Set(await Promise.all(going))).toEqual(new Set(['woken']));
  }, 50_000);
});
