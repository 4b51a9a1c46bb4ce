import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import type { EmbeddedFsync } from './config.js';

/**
 * The Redis used when REDIS_URL is unset: a redis-server child persisting with AOF in the
 * data folder, so `npm start` works with nothing else running. It is private to the gateway:
 *
 * - It listens on a unix socket in the data folder (`redis.sock`, mode 0700, in a folder
 *   made 0700) and on no TCP port (`port 0`): only this user can reach it, and the AOF
 *   beside it, with no password to manage.
 * - It stops when the gateway dies, however it dies. It runs under `setpriv --pdeathsig
 *   TERM` (util-linux), so the kernel sends it SIGTERM when the gateway's process ends,
 *   SIGKILL included; Redis then fsyncs its AOF and exits. Without setpriv (or in the tiny
 *   window between its fork and the prctl), the next start finds the leftover through the
 *   pid file and stops it before starting its own (stopLeftover).
 * - `fsync`: its appendfsync (STREAMGATE_EMBEDDED_FSYNC).
 */

export interface EmbeddedRedisLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EmbeddedRedisOptions {
  readonly bin: string;
  readonly dataDir: string;
  /** How long to wait for the first PONG, AOF loading included. */
  readonly timeoutMs: number;
  readonly logger: EmbeddedRedisLogger;
  readonly fsync: EmbeddedFsync;
}

export interface EmbeddedRedis {
  /** What the gateway connects to: the socket's absolute path (ioredis takes it as its `path`). */
  readonly socket: string;
  readonly pid: number;
  /** SIGTERM (Redis then fsyncs its AOF), wait for exit, SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export const REDIS_SERVER_MISSING =
  'redis-server not found: install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL to use an existing Redis';

const PIDFILE = 'redis-server.pid';
export const SOCKET_FILE = 'redis.sock';
/** sun_path holds 108 bytes, its NUL included; Redis would cut a longer path silently. */
const MAX_SOCKET_PATH_BYTES = 107;
const SETPRIV = 'setpriv';
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const OUTPUT_TAIL_CHARS = 4000;

export async function startEmbeddedRedis(opts: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  mkdirSync(resolve(opts.dataDir), { recursive: true, mode: 0o700 });
  // Redis chdirs to --dir, so the real path is what /proc/<pid>/cwd will show.
  const dir = realpathSync(resolve(opts.dataDir));
  // Also a folder made before, or under a looser umask: the AOF holds every message.
  chmodSync(dir, 0o700);
  const socket = join(dir, SOCKET_FILE);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    const limit = `${MAX_SOCKET_PATH_BYTES} bytes`;
    throw new Error(`the embedded Redis's socket ${socket} is longer than a unix socket path may be (${limit}): use a shorter STREAMGATE_DATA_DIR`);
  }
  const pidfile = join(dir, PIDFILE);
  await stopLeftover(pidfile, dir, opts);
  return launch(opts, dir, socket, pidfile, Date.now() + opts.timeoutMs);
}

/** True when `setpriv --pdeathsig` works here (util-linux 2.33 or later, Linux). */
function hasDeathSignal(): boolean {
  const probe = spawnSync(SETPRIV, ['--pdeathsig', 'TERM', '--', 'true'], { stdio: 'ignore', timeout: 5000 });
  return probe.error === undefined && probe.status === 0;
}

