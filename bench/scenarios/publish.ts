// Batch publish, 100 messages per request: direct pipelined XADD vs REST batch publish vs
// gRPC Publish, each with the same number of batches in flight.
import type { PublishRequest } from '../../src/grpc/generated/streamgate/v1/PublishRequest.js';
import type { PublishResponse__Output } from '../../src/grpc/generated/streamgate/v1/PublishResponse.js';
import { PAYLOAD, PAYLOAD_BUFFERS, PAYLOAD_PAIRS, paths, postJson, unaryEncoded } from '../lib/clients.js';
import { encodePublishRequest } from '../lib/cload.js';
import { type ScenarioContext, type ScenarioResult, makeFigure } from '../lib/figures.js';
import { publishClients, publishRuns } from '../lib/publishing.js';
import { fmtInt as fmt } from '../lib/stats.js';

const BATCH = 100;
/** Batches in flight at once, for all three. */
const IN_FLIGHT = 8;

export async function publishScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { gateway, direct, pool, grpc, close } = await publishClients(ctx, 'publish', IN_FLIGHT);
  const restBody = JSON.stringify({ messages: Array.from({ length: BATCH }, () => ({ fields: PAYLOAD })) });
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
        const req: PublishRequest = { stream, messages: Array.from({ length: BATCH }, () => ({ fields: PAYLOAD_BUFFERS })) };
        const bytes = encodePublishRequest(req);
        return async () => {
          const res = await unaryEncoded<PublishResponse__Output>(grpc, 'Publish', bytes);
          if (res.ids.length !== BATCH) throw new Error(`gRPC Publish answered ${res.ids.length} ids`);
        };
      },
    },
    afterRun: (run, { rates }) =>
      ctx.log(`publish run ${run + 1}: direct ${fmt(rates.direct.at(-1))}, REST ${fmt(rates.rest.at(-1))}, gRPC ${fmt(rates.grpc.at(-1))} msgs/s`),
  }).finally(close);
  return {
    figures: [
      makeFigure(
        { id: 'publish.batch', scenario: 'publish', label: `batch publish (${BATCH}/request, ${IN_FLIGHT} in flight)`, unit: 'msgs/s', kind: 'throughput' },
        r.rates,
        [
          { side: 'rest', kind: 'ratio', min: 0.9 },
          { side: 'grpc', kind: 'ratio', min: 0.8 },
        ],
      ),
      makeFigure(
        { id: 'publish.batch.cpu', scenario: 'publish', label: '  gateway CPU per message', unit: 'µs/msg', kind: 'cost' },
        r.gatewayUs,
      ),
    ],
    cpu: r.cpu(),
    notes: [`publish batch: each side publishes for ${r.durationS} s per run; direct = ioredis pipeline of ${BATCH} XADD per batch; REST = undici pool of ${IN_FLIGHT} keep-alive connections; gRPC = one channel`],
  };
}
