import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonOut } from '../../src/http/json-out.js';

// The REST pull's reply is written as bytes (json-out.ts): a name or value copied from the
// packed reply must come out exactly as JSON.stringify writes its UTF-8 text, or not at all.
describe('JsonOut', () => {
  const quoted = (b: Buffer, capacity = 64): string | null => {
    const out = new JsonOut(capacity);
    out.ascii('[');
    const ok = out.quoted(b, 0, b.length);
    out.ascii(']');
    return ok ? out.finish().toString('utf8') : null;
  };
  const expected = (b: Buffer): string | null => (isUtf8(b) ? `[${JSON.stringify(b.toString('utf8'))}]` : null);

  it('every single byte, and every byte inside text', () => {
    for (let c = 0; c < 256; c++) {
      for (const b of [Buffer.from([c]), Buffer.concat([Buffer.from('a"é'), Buffer.from([c]), Buffer.from('\\z')])]) expect(quoted(b)).toBe(expected(b));
    }
  });

  it('any bytes, any text: JSON.stringify of the UTF-8 text, or refused when not UTF-8; the buffer grows as needed', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
    );
    fc.assert(
      fc.property(bytes, fc.constantFrom(1, 8, 64), (b, capacity) => {
        expect(quoted(b, capacity)).toBe(expected(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('text() and rewind(): a message given up half-way leaves nothing behind', () => {
    const out = new JsonOut(4);
    out.ascii('{"a":');
    const mark = out.mark();
    out.ascii('"partial');
    expect(out.quoted(Buffer.from([0x61, 0xff]), 0, 2)).toBe(false);
    out.rewind(mark);
    out.text('"\u00e9\u20ac\u{1f600}"}');
    expect(JSON.parse(out.finish().toString('utf8'))).toEqual({ a: '\u00e9\u20ac\u{1f600}' });
  });
});
