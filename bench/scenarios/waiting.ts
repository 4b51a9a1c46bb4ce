// Many clients waiting at once: N HTTP long-polls (each on its own keep-alive connection)
// or N StreamingPull calls (multiplexed over a few HTTP/2 channels), every one with its own
// consumer name in one group, waiting for messages. Measures the Redis connections the
// gateway uses (CLIENT LIST), its RSS, and the wake-up latency of messages published one
// at a time; checks that every message arrives exactly once and that the gateway stays
// healthy when all the waiters go away at once.
//
// Each run starts a fresh gateway, so its RSS is that of this load alone.
import { request } from 'undici';
import { PAYLOAD, paths } from '../lib/clients.js';
import { type CpuRow, type Figure, type GatewaySide, type ScenarioContext, type ScenarioResult, type Target, makeFigure } from '../lib/figures.js';
import type { GatewayProcess } from '../lib/gateway.js';
import { benchClient, countConnections, countConnectionsOfPid } from '../lib/redis.js';
import { type CpuSplit, fmtMs, max, median, medianSplit, percentile, rotate, sleep, until } from '../lib/stats.js';
import { GROUP, Receipts, type Waiters, grpcWaiters, httpWaiters } from '../lib/waiters.js';

/** Waiters started at once, before waiting for them to reach Redis. */
const RAMP_STEP = 500;
const RAMP_TIMEOUT_MS = 90_000;
const PUBLISH_EVERY_MS = 5;
const DELIVERY_TIMEOUT_MS = 15_000;

export interface WaitingRun {
  readonly side: GatewaySide;
  readonly waiters: number;
  readonly run: number;
  /** Waiting pulls the gateway reported (streamgate_waiting_pulls) when the ramp-up ended; -1: no such metric. */
  readonly registered: number;
  readonly rampMs: number;
  /** Gateway's Redis connections once all waited, and the most seen while messages flowed. */
  readonly connectionsSettled: number;
  readonly connectionsByPid: number;
  readonly connectionsMax: number;
  readonly connectionsAfterAbort: number;
  /** Before any waiter. */
  readonly rssAtStartMb: number;
  readonly rssSettledMb: number;
  readonly rssMaxMb: number;
  /** CPU split over 1 s of everybody just waiting. */
  readonly idleCpu: CpuSplit;
  readonly published: number;
  readonly received: number;
  readonly duplicates: number;
  readonly wakeP50Ms: number;
  readonly wakeP99Ms: number;
  readonly wakeMaxMs: number;
  /** REST: pulls that ended with no message (their wait ran out) and were issued again. */
  readonly emptyPulls: number;
  readonly errors: number;
  readonly stopMs: number;
  readonly healthyAfter: boolean;
  readonly gatewayExitedCleanly: boolean;
}

