import { type StatusObject, status as grpcStatus } from '@grpc/grpc-js';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { ErrorCode } from '../../src/contract/errors.js';
import type { GrpcGateway } from '../../src/grpc/server.js';
import { sleep, testConfig } from '../helpers/core.js';
import type { GrpcWire } from './grpc-wire.js';
import { U64_MAX as U64 } from './hostile.js';
import { type ProtoContext, WireRequest, exampleMessage, requestArbitrary, rpcsOf, streamOf, wireOf } from './proto-requests.js';
import { KNOWN, ON_OTHER_TYPES, OTHER_TYPE_NAMES, derivedKeysOfOthers, seed, snapshotOthers } from './redis-state.js';
import { withFuzzGrpc } from './servers.js';
import { FUZZ_ENV, FUZZ_SEED, runs } from './settings.js';
import { Tally } from './tally.js';
import { checkGrpcError } from './verdicts.js';

/**
 * Property-based fuzzing of StreamingPull: a generated first request (names, flow-control
 * numbers at 0, 1, their limits and 2^64-1, IDs in it too, or bytes that are no message)
 * followed by generated later requests (bad, unknown and huge lists of ack_ids, nack_ids,
 * extend_ids, nack delays, fields that belong to the first request only), then a
 * half-close, a cancel or a wait. The stream delivers responses that decode and ends with
 * OK, the client's own CANCELLED, or a client-error status carrying its contract code; a
 * key of another type is refused and left alone; no session outlives its call.
 */

const DB = 14;
const RUNS = runs(100);
const config = testConfig(FUZZ_ENV);
const rpc = rpcsOf().find((r) => r.name === 'StreamingPull');
if (!rpc) throw new Error('the service has no StreamingPull');
const pullRpc = rpc;
const ctx: ProtoContext = { limits: config.limits, known: KNOWN };

const tally = new Tally('grpc-streaming');
let core: Core;
let server: GrpcGateway;
let wire: GrpcWire;
let redis: Redis;
withFuzzGrpc(DB, config, tally, (f) => {
  ({ core, server, wire, redis } = f);
});

interface Session {
  readonly first: WireRequest;
  readonly later: ReadonlyArray<{ readonly request: WireRequest; readonly delayMs: number }>;
  readonly ending: 'half-close' | 'cancel' | 'wait';
}

