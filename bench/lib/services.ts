// The twins, each its own process like the gateway: the naive fastify + ioredis route
// (bench/twins/naive.ts), the grpc-js echo server (bench/twins/echo.ts), and webdis when it
// is installed (Debian: apt-get install webdis), with a generated config on a free loopback
// port pointing at the benchmark's redis-server. All stopped by PID (procs.ts).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type ChannelCredentials, type Client, type ClientReadableStream, credentials } from '@grpc/grpc-js';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { echoService } from '../twins/echo-proto.js';
import { REPO_ROOT } from './gateway.js';
import { procCpuMs, procRssMb, track, untrack, waitGone } from './procs.js';

export interface ServiceProcess {
  readonly pid: number;
  readonly label: string;
  readonly port: number;
  cpuMs(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Where a tool is installed, or null (`which`). */
export function which(tool: string): string | null {
  const r = spawnSync('which', [tool], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

interface SpawnOptions {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly port: number;
  /** Ready once this says so (default: a TCP connection to the port succeeds). */
  readonly ready?: (output: () => string) => boolean;
}

async function spawnService(o: SpawnOptions): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(o.command, [...o.args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${o.label}`);
  let out = '';
  for (const s of [child.stdout, child.stderr]) {
    s?.setEncoding('utf8');
    s?.on('data', (d: string) => {
      out = (out + d).slice(-4000);
    });
  }
  let exited = false;
  child.once('exit', () => (exited = true));
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        if (!(await waitGone(pid, 5000))) {
          child.kill('SIGKILL');
          await waitGone(pid, 5000);
        }
      }
      untrack(pid);
    })());
  track(pid, o.label, stop);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${o.label} exited at start:\n${out}`);
    if (o.ready ? o.ready(() => out) : await canConnect(o.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${o.label} did not start in 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { pid, label: o.label, port: o.port, cpuMs: () => procCpuMs(pid), rssMb: () => procRssMb(pid), stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

const tsxNode = (script: string): string[] => ['--import', 'tsx', join(REPO_ROOT, 'bench', 'twins', script)];

/** A twin of bench/twins, run as its own Node process; it prints `listening <port>` once it serves. */
async function startNodeTwin(label: string, script: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  return spawnService({
    label,
    command: process.execPath,
    args: tsxNode(script),
    env: { ...env, PORT: String(port) },
    port,
    ready: (out) => out().includes(`listening ${port}`),
  });
}

/** The naive fastify + ioredis twin of REST publish (bench/twins/naive.ts). */
export const startNaiveTwin = (redisUrl: string): Promise<ServiceProcess> => startNodeTwin('naive twin', 'naive.ts', { REDIS_URL: redisUrl });

/** The bare twin (bench/twins/bare.ts): node:http + ioredis, no framework. */
export const startBareTwin = (redisUrl: string): Promise<ServiceProcess> => startNodeTwin('bare twin', 'bare.ts', { REDIS_URL: redisUrl });

/** The bare HTTP/2 twin (bench/twins/h2echo.ts): node:http2 answering a unary gRPC call, no grpc-js, no Redis. */
export const startH2EchoTwin = (): Promise<ServiceProcess> => startNodeTwin('http2 twin', 'h2echo.ts');

/** The grpc-js echo twin (bench/twins/echo.ts): unary and server streaming, no Redis. */
export const startEchoTwin = (): Promise<ServiceProcess> => startNodeTwin('echo twin', 'echo.ts');

export { ECHO_UNARY_PATH } from '../twins/echo-proto.js';

/**
 * webdis (HTTP → Redis) with a generated config: a free loopback port, the benchmark's
 * redis-server, not daemonized, one worker thread (as the gateway has one event loop).
 * null when webdis is not installed.
 */
export async function startWebdis(redisPort: number, dir: string): Promise<ServiceProcess | null> {
  const bin = which('webdis');
  if (!bin) return null;
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const config = join(dir, `webdis-${port}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      redis_host: '127.0.0.1',
      redis_port: redisPort,
      redis_auth: null,
      http_host: '127.0.0.1',
      http_port: port,
      threads: 1,
      pool_size: 4,
      daemonize: false,
      database: 0,
      acl: [{ disabled: ['DEBUG', 'FLUSHDB', 'FLUSHALL'] }],
      verbosity: 1,
      logfile: join(dir, `webdis-${port}.log`),
    }),
  );
  return spawnService({ label: 'webdis', command: bin, args: [config], port });
}

/**
 * Receives `count` messages from the echo twin's server stream (`batch` per response) on a
 * fresh channel; resolves with the messages received.
 */
export async function echoStream(port: number, count: number, batch: number): Promise<number> {
  const Echo = echoService<new (address: string, creds: ChannelCredentials) => Client>();
  const client = new Echo(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    return await new Promise<number>((resolve, reject) => {
      let received = 0;
      const call = (client as unknown as { ServerStream(req: unknown): ClientReadableStream<{ messages: unknown[] }> }).ServerStream({ count, batch });
      call.on('data', (r: { messages: unknown[] }) => (received += r.messages.length));
      call.on('error', reject);
      call.on('end', () => resolve(received));
    });
  } finally {
    client.close();
  }
}
