import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { type TestRedis, askAny, spawnUntil, startRedis } from './redis-server.js';

/**
 * A throwaway Sentinel setup on loopback: one primary, one replica and 3 sentinels
 * (quorum 2) monitoring it as `name`, from Debian's redis-server (`--sentinel`). Every
 * process is a child stopped by PID (`stop()`), its folder removed. `down-after-milliseconds`
 * is 1000 and `failover-timeout` 5000, so a killed primary's replica is promoted within a
 * few seconds. `startSentinel` resolves once the replica is in sync and every sentinel knows
 * the replica and the other two.
 */
export interface TestSentinel {
  /** The master name the sentinels monitor. */
  readonly name: string;
  readonly primary: TestRedis;
  readonly replica: TestRedis;
  /** `host:port,...` of the sentinels (STREAMGATE_REDIS_SENTINELS). */
  readonly sentinels: string;
  readonly sentinelPids: readonly number[];
  /** host:port of the primary the sentinels name now. */
  currentPrimary(): Promise<string>;
  /** Resolves once the sentinels name a primary other than `oldPrimary` (host:port) and it answers as master. */
  promoted(oldPrimary: string, timeoutMs?: number): Promise<string>;
  /** Stops the sentinels, then both servers (by PID), and removes their folders. */
  stop(): Promise<void>;
}

export interface SentinelOptions {
  readonly name?: string;
  readonly downAfterMs?: number;
  readonly failoverTimeoutMs?: number;
}

export async function startSentinel(options: SentinelOptions = {}): Promise<TestSentinel> {
  const name = options.name ?? 'sgmaster';
  const started: Array<{ stop(): Promise<void> }> = [];
  const sentinelProcs: ChildProcess[] = [];
  const dirs: string[] = [];
  const stopAll = async () => {
    await Promise.all(sentinelProcs.map((p) => stopChild(p)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await Promise.all(started.map((s) => s.stop()));
  };
  try {
    // A (re)joining replica's full sync starts at once, not after the default 5 s (either node may be primary).
    const fastSync = ['--repl-diskless-sync-delay', '0'];
    const primary = await startRedis(fastSync);
    started.push(primary);
    const replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port), ...fastSync]);
    started.push(replica);
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'streamgate-test-sentinel-'));
      dirs.push(dir);
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 5000}`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      sentinelProcs.push(await spawnSentinel(conf));
      ports.push(port);
    }
    const ask = <T>(fn: (r: Redis) => Promise<T>): Promise<T> => askAny(ports, fn);
    const currentPrimary = () =>
      ask(async (r) => {
        const [host, port] = (await r.call('SENTINEL', 'get-master-addr-by-name', name)) as [string, string];
        return `${host}:${port}`;
      });
    await until(async () => {
      const r = new Redis(primary.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        await r.connect();
        return /slave0:.*state=online/.test(await r.info('replication'));
      } finally {
        r.disconnect();
      }
    }, 20_000);
    // Ready once every sentinel knows the replica and the two other sentinels (hello
    // messages every 2 s): a failover needs both.
    await until(async () => {
      for (const port of ports) {
        const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on('error', () => undefined);
        try {
          await r.connect();
          const info = toRecord((await r.call('SENTINEL', 'master', name)) as string[]);
          if (info['num-slaves'] !== '1' || info['num-other-sentinels'] !== '2') return false;
        } finally {
          r.disconnect();
        }
      }
      return true;
    }, 20_000);
    return {
      name,
      primary,
      replica,
      sentinels: ports.map((p) => `127.0.0.1:${p}`).join(','),
      sentinelPids: sentinelProcs.map((p) => p.pid ?? -1),
      currentPrimary,
      async promoted(oldPrimary, timeoutMs = 20_000) {
        let now = oldPrimary;
        await until(async () => {
          now = await currentPrimary().catch(() => oldPrimary);
          if (now === oldPrimary) return false;
          const [host, port] = now.split(':');
          const r = new Redis(Number(port), host ?? '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
          r.on('error', () => undefined);
          try {
            await r.connect();
            return ((await r.call('ROLE')) as unknown[])[0] === 'master';
          } catch {
            return false;
          } finally {
            r.disconnect();
          }
        }, timeoutMs);
        return now;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function spawnSentinel(conf: string): Promise<ChildProcess> {
  return spawnUntil([conf, '--sentinel'], '+monitor master', 'redis-sentinel');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const toRecord = (flat: string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
};

async function until(pred: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pred().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Sentinel setup: not settled within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
