import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldPair, Message } from '../../src/contract/types.js';
import type { AckOutcomes } from '../../src/core/pull-session.js';
import { toProtoMessage } from '../../src/grpc/convert.js';
import { loadProto } from '../../src/grpc/proto.js';
import { AckResultsResponse, MessagesResponse, withPullEncoding } from '../../src/grpc/pull-encoding.js';

// The hand-written StreamingPullResponse writer against protobufjs's encoder of the objects
// convert.ts builds: byte for byte where JS objects keep the map's order, decoded otherwise.
const service = loadProto().grpc.streamgate.v1.StreamGateway.service;
const method = service.StreamingPull;
const protobufjs = method.responseSerialize as (v: unknown) => Buffer;
const fast = withPullEncoding(service).StreamingPull!.responseSerialize as (v: unknown) => Buffer;
const decode = method.responseDeserialize as (b: Buffer) => unknown;

const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
const name = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('a', 'b', '1', '€uro', '', 'x'.repeat(200)));
// A name of any bytes: one that is not UTF-8 carries them (FieldPair), as the readers give it.
const rawPair = fc
  .tuple(fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a)), bytes)
  .map(([n, v]): FieldPair => (isUtf8(n) ? [n.toString('utf8'), v] : [n.toString('utf8'), v, n]));
const message: fc.Arbitrary<Message> = fc.record(
  {
    id: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}-${b}`),
    pairs: fc.oneof(
      { weight: 8, arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: fc.tuple(name, bytes) }, { weight: 1, arbitrary: rawPair }), { maxLength: 20 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    deliveryCount: fc.oneof(fc.constant(undefined), fc.nat({ max: 0xffffffff }), fc.constant(0)),
  },
  { requiredKeys: ['id', 'pairs'] },
) as fc.Arbitrary<Message>;

const integerLike = (m: Message) => (m.pairs ?? []).some(([n]) => /^(0|[1-9]\d*)$/.test(n));

describe('StreamingPull response encoding', () => {
  it('writes messages as protobufjs does', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), (messages) => {
        const ours = fast(new MessagesResponse(messages));
        const theirs = protobufjs({ messages: messages.map(toProtoMessage) });
        expect(decode(ours)).toEqual(decode(theirs));
        if (!messages.some(integerLike)) expect(ours.equals(theirs)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a name that is not UTF-8 travels as name_bytes in pairs, outside the map', () => {
    const bad = Buffer.from([0xff, 0xfe, 0x41]);
    const m: Message = { id: '1-0', pairs: [['a', Buffer.from('1')], [bad.toString('utf8'), Buffer.from('2'), bad]], deliveryCount: 1 };
    const got = decode(fast(new MessagesResponse([m]))) as { messages: { fields: unknown; pairs: { name: string; value: Buffer; nameBytes: Buffer }[] }[] };
    expect(got.messages[0]!.fields).toEqual({ a: Buffer.from('1') });
    expect(got.messages[0]!.pairs).toEqual([
      { name: 'a', value: Buffer.from('1'), nameBytes: Buffer.alloc(0) },
      { name: '', value: Buffer.from('2'), nameBytes: bad },
    ]);
  });

  it('a typical batch is byte-identical', () => {
    const messages: Message[] = Array.from({ length: 100 }, (_, i) => ({
      id: `1700000000000-${i}`,
      pairs: [
        ['orderId', Buffer.from('1234567890')],
        ['note', Buffer.alloc(400, 7)],
      ],
      deliveryCount: 1 + (i % 3),
    }));
    expect(fast(new MessagesResponse(messages)).equals(protobufjs({ messages: messages.map(toProtoMessage) }))).toBe(true);
  });

  it('writes ack results as protobufjs does', () => {
    const OP = { ack: 'ACK_OPERATION_ACK', nack: 'ACK_OPERATION_NACK', extend: 'ACK_OPERATION_EXTEND', term: 'ACK_OPERATION_TERM' } as const;
    // One request's outcomes: its operation, and per ID the ID and whether it was ok.
    const request = fc.record({
      operation: fc.constantFrom('ack', 'nack', 'extend', 'term'),
      results: fc.array(
        fc.tuple(
          fc.oneof(
            fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}-${b}`),
            // Past the one-pass writer's reach: long (its 121-character bound) or not ASCII.
            fc.string({ minLength: 115, maxLength: 130 }),
            fc.string({ maxLength: 200 }),
            fc.string({ unit: 'binary', maxLength: 20 }),
          ),
          fc.boolean(),
        ),
        { maxLength: 30 },
      ),
    });
    const outcomesOf = (r: { operation: AckOutcomes['operation']; results: [string, boolean][] }): AckOutcomes => ({
      operation: r.operation,
      ids: r.results.map(([id]) => id),
      // null when every ID was ok (the common case), as the session answers it.
      notOk: r.results.every(([, ok]) => ok) ? null : Uint8Array.from(r.results, ([, ok]) => (ok ? 0 : 1)),
    });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 4 }), (requests) => {
        const theirs = protobufjs({
          ackResults: requests.flatMap((r) =>
            r.results.map(([id, ok]) => ({ id, operation: OP[r.operation], status: ok ? 'ACK_STATUS_OK' : 'ACK_STATUS_NOT_PENDING' })),
          ),
        });
        expect(fast(new AckResultsResponse(requests.map(outcomesOf))).equals(theirs)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves other responses to protobufjs', () => {
    const plain = { ackResults: [{ id: '1-1', operation: 'ACK_OPERATION_ACK', status: 'ACK_STATUS_OK' }] };
    expect(fast(plain).equals(protobufjs(plain))).toBe(true);
  });
});
