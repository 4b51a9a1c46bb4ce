// The benchmark's own redis-server and its own client connections.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { startRedis } from '../../test/helpers/redis-server.js';
import { procCpuMs, track, untrack, waitGone } from './procs.js';

/** Every connection the benchmark itself opens carries this name; the gateway's do not. */
export const BENCH_CLIENT_NAME = 'streamgate-bench';

export interface BenchRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly version: string;
  stop(): Promise<void>;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  // No persistence (the helper turns RDB and AOF off): the figures are the gateway's, not the disk's.
  const server = await startRedis();
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      await server.stop();
      await waitGone(server.pid, 5000);
      untrack(server.pid);
    })());
  track(server.pid, 'redis-server', stop);
  const probe = benchClient(server.url);
  const info = await probe.info('server');
  probe.disconnect();
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  return { url: server.url, port: server.port, pid: server.pid, version, stop };
}

/**
 * A connection of the benchmark. `autoPipelining: true` is how the gateway's own command
 * connection is set up (src/core/core.ts), so a direct twin can use the client the gateway
 * uses; otherwise a plain connection (commands still pipeline on the socket when several
 * are in flight).
 */
export function benchClient(url: string, opts: { autoPipelining?: boolean } = {}): Redis {
  const options: RedisOptions = {
    connectTimeout: 5000,
    enableAutoPipelining: opts.autoPipelining ?? false,
    lazyConnect: false,
    connectionName: BENCH_CLIENT_NAME,
    maxRetriesPerRequest: 3,
  };
  const r = new Redis(url, options);
  r.on('error', () => {
    // surfaces on the commands
  });
  return r;
}

export interface RedisConnectionCount {
  /** Connections not named by the benchmark: with only the gateway and the bench connected, the gateway's. */
  readonly gateway: number;
  readonly total: number;
  readonly bench: number;
}

/** `CLIENT LIST`, split into the benchmark's own connections and the rest (the gateway's). */
export async function countConnections(admin: Redis): Promise<RedisConnectionCount> {
  const list = (await admin.client('LIST')) as string;
  const lines = list.split('\n').filter((l) => l.trim().length > 0);
  const bench = lines.filter((l) => new RegExp(`(^| )name=${BENCH_CLIENT_NAME}( |$)`).test(l)).length;
  return { gateway: lines.length - bench, total: lines.length, bench };
}

/**
 * Cross-check of `countConnections`: the `CLIENT LIST` entries whose address is a local
 * socket of the gateway process (its socket inodes in /proc/<pid>/fd, matched to
 * /proc/<pid>/net/tcp{,6} rows connected to the Redis port).
 */
export async function countConnectionsOfPid(admin: Redis, pid: number, redisPort: number): Promise<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const localPorts = new Set<number>();
  for (const file of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const remote = cols[2];
      const inode = cols[9];
      if (!local || !remote || !inode || !inodes.has(inode)) continue;
      if (parseInt(remote.split(':')[1] ?? '', 16) !== redisPort) continue;
      localPorts.add(parseInt(local.split(':')[1] ?? '', 16));
    }
  }
  const list = (await admin.client('LIST')) as string;
  let n = 0;
  for (const m of list.matchAll(/(?:^| )addr=\S*:(\d+) /gm)) if (localPorts.has(Number(m[1]))) n++;
  return n;
}

export function redisCpuMs(server: BenchRedis): number {
  return procCpuMs(server.pid);
}
