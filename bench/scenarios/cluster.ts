// The gateway on a Redis Cluster of 3 masters against the same gateway on one node, with the
// same twins: batch publish (100 per request), single publish (64 in flight) and consume
// (REST pull with piggybacked acks, StreamingPull), each spread over streams on every master
// (the same stream names on the single node). Direct ioredis does the same work: a `Redis`
// client on the node, a `Cluster` client on the cluster (pipelined XADD, XREADGROUP COUNT
// 100 + XACK). In every run, each of the six (target, side) pairs is measured in turn, in
// rotated order, so the ratios cluster ÷ single and gateway ÷ direct are of the same run.
import type { Cluster, Redis } from 'ioredis';
import type { Pool } from 'undici';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import type { PublishResponse__Output } from '../../src/grpc/generated/streamgate/v1/PublishResponse.js';
import { PAYLOAD, PAYLOAD_BUFFERS, PAYLOAD_PAIRS, closeGrpc, grpcClient, httpPool, paths, postJson, unaryEncoded } from '../lib/clients.js';
import { encodePublishRequest } from '../lib/cload.js';
import { type BenchCluster, benchCluster, spreadStreams, startBenchCluster } from '../lib/cluster.js';
import { type CpuRow, type Figure, type ScenarioContext, type ScenarioResult, type Side, makeFigure } from '../lib/figures.js';
import type { GatewayProcess } from '../lib/gateway.js';
import { benchClient, redisCpuMs } from '../lib/redis.js';
import { type CpuSplit, cpuMeter, fmtInt, medianSplit, rotate, sideName, workers } from '../lib/stats.js';
import { fill, streamingPull } from './consume.js';

const BATCH = 100;
const GROUP = 'g';
/** Streams per master: 6 streams in all, the same names on the single node. */
const PER_MASTER = 2;
const SIDES: readonly Side[] = ['direct', 'rest', 'grpc'];

type TargetName = 'single' | 'cluster';
const TARGET_LABEL: Record<TargetName, string> = { single: '1 node', cluster: '3 masters' };

interface Target {
  readonly name: TargetName;
  readonly gateway: GatewayProcess;
  /** The direct twin: a plain connection, or a Cluster client. */
  readonly direct: Redis | Cluster;
  /** Setup and checks (a connection of its own). */
  readonly admin: Redis | Cluster;
  readonly pool: Pool;
  readonly grpc: StreamGatewayClient;
  readonly redisCpuMs: () => number;
}

type Op = 'batch' | 'single' | 'consume';
const OP_LABEL: Record<Op, string> = {
  batch: `batch publish (${BATCH}/request, 1 in flight per stream)`,
  single: 'single publish (64 in flight)',
  consume: 'consume + ack (REST pull 100, acks piggybacked; StreamingPull)',
};

interface Measured {
  readonly rate: number;
  readonly gatewayUs: number;
  readonly split: CpuSplit;
}

