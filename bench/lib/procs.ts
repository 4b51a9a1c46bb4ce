// The processes the benchmark starts, so that every one is stopped by its PID whatever
// happens: normal end, an exception, Ctrl-C (SIGINT), SIGTERM, or the global deadline.
import { readFileSync } from 'node:fs';

interface Tracked {
  readonly pid: number;
  readonly name: string;
  /** Graceful stop (SIGTERM, wait, then SIGKILL). */
  readonly stop: () => Promise<void>;
}

const tracked = new Map<number, Tracked>();
let stopping: Promise<void> | null = null;

export function track(pid: number, name: string, stop: () => Promise<void>): void {
  tracked.set(pid, { pid, name, stop });
}

export function untrack(pid: number): void {
  tracked.delete(pid);
}

/** Stops every tracked process (gracefully, bounded), newest first. Idempotent. */
export function stopAll(timeoutMs = 20_000): Promise<void> {
  stopping ??= (async () => {
    const all = [...tracked.values()].reverse();
    for (const t of all) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
      await Promise.race([t.stop().catch(() => undefined), timeout]);
      clearTimeout(timer);
      killHard(t.pid);
      tracked.delete(t.pid);
    }
  })();
  return stopping;
}

function killHard(pid: number): void {
  try {
    process.kill(pid, 0);
  } catch {
    return; // gone
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

/**
 * Ctrl-C / SIGTERM: stop the children (by PID), then exit. A second signal kills them at
 * once. On any exit, whatever is still tracked gets SIGKILL (synchronously).
 */
export function installCleanupHandlers(): void {
  let signalled = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled++;
    if (signalled > 1) {
      for (const t of tracked.values()) killHard(t.pid);
      process.exit(130);
    }
    process.stderr.write(`\n${signal}: stopping the gateway and redis-server...\n`);
    void stopAll(8000).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    for (const t of tracked.values()) killHard(t.pid);
  });
}

/** Resolves when `pid` no longer exists, or false after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

// ---- /proc readings (Linux) -------------------------------------------------------------

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) is 100 on every Linux this runs on

/** CPU time (user + system, all threads) of a process in ms, from /proc/<pid>/stat. */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state (field 3).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]); // field 14
    const stime = Number(rest[12]); // field 15
    return ((utime + stime) * 1000) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size of a process in MB (VmRSS), NaN when it is gone. */
export function procRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time of the load generator in ms: this process (all threads), plus the children it
 * has waited for (cutime + cstime of /proc/self/stat): the C load tools (wrk, h2load) that
 * ran to completion, so a phase driven by one counts its CPU as the bench's.
 */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000 + childrenCpuMs();
}

function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[13]) + Number(rest[14])) * 1000) / CLK_TCK; // fields 16, 17
  } catch {
    return 0;
  }
}
