import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadProto } from '../../src/grpc/proto.js';
import { GAVE_NAME_BYTES, type PublishCall, decodePublishFast, encodePublishReply, fromReference, withPublishCodec } from '../../src/grpc/publish-codec.js';
import { decodeStreamingPullFast, withPullRequestCodec } from '../../src/grpc/pull-request-codec.js';
import { BAIL, strictDeserializer } from '../../src/grpc/wire-reader.js';
import { requestArbitrary, rpcsOf } from '../fuzz/proto-requests.js';
import { varint } from '../fuzz/proto-wire.js';
import { KNOWN } from '../fuzz/redis-state.js';
import { FUZZ_ENV } from '../fuzz/settings.js';
import { testConfig } from '../helpers/core.js';

/** Bytes near valid requests: `valid` with a few bytes changed, cut short, or random bytes. */
function bytesAround(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const mutated = fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 })).map(([b, edits]) => {
    const out = Buffer.from(b);
    for (const [at, byte] of edits) if (out.length > 0) out[at % out.length] = byte;
    return out;
  });
  const truncated = fc.tuple(valid, fc.nat()).map(([b, n]) => b.subarray(0, b.length === 0 ? 0 : n % b.length));
  const random = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
  return fc.oneof(mutated, truncated, random);
}

/**
 * The hand-written Publish codec (src/grpc/publish-codec.ts) against protobufjs, which the
 * method used before: on any bytes both accept with the same result (protobufjs's objects
 * converted as the handler did) or both refuse with the same error; on what protobufjs
 * writes (canonical protobuf) the fast path decides alone, without falling back; the reply
 * is written byte for byte as protobufjs writes it. The same for StreamingPull's requests
 * (src/grpc/pull-request-codec.ts), whose result is proto-loader's object itself.
 */

const { grpc } = loadProto();
const service = grpc.streamgate.v1.StreamGateway.service;
const original = service.Publish!;
// protobufjs as the gateway runs it: strings read strictly (invalid UTF-8 refused, wire-reader.ts).
const reference = strictDeserializer(original.requestDeserialize) as (b: Buffer) => Parameters<typeof fromReference>[0];
const serialize = original.requestSerialize as (v: unknown) => Buffer;
const codec = withPublishCodec(service).Publish!;
const decode = codec.requestDeserialize as (b: Buffer) => unknown;
const rpc = rpcsOf().find((r) => r.name === 'Publish')!;
const messageType = rpc.requestType.lookupType('streamgate.v1.PublishMessage');