export async function clusterScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const quick = ctx.opts.quick;
  const phaseMs = quick ? 1000 : 2000;
  const warmMs = quick ? 300 : 1000;
  // Direct is several times faster: it gets more messages, so its time is not noise.
  const consumeCounts: Record<Side, number> = quick ? { direct: 30_000, rest: 12_000, grpc: 12_000 } : { direct: 120_000, rest: 60_000, grpc: 60_000 };
  const started: { stop(): Promise<unknown> }[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  let cluster: BenchCluster | null = null;
  try {
    const t0 = Date.now();
    cluster = await startBenchCluster(3);
    const c = cluster;
    ctx.log(`cluster: ${c.masters} masters (no replicas) up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const open = async (name: TargetName): Promise<Target> => {
      const gateway =
        name === 'single'
          ? await ctx.startGateway('cluster-single')
          : await ctx.startGateway('cluster-cluster', { STREAMGATE_REDIS_CLUSTER: 'true', REDIS_URL: c.seeds });
      started.push(gateway);
      const [direct, admin] =
        name === 'single' ? [benchClient(ctx.redis.url), benchClient(ctx.redis.url)] : [await benchCluster(c.seeds), await benchCluster(c.seeds)];
      const pool = httpPool(gateway.httpUrl, 64);
      const grpc = grpcClient(gateway.grpcAddress);
      closers.push(() => closeGrpc(grpc), () => pool.close(), () => direct.disconnect(), () => admin.disconnect());
      return { name, gateway, direct, admin, pool, grpc, redisCpuMs: name === 'single' ? () => redisCpuMs(ctx.redis) : () => c.cpuMs() };
    };
    const targets: Target[] = [await open('single'), await open('cluster')];
    const slotMap = targets[1]?.admin as Cluster;
    const combos = targets.flatMap((t) => SIDES.map((side) => ({ t, side })));
    const phase = (op: Op, t: Target, side: Side) =>
      `cluster: ${op === 'consume' ? 'consume' : `${op} publish`}, ${TARGET_LABEL[t.name]}: ${side === 'grpc' && op === 'consume' ? 'StreamingPull' : sideName(side)}`;

    /** The CPU meter of a phase; a warm-up (`null`) is not recorded as a phase (--cpu-prof). */
    const meterFor = (t: Target, name: string | null) =>
      name === null ? cpuMeter({ gatewayCpuMs: () => t.gateway.cpuMs(), redisCpuMs: t.redisCpuMs }) : ctx.cpuMeter(t.gateway, name, t.redisCpuMs);

    /** Publishes for `ms` on every stream, `inFlight` requests at a time; checks every message landed. */
    const publish = async (op: 'batch' | 'single', t: Target, side: Side, streams: string[], ms: number, measure: boolean): Promise<Measured> => {
      const perRequest = op === 'batch' ? BATCH : 1;
      const inFlight = op === 'batch' ? streams.length : 64;
      const senders = streams.map((s) => sender(t, side, s, perRequest));
      let next = 0;
      const meter = meterFor(t, measure ? phase(op, t, side) : null);
      const start = performance.now();
      const until = start + ms;
      let requests = 0;
      await workers(inFlight, async () => {
        if (performance.now() >= until) return false;
        const send = senders[next++ % senders.length] as () => Promise<void>;
        requests++;
        await send();
        return true;
      });
      const seconds = (performance.now() - start) / 1000;
      const split = meter();
      const messages = requests * perRequest;
      let len = 0;
      for (const s of streams) len += await t.admin.xlen(s);
      if (len !== messages) throw new Error(`${op} publish, ${TARGET_LABEL[t.name]}, ${sideName(side)}: ${len} entries, expected ${messages}`);
      for (const s of streams) await t.admin.del(s);
      return { rate: messages / seconds, gatewayUs: (split.gateway * split.wallMs * 10) / messages, split };
    };

    /** Drains `perStream` messages from each stream, one consumer per stream, all at once. */
    const consume = async (t: Target, side: Side, streams: string[], total: number, measure: boolean): Promise<Measured> => {
      const perStream = Math.ceil(total / streams.length);
      for (const s of streams) await fill(t.admin, s, perStream);
      const meter = meterFor(t, measure ? phase('consume', t, side) : null);
      const start = performance.now();
      const done = await Promise.all(streams.map((s) => drain(t, side, s, perStream)));
      const seconds = (performance.now() - start) / 1000;
      const split = meter();
      const messages = perStream * streams.length;
      const got = done.reduce((a, b) => a + b, 0);
      if (got !== messages) throw new Error(`consume, ${TARGET_LABEL[t.name]}, ${sideName(side)}: ${got} of ${messages}`);
      for (const s of streams) {
        const pending = (await t.admin.xpending(s, GROUP)) as [number, ...unknown[]];
        if (pending[0] !== 0) throw new Error(`consume, ${TARGET_LABEL[t.name]}, ${sideName(side)}: ${pending[0]} pending on ${s}`);
        await t.admin.del(s);
      }
      return { rate: messages / seconds, gatewayUs: (split.gateway * split.wallMs * 10) / messages, split };
    };

    const ops: Op[] = ['batch', 'single', 'consume'];
    const rates = Object.fromEntries(ops.map((op) => [op, { single: emptyRuns(), cluster: emptyRuns() }])) as Record<Op, Record<TargetName, Record<Side, number[]>>>;
    const us = Object.fromEntries(ops.map((op) => [op, { single: emptyRuns(), cluster: emptyRuns() }])) as Record<Op, Record<TargetName, Record<Side, number[]>>>;
    const splits = new Map<string, CpuSplit[]>();
    const measureOnce = (op: Op, t: Target, side: Side, streams: string[], measure: boolean) =>
      op === 'consume' ? consume(t, side, streams, measure ? consumeCounts[side] : consumeCounts.rest / 4, measure) : publish(op, t, side, streams, measure ? phaseMs : warmMs, measure);

    for (const op of ops) {
      // Warm-up (JIT, connections), not measured.
      for (const { t, side } of combos) await measureOnce(op, t, side, spreadStreams(slotMap, `bench:cluster:${op}:warm:${side}`, PER_MASTER), false);
      for (let run = 0; run < ctx.opts.runs; run++) {
        for (const { t, side } of rotate(combos, run)) {
          const streams = spreadStreams(slotMap, `bench:cluster:${op}:${side}:${run}`, PER_MASTER);
          const m = await measureOnce(op, t, side, streams, true);
          rates[op][t.name][side].push(m.rate);
          if (side !== 'direct') us[op][t.name][side].push(m.gatewayUs);
          const key = phase(op, t, side);
          splits.set(key, [...(splits.get(key) ?? []), m.split]);
        }
        const r = rates[op];
        ctx.log(
          `cluster ${op} run ${run + 1}: ` +
            (['single', 'cluster'] as const)
              .map((n) => `${TARGET_LABEL[n]}: ${SIDES.map((s) => `${sideName(s)} ${fmtInt(r[n][s].at(-1))}`).join(', ')}`)
              .join('; ') +
            ' msgs/s',
        );
      }
    }

    const figures: Figure[] = [];
    for (const op of ops) {
      for (const n of ['single', 'cluster'] as const) {
        figures.push(
          makeFigure({ id: `cluster.${op}.${n}`, scenario: 'cluster', label: `${OP_LABEL[op]}, ${TARGET_LABEL[n]}`, unit: 'msgs/s', kind: 'throughput', spread: true }, rates[op][n]),
          makeFigure({ id: `cluster.${op}.${n}.cpu`, scenario: 'cluster', label: '  gateway CPU per message', unit: 'µs/msg', kind: 'cost', spread: true }, us[op][n]),
        );
      }
      figures.push(
        makeFigure({ id: `cluster.${op}.ratio`, scenario: 'cluster', label: `  ${TARGET_LABEL.cluster} ÷ ${TARGET_LABEL.single}: msgs/s`, unit: '×', kind: 'absolute', spread: true }, perRunRatio(rates[op])),
        makeFigure({ id: `cluster.${op}.cpu.ratio`, scenario: 'cluster', label: `  ${TARGET_LABEL.cluster} ÷ ${TARGET_LABEL.single}: gateway CPU per message`, unit: '×', kind: 'absolute', spread: true }, perRunRatio(us[op])),
      );
    }
    const cpu: CpuRow[] = [...splits].map(([p, s]) => ({ phase: p, split: medianSplit(s) }));
    return {
      figures,
      cpu,
      notes: [
        `cluster: a Redis Cluster of 3 masters without replicas (Debian's redis-server, no persistence, as the single node) against the benchmark's redis-server, a gateway on each (the cluster's with STREAMGATE_REDIS_CLUSTER=true); ${PER_MASTER * 3} streams, ${PER_MASTER} on each master (the same names on the single node); batch publish = one request in flight per stream (direct: a pipeline of ${BATCH} XADD, on a Cluster client for the cluster), single publish = 64 in flight over the streams (direct: XADD), ${phaseMs / 1000} s per side; consume = one consumer per stream, all at once (direct: XREADGROUP COUNT ${BATCH} then XACK; REST: pull count ${BATCH} carrying the acks of the batch before; gRPC: one StreamingPull per stream, credit 1000), ${consumeCounts.direct} (direct) or ${consumeCounts.rest} (gateway) messages per run; the six (target, side) pairs of a run measured in rotated order; "3 masters ÷ 1 node" is per run, then the median (min–max of the runs in brackets); the redis column of its CPU rows sums the 3 masters`,
      ],
    };
  } finally {
    for (const close of closers) await close();
    for (const g of started) await g.stop();
    await cluster?.stop();
  }
}

function emptyRuns(): Record<Side, number[]> {
  return { direct: [], rest: [], grpc: [] };
}

/** Per side, the cluster's figure ÷ the single node's of the same run. */
function perRunRatio(r: Record<TargetName, Record<Side, number[]>>): Record<Side, number[]> {
  const out = emptyRuns();
  for (const side of SIDES) out[side] = r.cluster[side].map((x, i) => x / (r.single[side][i] as number)).filter(Number.isFinite);
  return out;
}

/** One request of `side` to `stream` (bodies and protobuf encoded once, off the measured path). */
function sender(t: Target, side: Side, stream: string, perRequest: number): () => Promise<void> {
  if (side === 'direct') {
    if (perRequest === 1) {
      return async () => {
        if (!(await t.direct.xadd(stream, '*', ...PAYLOAD_PAIRS))) throw new Error('XADD returned no id');
      };
    }
    return async () => {
      const p = t.direct.pipeline();
      for (let i = 0; i < perRequest; i++) p.xadd(stream, '*', ...PAYLOAD_PAIRS);
      const res = await p.exec();
      if (!res || res.length !== perRequest || res.some(([err]) => err)) throw new Error('direct XADD pipeline failed');
    };
  }
  if (side === 'rest') {
    const path = paths.publish(stream);
    const body = JSON.stringify(perRequest === 1 ? { fields: PAYLOAD } : { messages: Array.from({ length: perRequest }, () => ({ fields: PAYLOAD })) });
    return async () => {
      const res = await postJson<{ ids: string[] }>(t.pool, path, body);
      if (res.status !== 201 || res.body.ids.length !== perRequest) throw new Error(`REST publish: ${res.status} ${JSON.stringify(res.body)}`);
    };
  }
  const bytes = encodePublishRequest({ stream, messages: Array.from({ length: perRequest }, () => ({ fields: PAYLOAD_BUFFERS })) });
  return async () => {
    const res = await unaryEncoded<PublishResponse__Output>(t.grpc, 'Publish', bytes);
    if (res.ids.length !== perRequest) throw new Error(`gRPC Publish answered ${res.ids.length} ids`);
  };
}

/** Drains `stream` (one consumer) through `side`; the number of messages acked. */
async function drain(t: Target, side: Side, stream: string, expected: number): Promise<number> {
  if (side === 'grpc') return streamingPull(t.grpc, stream, expected);
  if (side === 'direct') {
    let done = 0;
    for (;;) {
      const r = (await t.direct.xreadgroup('GROUP', GROUP, 'c', 'COUNT', BATCH, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
      const entries = r?.[0]?.[1] ?? [];
      if (entries.length === 0) return done;
      const acked = await t.direct.xack(stream, GROUP, ...entries.map(([id]) => id));
      if (acked !== entries.length) throw new Error(`direct XACK acked ${acked} of ${entries.length}`);
      done += entries.length;
    }
  }
  // REST: each pull carries the acks of the batch before.
  let done = 0;
  let ack: string[] = [];
  const path = paths.pull(stream, GROUP);
  for (;;) {
    const r = await postJson<{ messages: { id: string }[] }>(t.pool, path, JSON.stringify({ consumer: 'c', count: BATCH, ack }));
    if (r.status !== 200) throw new Error(`REST pull: ${r.status} ${JSON.stringify(r.body)}`);
    done += ack.length;
    if (r.body.messages.length === 0) return done;
    ack = r.body.messages.map((m) => m.id);
  }
}

