// `npm run bench`: the gateway against Redis, side by side, in one run.
//
//   npm run bench                         3 runs of every scenario (about 8 to 9 minutes)
//   npm run bench -- --quick              1 shorter run (smoke test, about 2 minutes)
//   npm run bench -- --runs 5 --only publish,consume
//   npm run bench -- --compare bench/results/latest.json
//   npm run bench -- --cpu-prof bench/results/prof   (one .cpuprofile per gateway process)
//   npm run bench -- --readme             also rewrite the table in README.md
//
// Three processes: this one is the load generator (and the direct ioredis twin of every
// gateway figure), the gateway runs as its own process (`node --import tsx src/cli.ts`,
// LOG_LEVEL=warn), and redis-server as a third, all on loopback (the cluster scenario adds
// a Redis Cluster of 3 masters and a second gateway). They share the machine's cores: the
// CPU each used in every phase is printed beside the figures.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import type { BenchOptions, CpuRow, Figure, PhaseWindow, ScenarioContext, ScenarioResult } from './lib/figures.js';
import { type GatewayProcess, REPO_ROOT, prepareGateway, startGateway } from './lib/gateway.js';
import { installCleanupHandlers, stopAll } from './lib/procs.js';
import { type BenchRedis, benchClient, redisCpuMs, startBenchRedis } from './lib/redis.js';
import { CORES, cpuMeter } from './lib/stats.js';
import { type Machine, type Results, readResults, renderCompare, renderCpu, renderTable, summarize } from './lib/table.js';
import { consumeScenario } from './scenarios/consume.js';
import { publishScenario } from './scenarios/publish.js';
import { singlePublishScenario } from './scenarios/single-publish.js';
import { twinsScenario } from './scenarios/twins.js';
import { ablateScenario } from './scenarios/ablate.js';
import { waitingScenario } from './scenarios/waiting.js';
import { clusterScenario } from './scenarios/cluster.js';
import { PAYLOAD_BYTES, PAYLOAD_PAIRS } from './lib/clients.js';

const SCENARIOS: Record<string, (ctx: ScenarioContext) => Promise<ScenarioResult>> = {
  publish: publishScenario,
  single: singlePublishScenario,
  twins: twinsScenario,
  consume: consumeScenario,
  waiting: waitingScenario,
  /** 3 masters against 1 node (bench/scenarios/cluster.ts). */
  cluster: clusterScenario,
  /** Only with --ablate (or --only ablate). */
  ablate: ablateScenario,
};

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const LATEST = join(RESULTS_DIR, 'latest.json');
const README = join(REPO_ROOT, 'README.md');
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

function options(): BenchOptions {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      compare: { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      readme: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      waiting: { type: 'string' },
      tsx: { type: 'boolean', default: false },
      ablate: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      [
        'Usage: npm run bench -- [options]',
        '  --runs N            runs per figure, the median is reported (default 3; --quick: 1)',
        '  --quick             shorter runs: a smoke test',
        `  --only a,b          scenarios to run: ${Object.keys(SCENARIOS).join(', ')} (default: all)`,
        '  --waiting 1000,10000  waiting-client counts (default 1000,10000)',
        '  --compare FILE      print the change against an earlier results file (read before this run writes)',
        '  --out FILE          results file (default: bench/results/latest.json for a full run of all scenarios,',
        '                      else only the timestamped copy bench/results/<date>.json)',
        '  --cpu-prof DIR      run each gateway process under node --cpu-prof, profiles in DIR',
        '  --readme            rewrite the table between the bench markers in README.md',
        '  --timeout S         hard limit for the whole run (default 900; --quick: 300)',
        '  --tsx               run the gateway from source through tsx (default: compiled first, as npm start runs it)',
        '  --ablate            also measure the cost of each per-request feature (gateway CPU µs/request with it on minus off)',
        '',
      ].join('\n'),
    );
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const runs = values.runs !== undefined ? Number(values.runs) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error('--runs must be 1..20');
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
  for (const s of only ?? []) if (!(s in SCENARIOS)) throw new Error(`unknown scenario ${s} (${Object.keys(SCENARIOS).join(', ')})`);
  const waitingSizes = (values.waiting ?? '1000,10000').split(',').map(Number);
  if (waitingSizes.some((n) => !Number.isInteger(n) || n < 1 || n > 15_000)) throw new Error('--waiting sizes must be 1..15000');
  const timeoutS = values.timeout !== undefined ? Number(values.timeout) : quick ? 300 : 900;
  return {
    runs,
    quick,
    only,
    compare: values.compare ?? null,
    out: values.out ?? null,
    cpuProf: values['cpu-prof'] ?? null,
    readme: values.readme ?? false,
    timeoutS,
    waitingSizes,
    tsx: values.tsx ?? false,
    ablate: values.ablate ?? false,
  };
}

