import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairsBytes } from '../../src/contract/limits.js';
import { messageBytes, PackedMessage } from '../../src/contract/packed-message.js';
import type { Message } from '../../src/contract/types.js';
import type { Message__Output } from '../../src/grpc/generated/streamgate/v1/Message.js';
import type { MessageJson } from '../../src/http/encoding.js';
import { loadProto } from '../../src/grpc/proto.js';
import { encodeMessages } from '../../src/grpc/pull-encoding.js';
import { messagesJson } from '../../src/http/messages-json.js';
import { unpackCountedEntries } from '../../src/redis/unpack.js';
import { redisUrl } from '../helpers/core.js';
import { packInRedis as pack } from '../helpers/packed.js';

// PackedMessage (the packed form of pulled messages, read from pull-5.lua's cmsgpack reply)
// must be indistinguishable from the eager form wherever it goes: the StreamingPull bytes,
// the REST pull's JSON text in both encodings, the byte credit, and `pairs` itself. The
// entries are packed by Redis's own cmsgpack.pack, as pull-5.lua packs them.

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

type Entry = [id: string, fields: [Buffer, Buffer][] | null, count: number];

const packInRedis = (entries: readonly Entry[]): Promise<Buffer> => pack(redis, entries);

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const text = (...s: string[]) => fc.constantFrom(...s).map((t) => Buffer.from(t, 'utf8'));
// A small pool makes repeated names (within an entry) and names seen before (across entries) common.
const name = fc.oneof(
  { weight: 6, arbitrary: text('orderId', 'amount', 'a', 'b', '', 'é', '€uro', '\uFFFD', 'x'.repeat(32), 'y'.repeat(40), 'é'.repeat(20)) },
  { weight: 2, arbitrary: text('0', '12', '4294967294', '4294967295', '01', '-1', '__proto__', '"q"', '\\', '\n') },
  // Malformed UTF-8, some decoding to the same string (U+FFFD) from different bytes.
  { weight: 2, arbitrary: fc.constantFrom([0x80], [0x81], [0xff, 0x61], [0xc3], [0xef, 0xbf, 0xbd], [0xed, 0xa0, 0x80]).map((a) => Buffer.from(a)) },
  { weight: 2, arbitrary: bytes(40) },
);
// Lengths around the string headers cmsgpack writes: fixstr (< 32), str 8, str 16 (str 32: the typical batch).
const value = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 12 }).map((s) => Buffer.from(s, 'utf8')) },
  { weight: 2, arbitrary: text('\uFFFD', 'a\uFFFDb', '€', '"', '\u0000', '</script>') },
  { weight: 3, arbitrary: bytes(40) },
  { weight: 1, arbitrary: fc.constant(Buffer.from([0xef, 0xbf, 0xbd, 0xff])) },
  { weight: 1, arbitrary: fc.constantFrom(31, 32, 64, 65, 255, 256).map((n) => Buffer.alloc(n, 0x61)) },
);
const entry: fc.Arbitrary<Entry> = fc.tuple(
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}-${b}`),
  fc.oneof(
    { weight: 9, arbitrary: fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  fc.oneof(fc.nat(200), fc.constantFrom(127, 128, 65_536, 2 ** 32 - 1, 2 ** 32)),
);

const service = loadProto().grpc.streamgate.v1.StreamGateway.service;
const protobufjs = service.StreamingPull!.responseSerialize as (v: unknown) => Buffer;

/** Both forms of the same reply, each read afresh (a packed message caches its pairs once asked). */
const forms = (buf: Buffer) => ({ eager: unpackCountedEntries(buf), packed: unpackCountedEntries(buf, true) });

describe('PackedMessage', () => {
  it('encodes, writes JSON, counts bytes and decodes exactly as the eager message', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 16 }), async (entries) => {
        const buf = await packInRedis(entries);
        const f1 = forms(buf);
        expect(f1.packed.every((m) => m instanceof PackedMessage)).toBe(true);
        const eagerProto = encodeMessages(f1.eager, protobufjs);
        expect(encodeMessages(f1.packed, protobufjs).equals(eagerProto)).toBe(true);
        for (const encoding of ['utf8', 'base64'] as const) {
          const f = forms(buf);
          expect(messagesJson(f.packed, encoding)).toBe(messagesJson(f.eager, encoding));
        }
        const f2 = forms(buf);
        expect(f2.packed.map(messageBytes)).toEqual(f2.eager.map((m) => pairsBytes(m.pairs)));
        expect(f2.packed.map(plain)).toEqual(f2.eager);
        // Asked again (cached), and encoded again after: still the same.
        expect(f2.packed.map(plain)).toEqual(f2.eager);
        expect(encodeMessages(f2.packed, protobufjs).equals(eagerProto)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('gives every name and value back exactly, UTF-8 or not: in the REST JSON (both encodings) and the StreamingPull bytes', { timeout: 60_000 }, async () => {
    const decodeResponse = service.StreamingPull!.responseDeserialize as (b: Buffer) => { messages: Message__Output[] };
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), async (entries) => {
        const buf = await packInRedis(entries);
        const want = entries.map(([, fields]) => fields);
        for (const form of [false, true]) {
          expectExactFields(decodeResponse(encodeMessages(unpackCountedEntries(buf, form), protobufjs)).messages.map(protoFields), want);
          for (const encoding of ['utf8', 'base64'] as const) {
            expectExactFields((JSON.parse(messagesJson(unpackCountedEntries(buf, form), encoding)) as MessageJson[]).map(jsonFields), want);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a typical batch (the same names in every entry) takes the fast paths and matches', async () => {
    const entries: Entry[] = Array.from({ length: 200 }, (_, i) => [
      `1700000000000-${i}`,
      [
        [Buffer.from('orderId'), Buffer.from(String(1000 + i))],
        [Buffer.from('amount'), Buffer.from('12.50')],
        [Buffer.from('note'), Buffer.from('é'.repeat(i % 40))],
        // Every string header: fixstr, str 8, str 16, str 32.
        [Buffer.from('body'), Buffer.alloc(i < 7 ? [0, 31, 32, 255, 256, 65_535, 65_536][i]! : i % 50, 0x62)],
      ],
      1 + (i % 3),
    ]);
    const buf = await packInRedis(entries);
    const { eager, packed } = forms(buf);
    expect(encodeMessages(packed, protobufjs).equals(encodeMessages(eager, protobufjs))).toBe(true);
    expect(messagesJson(packed, 'utf8')).toBe(messagesJson(eager, 'utf8'));
    // Neither fast path asked for pairs.
    expect(packed.every((m) => (m as unknown as { decoded: unknown }).decoded === undefined)).toBe(true);
    expect(packed.map(messageBytes)).toEqual(eager.map((m) => pairsBytes(m.pairs)));
    expect(packed.map(plain)).toEqual(eager);
  });

  it('a plain message is counted by pairsBytes', () => {
    const m: Message = { id: '1-1', pairs: [['é', Buffer.from('abc')]], deliveryCount: 1 };
    expect(messageBytes(m)).toBe(5);
  });

  it('an unreadable reply is an error, as in the eager form', () => {
    expect(() => unpackCountedEntries(Buffer.from([0x93, 0xa1, 0x31, 0x92, 0xa1]), true)).toThrow(/truncated/);
    expect(() => unpackCountedEntries(Buffer.from([0x93, 0xa1, 0x31, 0xc2, 0x01, 0x00]), true)).toThrow(/left over/);
  });
});

/** The packed message as a plain `{id, pairs, deliveryCount}` (toEqual compares own properties). */
const plain = (m: Message): Message => ({ id: m.id, pairs: m.pairs, deliveryCount: m.deliveryCount });

/** Fields as exact bytes, and whether their order is Redis's (from `pairs`) or none (from a map, which also means no repeated name). */
type Got = { ordered: boolean; fields: [Buffer, Buffer][] } | null;

/** A message's fields as exact bytes from its protobuf form: `pairs` when present (name_bytes first), else the map. */
function protoFields(m: Message__Output): Got {
  if (m.deleted) return null;
  if (m.pairs.length > 0) return { ordered: true, fields: m.pairs.map((p) => [p.nameBytes.length > 0 ? p.nameBytes : Buffer.from(p.name), p.value]) };
  return { ordered: false, fields: Object.entries(m.fields).map(([n, v]) => [Buffer.from(n), v]) };
}

/** A message's fields as exact bytes from its REST JSON: `pairs` when present (names base64 with nameEncoding), else `fields`. */
function jsonFields(m: MessageJson): Got {
  if (m.fields === null) return null;
  const value = (v: string) => Buffer.from(v, m.encoding === 'base64' ? 'base64' : 'utf8');
  if (m.pairs) return { ordered: true, fields: m.pairs.map(([n, v]) => [Buffer.from(n, m.nameEncoding === 'base64' ? 'base64' : 'utf8'), value(v)]) };
  return { ordered: false, fields: Object.entries(m.fields).map(([n, v]) => [Buffer.from(n), value(v)]) };
}

const byName = (a: [Buffer, Buffer], b: [Buffer, Buffer]) => Buffer.compare(a[0], b[0]);

/** `got` holds exactly `want`: in order when it came from pairs, as a set of distinct names when from a map. */
function expectExactFields(got: Got[], want: ([Buffer, Buffer][] | null)[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (g === null || w === null) return expect(g).toEqual(w);
    if (g.ordered) return expect(g.fields).toEqual(w);
    expect(new Set(w.map(([n]) => n.toString('hex'))).size).toBe(w.length);
    expect([...g.fields].sort(byName)).toEqual([...w].sort(byName));
  });
}
