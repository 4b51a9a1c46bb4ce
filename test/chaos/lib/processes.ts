import { type ChildProcess, spawn } from 'node:child_process';
import { type WriteStream, createWriteStream, readFileSync } from 'node:fs';

/**
 * Every process the chaos test starts, tracked by PID so that each one is stopped whatever
 * happens (normal end, failed assertion, exception, the runner exiting). Each child leads
 * its own process group, so a kill reaches anything it started too (tsx's esbuild helper).
 * An exit the test did not ask for is remembered: a crash is a failure even if nothing is lost.
 *
 * When the test runner itself dies (Ctrl-C makes vitest kill its worker without running
 * afterAll or exit hooks), a reaper cleans up: a small detached process that is told each
 * group as it starts and ends, and SIGKILLs those still alive once our end of its stdin
 * closes, which the kernel does however this process dies.
 */

const REAPER = `
const live = new Set();
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const pid = Number(line.slice(1));
    if (line[0] === '+') live.add(pid); else live.delete(pid);
  }
});
process.stdin.on('end', () => {
  for (const pid of live) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;

function startReaper(): ChildProcess {
  const reaper = spawn(process.execPath, ['-e', REAPER], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  reaper.stdin?.on('error', () => undefined);
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return reaper;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<Exit>;
  running(): boolean;
  /** Signals the process group; the exit that follows is expected. */
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit. */
  stop(graceMs: number): Promise<Exit>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<Exit>;
}

export interface SpawnOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** stdout and stderr are appended here (one file may collect several incarnations). */
  readonly logFile: string;
  /** Called with each complete line of stdout. */
  readonly onLine?: (line: string) => void;
}

export class ProcessTable {
  private readonly live = new Map<number, Child>();
  private readonly crashes: { message: string; logFile: string }[] = [];
  private readonly logs = new Map<string, WriteStream>();

  private readonly reaper = startReaper();

  constructor() {
    // When the runner exits without afterAll (uncaught error, process.exit).
    process.once('exit', () => this.killAllNow());
  }

  spawn(name: string, command: string, args: readonly string[], options: SpawnOptions): Child {
    const child: ChildProcess = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
      // stdin stays open: our workers exit when it closes (the test runner went away).
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${name}`);
    this.reaper.stdin?.write(`+${pid}\n`);
    const log = this.logFor(options.logFile);
    log.write(`--- ${new Date().toISOString()} ${name} pid ${pid}: ${command} ${args.join(' ')}\n`);
    let partial = '';
    child.stdout?.on('data', (d: Buffer) => {
      log.write(d);
      if (!options.onLine) return;
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    });
    child.stderr?.on('data', (d: Buffer) => log.write(d));
    child.stdin?.on('error', () => undefined);

    let expected = false;
    let done = false;
    const exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        done = true;
        this.live.delete(pid);
        this.reaper.stdin?.write(`-${pid}\n`);
        log.write(`--- ${new Date().toISOString()} ${name} pid ${pid} exited: code ${code} signal ${signal}\n`);
        if (!expected) {
          this.crashes.push({ message: `${name} (pid ${pid}) exited by itself: code ${code}, signal ${signal}`, logFile: options.logFile });
        }
        resolve({ code, signal });
      });
    });
    const signal = (sig: NodeJS.Signals) => {
      expected = true;
      if (done) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // Already gone.
      }
    };
    const handle: Child = {
      name,
      pid,
      exited,
      running: () => !done,
      signal,
      async stop(graceMs) {
        signal('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
        ]);
        clearTimeout(timer);
        if (timedOut) signal('SIGKILL');
        return exited;
      },
      async kill() {
        signal('SIGKILL');
        return exited;
      },
    };
    this.live.set(pid, handle);
    return handle;
  }

  /** Exits nobody asked for, each with the end of its log. */
  unexpectedExits(): string[] {
    return this.crashes.map((c) => `${c.message}; end of ${c.logFile}:\n${tail(c.logFile)}`);
  }

  /** Every process still running: SIGKILL to its group, then wait (bounded) for the exits. */
  async killAll(): Promise<void> {
    const all = [...this.live.values()];
    for (const c of all) c.signal('SIGKILL');
    await Promise.race([Promise.all(all.map((c) => c.exited)), new Promise((r) => setTimeout(r, 5000))]);
    await Promise.all([...this.logs.values()].map((s) => new Promise((r) => s.end(r))));
    this.logs.clear();
    this.reaper.stdin?.end();
  }

  private killAllNow(): void {
    for (const c of this.live.values()) c.signal('SIGKILL');
  }

  private logFor(path: string): WriteStream {
    let log = this.logs.get(path);
    if (!log) {
      log = createWriteStream(path, { flags: 'a' });
      this.logs.set(path, log);
    }
    return log;
  }
}

/** The last `lines` lines of a log file, for failure messages. */
export function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
