// Medians, percentiles, and the CPU split of the three processes over a measured phase.
import { cpus } from 'node:os';
import { selfCpuMs } from './procs.js';

export function median(xs: readonly number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const v = [...xs].sort((a, b) => a - b);
  const rank = Math.min(v.length, Math.max(1, Math.ceil((p / 100) * v.length)));
  return v[rank - 1] as number;
}

export function max(xs: readonly number[]): number {
  const v = xs.filter((x) => Number.isFinite(x));
  return v.length === 0 ? Number.NaN : Math.max(...v);
}

/** CPU used by each process during a phase, in percent of one core (the machine has `cpus().length`). */
export interface CpuSplit {
  readonly wallMs: number;
  readonly bench: number;
  readonly gateway: number;
  readonly redis: number;
}

export interface CpuSources {
  readonly gatewayCpuMs: () => number;
  readonly redisCpuMs: () => number;
}

export function cpuMeter(src: CpuSources): () => CpuSplit {
  const t0 = performance.now();
  const b0 = selfCpuMs();
  const g0 = src.gatewayCpuMs();
  const r0 = src.redisCpuMs();
  return () => {
    const wallMs = performance.now() - t0;
    const pct = (ms: number) => (100 * ms) / wallMs;
    return {
      wallMs,
      bench: pct(selfCpuMs() - b0),
      gateway: pct(src.gatewayCpuMs() - g0),
      redis: pct(src.redisCpuMs() - r0),
    };
  };
}

export function medianSplit(splits: readonly CpuSplit[]): CpuSplit {
  return {
    wallMs: median(splits.map((s) => s.wallMs)),
    bench: median(splits.map((s) => s.bench)),
    gateway: median(splits.map((s) => s.gateway)),
    redis: median(splits.map((s) => s.redis)),
  };
}

export const CORES = cpus().length;

/** Runs `n` workers that each call `task` until it returns false; resolves when all stop. */
export async function workers(n: number, task: () => Promise<boolean>): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (await task()) {
        // next
      }
    }),
  );
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it is true or `timeoutMs` passed; returns the last result. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

export function rotate<T>(xs: readonly T[], n: number): T[] {
  const k = n % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

export function sideName(side: 'direct' | 'rest' | 'grpc'): string {
  return side === 'direct' ? 'direct' : side === 'rest' ? 'REST' : 'gRPC';
}

export const fmtInt = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? '-' : Math.round(x).toLocaleString('en-US');
export const fmtMs = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(2));
