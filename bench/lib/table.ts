// The printed table (Markdown, so the README can hold it as is), the CPU split, the JSON
// results file and the comparison with an earlier one.
import { readFileSync } from 'node:fs';
import { type AnySide, type CpuRow, type Figure, TWIN_NAMES, type TargetResult } from './figures.js';
import { CORES, sideName } from './stats.js';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly redis: string;
}

export interface Results {
  readonly schema: 1;
  readonly date: string;
  readonly durationS: number;
  readonly machine: Machine;
  readonly options: { readonly runs: number; readonly quick: boolean; readonly only: string[] | null; readonly waitingSizes: readonly number[]; readonly gateway: string };
  readonly summary: { readonly passed: number; readonly failed: number; readonly unmeasured: number };
  readonly figures: Figure[];
  readonly cpu: CpuRow[];
  readonly notes: string[];
  readonly failures: string[];
  readonly details: Record<string, unknown>;
  /** Further tables (the ablation); absent in older results. */
  readonly tables?: { readonly title: string; readonly markdown: string }[];
}

export function summarize(figures: readonly Figure[]): Results['summary'] {
  const all = figures.flatMap((f) => f.targets);
  return {
    passed: all.filter((t) => t.pass === true).length,
    failed: all.filter((t) => t.pass === false).length,
    unmeasured: all.filter((t) => t.pass === null).length,
  };
}

export function formatValue(x: number | undefined, unit: string): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  switch (unit) {
    case 'ms':
      return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
    case 'MB':
    case '%':
      return x.toFixed(0);
    case 'µs/req':
    case 'µs/msg':
      return x >= 100 ? x.toFixed(0) : x.toFixed(1);
    case '×':
      return x.toFixed(2);
    default:
      return Math.round(x).toLocaleString('en-US');
  }
}

function formatVsDirect(f: Figure, side: 'rest' | 'grpc'): string {
  const v = f.vsDirect[side];
  if (v === undefined || !Number.isFinite(v)) return '–';
  const range = f.vsRange?.[side];
  const spread = range && range[0] !== range[1];
  if (f.kind === 'throughput' || f.kind === 'cost') {
    return `${v.toFixed(2)}×${spread ? ` (${range[0].toFixed(2)}–${range[1].toFixed(2)})` : ''}`;
  }
  const ms = (x: number) => `${x >= 0 ? '+' : '−'}${formatValue(Math.abs(x), 'ms')}`;
  return `${ms(v)} ms${spread ? ` (${ms(range[0])}…${ms(range[1])})` : ''}`;
}

/** The baseline column: direct, or the twin's value with its name (`cell` formats a side's value). */
function baselineCell(f: Figure, cell: (side: AnySide) => string): string {
  // An absolute figure has no baseline, unless it gives direct a value of its own (a ratio of direct runs).
  if (f.kind === 'absolute') return f.median.direct === undefined ? '–' : cell('direct');
  const side: AnySide = f.baseline ?? 'direct';
  const v = cell(side);
  return f.baseline && v !== '–' ? `${v} (${TWIN_NAMES[f.baseline]})` : f.baseline ? `n/a (${TWIN_NAMES[f.baseline]})` : v;
}

const mark = (t: TargetResult) => (t.pass === null ? '?' : t.pass ? '✓' : '✗');

function targetText(f: Figure): string {
  if (f.targets.length === 0) return '';
  const conds = f.targets.map((t) => t.text.replace(/^(REST|gRPC) /, ''));
  if (f.targets.length === 2 && conds[0] === conds[1]) return conds[0] ?? '';
  return f.targets.map((t) => t.text).join(', ');
}

function metText(f: Figure): string {
  return f.targets.map((t) => `${sideName(t.side)} ${mark(t)}`).join(' ');
}

export function markdown(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

/** One row per figure: medians, the ratio (or added latency) to direct, target and ✓/✗. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const v = (side: AnySide) => {
      const m = formatValue(f.median[side], f.unit);
      const runs = (f.runs[side] ?? []).filter(Number.isFinite);
      if (!f.spread || runs.length < 2 || m === '–') return m;
      const [lo, hi] = [formatValue(Math.min(...runs), f.unit), formatValue(Math.max(...runs), f.unit)];
      return lo === hi ? m : `${m} (${lo}–${hi})`;
    };
    return [
      f.label,
      f.unit,
      baselineCell(f, v),
      v('rest'),
      v('grpc'),
      formatVsDirect(f, 'rest'),
      formatVsDirect(f, 'grpc'),
      targetText(f),
      metText(f),
    ];
  });
  return markdown(
    ['figure', 'unit', 'direct / twin', 'REST', 'gRPC', 'REST vs direct / twin', 'gRPC vs direct / twin', 'target', 'met'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
  );
}

/** CPU of each process over each phase, in % of one core (medians of the runs). */
export function renderCpu(rows: readonly CpuRow[]): string {
  return markdown(
    ['phase', 'wall s', 'bench', 'gateway', 'redis', `sum (of ${CORES * 100}%)`],
    rows.map((r) => {
      const s = r.split;
      const pct = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)}%` : '–');
      return [r.phase, (s.wallMs / 1000).toFixed(2), pct(s.bench), pct(s.gateway), pct(s.redis), pct(s.bench + s.gateway + s.redis)];
    }),
    ['l', 'r', 'r', 'r', 'r', 'r'],
  );
}

export function readResults(file: string): Results {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Results;
  if (r.schema !== 1 || !Array.isArray(r.figures)) throw new Error(`${file}: not a results file of this benchmark`);
  return r;
}

/** Every figure present in both, side by side, with the change; higher is better only for throughput. */
export function renderCompare(before: Results, now: Results): string {
  const old = new Map(before.figures.map((f) => [f.id, f]));
  const rows: string[][] = [];
  for (const f of now.figures) {
    const b = old.get(f.id);
    if (!b) continue;
    const cells: [string, number | undefined, number | undefined, string][] = [
      ['direct', b.median.direct, f.median.direct, f.unit],
      ['REST', b.median.rest, f.median.rest, f.unit],
      ['gRPC', b.median.grpc, f.median.grpc, f.unit],
    ];
    if (f.kind !== 'absolute') {
      cells.push(['REST vs direct', b.vsDirect.rest, f.vsDirect.rest, f.kind === 'throughput' ? '×' : 'ms']);
      cells.push(['gRPC vs direct', b.vsDirect.grpc, f.vsDirect.grpc, f.kind === 'throughput' ? '×' : 'ms']);
    }
    for (const [what, x, y, unit] of cells) {
      if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      const fmt = (v: number) => (unit === '×' ? v.toFixed(2) : formatValue(v, unit));
      const rel = x === 0 ? (y === 0 ? 0 : Number.POSITIVE_INFINITY) : (y - x) / Math.abs(x);
      const change = !Number.isFinite(rel) ? 'new' : Math.abs(rel) < 0.005 ? '±0%' : `${rel > 0 ? '+' : '−'}${(Math.abs(rel) * 100).toFixed(0)}%`;
      // Ratios and throughput: higher is better; latency, added latency, connections, MB, CPU, losses: lower.
      const higherBetter = f.kind === 'throughput';
      const better = change === '±0%' ? '' : (y > x) === higherBetter ? ' better' : ' worse';
      rows.push([f.id, what, fmt(x), fmt(y), `${change}${better}`]);
    }
  }
  return markdown(['figure', 'side', `before (${before.date.slice(0, 10)})`, 'now', 'change'], rows, ['l', 'l', 'r', 'r', 'l']);
}