async function launch(opts: EmbeddedRedisOptions, dir: string, socket: string, pidfile: string, deadline: number): Promise<EmbeddedRedis> {
  const args = [
    '--port', '0',
    '--unixsocket', socket,
    '--unixsocketperm', '700',
    '--dir', dir,
    '--appendonly', 'yes',
    '--appendfsync', opts.fsync,
    '--pidfile', pidfile,
    '--daemonize', 'no',
  ];
  const watched = hasDeathSignal();
  if (!watched) {
    opts.logger.warn(
      { dataDir: dir },
      'setpriv --pdeathsig is not available: if the gateway is killed, its redis-server runs on until the next start stops it',
    );
  }
  // setpriv sets the death signal, then execs redis-server: same pid, no process in between.
  const [file, argv] = watched ? [SETPRIV, ['--pdeathsig', 'TERM', '--', opts.bin, ...args]] : [opts.bin, args];
  // Own process group: a Ctrl-C in the terminal reaches only the gateway, which then stops
  // Redis after its connections are closed, instead of both racing to shut down.
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  await spawned(child, opts.bin);
  const pid = child.pid ?? -1;

  // Always drained: a full pipe would block redis-server's logging, and so Redis itself.
  let output = '';
  const collect = (d: Buffer) => (output = (output + d.toString()).slice(-OUTPUT_TAIL_CHARS));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let stopping = false;
  let ready = false;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Covers process.exit and crashes: an orphan would keep the AOF open for the next start.
  const killOnExit = () => child.kill('SIGTERM');
  process.on('exit', killOnExit);
  child.once('exit', (code, signal) => {
    process.off('exit', killOnExit);
    if (!stopping && ready) opts.logger.error({ redisPid: pid, code, signal, output }, 'embedded redis-server exited unexpectedly');
  });

  try {
    await waitForPong(socket, child, deadline, () => output);
    ready = true;
  } catch (err) {
    stopping = true;
    await terminate(child, exited, DEFAULT_STOP_TIMEOUT_MS);
    throw err;
  }

  opts.logger.info(
    { socket, tcp: 'none', redisPid: pid, dataDir: dir, appendfsync: opts.fsync, stopsWithGateway: watched },
    'embedded redis-server started',
  );
  let stopped: Promise<void> | undefined;
  return {
    socket,
    pid,
    stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS) {
      stopped ??= (async () => {
        stopping = true;
        const forced = await terminate(child, exited, timeoutMs);
        if (forced) opts.logger.warn({ redisPid: pid, timeoutMs }, 'embedded redis-server did not stop in time: killed');
        opts.logger.info({ redisPid: pid, code: child.exitCode, signal: child.signalCode }, 'embedded redis-server stopped');
      })();
      return stopped;
    },
  };
}

/** Resolves once the process runs; turns ENOENT into the message that says how to fix it. */
function spawned(child: ChildProcess, bin: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    child.once('spawn', () => resolvePromise());
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'ENOENT' ? REDIS_SERVER_MISSING : `cannot run ${bin}: ${err.message}`));
    });
  });
}

async function waitForPong(socket: string, child: ChildProcess, deadline: number, output: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      // setpriv could not exec redis-server: 127 not found, 126 not executable (as a shell says).
      if (child.exitCode === 127) throw new Error(REDIS_SERVER_MISSING);
      if (child.exitCode === 126) throw new Error(`cannot run the redis-server binary:\n${output()}`);
      const how = child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`;
      throw new Error(`redis-server exited (${how}) before it was ready:\n${output()}`);
    }
    // "-LOADING ..." while the AOF loads: keep waiting, the deadline covers it.
    if ((await pingOnce(socket, 1000).catch(() => '')) === '+PONG') return;
    if (Date.now() >= deadline) {
      throw new Error(`redis-server did not answer PING in time (STREAMGATE_REDIS_START_TIMEOUT_MS):\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One inline PING on a fresh socket; resolves with the first reply line. */
function pingOnce(path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const socket = createConnection({ path });
    let buffer = '';
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
    const finish = (err: Error | null, line?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolvePromise(line ?? '');
    };
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      buffer += d.toString();
      const end = buffer.indexOf('\r\n');
      if (end >= 0) finish(null, buffer.slice(0, end));
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error('closed')));
  });
}

/** SIGTERM, then SIGKILL after timeoutMs; true when it had to kill. */
async function terminate(child: ChildProcess, exited: Promise<void>, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  child.kill('SIGTERM');
  if (await within(exited, timeoutMs)) return false;
  child.kill('SIGKILL');
  await exited;
  return true;
}

/**
 * Two redis-servers appending to one AOF corrupt it, so a server left running on this data
 * dir (the gateway was SIGKILLed, or runs twice) is stopped before a new one starts.
 */
async function stopLeftover(pidfile: string, dir: string, opts: EmbeddedRedisOptions): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidfile, 'utf8').trim(), 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || !isRedisServerIn(pid, dir, opts.bin)) return;
  opts.logger.warn({ redisPid: pid, dataDir: dir }, 'a redis-server is still running on this data dir: stopping it first');
  signal(pid, 'SIGTERM');
  if (await waitGone(pid, DEFAULT_STOP_TIMEOUT_MS)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitGone(pid, 5000))) throw new Error(`could not stop redis-server ${pid} running on ${dir}`);
}

function isRedisServerIn(pid: number, dir: string, bin: string): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  if (!cmdline.includes('redis-server') && !cmdline.includes(basename(bin))) return false;
  // The pid may have been reused by another redis-server; ours has chdir'ed to the data dir.
  try {
    return readlinkSync(`/proc/${pid}/cwd`) === dir;
  } catch {
    return true;
  }
}

/** Alive and not a zombie (a zombie holds no files, only its pid). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A free loopback port (the OS picks one; a tiny race remains until it is bound again). For tests. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePromise(addr.port) : reject(new Error('no free port'))));
    });
  });
}
