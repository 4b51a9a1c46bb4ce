// The gateway against its twins, in interleaved rounds of the same run:
// - REST single publish under wrk (C, 64 connections; Node if wrk is absent): the gateway,
//   the naive fastify + ioredis twin, webdis (n/a when not installed);
// - gRPC unary under h2load (C, pre-encoded request): the gateway's Publish and the grpc-js
//   echo twin (n/a when h2load is not installed);
// - open loop at half the naive twin's rate of that round: p50/p99 of the gateway and of the
//   naive twin, from each request's due time.
// Beside every rate, the CPU the serving process used per request (µs, /proc/<pid>/stat).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PAYLOAD, PAYLOAD_BUFFERS, PAYLOAD_PAIRS, paths } from '../lib/clients.js';
import { type LoadResult, type WrkRequest, encodePublishRequest, fixedRateH1, grpcFrame, h2load, tools, wrk } from '../lib/cload.js';
import { type AnySide, type CpuRow, type Measured, type ScenarioContext, type ScenarioResult, makeFigure } from '../lib/figures.js';
import { closedLoop, openLoop } from '../lib/httpload.js';
import { ECHO_UNARY_PATH, type ServiceProcess, echoStream, startBareTwin, startEchoTwin, startH2EchoTwin, startNaiveTwin, startWebdis } from '../lib/services.js';
import { type CpuSplit, fmtInt, fmtMs, median, medianSplit, rotate } from '../lib/stats.js';

const fmtUs = (xs: number[] | undefined) => (xs && xs.length > 0 ? median(xs).toFixed(1) : 'n/a');

const CONNECTIONS = 64;
const H2_STREAMS = 64;
/** Messages per response of the echo twin's server stream (as StreamingPull batches a filled stream). */
const STREAM_BATCH = 100;

type RestSide = 'rest' | 'naive' | 'bare' | 'webdis';
type UnarySide = 'grpc' | 'echo' | 'h2echo';

/** webdis takes the command as the POST body, arguments split by `/` (`.` and `/` in them escaped). */
const webdisArg = (s: string) => encodeURIComponent(s).replace(/\./g, '%2E');
const restLabel = tools.wrk ? `wrk, ${CONNECTIONS} connections` : `Node, ${CONNECTIONS} in flight`;

