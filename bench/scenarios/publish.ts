// Batch publish, 100 messages per request: direct pipelined XADD vs REST batch publish vs
// gRPC Publish, each with the same number of batches in flight.
import type { PublishRequest } from '../../src/grpc/generated/streamgate/v1/PublishRequest.js';
import type { PublishResponse__Output } from '../../src/grpc/generated/streamgate/v1/PublishResponse.js';
import { PAYLOAD, PAYLOAD_BUFFERS, PAYLOAD_PAIRS, closeGrpc, grpcClient, httpPool, paths, postJson, unary } from '../lib/clients.js';
import { type CpuRow, type ScenarioContext, type ScenarioResult, type Side, makeFigure } from '../lib/figures.js';
import { benchClient } from '../lib/redis.js';
import { type CpuSplit, fmtInt as fmt, medianSplit, rotate, sideName, workers } from '../lib/stats.js';

const BATCH = 100;
/** Batches in flight at once, for all three. */
const IN_FLIGHT = 8;

export async function publishScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  // Each side publishes for the same time; the rate is what it got done.
  const durationMs = ctx.opts.quick ? 1000 : 3000;
  const warmMs = ctx.opts.quick ? 300 : 1000;
  const gateway = await ctx.startGateway('publish');
  const direct = benchClient(ctx.redis.url);
  const pool = httpPool(gateway.httpUrl, IN_FLIGHT);
  const grpc = grpcClient(gateway.grpcAddress);
  const restBody = JSON.stringify({ messages: Array.from({ length: BATCH }, () => ({ fields: PAYLOAD })) });
  const grpcRequest = (stream: string): PublishRequest => ({
    stream,
    messages: Array.from({ length: BATCH }, () => ({ fields: PAYLOAD_BUFFERS })),
  });

  // Publishes batches until `n` were sent or `until` (performance.now()) passed; returns the batches sent.
  const publishers: Record<Side, (stream: string, n: number, until: number) => Promise<number>> = {
    async direct(stream, n, until) {
      let next = 0;
      await workers(IN_FLIGHT, async () => {
        if (next >= n || performance.now() >= until) return false;
        next++;
        const p = direct.pipeline();
        for (let i = 0; i < BATCH; i++) p.xadd(stream, '*', ...PAYLOAD_PAIRS);
        const res = await p.exec();
        if (!res || res.length !== BATCH || res.some(([err]) => err)) throw new Error('direct XADD pipeline failed');
        return true;
      });
      return next;
    },
    async rest(stream, n, until) {
      let next = 0;
      await workers(IN_FLIGHT, async () => {
        if (next >= n || performance.now() >= until) return false;
        next++;
        const r = await postJson<{ ids: string[] }>(pool, paths.publish(stream), restBody);
        if (r.status !== 201 || r.body.ids.length !== BATCH) throw new Error(`REST publish: ${r.status} ${JSON.stringify(r.body)}`);
        return true;
      });
      return next;
    },
    async grpc(stream, n, until) {
      let next = 0;
      const req = grpcRequest(stream);
      await workers(IN_FLIGHT, async () => {
        if (next >= n || performance.now() >= until) return false;
        next++;
        const r = await unary<PublishRequest, PublishResponse__Output>(grpc, 'Publish', req);
        if (r.ids.length !== BATCH) throw new Error(`gRPC Publish answered ${r.ids.length} ids`);
        return true;
      });
      return next;
    },
  };

  const sides: Side[] = ['direct', 'rest', 'grpc'];
  const rates: Record<Side, number[]> = { direct: [], rest: [], grpc: [] };
  const splits: Record<Side, CpuSplit[]> = { direct: [], rest: [], grpc: [] };
  try {
    // Warm-up (JIT, connections), not measured.
    for (const side of sides) {
      await publishers[side](`bench:publish:warm:${side}`, Number.POSITIVE_INFINITY, performance.now() + warmMs);
      await ctx.admin.del(`bench:publish:warm:${side}`);
    }
    for (let run = 0; run < ctx.opts.runs; run++) {
      // Rotate the order, so no side always runs first (or last) in a run.
      for (const side of rotate(sides, run)) {
        const stream = `bench:publish:${side}:${run}`;
        await ctx.admin.del(stream);
        const meter = ctx.cpuMeter(gateway, `publish batch: ${sideName(side)}`);
        const t0 = performance.now();
        const sent = await publishers[side](stream, Number.POSITIVE_INFINITY, t0 + durationMs);
        const seconds = (performance.now() - t0) / 1000;
        splits[side].push(meter());
        const messages = sent * BATCH;
        const len = await ctx.admin.xlen(stream);
        if (len !== messages) throw new Error(`${side}: stream has ${len} entries, expected ${messages}`);
        await ctx.admin.del(stream);
        rates[side].push(messages / seconds);
      }
      ctx.log(
        `publish run ${run + 1}: direct ${fmt(rates.direct.at(-1))}, REST ${fmt(rates.rest.at(-1))}, gRPC ${fmt(rates.grpc.at(-1))} msgs/s`,
      );
    }
  } finally {
    closeGrpc(grpc);
    await pool.close();
    direct.disconnect();
    await gateway.stop();
  }
  const cpu: CpuRow[] = sides.map((side) => ({ phase: `publish batch: ${sideName(side)}`, split: medianSplit(splits[side]) }));
  return {
    figures: [
      makeFigure(
        { id: 'publish.batch', scenario: 'publish', label: `batch publish (${BATCH}/request, ${IN_FLIGHT} in flight)`, unit: 'msgs/s', kind: 'throughput' },
        rates,
        [
          { side: 'rest', kind: 'ratio', min: 0.8 },
          { side: 'grpc', kind: 'ratio', min: 0.8 },
        ],
      ),
    ],
    cpu,
    notes: [`publish batch: each side publishes for ${durationMs / 1000} s per run; direct = ioredis pipeline of ${BATCH} XADD per batch; REST = undici pool of ${IN_FLIGHT} keep-alive connections; gRPC = one channel`],
  };
}

