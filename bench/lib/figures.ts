// What a scenario reports: figures (one row of the table each, with every run kept), the
// CPU split of its phases, and notes.
import type { Redis } from 'ioredis';
import type { GatewayProcess } from './gateway.js';
import type { BenchRedis } from './redis.js';
import { type CpuSplit, median, sideName } from './stats.js';

export type GatewaySide = 'rest' | 'grpc';
/** The twins the gateway is compared to besides direct ioredis (bench/twins, webdis). */
export type TwinSide = 'naive' | 'bare' | 'webdis' | 'echo' | 'h2echo';
export type Side = 'direct' | GatewaySide;
/** A column of a figure: a side of the gateway scenarios, or a twin. */
export type AnySide = Side | TwinSide;
export const ALL_SIDES: readonly AnySide[] = ['direct', 'rest', 'grpc', 'naive', 'bare', 'webdis', 'echo', 'h2echo'];
export const TWIN_NAMES: Record<TwinSide, string> = { naive: 'naive twin', bare: 'bare twin', webdis: 'webdis', echo: 'echo twin', h2echo: 'http2 twin' };

/**
 * `throughput`: higher is better, compared as gateway / direct.
 * `latency`: ms, compared as gateway − direct (added latency).
 * `absolute`: no direct twin (connections, MB, ms of wake-up), compared to a threshold.
 * `cost`: CPU µs per request or message, lower is better, compared as gateway / baseline.
 */
export type FigureKind = 'throughput' | 'latency' | 'absolute' | 'cost';

export type Target =
  | { readonly side: GatewaySide; readonly kind: 'ratio'; readonly min: number }
  | { readonly side: GatewaySide; readonly kind: 'added'; readonly max: number }
  | { readonly side: GatewaySide; readonly kind: 'max'; readonly max: number }
  /** gateway / baseline at most `max` (a cost). */
  | { readonly side: GatewaySide; readonly kind: 'ratioMax'; readonly max: number };

export interface TargetResult {
  readonly side: GatewaySide;
  readonly text: string;
  /** null: not measured. */
  readonly pass: boolean | null;
}

export interface Figure {
  readonly id: string;
  readonly scenario: string;
  readonly label: string;
  readonly unit: string;
  readonly kind: FigureKind;
  readonly runs: Partial<Record<AnySide, number[]>>;
  readonly median: Partial<Record<AnySide, number>>;
  /** What the gateway is compared to: direct ioredis, or a twin (absent: direct). */
  readonly baseline?: TwinSide;
  /**
   * gateway / baseline (throughput, cost) or gateway − baseline (latency): the median of the
   * per-run comparisons when both sides have the same runs (measured in the same round),
   * else of the medians.
   */
  readonly vsDirect: Partial<Record<GatewaySide, number>>;
  /** min and max of the per-run comparisons. */
  readonly vsRange?: Partial<Record<GatewaySide, [number, number]>>;
  readonly targets: TargetResult[];
  /** Print the min–max of the runs beside each median (absent: the median alone). */
  readonly spread?: true;
}

/**
 * A measured phase on the monotonic clock in µs (phases.json of --cpu-prof): the clock V8
 * stamps profile samples with (CLOCK_MONOTONIC on Linux), so the windows line up with the
 * gateway's profile.
 */
export interface PhaseWindow {
  readonly profile: string;
  readonly phase: string;
  readonly startUs: number;
  readonly endUs: number;
}

export interface CpuRow {
  readonly phase: string;
  readonly split: CpuSplit;
}

export interface ScenarioResult {
  readonly figures: Figure[];
  readonly cpu: CpuRow[];
  readonly notes: string[];
  /** Per-run details kept in the JSON results. */
  readonly details?: unknown;
  /** Runs that failed while the scenario went on. */
  readonly failures?: string[];
  /** Further tables printed after the main one (e.g. the ablation). */
  readonly tables?: { readonly title: string; readonly markdown: string }[];
}

