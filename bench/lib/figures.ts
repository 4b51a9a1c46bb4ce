// What a scenario reports: figures (one row of the table each, with every run kept), the
// CPU split of its phases, and notes.
import type { Redis } from 'ioredis';
import type { GatewayProcess } from './gateway.js';
import type { BenchRedis } from './redis.js';
import { type CpuSplit, median, sideName } from './stats.js';

export type Side = 'direct' | 'rest' | 'grpc';
export type GatewaySide = 'rest' | 'grpc';

/**
 * `throughput`: higher is better, compared as gateway / direct.
 * `latency`: ms, compared as gateway − direct (added latency).
 * `absolute`: no direct twin (connections, MB, ms of wake-up), compared to a threshold.
 */
export type FigureKind = 'throughput' | 'latency' | 'absolute';

export type Target =
  | { readonly side: GatewaySide; readonly kind: 'ratio'; readonly min: number }
  | { readonly side: GatewaySide; readonly kind: 'added'; readonly max: number }
  | { readonly side: GatewaySide; readonly kind: 'max'; readonly max: number };

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
  readonly runs: Partial<Record<Side, number[]>>;
  readonly median: Partial<Record<Side, number>>;
  /** gateway / direct (throughput) or gateway − direct (latency), of the medians. */
  readonly vsDirect: Partial<Record<GatewaySide, number>>;
  readonly targets: TargetResult[];
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
}

export interface ScenarioContext {
  readonly opts: BenchOptions;
  readonly redis: BenchRedis;
  /** The benchmark's own Redis connection for setup and checks. */
  readonly admin: Redis;
  startGateway(label: string): Promise<GatewayProcess>;
  /**
   * Starts measuring the CPU of the bench, this gateway and Redis over a phase; call the
   * result to read it. With --cpu-prof, the phase's time window is recorded too, so that
   * bench/profile-summary.ts can tell where the gateway's time went in each phase.
   */
  cpuMeter(gateway: GatewayProcess, phase: string): () => CpuSplit;
  log(line: string): void;
}

export function makeFigure(
  f: { id: string; scenario: string; label: string; unit: string; kind: FigureKind },
  runs: Partial<Record<Side, number[]>>,
  targets: readonly Target[] = [],
): Figure {
  const med: Partial<Record<Side, number>> = {};
  for (const side of ['direct', 'rest', 'grpc'] as const) {
    const r = runs[side];
    if (r && r.length > 0) med[side] = median(r);
  }
  const vsDirect: Partial<Record<GatewaySide, number>> = {};
  if (f.kind !== 'absolute' && med.direct !== undefined) {
    for (const side of ['rest', 'grpc'] as const) {
      const g = med[side];
      if (g === undefined) continue;
      vsDirect[side] = f.kind === 'throughput' ? g / med.direct : g - med.direct;
    }
  }
  const results: TargetResult[] = targets.map((t) => {
    const value = t.kind === 'max' ? med[t.side] : vsDirect[t.side];
    const name = sideName(t.side);
    const text =
      t.kind === 'ratio'
        ? `${name} ≥ ${t.min} × direct`
        : t.kind === 'added'
          ? `${name} +p99 ≤ ${t.max} ms`
          : `${name} ≤ ${t.max}${f.unit === 'MB' ? ' MB' : ''}`;
    if (value === undefined || !Number.isFinite(value)) return { side: t.side, text, pass: null };
    return { side: t.side, text, pass: t.kind === 'ratio' ? value >= t.min : value <= t.max };
  });
  return { ...f, runs, median: med, vsDirect, targets: results };
}