export async function waitingScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const publish = ctx.opts.quick ? 100 : 200;
  const runs: WaitingRun[] = [];
  const failed: string[] = [];
  for (const size of ctx.opts.waitingSizes) {
    for (let run = 0; run < ctx.opts.runs; run++) {
      for (const side of rotate<GatewaySide>(['rest', 'grpc'], run)) {
        let r: WaitingRun;
        try {
          r = await waitingRun(ctx, side, size, run, publish);
        } catch (err) {
          // One failed run (its gateway is stopped) leaves the others standing.
          const msg = `waiting ${size} ${side} run ${run + 1} failed: ${err instanceof Error ? err.message : String(err)}`;
          failed.push(msg);
          ctx.log(msg);
          continue;
        }
        runs.push(r);
        ctx.log(
          `waiting ${size} ${side === 'rest' ? 'HTTP long-poll' : 'StreamingPull'} run ${run + 1}: ` +
            `registered ${r.registered}/${size} in ${(r.rampMs / 1000).toFixed(1)} s, Redis conns ${r.connectionsSettled} (max ${r.connectionsMax}), ` +
            `RSS ${r.rssSettledMb.toFixed(0)} MB (max ${r.rssMaxMb.toFixed(0)}), idle gateway CPU ${r.idleCpu.gateway.toFixed(0)}%, ` +
            `wake p50 ${fmtMs(r.wakeP50Ms)} p99 ${fmtMs(r.wakeP99Ms)} ms, received ${r.received}/${r.published} dup ${r.duplicates}` +
            `${side === 'rest' ? `, empty pulls ${r.emptyPulls}` : ''}, errors ${r.errors}, healthy after ${r.healthyAfter}`,
        );
      }
    }
  }

  const figures: Figure[] = [];
  const cpu: CpuRow[] = [];
  const notes: string[] = [];
  for (const size of ctx.opts.waitingSizes) {
    const runsOf = (side: GatewaySide) => runs.filter((r) => r.side === side && r.waiters === size);
    const both = (pick: (r: WaitingRun) => number) => ({ rest: runsOf('rest').map(pick), grpc: runsOf('grpc').map(pick) });
    const big = size >= 10_000;
    const limit = (max: number): Target[] => (big ? [{ side: 'rest', kind: 'max', max }, { side: 'grpc', kind: 'max', max }] : []);
    const n = size.toLocaleString('en-US');
    const base = { scenario: 'waiting', kind: 'absolute' as const };
    figures.push(
      makeFigure({ ...base, id: `waiting.${size}.redisConnections`, label: `${n} waiting pulls: gateway Redis connections (max)`, unit: 'conns' }, both((r) => r.connectionsMax), limit(4)),
      makeFigure({ ...base, id: `waiting.${size}.rss`, label: `  gateway RSS (max)`, unit: 'MB' }, both((r) => r.rssMaxMb), limit(300)),
      makeFigure({ ...base, id: `waiting.${size}.wakeP50`, label: `  wake-up latency p50`, unit: 'ms' }, both((r) => r.wakeP50Ms)),
      makeFigure({ ...base, id: `waiting.${size}.wakeP99`, label: `  wake-up latency p99`, unit: 'ms' }, both((r) => r.wakeP99Ms)),
      makeFigure({ ...base, id: `waiting.${size}.idleCpu`, label: `  gateway CPU while all wait (% of a core)`, unit: '%' }, both((r) => r.idleCpu.gateway)),
      makeFigure(
        { ...base, id: `waiting.${size}.lostOrDuplicated`, label: `  messages lost + duplicated`, unit: 'msgs' },
        both((r) => r.published - r.received + r.duplicates),
        [{ side: 'rest', kind: 'max', max: 0 }, { side: 'grpc', kind: 'max', max: 0 }],
      ),
    );
    for (const side of ['rest', 'grpc'] as const) {
      const name = side === 'rest' ? 'HTTP long-poll' : 'StreamingPull';
      const mine = runsOf(side);
      cpu.push({ phase: `${n} waiting (${name}), idle`, split: medianSplit(mine.map((r) => r.idleCpu)) });
      const bad = mine.filter((r) => (r.registered >= 0 && r.registered < size) || !r.healthyAfter || r.errors > 0);
      for (const r of bad) {
        notes.push(
          `waiting ${n} ${name} run ${r.run + 1}: registered ${r.registered}/${size}, errors ${r.errors}, healthy after abort: ${r.healthyAfter}`,
        );
      }
      if (side === 'rest') notes.push(`waiting ${n} HTTP long-poll: pulls that ended empty (median per run): ${median(mine.map((r) => r.emptyPulls))}`);
      notes.push(
        `waiting ${n} ${name}: ramp-up (median) ${(median(mine.map((r) => r.rampMs)) / 1000).toFixed(1)} s; ` +
          `gateway RSS before the waiters (median) ${median(mine.map((r) => r.rssAtStartMb)).toFixed(0)} MB; ` +
          `its Redis connections counted by its own sockets in /proc (median) ${median(mine.map((r) => r.connectionsByPid))}; ` +
          `after all waiters left (median) ${median(mine.map((r) => r.connectionsAfterAbort))}; ` +
          `ending all waiters took (median) ${median(mine.map((r) => r.stopMs)).toFixed(0)} ms; ` +
          `gateway exited cleanly after: ${mine.every((r) => r.gatewayExitedCleanly)}`,
      );
    }
  }
  notes.unshift(
    `waiting: ${publish} messages published by direct XADD one at a time every ${PUBLISH_EVERY_MS} ms; wake-up latency = XADD issued → message received by some waiter (both in the bench process); each waiter pulls count 1 / max_outstanding_messages 1, acks what it got and waits again; a fresh gateway per run`,
  );
  return { figures, cpu, notes, details: runs, failures: failed };
}

