import { chmodSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/runtime/config.js';
import { startEmbeddedRedis } from '../../src/runtime/embedded-redis.js';
import { tempDirs } from '../access/support.js';
import { sleep } from '../helpers/core.js';
import { type CliProcess, type LogLine, isAlive, killIfAlive, runCli } from './cli-process.js';

/**
 * The embedded Redis (`npm start` without REDIS_URL) is private to its gateway: a unix
 * socket in a 0700 data folder and no TCP port, it dies with the gateway (SIGKILL
 * included), and STREAMGATE_EMBEDDED_FSYNC sets its appendfsync.
 */

const gateways: CliProcess[] = [];
const redisPids: number[] = [];
const tempDir = tempDirs('sg-embedded-');

afterAll(() => {
  gateways.forEach((g) => g.kill());
  redisPids.forEach((pid) => killIfAlive(pid));
});

async function startGateway(env: Record<string, string>): Promise<{ gw: CliProcess; started: LogLine; httpUrl: string }> {
  const gw = runCli([], { HTTP_PORT: '0', GRPC_PORT: 'off', LOG_LEVEL: 'info', ...env });
  gateways.push(gw);
  const started = await gw.waitForLog((l) => l.msg === 'embedded redis-server started');
  redisPids.push(Number(started.redisPid));
  const rest = await gw.waitForLog((l) => l.msg === 'REST API listening');
  return { gw, started, httpUrl: String(rest.url) };
}

/** Inodes of the TCP sockets (v4 and v6) in LISTEN state, from /proc/net. */
function listeningTcpInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // st (column 3) 0A is LISTEN; column 9 is the inode.
      if (cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/** The TCP ports `pid` listens on (its socket fds matched against the LISTEN table). */
function tcpListenersOf(pid: number): string[] {
  const listening = listeningTcpInodes();
  const found: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target = '';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && listening.has(inode)) found.push(`fd ${fd} (inode ${inode})`);
  }
  return found;
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  return !isAlive(pid);
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('embedded Redis', () => {
  it('listens on a unix socket in a 0700 folder and on no TCP port; fsync everysec by default', { timeout: 60_000 }, async () => {
    // A folder left with a looser mode (an older version, a umask of 022) is made private.
    const dataDir = join(tempDir(), 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const { gw, started, httpUrl } = await startGateway({ STREAMGATE_DATA_DIR: dataDir });
    const pid = Number(started.redisPid);
    const socket = join(realpathSync(dataDir), 'redis.sock');

    // The startup log says where Redis listens.
    expect(started.socket).toBe(socket);
    expect(started.tcp).toBe('none');
    expect(mode(dataDir)).toBe(0o700);
    expect(statSync(socket).isSocket()).toBe(true);
    expect(mode(socket)).toBe(0o700);
    expect(tcpListenersOf(pid)).toEqual([]);

    const client = new Redis(socket, { lazyConnect: true });
    try {
      await client.connect();
      expect(await client.config('GET', 'port')).toEqual(['port', '0']);
      expect(await client.config('GET', 'unixsocket')).toEqual(['unixsocket', socket]);
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    } finally {
      client.disconnect();
    }
    // The gateway itself goes through the socket.
    expect((await fetch(`${httpUrl}/readyz`)).status).toBe(200);
    const published = await fetch(`${httpUrl}/v1/streams/s/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { a: '1' } }),
    });
    expect(published.status).toBe(201);

    gw.child.kill('SIGTERM');
    expect(await gw.waitForExit(15_000)).toBe(0);
    expect(await waitGone(pid, 5000)).toBe(true);
  });

  it('STREAMGATE_EMBEDDED_FSYNC=always reaches Redis; a SIGKILLed gateway leaves no redis-server running', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const { gw, started } = await startGateway({ STREAMGATE_DATA_DIR: dataDir, STREAMGATE_EMBEDDED_FSYNC: 'always' });
    const pid = Number(started.redisPid);
    expect(started.appendfsync).toBe('always');
    expect(started.stopsWithGateway).toBe(true);
    const client = new Redis(String(started.socket), { lazyConnect: true });
    try {
      await client.connect();
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
      await client.set('k', 'v');
    } finally {
      client.disconnect();
    }

    gw.child.kill('SIGKILL');
    await gw.waitForExit(5000);
    // The kernel's parent-death signal: SIGTERM at once; Redis fsyncs and exits.
    const t0 = performance.now();
    expect(await waitGone(pid, 5000), 'the embedded redis-server outlived its SIGKILLed gateway').toBe(true);
    console.info(`embedded redis-server gone ${(performance.now() - t0).toFixed(0)} ms after its gateway was SIGKILLed`);
  });

  it('a data folder too deep for a unix socket path fails the start with a clear message', async () => {
    const deep = join(tempDir(), 'd'.repeat(100));
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    await expect(startEmbeddedRedis({ bin: 'redis-server', dataDir: deep, timeoutMs: 5000, logger, fsync: 'everysec' })).rejects.toThrow(
      /longer than a unix socket path may be \(107 bytes\): use a shorter STREAMGATE_DATA_DIR/,
    );
  });

  it('STREAMGATE_EMBEDDED_FSYNC: always|everysec, and only for the embedded Redis', () => {
    expect(loadConfig({}).embeddedFsync).toBe('everysec');
    expect(loadConfig({ STREAMGATE_EMBEDDED_FSYNC: 'always' }).embeddedFsync).toBe('always');
    expect(() => loadConfig({ STREAMGATE_EMBEDDED_FSYNC: 'no' })).toThrow(/STREAMGATE_EMBEDDED_FSYNC: must be always or everysec/);
    expect(() => loadConfig({ REDIS_URL: 'redis://h:6379', STREAMGATE_EMBEDDED_FSYNC: 'always' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: 'redis://h:6379', STREAMGATE_EMBEDDED_FSYNC: 'always' })).toThrow(
      /STREAMGATE_EMBEDDED_FSYNC: applies only to the embedded Redis/,
    );
  });
});
