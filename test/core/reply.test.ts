import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countedEntries, pairs } from '../../src/redis/reply.js';

// countedEntries decodes a field name once per reply and position (FieldNames): the result
// must be what decoding every name would give, whatever the names' bytes.
describe('reply parsing', () => {
  const nameBytes = fc.oneof(
    fc.constantFrom('orderId', 'amount', 'note', 'é', '€', 'a'.repeat(32), 'a'.repeat(33), '').map((s) => Buffer.from(s)),
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
          entries.map(([id, fields, n]) => ({ id: id.toString(), pairs: fields === null ? null : pairs(fields.flat()), deliveryCount: n })),
        );
        for (const [i, [, fields]] of entries.entries()) {
          for (const [k, [name]] of (fields ?? []).entries()) expect(got[i]!.pairs![k]![0]).toBe(name.toString('utf8'));
        }
      }),
      { numRuns: 500 },
    );
  });
});
