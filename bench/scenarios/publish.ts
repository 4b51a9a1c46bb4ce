// Batch publish, 100 messages per request: direct pipelined XADD vs REST batch publish vs
// gRPC Publish, each with the same number of batches in flight. gRPC is driven twice in
// each run: by a grpc-js client in the benchmark's process, and by h2load (C) sending the
// same pre-encoded request on one connection, as the unary figure is. The target is judged
// on the C sender: the grpc-js client spends a third of a core on the shared machine and
// half of each request's latency (docs/decisions.md, "Per-message cost").
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishRequest } from '../../src/grpc/generated/streamgate/v1/PublishRequest.js';
import type { PublishResponse__Output } from '../../src/grpc/generated/streamgate/v1/PublishResponse.js';
import { PAYLOAD, PAYLOAD_BUFFERS, PAYLOAD_PAIRS, paths, postJson, unaryEncoded } from '../lib/clients.js';
import { encodePublishRequest, grpcFrame, h2load, tools } from '../lib/cload.js';
import { type CpuRow, type ScenarioContext, type ScenarioResult, makeFigure } from '../lib/figures.js';
import { type CpuSplit, medianSplit } from '../lib/stats.js';
import { publishClients, publishRuns } from '../lib/publishing.js';
import { fmtInt as fmt } from '../lib/stats.js';

const BATCH = 100;
/** Batches in flight at once, for all three. */
const IN_FLIGHT = 8;

export async function publishScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { gateway, direct, pool, grpc, close } = await publishClients(ctx, 'publish', IN_FLIGHT);
  const runSeconds = ctx.opts.quick ? 1 : 3;
  const restBody = JSON.stringify({ messages: Array.from({ length: BATCH }, () => ({ fields: PAYLOAD })) });
  const batchRequest = (stream: string) => {
    const req: PublishRequest = { stream, messages: Array.from({ length: BATCH }, () => ({ fields: PAYLOAD_BUFFERS })) };
    return encodePublishRequest(req);
  };
  // gRPC from h2load: one connection, IN_FLIGHT streams, the same request as the grpc-js client's.
  const cRates: number[] = [];
  const cUs: number[] = [];
  const cSplits: CpuSplit[] = [];
  const cPhase = 'publish batch: gRPC (h2load)';
  const viaC = async (stream: string, seconds: number): Promise<{ rate: number; messages: number; split: CpuSplit } | null> => {
    if (!tools.h2load) return null;
    const bodyFile = join(ctx.scratchDir, `publish-batch-${stream.replace(/[^a-z0-9]/gi, '_')}.grpc`);
    writeFileSync(bodyFile, grpcFrame(batchRequest(stream)));
    await ctx.admin.del(stream);
    const meter = ctx.cpuMeter(gateway, cPhase);
    const r = await h2load({ url: `http://${gateway.grpcAddress}/streamgate.v1.StreamGateway/Publish`, bodyFile, connections: 1, streams: IN_FLIGHT, seconds });
    const split = meter();
    // gRPC answers 200 even for a failed call: the stream's length tells. Requests still in
    // flight when h2load stops are written but not counted by it (at most IN_FLIGHT).
    const len = await ctx.admin.xlen(stream);
    await ctx.admin.del(stream);
    const done = len / BATCH;
    if (r.errors > 0 || !Number.isInteger(done) || done < r.ok || done > r.ok + IN_FLIGHT) {
      throw new Error(`gRPC (h2load): ${r.errors} errors, ${len} entries for ${r.ok} answered requests`);
    }
    return { rate: (r.ok * BATCH) / r.seconds, messages: len, split };
  };
  // Each side publishes for the same time; the rate is what it got done.
  const r = await publishRuns(ctx, gateway, {
    prefix: 'publish',
    phase: 'publish batch',
    inFlight: IN_FLIGHT,
    perRequest: BATCH,
    sender: {
      direct: (stream) => async () => {
        const p = direct.pipeline();
        for (let i = 0; i < BATCH; i++) p.xadd(stream, '*', ...PAYLOAD_PAIRS);
        const res = await p.exec();
        if (!res || res.length !== BATCH || res.some(([err]) => err)) throw new Error('direct XADD pipeline failed');
      },
      rest: (stream) => {
        const path = paths.publish(stream);
        return async () => {
          const res = await postJson<{ ids: string[] }>(pool, path, restBody);
          if (res.status !== 201 || res.body.ids.length !== BATCH) throw new Error(`REST publish: ${res.status} ${JSON.stringify(res.body)}`);
        };
      },
      grpc: (stream) => {
        // Encoded once, as the REST body is serialized once: the load generator's own
        // protobuf encoding is not counted against the gateway on the shared cores.
        const bytes = batchRequest(stream);
        return async () => {
          const res = await unaryEncoded<PublishResponse__Output>(grpc, 'Publish', bytes);
          if (res.ids.length !== BATCH) throw new Error(`gRPC Publish answered ${res.ids.length} ids`);
        };
      },
    },
    afterRun: async (run, { rates }) => {
      if (run === 0) await viaC('bench:publish:warm:h2load', 1);
      const c = await viaC(`bench:publish:h2load:${run}`, runSeconds);
      if (c) {
        cRates.push(c.rate);
        cSplits.push(c.split);
        cUs.push((c.split.gateway * c.split.wallMs * 10) / c.messages);
      }
      ctx.log(`publish run ${run + 1}: direct ${fmt(rates.direct.at(-1))}, REST ${fmt(rates.rest.at(-1))}, gRPC ${fmt(rates.grpc.at(-1))}${c ? `, gRPC from h2load ${fmt(c.rate)}` : ''} msgs/s`);
    },
  }).finally(close);
  const cpu: CpuRow[] = [...r.cpu(), ...(cSplits.length > 0 ? [{ phase: cPhase, split: medianSplit(cSplits) }] : [])];
  return {
    figures: [
      makeFigure(
        { id: 'publish.batch', scenario: 'publish', label: `batch publish (${BATCH}/request, ${IN_FLIGHT} in flight)`, unit: 'msgs/s', kind: 'throughput' },
        r.rates,
        [{ side: 'rest', kind: 'ratio', min: 0.9 }],
      ),
      makeFigure(
        { id: 'publish.batch.cpu', scenario: 'publish', label: '  gateway CPU per message', unit: 'µs/msg', kind: 'cost' },
        r.gatewayUs,
      ),
      makeFigure(
        {
          id: 'publish.batch.c',
          scenario: 'publish',
          label: `  gRPC from h2load (C), 1 connection × ${IN_FLIGHT} streams${tools.h2load ? '' : ': h2load not installed, n/a'}`,
          unit: 'msgs/s',
          kind: 'throughput',
        },
        { direct: r.rates.direct, grpc: cRates },
        [{ side: 'grpc', kind: 'ratio', min: 0.8 }],
      ),
      makeFigure({ id: 'publish.batch.c.cpu', scenario: 'publish', label: '    gateway CPU per message (h2load)', unit: 'µs/msg', kind: 'cost' }, { grpc: cUs }),
    ],
    cpu,
    notes: [
      `publish batch: each side publishes for ${r.durationS} s per run; direct = ioredis pipeline of ${BATCH} XADD per batch; REST = undici pool of ${IN_FLIGHT} keep-alive connections; gRPC = one grpc-js channel, then h2load (one connection, ${IN_FLIGHT} streams, the same encoded request) after the three in each run`,
    ],
  };
}