const T = pullRpc.requestType;
const fixtureIds = fc.constantFrom('1-0', '2-0', '3-0', '4-0', '5-0', '6-0', '8-0', '9-0', '3');
const someIds = fc.oneof(
  { weight: 16, arbitrary: fc.array(fixtureIds, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('abc', '', '-1', '1-2-3', '18446744073709551616-0', '\ud800'), { minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(config.limits.maxBatch, config.limits.maxBatch + 1, 2500).map((n) => Array.from({ length: n }, (_, i) => `${i + 1}-0`)) },
);
const flow = (edges: bigint[]) => fc.option(fc.constantFrom(0n, 1n, 2n, ...edges, (1n << 32n) - 1n, 1n << 53n, U64, U64 - 1n), { nil: undefined, freq: 2 });
/** Mostly `usual`, sometimes one of `odd`. */
const mostly = <T>(usual: readonly T[], odd: readonly T[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });

/** A session that opens on a known stream and group, with acks and nacks of IDs the fixture has: the paths past validation. */
const plausibleFirst = fc
  .record({
    stream: mostly(['live', 'live', '{t}live'], ['poisoned', 'missing', 'a-string', 'a-zset']),
    group: mostly(['g', 'g', 'native'], ['g0', 'missing']),
    consumer: fc.constantFrom('c', 'c2', 'new'),
    maxOutstandingMessages: flow([1000n]),
    maxOutstandingBytes: flow([100n * 1024n * 1024n]),
    maxLeaseExtensionMs: flow([600_000n]),
    ackIds: fc.option(someIds, { nil: undefined, freq: 3 }),
  })
  .map((v) => WireRequest.of(wireOf(T, v)));

const plausibleLater = fc
  .record({
    ackIds: fc.option(someIds, { nil: undefined, freq: 2 }),
    nackIds: fc.option(someIds, { nil: undefined, freq: 2 }),
    nackDelayMs: fc.option(mostly([0n, 50n, 1000n], [43_200_000n, 43_200_001n, 60_000n, 60_001n, U64]), { nil: undefined, freq: 2 }),
    extendIds: fc.option(someIds, { nil: undefined, freq: 2 }),
  })
  .map((v) => WireRequest.of(wireOf(T, v)));

/** Any request the descriptors allow (and some bytes that are no message). */
const anyRequest = requestArbitrary(pullRpc, ctx);

const sessionArbitrary: fc.Arbitrary<Session> = fc.record({
  first: fc.oneof({ weight: 3, arbitrary: plausibleFirst }, { weight: 1, arbitrary: anyRequest }),
  later: fc.array(
    fc.record({ request: fc.oneof({ weight: 3, arbitrary: plausibleLater }, { weight: 1, arbitrary: anyRequest }), delayMs: fc.integer({ min: 0, max: 20 }) }),
    { maxLength: 4 },
  ),
  ending: fc.constantFrom('half-close', 'cancel', 'wait'),
});

/** Runs one session; resolves with the final status and whether the client cancelled. */
async function run(session: Session, otherType: boolean): Promise<{ status: StatusObject; cancelled: boolean; decodeErrors: string[] }> {
  const call = wire.duplex(pullRpc.path, 10_000);
  const decodeErrors: string[] = [];
  let ended: StatusObject | null = null;
  const done = new Promise<StatusObject>((resolve) =>
    call.on('status', (s: StatusObject) => {
      ended = s;
      resolve(s);
    }),
  );
  call.on('error', () => undefined);
  call.on('data', (b: Buffer) => {
    try {
      pullRpc.responseType.decode(b);
    } catch (err) {
      decodeErrors.push((err as Error).message);
    }
  });
  call.write(session.first.bytes);
  for (const { request, delayMs } of session.later) {
    await sleep(delayMs);
    if (ended) break;
    call.write(request.bytes);
  }
  let cancelled = false;
  if (!otherType) {
    await sleep(session.ending === 'wait' ? 150 : 40);
    if (!ended) {
      if (session.ending === 'half-close') call.end();
      else {
        cancelled = true;
        call.cancel();
      }
    }
  }
  const timeout = sleep(5000).then(() => null);
  const status = await Promise.race([done, timeout]);
  if (!status) {
    call.cancel();
    throw new Error('the stream did not end within 5 s of the client ending it');
  }
  return { status, cancelled, decodeErrors };
}

describe('StreamingPull fuzzing (fast-check, from the proto descriptors)', () => {
  it('ends every stream with OK, the client’s CANCELLED or a client error with its contract code; other-type keys refused', async () => {
    await seed(core, redis);
    const before = await snapshotOthers(redis);
    const refused = new Set<string>();
    const examples = KNOWN.streams.map((s): [Session] => [{ first: WireRequest.of(exampleMessage(pullRpc.requestType, s)), later: [], ending: 'half-close' }]);
    await fc.assert(
      fc.asyncProperty(sessionArbitrary, async (session) => {
        tally.add('StreamingPull');
        const stream = streamOf(session.first.message);
        const type = stream !== null && OTHER_TYPE_NAMES.includes(stream) ? await redis.type(stream) : 'none';
        const { status, cancelled, decodeErrors } = await run(session, type !== 'none');
        if (decodeErrors.length > 0) throw new Error(`responses that do not decode: ${decodeErrors.join('; ')}`);
        tally.note(`ended ${grpcStatus[status.code]} ${String(status.metadata.get('error-code')[0] ?? '')}`.trim());
        let code: ErrorCode | null = null;
        if (status.code === grpcStatus.CANCELLED && cancelled) return;
        if (status.code !== grpcStatus.OK) code = checkGrpcError(status);
        if (type !== 'none' && (code === null || !ON_OTHER_TYPES.has(code))) {
          throw new Error(`key ${JSON.stringify(stream)} is a ${type}, yet the stream ended ${code ?? 'OK'}`);
        }
        if (code === 'NOT_A_STREAM' && stream !== null) refused.add(stream);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS, examples },
    );
    expect(await snapshotOthers(redis)).toEqual(before);
    expect(await derivedKeysOfOthers(redis)).toEqual([]);
    expect(OTHER_TYPE_NAMES.filter((k) => !refused.has(k))).toEqual([]);
  }, 120_000);

  it('leaves no session behind and still serves a stream', async () => {
    const deadline = Date.now() + 3000;
    while (server.activeStreams > 0 && Date.now() < deadline) await sleep(20);
    expect(server.activeStreams).toBe(0);
    await redis.xadd('after-fuzz', '*', 'ok', '1');
    await redis.xgroup('CREATE', 'after-fuzz', 'g', '0');
    const call = wire.duplex(pullRpc.path, 5000);
    const got = new Promise<number>((resolve) =>
      call.on('data', (b: Buffer) => resolve((pullRpc.responseType.toObject(pullRpc.responseType.decode(b)) as { messages?: unknown[] }).messages?.length ?? 0)),
    );
    call.on('error', () => undefined);
    call.write(Buffer.from(pullRpc.requestType.encode(pullRpc.requestType.fromObject({ stream: 'after-fuzz', group: 'g', consumer: 'c' })).finish()));
    expect(await got).toBe(1);
    call.cancel();
  });
});
