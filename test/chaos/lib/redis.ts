import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../../src/runtime/embedded-redis.js';
import type { Child, ProcessTable } from './processes.js';

/**
 * The chaos run's redis-server: AOF with `appendfsync always` (a write is on disk before
 * Redis answers it), in a directory of the run, on one port for its whole life so that a
 * restart is the same server coming back, as the gateways see it.
 */
export interface ChaosRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: () => number;
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no final fsync; what was acknowledged is already in the AOF. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function chaosRedis(procs: ProcessTable, dir: string, logDir: string): Promise<ChaosRedis> {
  const which = spawnSync('redis-server', ['--version']);
  if (which.error || which.status !== 0) {
    throw new Error('redis-server not found: the chaos test needs it (Debian: apt-get install redis-server)');
  }
  const port = await freePort();
  const logFile = join(logDir, 'redis.log');
  let child: Child | null = null;
  let incarnation = 0;

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child?.pid ?? -1,
    async start() {
      let ready!: () => void;
      const isReady = new Promise<void>((r) => (ready = r));
      const c = procs.spawn(
        `redis-server #${++incarnation}`,
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'],
        { logFile, onLine: (line) => line.includes('Ready to accept connections') && ready() },
      );
      child = c;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          isReady,
          c.exited.then((e) => Promise.reject(new Error(`redis-server exited at start (code ${e.code}); see ${logFile}`))),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`redis-server not ready in 20 s; see ${logFile}`)), 20_000))),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      await child?.kill();
    },
    async stop() {
      await child?.stop(10_000);
    },
  };
}
