import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldPair } from '../../src/contract/types.js';
import { countedEntries, entries as rangeEntries } from '../../src/redis/reply.js';

// countedEntries and entries decode a field name once per reply and position (FieldNames):
// the result must be what decoding every name would give, whatever the names' bytes, and a
// name that is not well-formed UTF-8 carries its exact bytes.
const expectedPairs = (fields: [Buffer, Buffer][]): FieldPair[] =>
  fields.map(([name, value]) => (isUtf8(name) ? [name.toString('utf8'), value] : [name.toString('utf8'), value, name]));

describe('reply parsing', () => {
  const nameBytes = fc.oneof(
    fc.constantFrom('orderId', 'amount', 'note', 'é', '€', '\uFFFD', 'a'.repeat(32), 'a'.repeat(33), '').map((s) => Buffer.from(s)),
    // Not UTF-8, short and long (past the name cache's length), some decoding alike.
    fc.constantFrom([0xff, 0xfe, 0x41], [0x80], [0xef, 0xbf, 0xbd, 0xff], [...Buffer.alloc(33, 0x61), 0xc3]).map((a) => Buffer.from(a)),
    fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  );
  const entry = fc.tuple(
    fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => Buffer.from(`${a}-${b}`)),
    fc.oneof({ weight: 9, arbitrary: fc.array(fc.tuple(nameBytes, fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a))), { maxLength: 6 }) }, { weight: 1, arbitrary: fc.constant(null) }),
    fc.nat(20),
  );

  it('names decoded once per position equal names decoded each time', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const flat = entries.flatMap(([id, fields, n]) => [id, fields === null ? null : fields.flat(), n]);
        const got = countedEntries(flat);
        expect(got).toEqual(
          entries.map(([id, fields, n]) => ({ id: id.toString(), pairs: fields === null ? null : expectedPairs(fields), deliveryCount: n })),
        );
        const range = entries.map(([id, fields]) => [id, fields === null ? null : fields.flat()]);
        expect(rangeEntries(range)).toEqual(entries.map(([id, fields]) => ({ id: id.toString(), pairs: fields === null ? null : expectedPairs(fields) })));
        for (const [i, [, fields]] of entries.entries()) {
          for (const [k, [name]] of (fields ?? []).entries()) expect(got[i]!.pairs![k]![0]).toBe(name.toString('utf8'));
        }
      }),
      { numRuns: 500 },
    );
  });
});
