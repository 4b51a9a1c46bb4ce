import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../access/support.js';
import { redisUrl, sleep, uniq } from '../helpers/core.js';
import { type CliProcess, isAlive, killIfAlive, runCli } from './cli-process.js';

/** The gateway as a user runs it: the CLI in its own process, stopped with signals. */

const gateways: CliProcess[] = [];
const redisPids: number[] = [];
const tempDir = tempDirs('streamgate-runtime-');

afterAll(() => {
  gateways.forEach((g) => g.kill());
  redisPids.forEach((pid) => killIfAlive(pid));
});

interface Running {
  readonly gw: CliProcess;
  readonly httpUrl: string;
  readonly redisUrl: string;
  readonly redisPid: number;
}

async function startGateway(env: Record<string, string>): Promise<Running> {
  const gw = runCli([], { HTTP_PORT: '0', GRPC_PORT: 'off', LOG_LEVEL: 'info', ...env });
  gateways.push(gw);
  let embedded = { url: env.REDIS_URL ?? '', redisPid: -1 };
  if (env.REDIS_URL === undefined) {
    const line = await gw.waitForLog((l) => l.msg === 'embedded redis-server started');
    embedded = { url: String(line.socket), redisPid: Number(line.redisPid) };
    redisPids.push(embedded.redisPid);
  }
  const rest = await gw.waitForLog((l) => l.msg === 'REST API listening');
  return { gw, httpUrl: String(rest.url), redisUrl: embedded.url, redisPid: embedded.redisPid };
}

async function stopGateway(g: Running): Promise<void> {
  g.gw.child.kill('SIGTERM');
  expect(await g.gw.waitForExit(10_000)).toBe(0);
}

async function status(url: string): Promise<number> {
  return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  return !isAlive(pid);
}

describe('gateway process', () => {
  it('embedded Redis: serves, persists with AOF across restarts, stops cleanly', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const env = { STREAMGATE_DATA_DIR: dataDir };
    const key = uniq('runtime');

    const first = await startGateway(env);
    // A unix socket in the data folder (test/runtime/embedded-redis.test.ts: and no TCP port).
    expect(first.redisUrl).toBe(join(realpathSync(dataDir), 'redis.sock'));
    expect(await status(`${first.httpUrl}/healthz`)).toBe(200);
    expect(await status(`${first.httpUrl}/readyz`)).toBe(200);
    expect(existsSync(join(dataDir, 'appendonlydir'))).toBe(true);
    const client = new Redis(first.redisUrl, { lazyConnect: true });
    try {
      await client.connect();
      await client.set(key, 'kept');
    } finally {
      client.disconnect();
    }
    await stopGateway(first);
    expect(await waitGone(first.redisPid, 2000)).toBe(true);

    const second = await startGateway(env);
    const again = new Redis(second.redisUrl, { lazyConnect: true });
    try {
      await again.connect();
      expect(await again.get(key)).toBe('kept');
    } finally {
      again.disconnect();
    }
    await stopGateway(second);
    expect(await waitGone(second.redisPid, 2000)).toBe(true);
  });

  it('stops a redis-server left running on its data dir before starting its own', { timeout: 60_000 }, async () => {
    // A gateway killed where the parent-death signal could not act (no setpriv, or killed
    // between the fork and the prctl) leaves its redis-server running, as this one started
    // by hand on the data folder with the gateway's pid file.
    const dataDir = realpathSync(tempDir());
    const pidfile = join(dataDir, 'redis-server.pid');
    const args = ['--port', '0', '--unixsocket', join(dataDir, 'redis.sock'), '--dir', dataDir, '--pidfile', pidfile, '--appendonly', 'yes'];
    const left = spawn('redis-server', args, { stdio: 'ignore', detached: true });
    const leftPid = left.pid ?? -1;
    redisPids.push(leftPid);
    const deadline = Date.now() + 10_000;
    while (!existsSync(pidfile) && Date.now() < deadline) await sleep(50);
    expect(isAlive(leftPid)).toBe(true);

    const next = await startGateway({ STREAMGATE_DATA_DIR: dataDir });
    const warned = await next.gw.waitForLog((l) => l.msg?.includes('still running') === true, 1000);
    expect(warned.redisPid).toBe(leftPid);
    expect(isAlive(leftPid)).toBe(false);
    expect(next.redisPid).not.toBe(leftPid);
    expect(await status(`${next.httpUrl}/readyz`)).toBe(200);
    await stopGateway(next);
  });

  it('REDIS_URL: uses that Redis and starts none', { timeout: 30_000 }, async () => {
    const g = await startGateway({ REDIS_URL: redisUrl(), STREAMGATE_DATA_DIR: tempDir() });
    expect(await status(`${g.httpUrl}/readyz`)).toBe(200);
    expect(g.gw.output()).not.toContain('embedded redis-server started');
    await stopGateway(g);
  });

  it('redis-server missing: exits 1 saying how to install it, without a stack trace', { timeout: 30_000 }, async () => {
    const gw = runCli([], {
      HTTP_PORT: '0',
      GRPC_PORT: 'off',
      STREAMGATE_REDIS_SERVER: '/nonexistent',
      STREAMGATE_DATA_DIR: tempDir(),
    });
    gateways.push(gw);
    expect(await gw.waitForExit(15_000)).toBe(1);
    expect(gw.output()).toContain('apt-get install redis-server');
    expect(gw.output()).toContain('REDIS_URL');
    expect(gw.output()).not.toMatch(/\n\s+at /);
  });
});