function machine(redisVersion: string): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: CORES,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    redis: redisVersion,
  };
}

async function main(): Promise<number> {
  const opts = options();
  const before = opts.compare ? readResults(opts.compare) : null;
  installCleanupHandlers();
  const hardStop = setTimeout(() => {
    process.stderr.write(`\nbench: over the ${opts.timeoutS} s limit: stopping everything\n`);
    void stopAll(5000).finally(() => process.exit(2));
  }, opts.timeoutS * 1000);
  hardStop.unref();

  const t0 = Date.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let redis: BenchRedis | null = null;
  let admin: Redis | null = null;
  let gatewayKind = '';
  const figures: Figure[] = [];
  const cpu: CpuRow[] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  const details: Record<string, unknown> = {};
  const phases: PhaseWindow[] = [];
  const tables: { title: string; markdown: string }[] = [];
  try {
    redis = await startBenchRedis();
    admin = benchClient(redis.url);
    const m = machine(redis.version);
    log(
      `bench: ${m.cores} cores (${m.cpuModel}), node ${m.node}, redis ${m.redis}; ${opts.runs} run(s) per figure${opts.quick ? ', quick' : ''}\n` +
        `bench: processes: load generator (pid ${process.pid}), redis-server (pid ${redis.pid}), gateway (a fresh one per scenario)`,
    );
    const command = prepareGateway(opts.tsx ? 'tsx' : 'compiled', log);
    gatewayKind = command.kind === 'compiled' ? 'compiled (tsconfig.build.json), as npm start runs it' : 'from source: node --import tsx src/cli.ts';
    log(`bench: gateway: node ${command.args.map((a) => relative(REPO_ROOT, a) || a).join(' ')}`);
    const server = redis;
    const ctx: ScenarioContext = {
      opts,
      redis: server,
      admin,
      startGateway: (label: string, env?: Record<string, string>): Promise<GatewayProcess> =>
        startGateway({ redisUrl: server.url, command, label, ...(env ? { env } : {}), ...(opts.cpuProf ? { cpuProfDir: opts.cpuProf } : {}) }),
      scratchDir: join(RESULTS_DIR, '.scratch'),
      cpuMeter: (gateway, phase, redis) => {
        const read = cpuMeter({ gatewayCpuMs: gateway.cpuMs, redisCpuMs: redis ?? (() => redisCpuMs(server)) });
        const startUs = monotonicUs();
        return () => {
          phases.push({ profile: `${gateway.label}.cpuprofile`, phase, startUs, endUs: monotonicUs() });
          return read();
        };
      },
      log: (line) => log(`  ${line}`),
    };
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      if (opts.only && !opts.only.has(name)) continue;
      if (name === 'ablate' && !opts.ablate && !opts.only?.has(name)) continue;
      const s0 = Date.now();
      log(`bench: ${name}...`);
      try {
        const r = await scenario(ctx);
        figures.push(...r.figures);
        cpu.push(...r.cpu);
        notes.push(...r.notes);
        if (r.details !== undefined) details[name] = r.details;
        failures.push(...(r.failures ?? []));
        tables.push(...(r.tables ?? []));
      } catch (err) {
        const msg = `${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
        failures.push(msg);
        log(`bench: ${msg}`);
      }
      log(`bench: ${name} took ${((Date.now() - s0) / 1000).toFixed(0)} s`);
    }

    const results: Results = {
      schema: 1,
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - t0) / 1000),
      machine: m,
      options: { runs: opts.runs, quick: opts.quick, only: opts.only ? [...opts.only] : null, waitingSizes: opts.waitingSizes, gateway: gatewayKind },
      summary: summarize(figures),
      figures,
      cpu,
      notes: [
        `payload: ${PAYLOAD_PAIRS.length / 2} fields, ${PAYLOAD_BYTES} bytes of names and values`,
        `medians of ${opts.runs} run(s); "vs direct / twin": gateway ÷ direct (or ÷ the twin) for throughput and CPU µs, gateway − direct (or − the twin) for latency, per run then the median, with the min–max of the runs in brackets`,
        ...notes,
      ],
      failures,
      details,
      tables,
    };
    report(results, before, opts);
    return failures.length > 0 ? 1 : 0;
  } finally {
    clearTimeout(hardStop);
    admin?.disconnect();
    await stopAll();
    // After the gateways exited: their profiles are written by then.
    if (opts.cpuProf) {
      writeFileSync(join(opts.cpuProf, 'phases.json'), `${JSON.stringify(phases, null, 2)}\n`);
      log(`bench: CPU profiles and phases.json in ${opts.cpuProf}: npx tsx bench/profile-summary.ts ${opts.cpuProf}`);
    }
  }
}

function report(results: Results, before: Results | null, opts: BenchOptions): void {
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const m = results.machine;
  out();
  out(`Streamgate benchmark, ${results.date.slice(0, 16).replace('T', ' ')} UTC, ${results.durationS} s`);
  out(`${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, ${m.os}, node ${m.node}, redis ${m.redis}`);
  out(`gateway: ${results.options.gateway}; medians of ${results.options.runs} run(s)${results.options.quick ? ' (quick)' : ''}`);
  out();
  out(renderTable(results.figures));
  out();
  for (const t of results.tables ?? []) {
    out(t.title);
    out();
    out(t.markdown);
    out();
  }
  out(
    `CPU split (the load generator, the gateway and redis-server share ${m.cores} cores; % of one core over each measured phase, medians):`,
  );
  out();
  out(renderCpu(results.cpu));
  out();
  for (const n of results.notes) out(`- ${n}`);
  const s = results.summary;
  out();
  out(`targets: ${s.passed} met, ${s.failed} missed${s.unmeasured ? `, ${s.unmeasured} not measured` : ''}`);
  for (const f of results.failures) out(`FAILED: ${f.split('\n')[0]}`);
  if (before) {
    out();
    out(`Change against ${opts.compare}:`);
    out();
    out(renderCompare(before, results));
  }

  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamped = join(RESULTS_DIR, `${results.date.replace(/[:.]/g, '-')}${opts.quick ? '-quick' : ''}.json`);
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(stamped, json);
  const complete = !opts.quick && opts.only === null && results.failures.length === 0;
  const target = opts.out ?? (complete ? LATEST : null);
  if (target) writeFileSync(target, json);
  out();
  out(`results: ${relative(process.cwd(), stamped)}${target ? ` and ${relative(process.cwd(), target)}` : ' (latest.json is written by full runs of every scenario only)'}`);
  if (opts.readme) {
    writeReadme(results);
    out('README.md: Performance table updated');
  }
}

function writeReadme(results: Results): void {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} ... ${README_END} section`);
  const m = results.machine;
  const block = [
    README_START,
    `Latest run: ${results.date.slice(0, 10)}, ${m.cores} cores (${m.cpuModel}), node ${m.node}, redis ${m.redis}, medians of ${results.options.runs} runs (\`bench/results/latest.json\`):`,
    '',
    renderTable(results.figures),
    README_END,
  ].join('\n');
  writeFileSync(README, text.slice(0, start) + block + text.slice(end + README_END.length));
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await stopAll();
  process.exitCode = 1;
}
// Whatever handle a client library left open, the benchmark is over.
setTimeout(() => process.exit(), 200).unref();
