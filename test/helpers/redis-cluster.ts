import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { askAny, startRedis, type TestRedis } from './redis-server.js';

/**
 * A throwaway Redis Cluster on loopback, from Debian's redis-server in cluster mode and
 * `redis-cli --cluster create`: `masters` masters with `replicas` replicas each (default 3 × 1).
 * Every node is a child process stopped by PID (`stop()`), its data folder removed.
 *
 * Each node also listens on port + 10000 (the cluster bus), so ports are picked below 45536
 * with both free. `cluster-node-timeout` is short (1 s) so that a killed master's replica is
 * promoted within a few seconds.
 */
export interface TestCluster {
  readonly nodes: readonly TestRedis[];
  /** Every node's redis:// URL, comma-separated (the gateway's REDIS_URL in cluster mode). */
  readonly seeds: string;
  /** The masters that own slots now (CLUSTER NODES, asked of a live node). */
  masters(): Promise<TestRedis[]>;
  /** The node that owns `slot` now. */
  ownerOf(slot: number): Promise<TestRedis>;
  /** Resolves once every live node reports cluster_state:ok and agrees on the slot owners. */
  settled(timeoutMs?: number): Promise<void>;
  /** Stops every node (by PID) and removes their data folders. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  readonly masters?: number;
  readonly replicas?: number;
  readonly nodeTimeoutMs?: number;
  readonly extraArgs?: string[];
}

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 1;
  const total = masters * (1 + replicas);
  const nodes: TestRedis[] = [];
  try {
    const ports = await clusterPorts(total);
    for (const port of ports) {
      nodes.push(
        await startRedis([
          '--port', String(port),
          '--cluster-enabled', 'yes',
          '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1000),
          // A replica may be promoted even when its link was down a while (tests kill masters).
          '--cluster-replica-validity-factor', '0',
          ...(options.extraArgs ?? []),
        ]),
      );
    }
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.stdout}\n${create.stderr}`);
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw err;
  }

  const byPort = new Map(nodes.map((n) => [n.port, n]));
  const ask = <T>(fn: (r: Redis) => Promise<T>): Promise<T> => askAny(nodes.map((n) => n.port), fn);
  const table = () => ask(async (r) => parseNodes(String(await r.call('CLUSTER', 'NODES'))));

  const cluster: TestCluster = {
    nodes,
    seeds: nodes.map((n) => n.url).join(','),
    async masters() {
      return (await table()).filter((n) => n.master && !n.failed && n.slots.length > 0).map((n) => byPort.get(n.port)).filter((n): n is TestRedis => !!n);
    },
    async ownerOf(slot) {
      const owner = (await table()).find((n) => n.master && !n.failed && n.slots.some(([a, b]) => slot >= a && slot <= b));
      const node = owner && byPort.get(owner.port);
      if (!node) throw new Error(`no master owns slot ${slot}`);
      return node;
    },
    async settled(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (await allOk(nodes)) return;
        if (Date.now() > deadline) throw new Error('cluster did not settle');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
  await cluster.settled();
  return cluster;
}

interface NodeLine {
  readonly port: number;
  readonly master: boolean;
  readonly failed: boolean;
  readonly slots: Array<[number, number]>;
}

function parseNodes(text: string): NodeLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const parts = line.split(' ');
      const port = Number(/:(\d+)[@,]/.exec(parts[1] ?? '')?.[1]);
      const flags = (parts[2] ?? '').split(',');
      const slots = parts.slice(8).filter((s) => !s.startsWith('[')).map((s) => {
        const [a, b] = s.split('-').map(Number);
        return [a, b ?? a] as [number, number];
      });
      return { port, master: flags.includes('master'), failed: flags.includes('fail') || flags.includes('fail?'), slots };
    });
}

/**
 * Every live node says cluster_state:ok, and the live nodes agree that live masters own all
 * 16384 slots (a killed master counts only once its replica has taken over).
 */
async function allOk(nodes: readonly TestRedis[]): Promise<boolean> {
  const views: string[] = [];
  const owning = new Set<number>();
  const live = new Set<number>();
  for (const n of nodes) {
    const r = new Redis(n.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
    } catch {
      r.disconnect();
      continue; // a killed node
    }
    live.add(n.port);
    try {
      const info = String(await r.call('CLUSTER', 'INFO'));
      if (!info.includes('cluster_state:ok')) return false;
      const masters = parseNodes(String(await r.call('CLUSTER', 'NODES'))).filter((l) => l.master && !l.failed && l.slots.length > 0);
      const covered = masters.reduce((sum, l) => sum + l.slots.reduce((k, [a, b]) => k + b - a + 1, 0), 0);
      if (covered !== 16384) return false;
      for (const l of masters) owning.add(l.port);
      const owners = masters
        .map((l) => `${l.port}:${l.slots.map((s) => s.join('-')).join(',')}`)
        .sort()
        .join(' ');
      views.push(owners);
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  }
  return views.length > 0 && views.every((v) => v === views[0]) && [...owning].every((p) => live.has(p));
}

/** `count` loopback ports below 45536 whose cluster bus port (port + 10000) is free too. */
async function clusterPorts(count: number): Promise<number[]> {
  const out: number[] = [];
  for (let tries = 0; out.length < count && tries < 500; tries++) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    if (out.includes(port) || out.includes(port + 10000) || out.includes(port - 10000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10000))) out.push(port);
  }
  if (out.length < count) throw new Error('no free ports for a test cluster');
  return out;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
