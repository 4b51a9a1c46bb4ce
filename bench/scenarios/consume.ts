// Consume a filled stream with one consumer: direct XREADGROUP COUNT 100 + XACK vs REST
// pull (count 100) + ack vs gRPC StreamingPull (credit 1000, acks on the stream). In each
// run, the bare twin (bench/twins/bare.ts: node:http + ioredis, XACK and XREADGROUP in one
// pipeline) is driven as the REST pull is: what a Node server with no framework, leases or
// checks does with the same requests.
import type { Cluster, Redis } from 'ioredis';
import type { Pool } from 'undici';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import type { StreamingPullResponse__Output } from '../../src/grpc/generated/streamgate/v1/StreamingPullResponse.js';
import { PAYLOAD_PAIRS, closeGrpc, grpcClient, httpPool, paths, postJson } from '../lib/clients.js';
import { type ScenarioContext, type ScenarioResult, type Side, makeFigure } from '../lib/figures.js';
import { type ServiceProcess, startBareTwin } from '../lib/services.js';
import { benchClient } from '../lib/redis.js';
import { type CpuSplit, fmtInt, medianSplit, rotate, sideName } from '../lib/stats.js';

const BATCH = 100;
const CREDIT = 1000;
const GROUP = 'g';

export async function consumeScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  // Direct is an order of magnitude faster: it gets more messages, so that its time is not
  // a few milliseconds of noise (the rate per message is what is compared).
  const counts: Record<Side, number> = ctx.opts.quick
    ? { direct: 60_000, rest: 20_000, grpc: 20_000 }
    : { direct: 150_000, rest: 60_000, grpc: 60_000 };
  const gateway = await ctx.startGateway('consume');
  const direct = benchClient(ctx.redis.url);
  const pool = httpPool(gateway.httpUrl, 1);
  // One channel for every call, connected by the warm-up: no connection setup in a measured phase.
  const grpc = grpcClient(gateway.grpcAddress);
  const phase = (side: Side) => `consume: ${side === 'grpc' ? 'StreamingPull' : sideName(side)}`;
  const bare: ServiceProcess = await startBareTwin(ctx.redis.url);
  const barePool = httpPool(`http://127.0.0.1:${bare.port}`, 1);

  const consumers: Record<Side, (stream: string, n: number) => Promise<number>> = {
    async direct(stream) {
      let done = 0;
      for (;;) {
        const r = (await direct.xreadgroup('GROUP', GROUP, 'c', 'COUNT', BATCH, 'STREAMS', stream, '>')) as
          | [string, [string, string[]][]][]
          | null;
        const entries = r?.[0]?.[1] ?? [];
        if (entries.length === 0) return done;
        const acked = await direct.xack(stream, GROUP, ...entries.map(([id]) => id));
        if (acked !== entries.length) throw new Error(`direct XACK acked ${acked} of ${entries.length}`);
        done += entries.length;
      }
    },
    rest: (stream) => restPull(pool, stream),
    grpc: (stream, n) => streamingPull(grpc, stream, n),
  };
  /** REST pulls through `via` (the gateway, or the bare twin) until the stream is drained. */
  async function restPull(via: Pool, stream: string): Promise<number> {
    let done = 0;
    const pullBody = JSON.stringify({ consumer: 'c', count: BATCH });
    let ack: string[] = [];
    for (;;) {
      // With piggybacked acks, each pull carries the acks of the batch before.
      const body = piggyback ? JSON.stringify({ consumer: 'c', count: BATCH, ack }) : pullBody;
      const r = await postJson<{ messages: { id: string }[] }>(via, paths.pull(stream, GROUP), body);
      if (r.status !== 200) throw new Error(`REST pull: ${r.status} ${JSON.stringify(r.body)}`);
      done += ack.length;
      if (r.body.messages.length === 0) return done;
      const ids = r.body.messages.map((m) => m.id);
      if (piggyback) {
        ack = ids;
        continue;
      }
      const a = await postJson<{ acked: number }>(via, paths.ack(stream, GROUP), JSON.stringify({ ids }));
      if (a.status !== 200 || a.body.acked !== ids.length) throw new Error(`REST ack: ${a.status} ${JSON.stringify(a.body)}`);
      done += ids.length;
    }
  }

  const sides: Side[] = ['direct', 'rest', 'grpc'];
  const rates: Record<Side, number[]> = { direct: [], rest: [], grpc: [] };
  const splits: Record<Side, CpuSplit[]> = { direct: [], rest: [], grpc: [] };
  let piggyback = false;
  const gatewayUs: Record<'rest' | 'grpc', number[]> = { rest: [], grpc: [] };
  const bareRates: number[] = [];
  const bareUs: number[] = [];
  const bareSplits: CpuSplit[] = [];
  const barePhase = 'consume: bare twin (REST pull)';
  /** The bare twin drains a stream as the REST side does; its rate and CPU. */
  const viaBare = async (stream: string, messages: number): Promise<{ rate: number; split: CpuSplit }> => {
    await fill(ctx.admin, stream, messages);
    const meter = ctx.cpuMeter(bare, barePhase);
    const t0 = performance.now();
    const done = await restPull(barePool, stream);
    const seconds = (performance.now() - t0) / 1000;
    const split = meter();
    const pending = (await ctx.admin.xpending(stream, GROUP)) as [number, ...unknown[]];
    await ctx.admin.del(stream);
    if (done !== messages || pending[0] !== 0) throw new Error(`bare twin consumed ${done} of ${messages}, ${pending[0]} pending`);
    return { rate: messages / seconds, split };
  };
  try {
    piggyback = await supportsPiggyback(ctx.admin, pool);
    ctx.log(`consume: REST pull ${piggyback ? 'with piggybacked acks (ack in the pull body)' : 'then ack (the gateway takes no ack in the pull body)'}`);
    // Warm-up (JIT, connections), not measured.
    // As many messages as a measured gateway run: with 20,000, the first measured run of
    // each gateway side still paid for JIT and heap growth (StreamingPull: about 10 µs per
    // message in run 1 against 6 in runs 2 and 3).
    const warmCount = ctx.opts.quick ? 5000 : counts.rest;
    for (const side of sides) {
      const warm = `bench:consume:warm:${side}`;
      await fill(ctx.admin, warm, warmCount);
      await consumers[side](warm, warmCount);
      await ctx.admin.del(warm);
    }
    if (piggyback) await viaBare('bench:consume:warm:bare', warmCount);
    for (let run = 0; run < ctx.opts.runs; run++) {
      for (const side of rotate(sides, run)) {
        const stream = `bench:consume:${side}:${run}`;
        const messages = counts[side];
        await fill(ctx.admin, stream, messages);
        const meter = ctx.cpuMeter(gateway, phase(side));
        const t0 = performance.now();
        const done = await consumers[side](stream, messages);
        const seconds = (performance.now() - t0) / 1000;
        const split = meter();
        splits[side].push(split);
        if (side !== 'direct') gatewayUs[side].push((split.gateway * split.wallMs * 10) / messages);
        if (done !== messages) throw new Error(`${side} consumed ${done} of ${messages}`);
        const pending = (await ctx.admin.xpending(stream, GROUP)) as [number, ...unknown[]];
        if (pending[0] !== 0) throw new Error(`${side}: ${pending[0]} messages still pending`);
        await ctx.admin.del(stream);
        rates[side].push(messages / seconds);
      }
      // The bare twin answers only pulls carrying acks (the gateway's form since issue 10).
      const b = piggyback ? await viaBare(`bench:consume:bare:${run}`, counts.rest) : null;
      if (b) {
        bareRates.push(b.rate);
        bareSplits.push(b.split);
        bareUs.push((b.split.gateway * b.split.wallMs * 10) / counts.rest);
      }
      ctx.log(
        `consume run ${run + 1}: direct ${fmtInt(rates.direct.at(-1))}, REST ${fmtInt(rates.rest.at(-1))}, StreamingPull ${fmtInt(rates.grpc.at(-1))}${b ? `, bare twin (REST pull) ${fmtInt(b.rate)}` : ''} msgs/s`,
      );
    }
  } finally {
    closeGrpc(grpc);
    await pool.close();
    await barePool.close();
    direct.disconnect();
    await gateway.stop();
    await bare.stop();
  }
  return {
    figures: [
      makeFigure(
        {
          id: 'consume',
          scenario: 'consume',
          label: `consume + ack (REST pull 100${piggyback ? ', acks piggybacked' : ' + ack'}; gRPC StreamingPull)`,
          unit: 'msgs/s',
          kind: 'throughput',
        },
        rates,
        [
          { side: 'rest', kind: 'ratio', min: 0.4 },
          { side: 'grpc', kind: 'ratio', min: 0.5 },
        ],
      ),
      makeFigure({ id: 'consume.cpu', scenario: 'consume', label: '  gateway CPU per consumed message', unit: 'µs/msg', kind: 'cost' }, gatewayUs, [
        { side: 'grpc', kind: 'max', max: 6 },
      ]),
      makeFigure(
        { id: 'consume.bare', scenario: 'consume', label: '  REST pull vs bare node:http twin (XACK + XREADGROUP, one pipeline)', unit: 'msgs/s', kind: 'throughput', baseline: 'bare' },
        { bare: bareRates, rest: rates.rest },
      ),
      makeFigure({ id: 'consume.bare.cpu', scenario: 'consume', label: '    CPU per message, gateway vs bare twin', unit: 'µs/msg', kind: 'cost', baseline: 'bare' }, {
        bare: bareUs,
        rest: gatewayUs.rest,
      }),
    ],
    cpu: [
      ...sides.map((side) => ({ phase: phase(side), split: medianSplit(splits[side]) })),
      ...(bareSplits.length > 0 ? [{ phase: barePhase, split: medianSplit(bareSplits) }] : []),
    ],
    notes: [
      `consume: ${counts.direct} (direct) or ${counts.rest} (gateway) messages per run, one consumer; direct = XREADGROUP COUNT ${BATCH} then XACK, one after the other; REST = ${piggyback ? `pull count ${BATCH} carrying the acks of the batch before (ack in the pull body)` : `pull count ${BATCH} then ack (no ack in the pull body on this gateway)`}; StreamingPull = max_outstanding_messages ${CREDIT}, acks written as batches arrive`,
    ],
  };
}

