// Single-message publish at 64 in flight: direct XADD vs REST vs gRPC Publish, one message
// per request. Throughput (req/s) and the latency of each request (p50/p99), as seen by
// the load generator.
import type { PublishRequest } from '../../src/grpc/generated/streamgate/v1/PublishRequest.js';
import type { PublishResponse__Output } from '../../src/grpc/generated/streamgate/v1/PublishResponse.js';
import { PAYLOAD, PAYLOAD_BUFFERS, PAYLOAD_PAIRS, closeGrpc, grpcClient, httpPool, paths, postJson, unary } from '../lib/clients.js';
import { type ScenarioContext, type ScenarioResult, type Side, makeFigure } from '../lib/figures.js';
import { benchClient } from '../lib/redis.js';
import { type CpuSplit, fmtInt, fmtMs, medianSplit, percentile, rotate, sideName, workers } from '../lib/stats.js';

const IN_FLIGHT = 64;

export async function singlePublishScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  // Each side publishes for the same time; the rate is what it got done.
  const durationMs = ctx.opts.quick ? 1000 : 3000;
  const warmMs = ctx.opts.quick ? 300 : 1000;
  const gateway = await ctx.startGateway('single-publish');
  // ioredis as it comes (no auto-pipelining; 64 commands in flight still share the socket).
  // With auto-pipelining (the gateway's own setting) direct gets ~20% more req/s here but
  // about twice the p99, which would make the gateway's added p99 look smaller than it is.
  const direct = benchClient(ctx.redis.url);
  const pool = httpPool(gateway.httpUrl, IN_FLIGHT);
  const grpc = grpcClient(gateway.grpcAddress);
  const restBody = JSON.stringify({ fields: PAYLOAD });

  const one: Record<Side, (stream: string) => Promise<void>> = {
    async direct(stream) {
      const id = await direct.xadd(stream, '*', ...PAYLOAD_PAIRS);
      if (!id) throw new Error('XADD returned no id');
    },
    async rest(stream) {
      const r = await postJson<{ ids: string[] }>(pool, paths.publish(stream), restBody);
      if (r.status !== 201 || r.body.ids.length !== 1) throw new Error(`REST publish: ${r.status} ${JSON.stringify(r.body)}`);
    },
    async grpc(stream) {
      const r = await unary<PublishRequest, PublishResponse__Output>(grpc, 'Publish', { stream, messages: [{ fields: PAYLOAD_BUFFERS }] });
      if (r.ids.length !== 1) throw new Error(`gRPC Publish answered ${r.ids.length} ids`);
    },
  };
  /** Sends requests until `n` were sent or `until` (performance.now()) passed; returns how many were sent. */
  const drive = async (side: Side, stream: string, n: number, until: number, latencies?: number[]) => {
    let next = 0;
    await workers(IN_FLIGHT, async () => {
      if (next >= n || performance.now() >= until) return false;
      next++;
      const t0 = performance.now();
      await one[side](stream);
      latencies?.push(performance.now() - t0);
      return true;
    });
    return next;
  };

  const sides: Side[] = ['direct', 'rest', 'grpc'];
  const rate: Record<Side, number[]> = { direct: [], rest: [], grpc: [] };
  const p50: Record<Side, number[]> = { direct: [], rest: [], grpc: [] };
  const p99: Record<Side, number[]> = { direct: [], rest: [], grpc: [] };
  const splits: Record<Side, CpuSplit[]> = { direct: [], rest: [], grpc: [] };
  try {
    for (const side of sides) {
      await drive(side, `bench:single:warm:${side}`, Number.POSITIVE_INFINITY, performance.now() + warmMs);
      await ctx.admin.del(`bench:single:warm:${side}`);
    }
    for (let run = 0; run < ctx.opts.runs; run++) {
      for (const side of rotate(sides, run)) {
        const stream = `bench:single:${side}:${run}`;
        await ctx.admin.del(stream);
        const latencies: number[] = [];
        const meter = ctx.cpuMeter(gateway, `single publish: ${sideName(side)}`);
        const t0 = performance.now();
        const requests = await drive(side, stream, Number.POSITIVE_INFINITY, t0 + durationMs, latencies);
        const seconds = (performance.now() - t0) / 1000;
        splits[side].push(meter());
        const len = await ctx.admin.xlen(stream);
        if (len !== requests) throw new Error(`${side}: stream has ${len} entries, expected ${requests}`);
        await ctx.admin.del(stream);
        rate[side].push(requests / seconds);
        p50[side].push(percentile(latencies, 50));
        p99[side].push(percentile(latencies, 99));
      }
      ctx.log(
        `single publish run ${run + 1}: ` +
          sides.map((s) => `${sideName(s)} ${fmtInt(rate[s].at(-1))} req/s p50 ${fmtMs(p50[s].at(-1))} p99 ${fmtMs(p99[s].at(-1))} ms`).join(', '),
      );
    }
  } finally {
    closeGrpc(grpc);
    await pool.close();
    direct.disconnect();
    await gateway.stop();
  }
  const base = { scenario: 'single-publish' } as const;
  return {
    figures: [
      makeFigure({ ...base, id: 'single.rate', label: `single-message publish, ${IN_FLIGHT} in flight`, unit: 'req/s', kind: 'throughput' }, rate, [
        { side: 'rest', kind: 'ratio', min: 0.5 },
      ]),
      makeFigure({ ...base, id: 'single.p50', label: '  latency p50', unit: 'ms', kind: 'latency' }, p50),
      makeFigure({ ...base, id: 'single.p99', label: '  latency p99', unit: 'ms', kind: 'latency' }, p99, [
        { side: 'rest', kind: 'added', max: 2 },
      ]),
    ],
    cpu: sides.map((side) => ({ phase: `single publish: ${sideName(side)}`, split: medianSplit(splits[side]) })),
    notes: [
      `single publish: each side publishes for ${durationMs / 1000} s per run, ${IN_FLIGHT} requests in flight; direct = XADD on one ioredis connection (default options: no auto-pipelining); REST = undici pool of ${IN_FLIGHT} keep-alive connections; gRPC = one channel`,
    ],
  };
}