export interface BenchOptions {
  readonly runs: number;
  readonly quick: boolean;
  readonly only: ReadonlySet<string> | null;
  readonly compare: string | null;
  readonly out: string | null;
  readonly cpuProf: string | null;
  readonly readme: boolean;
  readonly timeoutS: number;
  readonly waitingSizes: readonly number[];
  /** Run the gateway from source through tsx instead of compiling it first. */
  readonly tsx: boolean;
  /** Also run the ablation: the cost of each per-request feature (scenarios/ablate.ts). */
  readonly ablate: boolean;
}

/** A process whose CPU a phase measures: a gateway or a twin. */
export interface Measured {
  readonly label: string;
  cpuMs(): number;
}

export interface ScenarioContext {
  readonly opts: BenchOptions;
  readonly redis: BenchRedis;
  /** The benchmark's own Redis connection for setup and checks. */
  readonly admin: Redis;
  /** `env`: extra environment of the gateway (e.g. STREAMGATE_BENCH_DISABLE). */
  startGateway(label: string, env?: Record<string, string>): Promise<GatewayProcess>;
  /** Scratch files (configs, scripts): git-ignored. */
  readonly scratchDir: string;
  /**
   * Starts measuring the CPU of the bench, this gateway and Redis over a phase; call the
   * result to read it. With --cpu-prof, the phase's time window is recorded too, so that
   * bench/profile-summary.ts can tell where the gateway's time went in each phase.
   * `redisCpuMs`: the Redis side's CPU (ms) when it is not the benchmark's redis-server
   * (the cluster scenario's nodes).
   */
  cpuMeter(gateway: Measured, phase: string, redisCpuMs?: () => number): () => CpuSplit;
  log(line: string): void;
}

export function makeFigure(
  f: { id: string; scenario: string; label: string; unit: string; kind: FigureKind; baseline?: TwinSide; spread?: true },
  runs: Partial<Record<AnySide, number[]>>,
  targets: readonly Target[] = [],
): Figure {
  const med: Partial<Record<AnySide, number>> = {};
  for (const side of ALL_SIDES) {
    const r = runs[side];
    if (r && r.length > 0 && Number.isFinite(median(r))) med[side] = median(r);
  }
  const baseline: AnySide = f.baseline ?? 'direct';
  const compare = (g: number, b: number) => (f.kind === 'latency' ? g - b : g / b);
  const vsDirect: Partial<Record<GatewaySide, number>> = {};
  const vsRange: Partial<Record<GatewaySide, [number, number]>> = {};
  const base = med[baseline];
  if (f.kind !== 'absolute' && base !== undefined) {
    for (const side of ['rest', 'grpc'] as const) {
      const g = med[side];
      if (g === undefined) continue;
      const gr = runs[side] ?? [];
      const br = runs[baseline] ?? [];
      const paired = gr.length === br.length ? gr.map((x, i) => compare(x, br[i] as number)).filter(Number.isFinite) : [];
      vsDirect[side] = paired.length > 0 ? median(paired) : compare(g, base);
      if (paired.length > 0) vsRange[side] = [Math.min(...paired), Math.max(...paired)];
    }
  }
  const other = f.baseline ? TWIN_NAMES[f.baseline] : 'direct';
  const results: TargetResult[] = targets.map((t) => {
    const value = t.kind === 'max' ? med[t.side] : vsDirect[t.side];
    const name = sideName(t.side);
    const text =
      t.kind === 'ratio'
        ? `${name} ≥ ${t.min} × ${other}`
        : t.kind === 'ratioMax'
          ? `${name} ≤ ${t.max} × ${other}`
          : t.kind === 'added'
            ? `${name} +p99 ≤ ${t.max} ms`
            : `${name} ≤ ${t.max}${f.unit === 'MB' ? ' MB' : f.unit.startsWith('µs') ? ' µs' : ''}`;
    if (value === undefined || !Number.isFinite(value)) return { side: t.side, text, pass: null };
    return { side: t.side, text, pass: t.kind === 'ratio' ? value >= t.min : value <= t.max };
  });
  const { baseline: _b, ...rest } = f;
  return { ...rest, runs, median: med, ...(f.baseline ? { baseline: f.baseline } : {}), vsDirect, vsRange, targets: results };
}