/**
 * Does this gateway take `ack` (ids) in the pull body and ack them (piggybacked acks)? A
 * schema that ignores unknown keys would answer 200 without acking: XPENDING tells.
 */
async function supportsPiggyback(admin: Redis, pool: Pool): Promise<boolean> {
  const stream = 'bench:consume:probe';
  await fill(admin, stream, 2);
  try {
    const first = await postJson<{ messages: { id: string }[] }>(pool, paths.pull(stream, GROUP), JSON.stringify({ consumer: 'c', count: 1 }));
    const id = first.body.messages?.[0]?.id;
    if (first.status !== 200 || id === undefined) throw new Error(`REST pull: ${first.status} ${JSON.stringify(first.body)}`);
    const second = await postJson<unknown>(pool, paths.pull(stream, GROUP), JSON.stringify({ consumer: 'c', count: 1, ack: [id] }));
    if (second.status !== 200) return false;
    const pending = (await admin.xpending(stream, GROUP, '-', '+', 10)) as [string, ...unknown[]][];
    return !pending.some(([p]) => p === id);
  } finally {
    await admin.del(stream);
  }
}

/** `n` entries in a fresh `stream`, and the bench's group on it from 0 (one node or a cluster). */
export async function fill(redis: Redis | Cluster, stream: string, n: number): Promise<void> {
  await redis.del(stream);
  for (let i = 0; i < n; i += 1000) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(n, i + 1000); j++) p.xadd(stream, '*', ...PAYLOAD_PAIRS);
    await p.exec();
  }
  await redis.xgroup('CREATE', stream, GROUP, '0');
}

