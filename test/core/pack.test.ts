import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PackableEntry, packEntries } from '../../src/redis/pack.js';

/**
 * packEntries (redis/pack.ts) against a plain reference encoder: `array 32` of `array 32`
 * of `str 32`, each string's UTF-8 bytes. The all-ASCII text batch takes a path of its own
 * (one latin1 string); every other batch the byte writer: both must give these bytes.
 */

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const str = (item: string | Buffer) => {
  const bytes = typeof item === 'string' ? Buffer.from(item, 'utf8') : item;
  return Buffer.concat([Buffer.from([0xdb]), u32(bytes.length), bytes]);
};
const reference = (entries: readonly PackableEntry[]) =>
  Buffer.concat([
    Buffer.from([0xdd]),
    u32(entries.length),
    ...entries.flatMap((e) => [Buffer.from([0xdd]), u32(1 + 2 * e.pairs.length), str(e.id), ...e.pairs.flatMap(([n, v]) => [str(n), str(v)])]),
  ]);

const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 300 });
const text = fc.oneof(
  { weight: 4, arbitrary: ascii },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => s.isWellFormed()) },
  { weight: 1, arbitrary: fc.constantFrom('é', '\u0080', '\u00ff', '\u07ff', '\u0800', '😀', 'a\u007f', '') },
);
const value = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)) });
const entry = (v: fc.Arbitrary<string | Buffer>, n: fc.Arbitrary<string>) =>
  fc.record({ id: fc.oneof(fc.constantFrom('*', '1-0', '1700000000000-*'), n), pairs: fc.array(fc.tuple(n, v), { minLength: 1, maxLength: 6 }) });

describe('packEntries', () => {
  it('writes the reference bytes for ASCII text batches (the latin1 path)', () => {
    fc.assert(fc.property(fc.array(entry(ascii, ascii), { maxLength: 8 }), (entries) => {
      expect(packEntries(entries)).toEqual(reference(entries));
    }), { numRuns: 1000 });
  });

  it('writes the reference bytes for any batch: non-ASCII text, Buffers, both mixed', () => {
    fc.assert(fc.property(fc.array(entry(value, text), { maxLength: 8 }), (entries) => {
      expect(packEntries(entries)).toEqual(reference(entries));
    }), { numRuns: 2000 });
  });

  it('counts lengths in bytes, not characters, once a single character is not ASCII', () => {
    const entries = [{ id: '*', pairs: [['a', 'x'.repeat(70000)] as const] }, { id: '*', pairs: [['b', 'é'] as const] }];
    expect(packEntries(entries)).toEqual(reference(entries));
    expect(packEntries(entries).length).toBe(5 + (5 + 5 + 1 + 5 + 1 + 5 + 70000) + (5 + 5 + 1 + 5 + 1 + 5 + 2));
  });
});
