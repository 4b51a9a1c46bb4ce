import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { ErrorCode } from '../../src/contract/errors.js';
import { testConfig } from '../helpers/core.js';
import type { GrpcWire } from './grpc-wire.js';
import { type ProtoContext, WireRequest, exampleMessage, requestArbitrary, rpcsOf, streamOf } from './proto-requests.js';
import { KNOWN, NOT_STREAMS, OTHER_TYPE_NAMES, derivedKeysOfOthers, refusesOtherType, seed, snapshotOthers } from './redis-state.js';
import { withFuzzGrpc } from './servers.js';
import { FUZZ_ENV, FUZZ_SEED, runs } from './settings.js';
import { Tally } from './tally.js';
import { checkGrpcError, isTransportSizeLimit } from './verdicts.js';

/**
 * Property-based fuzzing of every unary RPC of streamgate.v1.StreamGateway, with requests
 * generated from the proto's descriptors and written on the wire as they are (boundary and
 * negative integers in unsigned fields, strings that are not UTF-8, repeated and oneof
 * combinations, unknown fields, corrupt encodings), through a real grpc-js client against a
 * real server and Redis. Every call ends OK (with a response that decodes) or with a client
 * error or UNAVAILABLE carrying the contract code of ERROR_TABLE in `error-code`; keys of
 * other types are refused and left as they were. StreamingPull: grpc-streaming.test.ts.
 */

const DB = 12;
const RUNS_PER_RPC = runs(180);
/** Streaming methods and the file that fuzzes each. */
const STREAMING_FUZZED: Record<string, string> = { StreamingPull: 'test/fuzz/grpc-streaming.test.ts' };

const config = testConfig(FUZZ_ENV);
const rpcs = rpcsOf();
const unary = rpcs.filter((r) => !r.requestStream && !r.responseStream);
const ctx: ProtoContext = { limits: config.limits, known: KNOWN };

const tally = new Tally('grpc');
let core: Core;
let wire: GrpcWire;
let redis: Redis;
withFuzzGrpc(DB, config, tally, (f) => {
  ({ core, wire, redis } = f);
});

describe('gRPC fuzzing (fast-check, from the proto descriptors)', () => {
  it('has a request generator for every RPC of the service', () => {
    expect(rpcs.length).toBeGreaterThanOrEqual(27);
    const missing: string[] = [];
    for (const rpc of rpcs) {
      if (rpc.requestStream || rpc.responseStream) {
        if (!STREAMING_FUZZED[rpc.name]) missing.push(`${rpc.name}: a streaming method no fuzz file covers`);
        continue;
      }
      try {
        requestArbitrary(rpc, ctx);
      } catch (err) {
        missing.push(`${rpc.name}: ${(err as Error).message}`);
      }
    }
    expect(missing).toEqual([]);
  });

  for (const rpc of unary) {
    it(`${rpc.name}: OK or a client error with its contract code, never INTERNAL; other-type keys refused and untouched`, async () => {
      await seed(core, redis);
      const before = await snapshotOthers(redis);
      const refused = new Set<string>();
      const examples = KNOWN.streams.map((s): [WireRequest] => [WireRequest.of(exampleMessage(rpc.requestType, s))]);
      await fc.assert(
        fc.asyncProperty(requestArbitrary(rpc, ctx), async (req) => {
          tally.add(rpc.name);
          const stream = streamOf(req.message);
          const otherType = stream !== null && NOT_STREAMS.has(stream) ? await redis.type(stream) : 'none';
          const out = await wire.unary(rpc.path, req.bytes);
          let code: ErrorCode | null = null;
          if (out.ok) rpc.responseType.decode(out.response);
          else if (isTransportSizeLimit(out.error)) {
            tally.note('over the grpc-js size limit (RESOURCE_EXHAUSTED without error-code)');
            code = 'PAYLOAD_TOO_LARGE';
          } else code = checkGrpcError(out.error);
          if (otherType !== 'none' && stream !== null && !refusesOtherType(stream, code)) {
            throw new Error(`key ${JSON.stringify(stream)} is a ${otherType}, yet ${rpc.name} ended ${code ?? 'OK'}`);
          }
          if (code === 'NOT_A_STREAM' && stream !== null) refused.add(stream);
        }),
        { seed: FUZZ_SEED, numRuns: RUNS_PER_RPC, examples },
      );
      expect(await snapshotOthers(redis)).toEqual(before);
      expect(await derivedKeysOfOthers(redis)).toEqual([]);
      // Each key of another type was met with a request that passed validation, and refused.
      if (rpc.requestType.fields.stream) expect(OTHER_TYPE_NAMES.filter((k) => !refused.has(k))).toEqual([]);
    }, 120_000);
  }

  it('fuzzed every unary RPC with its full number of cases', () => {
    for (const rpc of unary) expect(tally.get(rpc.name), rpc.name).toBeGreaterThanOrEqual(Math.min(RUNS_PER_RPC, 100));
  });

  it('leaves the server healthy: ordinary calls still succeed', async () => {
    const publish = rpcs.find((r) => r.name === 'Publish');
    const read = rpcs.find((r) => r.name === 'ReadRange');
    if (!publish || !read) throw new Error('Publish and ReadRange must exist');
    const req = publish.requestType.encode(publish.requestType.fromObject({ stream: 'after-fuzz', messages: [{ fields: { ok: Buffer.from('1') } }] })).finish();
    const out = await wire.unary(publish.path, Buffer.from(req));
    expect(out.ok, out.ok ? '' : out.error.message).toBe(true);
    const r = await wire.unary(read.path, Buffer.from(read.requestType.encode(read.requestType.fromObject({ stream: 'after-fuzz' })).finish()));
    if (!r.ok) throw new Error(r.error.message);
    const decoded = read.responseType.toObject(read.responseType.decode(r.response)) as { messages: unknown[] };
    expect(decoded.messages).toHaveLength(1);
  });
});
