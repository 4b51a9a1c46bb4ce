import { Redis } from 'ioredis';
import type { TestCluster } from '../../helpers/redis-cluster.js';
import type { TestRedis } from '../../helpers/redis-server.js';

/**
 * The cluster chaos's two faults, done with plain Redis commands on the nodes themselves
 * (never through the gateway under test): moving one hash slot to another master while the
 * load runs, and SIGKILLing a master so that its replica is promoted.
 */

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

async function withNode<T>(node: TestRedis, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

const nodeId = (node: TestRedis) => withNode(node, async (r) => String(await r.call('CLUSTER', 'MYID')));

export interface SlotMove {
  readonly slot: number;
  readonly from: number;
  readonly to: number;
  /** Keys the slot held (the stream, its gateway keys, idempotency records), all moved. */
  readonly keys: number;
  /** Pending entries of the watched stream just before the move began. */
  readonly pendingBefore: number;
  /** From SETSLOT IMPORTING to the last SETSLOT NODE. */
  readonly ms: number;
}

/**
 * Moves `slot` from its master to `to` as `redis-cli --cluster reshard` does for one slot:
 * SETSLOT IMPORTING on the target, MIGRATING on the source, MIGRATE of every key in batches
 * until the slot is empty, then SETSLOT NODE on the target, the source and the other masters.
 * Meanwhile the source answers ASK (for keys already moved) or TRYAGAIN (a script whose keys
 * are split), which the gateway answers as BACKEND_UNAVAILABLE and the workers retry.
 * Given a stream and group to `watch`, it first waits (up to 3 s) for pending entries, so that leases are running.
 */
export async function migrateSlot(cluster: TestCluster, slot: number, to: TestRedis, watch?: { stream: string; group: string }): Promise<SlotMove> {
  const from = await cluster.ownerOf(slot);
  if (from.port === to.port) throw new Error(`slot ${slot} is already on ${to.port}`);
  const [fromId, toId] = [await nodeId(from), await nodeId(to)];
  let pendingBefore = 0;
  for (const until = Date.now() + 3000; watch && pendingBefore === 0 && Date.now() < until; await sleep(20)) {
    const { stream, group } = watch;
    pendingBefore = await withNode(from, async (r) => Number(((await r.xpending(stream, group)) as [number])[0]));
  }
  const t0 = Date.now();
  let keys = 0;
  await withNode(to, (r) => r.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId));
  await withNode(from, async (r) => {
    await r.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', toId);
    for (;;) {
      const batch = (await r.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '1000')) as string[];
      if (batch.length === 0) break;
      await r.call('MIGRATE', '127.0.0.1', String(to.port), '', '0', '10000', 'KEYS', ...batch);
      keys += batch.length;
    }
  });
  await withNode(to, (r) => r.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', toId));
  await withNode(from, (r) => r.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', toId));
  for (const m of await cluster.masters()) {
    if (m.port !== from.port && m.port !== to.port) await withNode(m, (r) => r.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', toId));
  }
  return { slot, from: from.port, to: to.port, keys, pendingBefore, ms: Date.now() - t0 };
}

export interface Failover {
  readonly killed: number;
  readonly promoted: number;
  /** Date.now() just before the SIGKILL. */
  readonly killedAt: number;
  /** From the SIGKILL until every live node agrees that the replica owns the slots. */
  readonly promotionMs: number;
  /** From the restart until the killed node is a replica with its link up. */
  readonly rejoinMs: number;
  readonly stallMs: number;
}

/**
 * SIGKILLs `master`; once its replica is promoted (node timeout 1 s), starts the killed node
 * again on its port, data folder and node table: it rejoins as the new master's replica.
 *
 * With `stallMs` > 0 the replica is lagging when its master dies, as a replica does behind a
 * network blip or a stalled disk: the replica is stopped (SIGSTOP) and the master drops its
 * replication link, the load runs `stallMs` more on the master alone, then the master gets
 * SIGKILL and the replica SIGCONT. What the master acknowledged in that time exists nowhere
 * else: without WAIT those publishes are lost; with WAIT 1 they are never acknowledged.
 */
export async function failOver(cluster: TestCluster, master: TestRedis, stallMs: number, log: (msg: string) => void): Promise<Failover> {
  const masterId = await nodeId(master);
  const replicaPort = await withNode(master, async (r) => {
    const lines = (await r.call('CLUSTER', 'REPLICAS', masterId)) as string[];
    const port = Number(/:(\d+)[@,]/.exec(lines[0]?.split(' ')[1] ?? '')?.[1]);
    if (!Number.isInteger(port)) throw new Error(`master ${master.port} has no replica: ${JSON.stringify(lines)}`);
    return port;
  });
  const replica = cluster.nodes.find((n) => n.port === replicaPort);
  if (!replica) throw new Error(`replica ${replicaPort} is not a node of the test cluster`);

  let stopped = false;
  try {
    if (stallMs > 0) {
      process.kill(replica.pid, 'SIGSTOP');
      stopped = true;
      await withNode(master, (r) => r.call('CLIENT', 'KILL', 'TYPE', 'replica'));
      await sleep(stallMs);
    }
    const killedAt = Date.now();
    await master.kill('SIGKILL');
    if (stopped) process.kill(replica.pid, 'SIGCONT');
    stopped = false;
    log(`SIGKILL master ${master.port}${stallMs > 0 ? ` (its replica ${replicaPort} stalled and cut off for the last ${stallMs} ms)` : ''}`);
    await cluster.settled(30_000);
    const promotionMs = Date.now() - killedAt;
    const promoted = await cluster.ownerOf(await anySlotOf(replica));
    log(`replica ${promoted.port} promoted ${promotionMs} ms after the kill; restarting ${master.port}`);
    const t = Date.now();
    await master.restart();
    await waitReplicaUp(master, 20_000);
    const rejoinMs = Date.now() - t;
    log(`node ${master.port} is back as a replica of ${promoted.port} (link up ${rejoinMs} ms after its restart)`);
    return { killed: master.port, promoted: promoted.port, killedAt, promotionMs, rejoinMs, stallMs };
  } finally {
    if (stopped) process.kill(replica.pid, 'SIGCONT');
  }
}

/** One slot the node serves as a master (it must be one). */
async function anySlotOf(node: TestRedis): Promise<number> {
  return withNode(node, async (r) => {
    const id = String(await r.call('CLUSTER', 'MYID'));
    const shards = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
    const own = shards.find((s) => s[2]?.[2] === id);
    if (!own) throw new Error(`node ${node.port} serves no slot`);
    return own[0];
  });
}

async function waitReplicaUp(node: TestRedis, timeoutMs: number): Promise<void> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(100)) {
    const info = await withNode(node, async (r) => String(await r.call('INFO', 'replication'))).catch(() => '');
    if (info.includes('role:slave') && info.includes('master_link_status:up')) return;
  }
  throw new Error(`node ${node.port} did not become a replica with its link up in ${timeoutMs} ms`);
}

/** Resumes a node stopped by `failOver` if the test ended in the middle of it (cleanup). */
export function resumeAll(cluster: TestCluster): void {
  for (const n of cluster.nodes) {
    try {
      process.kill(n.pid, 'SIGCONT');
    } catch {
      // Not running.
    }
  }
}
