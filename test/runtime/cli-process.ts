import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The CLI run as a child process, its JSON log lines parsed as they arrive. */

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface LogLine {
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr so far, for assertions and failure messages. */
  output(): string;
  /** The first log line (past or future) that matches, or an error after timeoutMs. */
  waitForLog(pred: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Exit code (null when killed by a signal), or an error after timeoutMs. */
  waitForExit(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL if still running; for afterAll/finally. */
  kill(): void;
}

/**
 * Runs src/cli.ts under node with tsx's loader (not npx), so `pid` is the gateway itself and
 * signals reach it directly. The environment is only what the test passes plus PATH: the
 * runner's own REDIS_URL or HTTP_PORT must not leak in.
 */
export function runCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    partial += d.toString();
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const text of complete) {
      try {
        lines.push(JSON.parse(text) as LogLine);
      } catch {
        // Not a log line (help text, warnings).
      }
    }
    for (const w of waiters) w();
  });
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => waiters.forEach((w) => w()));

  return {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    waitForLog(pred, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(pred);
          if (found) done(() => resolve(found));
          else if (child.exitCode !== null || child.signalCode !== null)
            done(() => reject(new Error(`exited before the expected log line:\n${out}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`expected log line not seen:\n${out}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    async waitForExit(timeoutMs = 15_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not exit within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** True when the pid runs and is not a zombie (an orphan's zombie may linger under some inits). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function killIfAlive(pid: number | undefined): void {
  if (pid === undefined || pid <= 1) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