async function waitingRun(ctx: ScenarioContext, side: GatewaySide, size: number, run: number, publishCount: number): Promise<WaitingRun> {
  const gateway = await ctx.startGateway(`waiting-${side}-${size}-r${run + 1}`);
  const stream = `bench:wait:${side}:${size}:${run}`;
  const publisher = benchClient(ctx.redis.url);
  const receipts = new Receipts();
  let waiters: Waiters | null = null;
  try {
    await ctx.admin.del(stream);
    await ctx.admin.xgroup('CREATE', stream, GROUP, '$', 'MKSTREAM');
    waiters = side === 'rest' ? httpWaiters(gateway, stream, size, receipts) : grpcWaiters(gateway, stream, receipts);

    // Ramp up in steps, each step waiting until the gateway counts its pulls as waiting
    // (gauge streamgate_waiting_pulls in /metrics). Without that gauge: a fixed pause per step.
    const t0 = performance.now();
    let registered = 0;
    for (let k = 0; k < size; k += RAMP_STEP) {
      const upTo = Math.min(size, k + RAMP_STEP);
      for (let i = k; i < upTo; i++) waiters.start(i);
      const left = RAMP_TIMEOUT_MS - (performance.now() - t0);
      await until(async () => (registered = await waitingPulls(gateway)) >= upTo || registered < 0, Math.max(0, left), 50);
      if (registered < 0) {
        await sleep(ctx.opts.quick ? 200 : 500);
      } else if (registered < upTo) {
        // Too slow: start the rest anyway and go on with what got through.
        for (let i = upTo; i < size; i++) waiters.start(i);
        await sleep(1000);
        registered = await waitingPulls(gateway);
        break;
      }
    }
    const rampMs = performance.now() - t0;

    // Everybody waits: settle, then 1 s of measured idleness.
    await sleep(ctx.opts.quick ? 500 : 1000);
    const idle = ctx.cpuMeter(gateway, `${size} waiting (${side === 'rest' ? 'HTTP long-poll' : 'StreamingPull'}), idle`);
    await sleep(1000);
    const idleCpu = idle();
    const connectionsSettled = (await countConnections(ctx.admin)).gateway;
    let connectionsByPid = Number.NaN;
    try {
      connectionsByPid = await countConnectionsOfPid(ctx.admin, gateway.pid, ctx.redis.port);
    } catch {
      // /proc not readable: the CLIENT LIST count stands alone
    }
    const rssSettledMb = gateway.rssMb();

    // Publish one at a time, sampling connections and RSS meanwhile.
    const connSamples: number[] = [connectionsSettled];
    const rssSamples: number[] = [rssSettledMb];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        connSamples.push((await countConnections(ctx.admin)).gateway);
        rssSamples.push(gateway.rssMb());
        await sleep(100);
      }
    })();
    const p0 = performance.now();
    for (let seq = 0; seq < publishCount; seq++) {
      const due = p0 + seq * PUBLISH_EVERY_MS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const t = performance.now();
      // 4 fields: the sequence number, the publish time, and two of the fixed payload's.
      void publisher.xadd(stream, '*', 'seq', String(seq), 't', t.toFixed(3), 'customer', PAYLOAD.customer ?? '', 'note', PAYLOAD.note ?? '');
    }
    await until(() => receipts.latency.size >= publishCount, DELIVERY_TIMEOUT_MS, 20);
    // A little longer, for duplicates to show up.
    await sleep(300);
    sampling = false;
    await sampler;

    const lat = [...receipts.latency.values()];
    const s0 = performance.now();
    await waiters.stop();
    const stopMs = performance.now() - s0;
    const errors = waiters.errors;
    const emptyPulls = waiters.emptyPulls;
    waiters = null;

    const healthyAfter = gateway.alive() && (await healthy(gateway, stream));
    await sleep(1000);
    const connectionsAfterAbort = (await countConnections(ctx.admin)).gateway;
    const gatewayExitedCleanly = await gateway.stop();
    return {
      side,
      waiters: size,
      run,
      registered,
      rampMs,
      connectionsSettled,
      connectionsByPid,
      connectionsMax: max(connSamples),
      connectionsAfterAbort,
      rssAtStartMb: gateway.rssAtStartMb,
      rssSettledMb,
      rssMaxMb: max(rssSamples),
      idleCpu,
      published: publishCount,
      received: receipts.latency.size,
      duplicates: receipts.duplicates + receipts.foreign,
      wakeP50Ms: percentile(lat, 50),
      wakeP99Ms: percentile(lat, 99),
      wakeMaxMs: max(lat),
      emptyPulls,
      errors,
      stopMs,
      healthyAfter,
      gatewayExitedCleanly,
    };
  } finally {
    if (waiters) await waiters.stop().catch(() => undefined);
    publisher.disconnect();
    await gateway.stop();
    await ctx.admin.del(stream).catch(() => undefined);
  }
}

/** The gateway's gauge of waiting pulls (long polls and idle StreamingPull reads); -1 when it has none. */
async function waitingPulls(gateway: GatewayProcess): Promise<number> {
  try {
    const res = await request(`${gateway.httpUrl}/metrics`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await res.body.text();
    const m = /^streamgate_waiting_pulls(?:\{[^}]*\})? (\S+)$/m.exec(text);
    return m ? Number(m[1]) : -1;
  } catch {
    return 0;
  }
}

/** The gateway answers /readyz and a pull (no wait) promptly. */
async function healthy(gateway: GatewayProcess, stream: string): Promise<boolean> {
  try {
    const ready = await request(`${gateway.httpUrl}/readyz`, { headersTimeout: 5000, bodyTimeout: 5000 });
    await ready.body.dump();
    const pull = await request(`${gateway.httpUrl}${paths.pull(stream, GROUP)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ consumer: 'health-check', count: 1 }),
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    await pull.body.dump();
    return ready.statusCode === 200 && pull.statusCode === 200;
  } catch {
    return false;
  }
}