export async function twinsScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const seconds = ctx.opts.quick ? 1 : 2;
  const dir = ctx.scratchDir;
  mkdirSync(dir, { recursive: true });
  const notes: string[] = [];
  const gateway = await ctx.startGateway('twins');
  const started: ServiceProcess[] = [];
  const rates: Partial<Record<AnySide, number[]>> = {};
  const cpuUs: Partial<Record<AnySide, number[]>> = {};
  const open: { p50: Partial<Record<AnySide, number[]>>; p99: Partial<Record<AnySide, number[]>>; rate: number[]; lag: number[] } = { p50: {}, p99: {}, rate: [], lag: [] };
  /** The same fixed rate from h2load (a C sender: latency from send time). */
  const openC: { p50: Partial<Record<AnySide, number[]>>; p99: Partial<Record<AnySide, number[]>>; slipped: string[] } = { p50: {}, p99: {}, slipped: [] };
  const splits = new Map<string, CpuSplit[]>();
  const streamRate: Partial<Record<AnySide, number[]>> = {};
  const streamUs: Partial<Record<AnySide, number[]>> = {};
  const push = <T>(m: Partial<Record<AnySide, T[]>>, side: AnySide, v: T) => (m[side] ??= []).push(v);
  try {
    const naive = await startNaiveTwin(ctx.redis.url);
    started.push(naive);
    const bare = await startBareTwin(ctx.redis.url);
    started.push(bare);
    const webdis = await startWebdis(ctx.redis.port, dir);
    if (webdis) started.push(webdis);
    const echo = await startEchoTwin();
    started.push(echo);
    const h2echo = await startH2EchoTwin();
    started.push(h2echo);
    ctx.log(
      `twins: naive pid ${naive.pid}, bare pid ${bare.pid}, webdis ${webdis ? `pid ${webdis.pid}` : 'not installed (apt-get install webdis)'}, echo pid ${echo.pid}; ` +
        `wrk ${tools.wrk ? 'yes' : 'no (Node load instead)'}, h2load ${tools.h2load ? 'yes' : 'no (gRPC unary n/a)'}`,
    );

    const restBody = JSON.stringify({ fields: PAYLOAD });
    const proc: Record<RestSide | UnarySide, Measured | null> = { rest: gateway, grpc: gateway, naive, bare, webdis, echo, h2echo };
    const restRequest = (side: RestSide, stream: string): WrkRequest =>
      side === 'webdis'
        ? { url: `http://127.0.0.1:${webdis?.port}/`, body: ['XADD', stream, '*', ...PAYLOAD_PAIRS].map(webdisArg).join('/'), contentType: 'application/x-www-form-urlencoded' }
        : { url: `${side === 'rest' ? gateway.httpUrl : `http://127.0.0.1:${(side === 'bare' ? bare : naive).port}`}${paths.publish(stream)}`, body: restBody, contentType: 'application/json' };
    const httpLoad = (req: WrkRequest, secs: number): Promise<LoadResult> =>
      tools.wrk ? wrk(dir, req, CONNECTIONS, secs) : closedLoop(req, CONNECTIONS, secs);

    /** Runs `load` against `side` as the measured phase; checks the stream got every message. */
    const measured = async (side: RestSide | UnarySide, phase: string, stream: string, load: () => Promise<LoadResult>, check = true) => {
      const p = proc[side];
      if (!p) return null;
      await ctx.admin.del(stream);
      const meter = ctx.cpuMeter(p, phase);
      const r = await load();
      const split = meter();
      splits.set(phase, [...(splits.get(phase) ?? []), split]);
      if (r.errors > 0) throw new Error(`${phase}: ${r.errors} failed requests\n${r.raw.slice(0, 600)}`);
      let done = r.ok;
      if (check) {
        const len = await ctx.admin.xlen(stream);
        // webdis answers some requests 200 without writing (its own errors travel in the
        // body): it is credited with the entries written, not failed. Ours must write all.
        if (len < r.ok && side === 'webdis') {
          notes.push(`${phase}: ${r.ok} requests answered 2xx, ${len} entries written; webdis is credited with the entries`);
          done = len;
        } else if (len < r.ok) throw new Error(`${phase}: ${r.ok} requests answered but the stream has ${len} entries`);
      }
      await ctx.admin.del(stream);
      return { rate: (r.rate * done) / r.ok, us: (split.gateway * split.wallMs * 10) / done };
    };

    const unaryFile = (stream: string) => {
      const file = join(dir, `publish-${stream.replace(/\W/g, '_')}.bin`);
      writeFileSync(file, grpcFrame(encodePublishRequest({ stream, messages: [{ fields: PAYLOAD_BUFFERS }] })));
      return file;
    };
    const unaryUrl = (side: UnarySide) =>
      side === 'grpc'
        ? `http://${gateway.grpcAddress}/streamgate.v1.StreamGateway/Publish`
        : `http://127.0.0.1:${(side === 'echo' ? echo : h2echo).port}${ECHO_UNARY_PATH}`;

    // Warm-up (JIT, connections), not measured.
    for (const side of ['rest', 'naive', 'bare', 'webdis'] as const) if (proc[side]) await httpLoad(restRequest(side, 'bench:twins:warm'), 1);
    if (tools.h2load) for (const side of ['grpc', 'echo', 'h2echo'] as const) await h2load({ url: unaryUrl(side), bodyFile: unaryFile('bench:twins:warm'), connections: 1, streams: H2_STREAMS, seconds: 1 });
    await ctx.admin.del('bench:twins:warm');

    for (let run = 0; run < ctx.opts.runs; run++) {
      const line: string[] = [];
      for (const side of rotate<RestSide>(['rest', 'naive', 'bare', 'webdis'], run)) {
        const stream = `bench:twins:single:${side}:${run}`;
        const r = await measured(side, `single publish (${restLabel}): ${side === 'rest' ? 'gateway REST' : side}`, stream, () => httpLoad(restRequest(side, stream), seconds));
        if (!r) continue;
        push(rates, side, r.rate);
        push(cpuUs, side, r.us);
        line.push(`${side} ${fmtInt(r.rate)} req/s ${r.us.toFixed(1)} µs/req`);
      }
      if (tools.h2load) {
        for (const side of rotate<UnarySide>(['grpc', 'echo', 'h2echo'], run)) {
          const stream = `bench:twins:unary:${side}:${run}`;
          const bodyFile = unaryFile(stream);
          const r = await measured(side, `gRPC unary (h2load): ${side === 'grpc' ? 'gateway Publish' : side === 'echo' ? 'echo twin' : 'http2 twin'}`, stream, () => h2load({ url: unaryUrl(side), bodyFile, connections: 1, streams: H2_STREAMS, seconds }), side === 'grpc');
          if (!r) continue;
          push(rates, side, r.rate);
          push(cpuUs, side, r.us);
          line.push(`${side === 'grpc' ? 'Publish' : side} ${fmtInt(r.rate)} req/s ${r.us.toFixed(1)} µs/req`);
        }
      }
      // The grpc-js server-streaming ceiling: the echo twin streams the payload, no Redis.
      {
        const count = ctx.opts.quick ? 20_000 : 60_000;
        const meter = ctx.cpuMeter(echo, 'server streaming: echo twin');
        const t0 = performance.now();
        const got = await echoStream(echo.port, count, STREAM_BATCH);
        const secs = (performance.now() - t0) / 1000;
        const split = meter();
        splits.set('server streaming: echo twin', [...(splits.get('server streaming: echo twin') ?? []), split]);
        if (got !== count) throw new Error(`echo stream: ${got} of ${count} messages`);
        push(streamRate, 'echo', got / secs);
        push(streamUs, 'echo', (split.gateway * split.wallMs * 10) / got);
        line.push(`echo stream ${fmtInt(got / secs)} msgs/s`);
      }
      // Open loop at half of this round's naive maximum.
      const rate = Math.round((rates.naive?.at(-1) ?? Number.NaN) / 2);
      if (Number.isFinite(rate) && rate > 0) {
        open.rate.push(rate);
        for (const side of rotate<'rest' | 'naive'>(['rest', 'naive'], run)) {
          const stream = `bench:twins:open:${side}:${run}`;
          await ctx.admin.del(stream);
          const r = await openLoop(restRequest(side, stream), rate, seconds);
          await ctx.admin.del(stream);
          if (r.errors > 0) throw new Error(`open loop ${side}: ${r.errors} failed requests of ${r.sent}`);
          push(open.p50, side, r.p50);
          push(open.p99, side, r.p99);
          open.lag.push(r.sendLagP99);
          line.push(`open loop ${fmtInt(rate)}/s ${side} p50 ${fmtMs(r.p50)} p99 ${fmtMs(r.p99)} ms`);
        }
        if (tools.h2load) {
          for (const side of rotate<'rest' | 'naive'>(['rest', 'naive'], run)) {
            const stream = `bench:twins:openc:${side}:${run}`;
            await ctx.admin.del(stream);
            const req = restRequest(side, stream);
            const r = await fixedRateH1(dir, req.url, req.body, req.contentType, rate, seconds);
            await ctx.admin.del(stream);
            if (r.errors > 0) throw new Error(`fixed rate (h2load) ${side}: ${r.errors} failed requests of ${r.sent}`);
            push(openC.p50, side, r.p50);
            push(openC.p99, side, r.p99);
            if (r.sent < 0.95 * r.expected) openC.slipped.push(`run ${run + 1} ${side}: ${r.sent} of ${r.expected} sent`);
            line.push(`h2load ${fmtInt(rate)}/s ${side} p50 ${fmtMs(r.p50)} p99 ${fmtMs(r.p99)} ms (${r.sent}/${r.expected} sent)`);
          }
        }
      }
      ctx.log(`twins run ${run + 1}: ${line.join(', ')}`);
    }
  } finally {
    for (const p of started.reverse()) await p.stop();
    await gateway.stop();
  }

  const base = { scenario: 'twins' } as const;
  const pick = (m: Partial<Record<AnySide, number[]>>, ...sides: AnySide[]) =>
    Object.fromEntries(sides.filter((s) => m[s]).map((s) => [s, m[s]])) as Partial<Record<AnySide, number[]>>;
  const h2 = tools.h2load ? 'h2load, 1 connection × 64 streams' : 'h2load not installed: n/a';
  const cSender = Boolean(tools.h2load) && openC.p99.rest !== undefined;
  const figures = [
    makeFigure({ ...base, id: 'twins.single.naive', label: `single publish (${restLabel}) vs naive twin`, unit: 'req/s', kind: 'throughput', baseline: 'naive' }, pick(rates, 'naive', 'rest'), [
      { side: 'rest', kind: 'ratio', min: 1.0 },
    ]),
    makeFigure({ ...base, id: 'twins.single.naive.cpu', label: '  CPU per request, gateway vs naive twin', unit: 'µs/req', kind: 'cost', baseline: 'naive' }, pick(cpuUs, 'naive', 'rest'), [
      { side: 'rest', kind: 'ratioMax', max: 1.1 },
    ]),
    makeFigure({ ...base, id: 'twins.single.webdis', label: `single publish (${restLabel}) vs webdis`, unit: 'req/s', kind: 'throughput', baseline: 'webdis' }, pick(rates, 'webdis', 'rest'), [
      { side: 'rest', kind: 'ratio', min: 0.7 },
    ]),
    makeFigure({ ...base, id: 'twins.single.webdis.cpu', label: '  CPU per request, gateway vs webdis', unit: 'µs/req', kind: 'cost', baseline: 'webdis' }, pick(cpuUs, 'webdis', 'rest')),
    makeFigure({ ...base, id: 'twins.single.bare', label: `single publish (${restLabel}) vs bare node:http twin`, unit: 'req/s', kind: 'throughput', baseline: 'bare' }, pick(rates, 'bare', 'rest')),
    makeFigure({ ...base, id: 'twins.single.bare.cpu', label: '  CPU per request, gateway vs bare twin', unit: 'µs/req', kind: 'cost', baseline: 'bare' }, pick(cpuUs, 'bare', 'rest')),
    makeFigure({ ...base, id: 'twins.unary', label: `gRPC unary Publish (${h2}) vs echo twin`, unit: 'req/s', kind: 'throughput', baseline: 'echo' }, pick(rates, 'echo', 'grpc'), [
      { side: 'grpc', kind: 'ratio', min: 0.7 },
    ]),
    makeFigure({ ...base, id: 'twins.unary.cpu', label: '  CPU per request, gateway vs echo twin', unit: 'µs/req', kind: 'cost', baseline: 'echo' }, pick(cpuUs, 'echo', 'grpc')),
    makeFigure({ ...base, id: 'twins.unary.h2', label: `gRPC unary Publish (${h2}) vs bare http2 twin`, unit: 'req/s', kind: 'throughput', baseline: 'h2echo' }, pick(rates, 'h2echo', 'grpc')),
    makeFigure({ ...base, id: 'twins.unary.h2.cpu', label: '  CPU per request, gateway vs http2 twin', unit: 'µs/req', kind: 'cost', baseline: 'h2echo' }, pick(cpuUs, 'h2echo', 'grpc')),
    makeFigure(
      { ...base, id: 'twins.stream.echo', label: `server streaming, ${STREAM_BATCH}/message: grpc-js ceiling (vs StreamingPull in consume)`, unit: 'msgs/s', kind: 'throughput', baseline: 'echo' },
      streamRate,
    ),
    makeFigure({ ...base, id: 'twins.stream.echo.cpu', label: '  echo twin CPU per message', unit: 'µs/msg', kind: 'cost', baseline: 'echo' }, streamUs),
    makeFigure({ ...base, id: 'twins.open.p50', label: `open loop at ½ the naive twin's max: p50`, unit: 'ms', kind: 'latency', baseline: 'naive' }, pick(open.p50, 'naive', 'rest')),
    // The p99 target is judged on the C sender's figures when h2load is installed: the Node
    // sender shares the cores, and its own lateness (in the notes) is larger than the 1 ms
    // being measured.
    makeFigure(
      { ...base, id: 'twins.open.p99', label: '  p99', unit: 'ms', kind: 'latency', baseline: 'naive' },
      pick(open.p99, 'naive', 'rest'),
      cSender ? [] : [{ side: 'rest', kind: 'added', max: 1 }],
    ),
    makeFigure({ ...base, id: 'twins.fixed.p50', label: '  same rate from h2load --h1 --rps (C): p50', unit: 'ms', kind: 'latency', baseline: 'naive' }, pick(openC.p50, 'naive', 'rest')),
    makeFigure(
      { ...base, id: 'twins.fixed.p99', label: '  same rate from h2load: p99', unit: 'ms', kind: 'latency', baseline: 'naive' },
      pick(openC.p99, 'naive', 'rest'),
      cSender ? [{ side: 'rest', kind: 'added', max: 1 }] : [],
    ),
  ];
  const cpu: CpuRow[] = [...splits.entries()].map(([phase, s]) => ({ phase, split: medianSplit(s) }));
  // How close Node's own HTTP stack comes to webdis: the ceiling of any Node gateway.
  const bareVsWebdis = (rates.bare ?? []).map((b, i) => b / (rates.webdis?.[i] ?? Number.NaN)).filter(Number.isFinite);
  // What grpc-js adds to a unary call over Node's HTTP/2 stack alone.
  const echoVsH2 = (rates.echo ?? []).map((e, i) => e / (rates.h2echo?.[i] ?? Number.NaN)).filter(Number.isFinite);
  if (echoVsH2.length > 0) {
    notes.push(
      `grpc-js echo twin ÷ bare http2 twin (node:http2 answering the same call, no grpc-js), req/s: ${median(echoVsH2).toFixed(2)}× (${Math.min(...echoVsH2).toFixed(2)}–${Math.max(...echoVsH2).toFixed(2)}); ` +
        `CPU per call ${fmtUs(cpuUs.echo)} vs ${fmtUs(cpuUs.h2echo)} µs: what grpc-js itself costs per unary call`,
    );
  }
  if (bareVsWebdis.length > 0) {
    notes.push(
      `bare twin (node:http + ioredis, no framework) ÷ webdis, req/s: ${median(bareVsWebdis).toFixed(2)}× (${Math.min(...bareVsWebdis).toFixed(2)}–${Math.max(...bareVsWebdis).toFixed(2)}); ` +
        `CPU per request ${fmtUs(cpuUs.bare)} vs ${fmtUs(cpuUs.webdis)} µs: what Node's HTTP stack and ioredis cost before any framework`,
    );
  }
  notes.push(
    `twins: each side ${seconds} s per run, interleaved (order rotated per run); naive twin = fastify + ioredis, one XADD per request, no validation (bench/twins/naive.ts); ` +
      `webdis = Debian's webdis, 1 thread, POST of the XADD command; echo twin = grpc-js server answering a Publish-shaped request without Redis (bench/twins/echo.ts); ` +
      `CPU per request = the serving process's utime+stime over the phase ÷ requests answered`,
    `open loop: ${open.rate.map(fmtInt).join(', ')} req/s (½ of each run's naive twin rate), ${seconds} s per side, latency from each request's due time; Node sender's p99 lateness in sending ${open.lag.map(fmtMs).join(', ')} ms (the sender shares the cores: at these rates it is part of both sides' latency)`,
    `same rate from h2load --h1 --rps (64 connections, per-request log): a C sender that costs the cores little, latency from each request's send time, so a late answer delays that connection's next request (coordinated omission): ${openC.slipped.length === 0 ? 'every schedule was kept (≥ 95% of the requests sent)' : `schedule slipped: ${openC.slipped.join('; ')}`}`,
  );
  return { figures, cpu, notes };
}
