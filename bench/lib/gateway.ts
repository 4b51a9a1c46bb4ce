// The gateway under test, as its own process (compiled, or `node --import tsx src/cli.ts`),
// REST and gRPC on free loopback ports, LOG_LEVEL=warn, over the benchmark's redis-server.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import { request } from 'undici';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { loadProto } from '../../src/grpc/proto.js';
import { procCpuMs, procRssMb, track, untrack, waitGone } from './procs.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How the gateway runs: compiled JavaScript as `npm start` runs it, or from source through tsx. */
export interface GatewayCommand {
  readonly kind: 'compiled' | 'tsx';
  /** Arguments after `node` (and its flags). */
  readonly args: readonly string[];
}

const BUILD_DIR = join(REPO_ROOT, 'bench', 'results', '.build');

/**
 * Compiles src/ (tsconfig.build.json) into bench/results/.build (git-ignored, beside a copy
 * of proto/ and the Lua scripts, as `npm run build` lays out dist/), so the gateway runs as
 * in production without touching dist/. Falls back to tsx when the build fails.
 */
export function prepareGateway(kind: 'compiled' | 'tsx', log: (line: string) => void): GatewayCommand {
  const tsx: GatewayCommand = { kind: 'tsx', args: ['--import', 'tsx', 'src/cli.ts'] };
  if (kind === 'tsx') return tsx;
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', join(BUILD_DIR, 'dist')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) {
    log(`bench: compiling the gateway failed, running it through tsx instead:\n${tsc.stdout}${tsc.stderr}`);
    return tsx;
  }
  // The Lua scripts and the console's files, as `npm run build` copies them.
  spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'copy-assets.mjs'), join(BUILD_DIR, 'dist')], { stdio: 'inherit' });
  cpSync(join(REPO_ROOT, 'proto'), join(BUILD_DIR, 'proto'), { recursive: true });
  return { kind: 'compiled', args: [join(BUILD_DIR, 'dist', 'cli.js')] };
}

export interface GatewayProcess {
  readonly pid: number;
  readonly label: string;
  readonly httpUrl: string;
  readonly grpcAddress: string;
  /** False once the process exited (crashed or stopped). */
  alive(): boolean;
  rssMb(): number;
  /** RSS once it answered /readyz, before any load. */
  readonly rssAtStartMb: number;
  cpuMs(): number;
  /** SIGTERM (graceful shutdown), SIGKILL after `timeoutMs`; true when it exited by itself. */
  stop(timeoutMs?: number): Promise<boolean>;
  /** The last lines the gateway wrote (warnings, errors). */
  output(): string;
}

export interface GatewayOptions {
  readonly redisUrl: string;
  readonly command: GatewayCommand;
  /** Names the process in messages and its CPU profile. */
  readonly label: string;
  /** Directory for `node --cpu-prof` output (one `<label>.cpuprofile` per process). */
  readonly cpuProfDir?: string;
  readonly env?: Record<string, string>;
  /** Forward the gateway's output lines to stderr (at most this many per process). */
  readonly echoLines?: number;
}

export async function startGateway(opts: GatewayOptions): Promise<GatewayProcess> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const nodeArgs: string[] = [];
  if (opts.cpuProfDir) {
    const dir = resolve(opts.cpuProfDir);
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${opts.label}.cpuprofile`);
  }
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...opts.command.args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      REDIS_URL: opts.redisUrl,
      HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      LOG_LEVEL: 'warn',
      STREAMGATE_MAX_WAIT_MS: '60000',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the gateway');

  const tail: string[] = [];
  let echoed = 0;
  const echoMax = opts.echoLines ?? 10;
  const onLine = (line: string) => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > 40) tail.shift();
    if (echoed < echoMax) {
      echoed++;
      process.stderr.write(`  [gateway ${opts.label}] ${line.slice(0, 400)}\n`);
      if (echoed === echoMax) process.stderr.write(`  [gateway ${opts.label}] (further output not shown)\n`);
    }
  };
  for (const s of [child.stdout, child.stderr]) {
    let buf = '';
    s?.setEncoding('utf8');
    s?.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
  }
  let exited = false;
  const exit = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );

  let stopping: Promise<boolean> | null = null;
  const stop = (timeoutMs = 20_000) =>
    (stopping ??= (async () => {
      if (exited) {
        untrack(pid);
        return true;
      }
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const clean = await Promise.race([
        exit.then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (!clean) {
        child.kill('SIGKILL');
        await waitGone(pid, 5000);
      }
      untrack(pid);
      return clean;
    })());
  track(pid, `gateway ${opts.label}`, async () => void (await stop()));

  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  try {
    await waitReady(httpUrl, grpcAddress, () => exited, 30_000);
  } catch (err) {
    await stop(2000);
    throw new Error(`gateway ${opts.label} did not start: ${(err as Error).message}\n${tail.join('\n')}`);
  }
  return {
    pid,
    label: opts.label,
    httpUrl,
    grpcAddress,
    alive: () => !exited,
    rssMb: () => procRssMb(pid),
    rssAtStartMb: procRssMb(pid),
    cpuMs: () => procCpuMs(pid),
    stop,
    output: () => tail.join('\n'),
  };
}

async function waitReady(httpUrl: string, grpcAddress: string, gone: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone()) throw new Error('the process exited');
    try {
      const res = await request(`${httpUrl}/readyz`, { headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.dump();
      if (res.statusCode === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${httpUrl}/readyz in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { grpc } = loadProto();
  const probe = new grpc.streamgate.v1.StreamGateway(grpcAddress, credentials.createInsecure());
  try {
    await new Promise<void>((res, rej) =>
      probe.waitForReady(Math.max(Date.now() + 1000, deadline), (err) => (err ? rej(err) : res())),
    );
  } finally {
    probe.close();
  }
}