/** One StreamingPull call (credit 1000) draining `expected` messages of `stream`, acking each batch as it arrives. */
export async function streamingPull(client: StreamGatewayClient, stream: string, expected: number): Promise<number> {
  let received = 0;
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    const call = client.StreamingPull();
    let finished = false;
    const timer = setTimeout(() => {
      finished = true;
      call.cancel();
      reject(new Error(`StreamingPull: ${acked} of ${expected} acked after 120 s`));
    }, 120_000);
    call.on('error', (err) => {
      if (finished) return;
      clearTimeout(timer);
      reject(err);
    });
    call.on('data', (r: StreamingPullResponse__Output) => {
      if (r.messages.length > 0) {
        received += r.messages.length;
        call.write({ ackIds: r.messages.map((m) => m.id) });
      }
      for (const a of r.ackResults) {
        if (a.status !== 'ACK_STATUS_OK') {
          finished = true;
          clearTimeout(timer);
          call.cancel();
          reject(new Error(`StreamingPull ack ${a.id}: ${a.status}`));
          return;
        }
        acked++;
      }
      if (acked >= expected && !finished) {
        finished = true;
        clearTimeout(timer);
        call.cancel();
        resolve();
      }
    });
    call.write({ stream, group: GROUP, consumer: 'c', maxOutstandingMessages: CREDIT });
  });
  if (received !== expected) throw new Error(`StreamingPull received ${received} of ${expected}`);
  return received;
}
