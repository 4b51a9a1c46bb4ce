// Single-message publish at 64 in flight: direct XADD vs REST vs gRPC Publish, one message
// per request. Throughput (req/s) and the latency of each request (p50/p99), as seen by
// the load generator.
import type { PublishRequest } from '../../src/grpc/generated/streamgate/v1/PublishRequest.js';
import type { PublishResponse__Output } from '../../src/grpc/generated/streamgate/v1/PublishResponse.js';
import { PAYLOAD, PAYLOAD_BUFFERS, PAYLOAD_PAIRS, paths, postJson, unary } from '../lib/clients.js';
import { type ScenarioContext, type ScenarioResult, type Side, makeFigure } from '../lib/figures.js';
import { publishClients, publishRuns } from '../lib/publishing.js';
import { fmtInt, fmtMs, percentile, sideName } from '../lib/stats.js';

const IN_FLIGHT = 64;
const SIDES: readonly Side[] = ['direct', 'rest', 'grpc'];

export async function singlePublishScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  // ioredis as it comes (no auto-pipelining; 64 commands in flight still share the socket).
  // With auto-pipelining (the gateway's own setting) direct gets ~20% more req/s here but
  // about twice the p99, which would make the gateway's added p99 look smaller than it is.
  const { gateway, direct, pool, grpc, close } = await publishClients(ctx, 'single-publish', IN_FLIGHT);
  const restBody = JSON.stringify({ fields: PAYLOAD });
  /** Per side, per run: the p50 or p99 of its requests' latencies. */
  const pct = (latencies: Record<Side, number[][]>, p: number) =>
    Object.fromEntries(SIDES.map((s) => [s, latencies[s].map((l) => percentile(l, p))])) as Record<Side, number[]>;
  // Each side publishes for the same time; the rate is what it got done.
  const r = await publishRuns(ctx, gateway, {
    prefix: 'single',
    phase: 'single publish',
    inFlight: IN_FLIGHT,
    perRequest: 1,
    latencies: true,
    sender: {
      direct: (stream) => async () => {
        const id = await direct.xadd(stream, '*', ...PAYLOAD_PAIRS);
        if (!id) throw new Error('XADD returned no id');
      },
      rest: (stream) => {
        const path = paths.publish(stream);
        return async () => {
          const res = await postJson<{ ids: string[] }>(pool, path, restBody);
          if (res.status !== 201 || res.body.ids.length !== 1) throw new Error(`REST publish: ${res.status} ${JSON.stringify(res.body)}`);
        };
      },
      grpc: (stream) => {
        const req: PublishRequest = { stream, messages: [{ fields: PAYLOAD_BUFFERS }] };
        return async () => {
          const res = await unary<PublishRequest, PublishResponse__Output>(grpc, 'Publish', req);
          if (res.ids.length !== 1) throw new Error(`gRPC Publish answered ${res.ids.length} ids`);
        };
      },
    },
    afterRun: (run, { rates, latencies }) => {
      const [p50, p99] = [pct(latencies, 50), pct(latencies, 99)];
      ctx.log(
        `single publish run ${run + 1}: ` +
          SIDES.map((s) => `${sideName(s)} ${fmtInt(rates[s].at(-1))} req/s p50 ${fmtMs(p50[s].at(-1))} p99 ${fmtMs(p99[s].at(-1))} ms`).join(', '),
      );
    },
  }).finally(close);
  const base = { scenario: 'single-publish' } as const;
  return {
    figures: [
      makeFigure({ ...base, id: 'single.rate', label: `single-message publish, ${IN_FLIGHT} in flight`, unit: 'req/s', kind: 'throughput' }, r.rates, [
        { side: 'rest', kind: 'ratio', min: 0.5 },
      ]),
      makeFigure({ ...base, id: 'single.cpu', label: '  gateway CPU per request', unit: 'µs/req', kind: 'cost' }, r.gatewayUs),
      makeFigure({ ...base, id: 'single.p50', label: '  latency p50', unit: 'ms', kind: 'latency' }, pct(r.latencies, 50)),
      makeFigure({ ...base, id: 'single.p99', label: '  latency p99', unit: 'ms', kind: 'latency' }, pct(r.latencies, 99), [
        { side: 'rest', kind: 'added', max: 2 },
      ]),
    ],
    cpu: r.cpu(),
    notes: [
      `single publish: each side publishes for ${r.durationS} s per run, ${IN_FLIGHT} requests in flight; direct = XADD on one ioredis connection (default options: no auto-pipelining); REST = undici pool of ${IN_FLIGHT} keep-alive connections; gRPC = one channel`,
    ],
  };
}
