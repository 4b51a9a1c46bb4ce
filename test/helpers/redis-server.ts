import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/runtime/embedded-redis.js';

/** A throwaway redis-server on a free loopback port, for tests and benchmarks. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Of the current process (it changes with `restart()`). */
  readonly pid: number;
  /** Ends the server (SIGKILL: a crash, nothing saved; SIGTERM: a clean stop), keeping its data folder. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts the server again on the same port, data folder and arguments (after `kill`). */
  restart(): Promise<void>;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

export async function startRedis(extraArgs: string[] = []): Promise<TestRedis> {
  const which = spawnSync('redis-server', ['--version']);
  if (which.error || which.status !== 0) {
    throw new Error('redis-server not found: the tests need it (Debian: apt-get install redis-server; `npm test` installs it)');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'streamgate-test-redis-'));
  // A later --port in extraArgs wins over this one.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs];
  const portArg = extraArgs.lastIndexOf('--port');
  const actualPort = portArg >= 0 ? Number(extraArgs[portArg + 1]) : port;
  let child = await spawnRedis(args);

  const kill = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${actualPort}`,
    port: actualPort,
    get pid() {
      return child.pid ?? -1;
    },
    kill,
    async restart() {
      await kill();
      child = await spawnRedis(args);
    },
    async stop() {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function spawnRedis(args: string[]): Promise<ChildProcess> {
  return spawnUntil(args, 'Ready to accept connections', 'redis-server');
}

/** Starts `redis-server args` and resolves once its log says `ready` (or rejects with the log). */
export async function spawnUntil(args: string[], ready: string, label: string): Promise<ChildProcess> {
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${output}`)), 10_000);
    const poll = setInterval(() => {
      if (output.includes(ready)) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`${label} exited with ${code}:\n${output}`));
    });
  });
  return child;
}

/** `fn` on a short-lived connection to the first of `ports` that answers (no retries, no queue). */
export async function askAny<T>(ports: readonly number[], fn: (r: Redis) => Promise<T>): Promise<T> {
  let last: unknown = new Error('no node answers');
  for (const port of ports) {
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return await fn(r);
    } catch (err) {
      last = err;
    } finally {
      r.disconnect();
    }
  }
  throw last;
}
