// What the two publish scenarios share: the clients of the three sides, and the timed runs
// (warm-up, then every side publishing for the same time per run, in rotated order).
import type { Redis } from 'ioredis';
import type { Pool } from 'undici';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { closeGrpc, grpcClient, httpPool } from './clients.js';
import type { CpuRow, ScenarioContext, Side } from './figures.js';
import type { GatewayProcess } from './gateway.js';
import { benchClient } from './redis.js';
import { type CpuSplit, medianSplit, rotate, sideName, workers } from './stats.js';

export interface PublishClients {
  readonly gateway: GatewayProcess;
  /** ioredis as it comes (no auto-pipelining). */
  readonly direct: Redis;
  /** `inFlight` keep-alive connections. */
  readonly pool: Pool;
  /** One channel. */
  readonly grpc: StreamGatewayClient;
  close(): Promise<void>;
}

/** A fresh gateway and a client of each side, `inFlight` requests wide. */
export async function publishClients(ctx: ScenarioContext, label: string, inFlight: number): Promise<PublishClients> {
  const gateway = await ctx.startGateway(label);
  const direct = benchClient(ctx.redis.url);
  const pool = httpPool(gateway.httpUrl, inFlight);
  const grpc = grpcClient(gateway.grpcAddress);
  return {
    gateway,
    direct,
    pool,
    grpc,
    async close() {
      closeGrpc(grpc);
      await pool.close();
      direct.disconnect();
      await gateway.stop();
    },
  };
}

export interface PublishRunsOptions {
  /** Streams are named `bench:<prefix>:<side>:<run>`. */
  readonly prefix: string;
  /** CPU phases are named `<phase>: <side>`. */
  readonly phase: string;
  readonly inFlight: number;
  /** Messages each request adds to the stream. */
  readonly perRequest: number;
  /**
   * Per side: given the stream, the function that sends one request to it and checks the
   * answer. Called before the clock starts, so whatever does not change per request is
   * built there, off the measured path.
   */
  readonly sender: Record<Side, (stream: string) => () => Promise<void>>;
  /** Keep the latency of every request. */
  readonly latencies?: boolean;
  /** After each run (all sides), e.g. to log its figures or measure another client in the same run. */
  readonly afterRun?: (run: number, results: PublishRuns) => void | Promise<void>;
}

export interface PublishRuns {
  /** Seconds each side publishes per run. */
  readonly durationS: number;
  /** Messages per second, one entry per run. */
  readonly rates: Record<Side, number[]>;
  /** Per run, each request's latency in ms (empty without `latencies`). */
  readonly latencies: Record<Side, number[][]>;
  /** Gateway CPU µs per message, one entry per run (REST and gRPC; direct does not use the gateway). */
  readonly gatewayUs: Record<'rest' | 'grpc', number[]>;
  /** The median CPU split of each side's phase. */
  cpu(): CpuRow[];
}

export async function publishRuns(ctx: ScenarioContext, gateway: GatewayProcess, o: PublishRunsOptions): Promise<PublishRuns> {
  const durationMs = ctx.opts.quick ? 1000 : 3000;
  const warmMs = ctx.opts.quick ? 300 : 1000;
  const sides: Side[] = ['direct', 'rest', 'grpc'];
  const splits: Record<Side, CpuSplit[]> = { direct: [], rest: [], grpc: [] };
  const phase = (side: Side) => `${o.phase}: ${sideName(side)}`;
  const results: PublishRuns = {
    durationS: durationMs / 1000,
    rates: { direct: [], rest: [], grpc: [] },
    latencies: { direct: [], rest: [], grpc: [] },
    gatewayUs: { rest: [], grpc: [] },
    cpu: () => sides.map((side) => ({ phase: phase(side), split: medianSplit(splits[side]) })),
  };

  /** Sends requests `inFlight` at a time until `until` (performance.now()) passed; returns how many were sent. */
  const drive = async (send: () => Promise<void>, until: number, latencies?: number[]) => {
    let sent = 0;
    await workers(o.inFlight, async () => {
      if (performance.now() >= until) return false;
      sent++;
      const t0 = performance.now();
      await send();
      latencies?.push(performance.now() - t0);
      return true;
    });
    return sent;
  };

  // Warm-up (JIT, connections), not measured.
  for (const side of sides) {
    const stream = `bench:${o.prefix}:warm:${side}`;
    await drive(o.sender[side](stream), performance.now() + warmMs);
    await ctx.admin.del(stream);
  }
  for (let run = 0; run < ctx.opts.runs; run++) {
    // Rotate the order, so no side always runs first (or last) in a run.
    for (const side of rotate(sides, run)) {
      const stream = `bench:${o.prefix}:${side}:${run}`;
      await ctx.admin.del(stream);
      const send = o.sender[side](stream);
      const latencies: number[] = [];
      const meter = ctx.cpuMeter(gateway, phase(side));
      const t0 = performance.now();
      const requests = await drive(send, t0 + durationMs, o.latencies ? latencies : undefined);
      const seconds = (performance.now() - t0) / 1000;
      const split = meter();
      splits[side].push(split);
      const messages = requests * o.perRequest;
      if (side !== 'direct') results.gatewayUs[side].push((split.gateway * split.wallMs * 10) / messages);
      const len = await ctx.admin.xlen(stream);
      if (len !== messages) throw new Error(`${side}: stream has ${len} entries, expected ${messages}`);
      await ctx.admin.del(stream);
      results.rates[side].push(messages / seconds);
      results.latencies[side].push(latencies);
    }
    await o.afterRun?.(run, results);
  }
  return results;
}
