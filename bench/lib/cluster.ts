// The cluster scenario's Redis Cluster: 3 masters (no replicas: the single-node side has
// none either, so the figures compare the same work) from Debian's redis-server, started
// by the test helper (test/helpers/redis-cluster.ts, the one implementation, as
// bench/lib/redis.ts uses test/helpers/redis-server.ts), every node tracked by PID so the
// benchmark stops it whatever happens.
import { Cluster } from 'ioredis';
import { keySlot } from '../../src/redis/keys.js';
import { startCluster } from '../../test/helpers/redis-cluster.js';
import { BENCH_CLIENT_NAME } from './redis.js';
import { procCpuMs, track, untrack, waitGone } from './procs.js';

export interface BenchCluster {
  /** Every node's redis:// URL, comma-separated: the gateway's REDIS_URL in cluster mode. */
  readonly seeds: string;
  readonly masters: number;
  /** CPU (ms) of every node together. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startBenchCluster(masters = 3): Promise<BenchCluster> {
  const cluster = await startCluster({ masters, replicas: 0 });
  const pids = cluster.nodes.map((n) => n.pid);
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      await cluster.stop();
      for (const pid of pids) {
        await waitGone(pid, 5000);
        untrack(pid);
      }
    })());
  for (const pid of pids) track(pid, 'redis-server (cluster node)', stop);
  return {
    seeds: cluster.seeds,
    masters,
    cpuMs: () => pids.reduce((sum, pid) => sum + procCpuMs(pid), 0),
    stop,
  };
}

/**
 * A Cluster client of the benchmark (named like its other connections), ready (slot map
 * loaded). Default options otherwise, as the direct twin's single-node client has.
 */
export async function benchCluster(seeds: string): Promise<Cluster> {
  const nodes = seeds.split(',').map((u) => {
    const url = new URL(u);
    return { host: url.hostname, port: Number(url.port) };
  });
  const c = new Cluster(nodes, { redisOptions: { connectionName: BENCH_CLIENT_NAME, connectTimeout: 5000 } });
  c.on('error', () => {
    // surfaces on the commands
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the benchmark cluster did not become ready in 20 s')), 20_000);
    c.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return c;
}

/**
 * `perMaster` stream names per master of `cluster` (by its slot map now), `<prefix>:<i>`
 * without hash tags (each in a slot of its own, as independent streams are), interleaved
 * master by master. The same names are used on the single node, so both sides do the same
 * work.
 */
export function spreadStreams(cluster: Cluster, prefix: string, perMaster: number): string[] {
  const byMaster = new Map<string, string[]>();
  for (const slot of cluster.slots) {
    const m = slot?.[0];
    if (m !== undefined && !byMaster.has(m)) byMaster.set(m, []);
  }
  const usedSlots = new Set<number>();
  for (let i = 0; [...byMaster.values()].some((l) => l.length < perMaster); i++) {
    if (i > 100_000) throw new Error('spreadStreams: no names found for every master');
    const name = `${prefix}:${i}`;
    const slot = keySlot(name);
    const list = byMaster.get(cluster.slots[slot]?.[0] ?? '');
    if (!list || list.length >= perMaster || usedSlots.has(slot)) continue;
    usedSlots.add(slot);
    list.push(name);
  }
  const lists = [...byMaster.values()];
  return Array.from({ length: perMaster }, (_, k) => lists.map((l) => l[k] as string)).flat();
}