type Outcome = { ok: unknown } | { error: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { ok: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/**
 * The fast path's call with its values as bytes: it gives an all-ASCII value as text (which
 * the packer writes as the same bytes) where protobufjs gives a Buffer. Text that is not
 * ASCII would be written differently, so it fails here.
 */
function asBytes(call: unknown): unknown {
  const c = call as PublishCall;
  if (!c || !Array.isArray(c.messages)) return call;
  const bytesOf = (v: Buffer | string): Buffer => {
    if (typeof v !== 'string') return v;
    expect(v).toMatch(/^[\x00-\x7f]*$/);
    return Buffer.from(v, 'latin1');
  };
  return { ...c, messages: c.messages.map((m) => ({ ...m, pairs: m.pairs.map(([n, v]) => [n, bytesOf(v)]) })) };
}

function expectSame(bytes: Buffer): void {
  const fast = outcome(() => decode(bytes));
  expect('ok' in fast ? { ok: asBytes(fast.ok) } : fast).toEqual(outcome(() => fromReference(reference(bytes))));
}

// Names a JS object reorders (integer-like), or that are special to one, beside plain and non-ASCII ones.
const name = fc.oneof(
  fc.constantFrom('a', 'orderId', 'amount', '0', '1', '10', '01', '4294967294', '4294967295', '-1', '__proto__', 'constructor', '', 'é', '名前', 'x'.repeat(40)),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const value = fc.oneof(
  fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)),
  fc.string({ maxLength: 24 }).map((t) => Buffer.from(t)),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map((t) => Buffer.from(t)),
);
const publishMessage = fc.record(
  {
    fields: fc.array(fc.tuple(name, value), { maxLength: 20 }).map((es) => Object.fromEntries(es)),
    pairs: fc.array(fc.record({ name, value }), { maxLength: 5 }),
    id: fc.oneof(fc.constantFrom('', '1-1', '5-*'), fc.string({ maxLength: 6 })),
  },
  { requiredKeys: [] },
);
const publishRequest = fc.record(
  {
    stream: fc.string({ maxLength: 10 }),
    messages: fc.array(publishMessage, { maxLength: 6 }),
    trim: fc.record({ maxLen: fc.maxSafeNat(), minId: fc.string({ maxLength: 6 }), exact: fc.boolean() }, { requiredKeys: [] }),
    idempotencyKey: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: [] },
);

/** PublishRequest bytes whose message has its map entries (and pairs) spread over several encodings: names may repeat. */
const mergedMessages = fc.array(fc.array(publishMessage, { minLength: 1, maxLength: 3 }), { maxLength: 4 }).map((groups) =>
  Buffer.concat(
    groups.map((parts) => {
      const body = Buffer.concat(parts.map((p) => messageType.encode(messageType.fromObject(p)).finish()));
      return Buffer.concat([Buffer.from([0x12]), varint(BigInt(body.length)), body]);
    }),
  ),
);

describe('Publish codec (hand-written) against protobufjs', () => {
  it('decodes what protobufjs writes on the fast path, to what the handler got from protobufjs', () => {
    fc.assert(
      fc.property(publishRequest, (req) => {
        const bytes = serialize(req);
        expect(asBytes(decodePublishFast(bytes))).toEqual(fromReference(reference(bytes)));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps JS object order and the last value of a repeated map name, as protobufjs + Object.entries did', () => {
    fc.assert(
      fc.property(mergedMessages, (bytes) => {
        expect(asBytes(decodePublishFast(bytes))).toEqual(fromReference(reference(bytes)));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with protobufjs on accept/refuse and the result for any request bytes (the fuzz generator: wire oddities, corruption)', () => {
    const ctx = { limits: testConfig(FUZZ_ENV).limits, known: KNOWN };
    fc.assert(
      fc.property(requestArbitrary(rpc, ctx), (req) => {
        expectSame(req.bytes);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with protobufjs on random and mutated bytes', () => {
    fc.assert(fc.property(bytesAround(publishRequest.map((r) => serialize(r))), expectSame), { numRuns: 6000 });
  });

  it('handles the odd cases protobufjs has quirks for', () => {
    const cases = [
      Buffer.from([0x0a, 0x05, 0x61]), // string past the end: protobufjs truncates it
      Buffer.from([0x12, 0x02, 0x0a, 0x05]), // map entry whose length runs past its message
      Buffer.from([0x12, 0x04, 0x0a, 0x02, 0x0a, 0x00]), // entry without a value
      Buffer.from([0x12, 0x04, 0x0a, 0x02, 0x12, 0x00]), // entry without a name
      Buffer.from([0x12, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0xff, 0xfe]), // a name that is not UTF-8
      Buffer.from([0x1a, 0x03, 0x08, 0x80, 0x80]), // maxLen cut short
      Buffer.from([0x1a, 0x0b, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // maxLen 2^64 − 1
      Buffer.from([0x1a, 0x04, 0x08, 0x01, 0x12, 0x00]), // both members of the oneof
      Buffer.from([0x08, 0x01]), // stream as a varint (wrong wire type)
      Buffer.from([0x0b, 0x0c]), // an empty group
      Buffer.from([0x0b]), // a group that never ends
      Buffer.from([0x00, 0x01]), // field number 0
      Buffer.from([0x12, 0x02, 0x1a, 0x00]), // id present and empty
      // a map entry naming its key twice, the first not UTF-8 (protobufjs reads and refuses it)
      Buffer.from([0x12, 0x0a, 0x0a, 0x08, 0x0a, 0x01, 0xff, 0x0a, 0x01, 0x61, 0x12, 0x00]),
      // the same in a pairs Field
      Buffer.from([0x12, 0x0a, 0x12, 0x08, 0x0a, 0x01, 0xff, 0x0a, 0x01, 0x61, 0x12, 0x00]),
    ];
    for (const bytes of cases) expectSame(bytes);
    expect(() => decodePublishFast(Buffer.from([0x0a, 0x05, 0x61]))).toThrow();
    try {
      decodePublishFast(Buffer.from([0x08, 0x01]));
    } catch (err) {
      expect(err).toBe(BAIL);
    }
  });

  it('refuses a string that is not UTF-8, on both paths, never reading it as U+FFFD', () => {
    const ld = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), varint(BigInt(body.length)), body]);
    const bad = Buffer.from([0x6f, 0x72, 0x64, 0xff]); // "ord\xff"
    const entry = (name: Buffer) => ld(0x12, ld(0x0a, Buffer.concat([ld(0x0a, name), ld(0x12, Buffer.from('v'))])));
    const cases = [
      ld(0x0a, bad), // stream
      Buffer.concat([ld(0x0a, Buffer.from('s')), entry(bad)]), // a map name
      Buffer.concat([ld(0x0a, Buffer.from('s')), entry(Buffer.concat([Buffer.alloc(40, 0x61), bad]))]), // a long one
      ld(0x12, ld(0x12, Buffer.concat([ld(0x0a, Buffer.from([0xc3])), ld(0x12, Buffer.from('v'))]))), // a pairs name
      ld(0x12, ld(0x1a, Buffer.from([0x31, 0x2d, 0xff]))), // a message ID
      ld(0x22, Buffer.from([0xed, 0xa0, 0x80])), // idempotency key: an encoded surrogate
    ];
    for (const bytes of cases) {
      expect(() => decode(bytes)).toThrow(/not valid UTF-8/);
      expect(() => reference(bytes)).toThrow(/not valid UTF-8/);
    }
    // U+FFFD itself is valid UTF-8: kept.
    const fffd = ld(0x0a, Buffer.from('ord\uFFFD'));
    expect((decode(fffd) as PublishCall).stream).toBe('ord\uFFFD');
  });

  it('marks a published Field with name_bytes (publishing takes UTF-8 names), never dropping it silently', () => {
    const body = messageType.encode(messageType.fromObject({ pairs: [{ name: 'a', value: Buffer.from('1'), nameBytes: Buffer.from([0xff]) }] })).finish();
    const bytes = Buffer.concat([Buffer.from([0x12]), varint(BigInt(body.length)), body]);
    expect((decode(bytes) as PublishCall).messages[0]!.gave & GAVE_NAME_BYTES).toBe(GAVE_NAME_BYTES);
  });

  it('writes PublishResponse as protobufjs does', () => {
    const responseSerialize = original.responseSerialize as (v: unknown) => Buffer;
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('1-0', '1700000000000-12'), fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 8 }))), fc.boolean(), (ids, replayed) => {
        expect(encodePublishReply({ ids, replayed }).equals(responseSerialize({ ids, replayed }))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('StreamingPullRequest codec (hand-written) against protobufjs', () => {
  const method = service.StreamingPull!;
  const ref = strictDeserializer(method.requestDeserialize) as (b: Buffer) => unknown;
  const ser = method.requestSerialize as (v: unknown) => Buffer;
  const dec = withPullRequestCodec(service).StreamingPull!.requestDeserialize as (b: Buffer) => unknown;
  const pullRpc = rpcsOf().find((r) => r.name === 'StreamingPull')!;
  const same = (bytes: Buffer) => {
    expect(outcome(() => dec(bytes))).toEqual(outcome(() => ref(bytes)));
  };
  const id = fc.oneof(fc.constantFrom('1-0', '1700000000000-12', '', '0-0'), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 6 }));
  const request = fc.record(
    {
      stream: fc.string({ maxLength: 8 }),
      group: fc.string({ maxLength: 8 }),
      consumer: fc.string({ maxLength: 8 }),
      maxOutstandingMessages: fc.nat({ max: 0xffffffff }),
      maxOutstandingBytes: fc.maxSafeNat(),
      maxLeaseExtensionMs: fc.maxSafeNat(),
      ackIds: fc.array(id, { maxLength: 30 }),
      nackIds: fc.array(id, { maxLength: 5 }),
      nackDelayMs: fc.maxSafeNat(),
      extendIds: fc.array(id, { maxLength: 5 }),
    },
    { requiredKeys: [] },
  );

  it('decodes what protobufjs writes on the fast path, to proto-loader\'s object', () => {
    fc.assert(
      fc.property(request, (req) => {
        const bytes = ser(req);
        expect(decodeStreamingPullFast(bytes)).toEqual(ref(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with protobufjs on any bytes: the fuzz generator, random, mutated and cut-short requests', () => {
    const ctx = { limits: testConfig(FUZZ_ENV).limits, known: KNOWN };
    const fuzz = requestArbitrary(pullRpc, ctx).map((r) => r.bytes);
    fc.assert(fc.property(fc.oneof(bytesAround(request.map((r) => ser(r))), fuzz), same), { numRuns: 6000 });
    // uint64 past 2^53, a 10-byte varint, a varint cut short at the end (protobufjs's quirks)
    for (const hex of ['28ffffffffffffffff01', '28ffffffffffffffffff01', '48808080', '3a0531', '20ffffffff1f', '20ffffffff0f']) same(Buffer.from(hex, 'hex'));
  });

  it('refuses a stream, group, consumer or ID that is not UTF-8, on both paths', () => {
    // stream "ord\xff", group "\xc3", consumer "c\x80", an ack ID and a nack ID with a bad byte.
    for (const hex of ['0a046f7264ff', '0a01731201c3', '1a026380', '3a03312dff', '42022dfe', '52043100ffff']) {
      const bytes = Buffer.from(hex, 'hex');
      expect(() => dec(bytes)).toThrow(/not valid UTF-8/);
      expect(() => ref(bytes)).toThrow(/not valid UTF-8/);
    }
  });
});
