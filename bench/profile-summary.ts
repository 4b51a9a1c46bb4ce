// Where a gateway's CPU time went: self time of `node --cpu-prof` profiles, by package /
// source file and by function.
//
//   npm run bench -- --only publish --cpu-prof bench/results/prof
//   npx tsx bench/profile-summary.ts bench/results/prof [top=15]
//       one summary per measured phase (REST, gRPC, ...), from the phases.json the run wrote
//   npx tsx bench/profile-summary.ts bench/results/prof/publish.cpuprofile [top=15]
//       the whole profile from the first request handled on (startup left out)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PhaseWindow } from './lib/figures.js';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
  readonly startTime: number;
  readonly endTime: number;
}

const target = process.argv[2];
const top = Number(process.argv[3] ?? 15);
if (!target) {
  process.stderr.write('usage: tsx bench/profile-summary.ts <dir with phases.json | file.cpuprofile> [top]\n');
  process.exit(2);
}

/** The package (node_modules/<name>), the project file (src/...), node's internals, or V8's pseudo-frames. */
function area(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native / V8 builtins)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const src = /\/((?:src|dist)\/.+)$/.exec(url);
  return src?.[1]?.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts') ?? url;
}

class Loaded {
  readonly byId: Map<number, ProfileNode>;
  readonly parent = new Map<number, number>();
  /** Timestamp (µs, monotonic) of each sample. */
  readonly times: number[] = [];

  constructor(readonly profile: Profile) {
    this.byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const n of profile.nodes) for (const c of n.children ?? []) this.parent.set(c, n.id);
    let t = profile.startTime;
    for (const d of profile.timeDeltas) this.times.push((t += d));
  }

  /** Self time per node over the samples `keep` selects. */
  self(keep: (i: number) => boolean): Map<number, number> {
    const self = new Map<number, number>();
    this.profile.samples.forEach((id, i) => {
      if (keep(i)) self.set(id, (self.get(id) ?? 0) + (this.profile.timeDeltas[i] ?? 0));
    });
    return self;
  }
}

function summarize(title: string, p: Loaded, self: Map<number, number>): void {
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, us] of self) {
    const node = p.byId.get(id);
    if (!node) continue;
    const a = area(node.callFrame);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
    const fn = `${node.callFrame.functionName || '(anonymous)'}  ${a}:${node.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = total - (byArea.get('(idle)') ?? 0);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`== ${title}: ${(total / 1e6).toFixed(2)} s, gateway busy ${(busy / 1e6).toFixed(2)} s (${((100 * busy) / Math.max(1, total)).toFixed(0)}%); shares of the busy time`);
  const pct = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)}%`;
  const left = [...byArea].filter(([a]) => a !== '(idle)').sort((x, y) => y[1] - x[1]).slice(0, top);
  const right = [...byFn].filter(([f]) => !f.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, top);
  out(`   ${'by package / file'.padEnd(36)}   by function`);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const [la, lus] = left[i] ?? ['', 0];
    const [rf, rus] = right[i] ?? ['', 0];
    const l = la ? `${pct(lus)}  ${la}` : '';
    const r = rf ? `${pct(rus)}  ${rf}` : '';
    out(`  ${l.padEnd(37)}  ${r}`);
  }
  out('');
}

const load = (file: string) => new Loaded(JSON.parse(readFileSync(file, 'utf8')) as Profile);

if (statSync(target).isDirectory()) {
  const phasesFile = join(target, 'phases.json');
  if (!existsSync(phasesFile)) throw new Error(`${phasesFile} not found: run the benchmark with --cpu-prof ${target}`);
  const phases = JSON.parse(readFileSync(phasesFile, 'utf8')) as PhaseWindow[];
  // Phases of the same name in one profile (the runs) are summed.
  const groups = new Map<string, PhaseWindow[]>();
  for (const w of phases) {
    const key = `${w.profile}\u0000${w.phase}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const cache = new Map<string, Loaded>();
  for (const windows of groups.values()) {
    const first = windows[0];
    if (!first) continue;
    const file = join(target, first.profile);
    if (!existsSync(file)) continue;
    let p = cache.get(file);
    if (!p) cache.set(file, (p = load(file)));
    const loaded = p;
    const self = loaded.self((i) => {
      const t = loaded.times[i] ?? 0;
      return windows.some((w) => t >= w.startUs && t <= w.endUs);
    });
    summarize(`${first.phase} (${first.profile}, ${windows.length} run${windows.length > 1 ? 's' : ''})`, loaded, self);
  }
} else {
  // Startup (loading modules, connecting) is not what the benchmark measures: count from the
  // first sample taken inside a request handler (REST route or gRPC service).
  const p = load(target);
  const handler = /\/(?:src|dist)\/(?:http\/routes|grpc\/(?:service|unary|streaming-pull))/;
  const inHandler = (id: number): boolean => {
    for (let n: number | undefined = id; n !== undefined; n = p.parent.get(n)) {
      if (handler.test(p.byId.get(n)?.callFrame.url ?? '')) return true;
    }
    return false;
  };
  const from = Math.max(0, p.profile.samples.findIndex(inHandler));
  summarize(`${target}, from the first request on`, p, p.self((i) => i >= from));
}
