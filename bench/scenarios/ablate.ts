// --ablate: what each per-request feature costs. One gateway with every feature on (API keys
// file, rate limit, fence of one pattern, metrics, validation, request log), and one per
// feature with only that one off (STREAMGATE_BENCH_DISABLE=<feature>, for benchmarks only),
// all started at once; REST single publish at a fixed offered rate (h2load --h1 --rps: 70%
// of what the all-on gateway does under wrk), the same for every gateway, in interleaved
// rounds: CPU per request compared at the same load (at saturation it would shift with how
// many requests each event-loop turn batches). Without h2load: closed loop (wrk or Node).
// The cost of a feature is the gateway's CPU µs per request with it on minus off, per
// round, then the median and range of the rounds.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_FEATURES } from '../../src/core/config.js';
import { PAYLOAD, paths } from '../lib/clients.js';
import { type LoadResult, type WrkRequest, h2load, tools, wrk } from '../lib/cload.js';
import type { CpuRow, ScenarioContext, ScenarioResult } from '../lib/figures.js';
import type { GatewayProcess } from '../lib/gateway.js';
import { closedLoop } from '../lib/httpload.js';
import { type CpuSplit, fmtInt, median, medianSplit, rotate } from '../lib/stats.js';
import { markdown } from '../lib/table.js';

const CONNECTIONS = 64;
/** Connections of the fixed-rate load (each sends rate / FIXED_CONNECTIONS per second). */
const FIXED_CONNECTIONS = 64;
/** The fixed rate, as a share of the all-on gateway's maximum: loaded, not saturated. */
const FIXED_SHARE = 0.7;
const SECRET = 'bench-ablation-secret';
type Config = 'all on' | (typeof BENCH_FEATURES)[number];

