import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldPair } from '../../src/contract/types.js';
import { unpackCountedEntries } from '../../src/redis/unpack.js';
import { redisUrl } from '../helpers/core.js';
import { packInRedis as pack } from '../helpers/packed.js';

// pull-5.lua returns its entries as one string packed by Redis's own cmsgpack.pack; unpack.ts
// must read back exactly what RESP would have carried: the same IDs, names (UTF-8 decoded,
// with their exact bytes when they are not UTF-8), value bytes, deleted entries and delivery
// counts, whatever the bytes and sizes.

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

type Entry = [id: Buffer, fields: [Buffer, Buffer][] | null, count: number];

const packInRedis = (entries: readonly Entry[]): Promise<Buffer> => pack(redis, entries);

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const name = fc.oneof(
  fc.constantFrom('orderId', 'amount', 'é', '€', '\uFFFD', 'a'.repeat(32), 'a'.repeat(33), '').map((s) => Buffer.from(s)),
  fc.constantFrom([0xff, 0xfe, 0x41], [0x80], [0xef, 0xbf, 0xbd, 0xff], [...Buffer.alloc(33, 0x61), 0xc3]).map((a) => Buffer.from(a)),
  bytes(40),
);

/** What a name decodes to: its text, and its bytes too when they are not UTF-8 (FieldPair). */
const exactPairs = (fields: [Buffer, Buffer][]): FieldPair[] =>
  fields.map(([n, v]) => (isUtf8(n) ? [n.toString('utf8'), v] : [n.toString('utf8'), v, n]));
// Lengths around every string header cmsgpack writes: fixstr (< 32), str 8, str 16, str 32.
const value = fc.oneof(
  { weight: 8, arbitrary: bytes(40) },
  { weight: 1, arbitrary: fc.constantFrom(31, 32, 255, 256).map((n) => Buffer.alloc(n, 0xe9)) },
);
const entry: fc.Arbitrary<Entry> = fc.tuple(
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => Buffer.from(`${a}-${b}`)),
  fc.oneof({ weight: 9, arbitrary: fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 6 }) }, { weight: 1, arbitrary: fc.constant(null) }),
  fc.oneof(fc.nat(200), fc.constantFrom(127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 40)),
);

describe('packed entries (unpack.ts)', () => {
  it('read back what Redis packed: IDs, names, value bytes, deleted entries, counts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 20 }), async (entries) => {
        const got = unpackCountedEntries(await packInRedis(entries));
        expect(got).toEqual(
          entries.map(([id, fields, count]) => ({
            id: id.toString(),
            pairs: fields === null ? null : exactPairs(fields),
            deliveryCount: count,
          })),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('values of every string size cmsgpack writes (str 16 and str 32 too)', async () => {
    const sizes = [0, 31, 32, 255, 256, 65_535, 65_536];
    const entries: Entry[] = sizes.map((n, i) => [Buffer.from(`${i}-1`), [[Buffer.from('v'), Buffer.alloc(n, i)]], 1]);
    const got = unpackCountedEntries(await packInRedis(entries));
    expect(got.map((m) => m.pairs![0]![1])).toEqual(sizes.map((n, i) => Buffer.alloc(n, i)));
  });

  it('more entries than fit a fixarray or an array 16', async () => {
    const many: Entry[] = Array.from({ length: 22_000 }, (_, i) => [Buffer.from(`${i}-0`), [[Buffer.from('n'), Buffer.from(String(i))]], 1]);
    const got = unpackCountedEntries(await packInRedis(many));
    expect(got).toHaveLength(22_000);
    expect(got[21_999]).toEqual({ id: '21999-0', pairs: [['n', Buffer.from('21999')]], deliveryCount: 1 });
  });

  it('refuses what it does not understand instead of guessing', async () => {
    const good = await packInRedis([[Buffer.from('1-0'), [[Buffer.from('a'), Buffer.from('b')]], 1]]);
    expect(unpackCountedEntries(good)).toHaveLength(1);
    expect(() => unpackCountedEntries(good.subarray(0, good.length - 1))).toThrow(/truncated|unexpected/);
    expect(() => unpackCountedEntries(Buffer.concat([good, Buffer.from([0])]))).toThrow(/left over/);
    expect(() => unpackCountedEntries(Buffer.from([0x92, 0xa1, 0x31, 0xc2]))).toThrow(/multiple of 3/);
    // A map where an array belongs, a float where a count belongs.
    expect(() => unpackCountedEntries(Buffer.from([0x80]))).toThrow(/array/);
    expect(() => unpackCountedEntries(Buffer.from([0x93, 0xa1, 0x31, 0xc2, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/count/);
  });
});
