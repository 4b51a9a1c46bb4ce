import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Helpers of the client tests: generated clients and example workers run as real processes. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
/** Runs a TypeScript file as Node does with tsx (as `npx tsx FILE` would). */
export const TSX_ARGS = ['--import', 'tsx'];

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (killed, by its PID, after timeoutMs); never rejects. */
export function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      file,
      args,
      { cwd: ROOT, env: opts.env ?? process.env, timeout: opts.timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        const note = err && code === null ? `\n(${err.killed ? `killed after ${opts.timeoutMs} ms` : err.message})` : '';
        done({ code, stdout, stderr: stderr + note });
      },
    );
    child.stdin?.end();
  });
}

/** The environment of a client process: no proxy for loopback (grpcio honours http_proxy). */
export function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (/^(https?|grpc|all|no)_proxy$/i.test(k)) delete env[k];
  return env;
}

/** One JSON line a worker prints. */
export interface WorkerEvent {
  readonly event: 'started' | 'pulled' | 'processed' | 'extended' | 'released' | 'stopped';
  readonly id?: string;
  readonly ids?: string[];
  readonly released?: number;
  readonly deliveryCount?: number;
  readonly acked?: boolean;
  readonly extended?: number;
  readonly lost?: string[];
  readonly processed?: number;
  readonly leaseMs?: number;
}

/** An example worker running as its own process; its stdout read as JSON events. */
export class WorkerProcess {
  readonly events: WorkerEvent[] = [];
  /** When each event arrived, in ms since the process started. */
  readonly times: number[] = [];
  private readonly started = Date.now();
  stderr = '';
  exitCode: number | null | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private partial = '';

  constructor(
    readonly name: string,
    file: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(file, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.events.push(JSON.parse(line) as WorkerEvent);
          this.times.push(Date.now() - this.started);
        } catch {
          this.stderr += `(not JSON on stdout) ${line}\n`;
        }
      }
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      });
      this.child.once('error', (err) => {
        this.stderr += String(err);
        this.exitCode = null;
        resolve(null);
      });
    });
  }

  /** What the process said, for assertion messages. */
  get log(): string {
    const events = this.events.map((e, i) => `  +${this.times[i]} ms ${JSON.stringify(e)}`).join('\n');
    return `${this.name} (exit ${String(this.exitCode)}):\n${events}\nstderr: ${this.stderr}`;
  }

  processed(): WorkerEvent[] {
    return this.events.filter((e) => e.event === 'processed');
  }

  /** Resolves once `ready` holds; throws if the process ends first or the time runs out. */
  async until(ready: () => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.exitCode !== undefined) throw new Error(`${this.name} exited early\n${this.log}`);
      if (Date.now() > end) throw new Error(`${this.name}: timed out after ${timeoutMs} ms\n${this.log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Asks for a graceful stop (SIGTERM) and waits for the exit code; SIGKILL after timeoutMs. */
  async stop(timeoutMs = 10_000): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** For afterAll: ends the process by its PID if it still runs. */
  async kill(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** The workload of the worker tests: one message takes three leases and a half to process. */
export const LEASE_MS = 1500;
export const COUNT = 20;
export const SLOW = 3;
export const sleepMsOf = (i: number): number => (i === SLOW ? Math.round(3.5 * LEASE_MS) : 20);

/**
 * Starts two workers, publishes the workload once both are up (message SLOW being the slow
 * one), runs them until every message is processed, stops them gracefully, and checks: each
 * message processed and acked exactly once, none redelivered, the slow one's lease extended
 * (the other worker kept pulling meanwhile, so a lapsed lease would have been redelivered to
 * it), both workers exiting 0 after a `stopped` event.
 */
export async function runTwoWorkers(
  publish: () => Promise<readonly string[]>,
  start: (consumer: string) => WorkerProcess,
): Promise<WorkerProcess[]> {
  const workers = [start('worker-a'), start('worker-b')];
  try {
    for (const w of workers) await w.until(() => w.events.some((e) => e.event === 'started'), 30_000);
    const ids = await publish();
    const all = () => workers.flatMap((w) => w.processed());
    const done = () => new Set(all().map((e) => e.id)).size >= ids.length;
    for (const end = Date.now() + 60_000; !done(); ) {
      for (const w of workers) if (w.exitCode !== undefined) throw new Error(`${w.name} exited early\n${w.log}`);
      if (Date.now() > end) throw new Error(`not every message was processed in time\n${workers.map((w) => w.log).join('\n')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    // Anything redelivered after all were processed would show up now.
    await new Promise((r) => setTimeout(r, LEASE_MS));
    const logs = workers.map((w) => w.log).join('\n');
    const processed = all();
    // Each message delivered once: none was redelivered to the other worker (or the same one).
    const pulled = workers.flatMap((w) => w.events.filter((e) => e.event === 'pulled').flatMap((e) => e.ids ?? []));
    expect(pulled.sort(), logs).toEqual([...ids].sort());
    // Each message processed once, by one worker, on its first delivery, and acked.
    expect(processed.map((e) => e.id).sort(), logs).toEqual([...ids].sort());
    expect(processed.filter((e) => e.deliveryCount !== 1 || e.acked !== true), logs).toEqual([]);
    // The slow message kept its lease: extended while it ran (more than once), never lost.
    const slow = workers.find((w) => w.processed().some((e) => e.id === ids[SLOW]));
    const extensions = slow?.events.filter((e) => e.event === 'extended') ?? [];
    expect(extensions.length, logs).toBeGreaterThanOrEqual(3);
    expect(extensions.every((e) => (e.extended ?? 0) > 0 && (e.lost ?? []).length === 0), logs).toBe(true);
    // Both took part: the other worker was there to take the slow message had its lease lapsed.
    expect(workers.every((w) => w.processed().length > 0), logs).toBe(true);
    for (const w of workers) {
      expect(await w.stop(), w.log).toBe(0);
      expect(w.events.at(-1), w.log).toEqual({ event: 'stopped', processed: w.processed().length });
    }
    return workers;
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
  }
}

/**
 * Graceful stop mid-batch: one worker pulls a batch whose first message takes a while, is
 * told to stop (SIGTERM) while it works on it, and must finish and ack that one, release the
 * rest (nack: deliverable again at once, not after the lease), and exit 0. Returns the
 * released IDs, for the caller to pull with another consumer.
 */
export async function stopMidBatch(
  publish: () => Promise<readonly string[]>,
  start: (consumer: string) => WorkerProcess,
): Promise<readonly string[]> {
  const w = start('worker-stopping');
  try {
    await w.until(() => w.events.some((e) => e.event === 'started'), 30_000);
    const ids = await publish();
    await w.until(() => w.events.some((e) => e.event === 'pulled'), 30_000);
    expect(await w.stop(), w.log).toBe(0);
    const [first, ...rest] = ids;
    expect(w.processed(), w.log).toEqual([{ event: 'processed', id: first, deliveryCount: 1, acked: true }]);
    const released = w.events.find((e) => e.event === 'released');
    expect(released, w.log).toEqual({ event: 'released', ids: rest, released: rest.length });
    expect(w.events.at(-1), w.log).toEqual({ event: 'stopped', processed: 1 });
    return rest;
  } finally {
    await w.kill();
  }
}

/** The workload of stopMidBatch: the first message takes a second. */
export const STOP_COUNT = 4;
export const stopSleepMsOf = (i: number): number => (i === 0 ? 1000 : 0);