export async function ablateScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const seconds = ctx.opts.quick ? 1 : 3;
  mkdirSync(ctx.scratchDir, { recursive: true });
  const keysFile = join(ctx.scratchDir, 'ablation-keys.json');
  const sha256 = createHash('sha256').update(SECRET).digest('hex');
  writeFileSync(keysFile, JSON.stringify({ keys: [{ name: 'bench', sha256, grants: [{ scopes: ['publish', 'consume', 'admin'], streams: ['bench:*'] }] }] }));
  // Every feature on and doing its work: keys checked, a rate limit far above the load, a fence to match.
  const env = { STREAMGATE_AUTH_FILE: keysFile, STREAMGATE_RATE_LIMIT_RPS: '1000000', STREAMGATE_STREAMS: 'bench:*' };
  const configs: Config[] = ['all on', ...BENCH_FEATURES];
  const gateways = new Map<Config, GatewayProcess>();
  const us: Record<string, number[]> = {};
  const rates: Record<string, number[]> = {};
  const splits: Record<string, CpuSplit[]> = {};
  const body = JSON.stringify({ fields: PAYLOAD });
  const bodyFile = join(ctx.scratchDir, 'ablation-body.json');
  writeFileSync(bodyFile, body);
  const auth = { Authorization: `Bearer ${SECRET}` };
  const load = (g: GatewayProcess, stream: string, secs: number): Promise<LoadResult> => {
    const req: WrkRequest = { url: `${g.httpUrl}${paths.publish(stream)}`, body, contentType: 'application/json', headers: auth };
    return tools.wrk ? wrk(ctx.scratchDir, req, CONNECTIONS, secs) : closedLoop(req, CONNECTIONS, secs);
  };
  let fixedRate = 0;
  const maxRate: Partial<Record<Config, number>> = {};
  const measure = (g: GatewayProcess, stream: string, secs: number): Promise<LoadResult> =>
    fixedRate > 0
      ? h2load({
          url: `${g.httpUrl}${paths.publish(stream)}`,
          bodyFile,
          headers: { 'content-type': 'application/json', authorization: auth.Authorization },
          connections: FIXED_CONNECTIONS,
          streams: 1,
          seconds: secs,
          rpsPerConnection: fixedRate / FIXED_CONNECTIONS,
          h1: true,
        })
      : load(g, stream, secs);
  try {
    const started = await Promise.allSettled(
      configs.map((c) => ctx.startGateway(`ablate-${c.replace(' ', '-')}`, c === 'all on' ? env : { ...env, STREAMGATE_BENCH_DISABLE: c })),
    );
    started.forEach((r, i) => r.status === 'fulfilled' && gateways.set(configs[i] as Config, r.value));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // Two warm-up rounds, the same for every gateway; the second gives each one's maximum.
    for (const round of ctx.opts.quick ? [2] : [1, 2]) {
      for (const [c, g] of gateways) {
        const warm = await load(g, 'bench:ablate:warm', round === 1 ? 2 : 1);
        if (warm.errors > 0 || warm.ok === 0) throw new Error(`ablation ${c}: warm-up failed (${warm.errors} errors)\n${warm.raw.slice(0, 400)}`);
        if (round === 2) maxRate[c] = warm.rate;
      }
      await ctx.admin.del('bench:ablate:warm');
    }
    // The fixed rate is FIXED_SHARE of the all-on gateway's maximum.
    if (tools.h2load) fixedRate = Math.max(FIXED_CONNECTIONS, Math.round(((maxRate['all on'] ?? 0) * FIXED_SHARE) / FIXED_CONNECTIONS) * FIXED_CONNECTIONS);
    await ctx.admin.del('bench:ablate:warm');
    for (let run = 0; run < ctx.opts.runs; run++) {
      for (const c of rotate(configs, run)) {
        const g = gateways.get(c) as GatewayProcess;
        const stream = `bench:ablate:${run}`;
        await ctx.admin.del(stream);
        const meter = ctx.cpuMeter(g, `ablation: ${c === 'all on' ? 'all features on' : `${c} off`}`);
        const r = await measure(g, stream, seconds);
        const split = meter();
        const len = await ctx.admin.xlen(stream);
        await ctx.admin.del(stream);
        if (r.errors > 0 || len < r.ok) throw new Error(`ablation ${c}: ${r.errors} failed requests, ${len} entries for ${r.ok} answers`);
        (us[c] ??= []).push((split.gateway * split.wallMs * 10) / r.ok);
        (rates[c] ??= []).push(r.rate);
        (splits[c] ??= []).push(split);
      }
      ctx.log(`ablation run ${run + 1}: ${configs.map((c) => `${c} ${us[c]?.at(-1)?.toFixed(1)} µs/req`).join(', ')}`);
    }
  } finally {
    for (const g of [...gateways.values()].reverse()) await g.stop();
  }
  const on = us['all on'] ?? [];
  const rows = configs.map((c) => {
    const mine = us[c] ?? [];
    const cost = c === 'all on' ? [] : mine.map((x, i) => (on[i] ?? Number.NaN) - x);
    const range = cost.length > 1 ? ` (${Math.min(...cost).toFixed(1)} … ${Math.max(...cost).toFixed(1)})` : '';
    return [
      c === 'all on' ? 'all features on' : `${c} off`,
      fmtInt(maxRate[c]),
      fmtInt(median(rates[c] ?? [])),
      median(mine).toFixed(1),
      c === 'all on' ? '–' : `${median(cost).toFixed(1)}${range}`,
    ];
  });
  const cpu: CpuRow[] = configs.map((c) => ({ phase: `ablation: ${c === 'all on' ? 'all features on' : `${c} off`}`, split: medianSplit(splits[c] ?? []) }));
  return {
    figures: [],
    cpu,
    notes: [
      `ablation: REST single publish, ${fixedRate > 0 ? `a fixed ${fmtInt(fixedRate)} req/s (h2load --h1, ${FIXED_CONNECTIONS} connections; ${FIXED_SHARE * 100}% of the all-on gateway's maximum under ${tools.wrk ? 'wrk' : 'Node'} in the warm-up)` : `closed loop (${tools.wrk ? 'wrk' : 'Node'}, ${CONNECTIONS} connections: h2load is not installed)`}, ${seconds} s per gateway per run, one gateway per row (API keys file, STREAMGATE_RATE_LIMIT_RPS=1000000, STREAMGATE_STREAMS=bench:*), the row's feature off with STREAMGATE_BENCH_DISABLE; cost = gateway CPU µs/request with everything on minus with that feature off, per run (median, min … max: a cost inside the spread of the runs is below what this measurement resolves); max req/s = each gateway's rate in the second warm-up round`,
    ],
    details: { us, rates },
    tables: [
      {
        title: 'Ablation: what each per-request feature costs (REST single publish, gateway CPU per request):',
        markdown: markdown(['gateway', 'max req/s (1 s)', 'req/s measured', 'CPU µs/req', 'feature costs µs/req (min … max)'], rows, ['l', 'r', 'r', 'r', 'r']),
      },
    ],
  };
}
