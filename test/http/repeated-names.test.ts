import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RepeatedName, repeatedName } from '../../src/http/validation.js';

/**
 * repeatedName (src/http/validation.ts) finds a name repeated in a JSON object of a body by
 * counting colons (text against parsed value) and scanning only when they differ. Against
 * the answer read off the structure itself, on JSON written with repeats, colons in names
 * and values, escapes (`\u003a` is a colon too), whitespace and nesting.
 */

type J = string | number | boolean | null | J[] | { entries: [string, J][] };

const key = fc.constantFrom('a', 'b', 'fields', ':', 'a:', '::', '', 'é', '"', '\\');
const leaf: fc.Arbitrary<J> = fc.oneof(
  fc.constantFrom('x', '1:2', ':', '', 'a\\b', '"q"', '12:00:00', 'é'),
  fc.integer(),
  fc.constantFrom(true, false, null),
);
const { value } = fc.letrec<{ value: J }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => ({ entries })),
  ),
}));

/** JSON text for `v`: each name plain or all in \u escapes, some whitespace around the colons. */
function write(v: J, style: { escape: boolean[]; space: boolean[] }, at = { n: 0 }): string {
  if (Array.isArray(v)) return `[${v.map((x) => write(x, style, at)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const members = v.entries.map(([k, x]) => {
      const i = at.n++;
      const name = style.escape[i % style.escape.length]
        ? `"${[...k].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
        : JSON.stringify(k);
      return `${name}${style.space[i % style.space.length] ? ' : ' : ':'}${write(x, style, at)}`;
    });
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The first name an object repeats, in text order, and the path of that object. */
function reference(v: J, path = ''): RepeatedName | null {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = reference(v[i]!, `${path}[${i}]`);
      if (r) return r;
    }
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  const seen = new Set<string>();
  for (const [k, x] of v.entries) {
    if (seen.has(k)) return { path, name: k };
    seen.add(k);
    const r = reference(x, path === '' ? k : `${path}.${k}`);
    if (r) return r;
  }
  return null;
}

describe('repeatedName', () => {
  it('finds exactly the repeats the structure has, with their path', () => {
    fc.assert(
      fc.property(value, fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), (v, escape, space) => {
        const text = write(v, { escape, space });
        expect(repeatedName(text, JSON.parse(text))).toEqual(reference(v));
      }),
      { numRuns: 5000 },
    );
  });

  it('deep nesting: no recursion past its bound, the scan decides', () => {
    const deep = `${'['.repeat(10_000)}{"a":1,"a":2}${']'.repeat(10_000)}`;
    expect(repeatedName(deep, JSON.parse(deep))?.name).toBe('a');
    const fine = `${'['.repeat(10_000)}{"a":1}${']'.repeat(10_000)}`;
    expect(repeatedName(fine, JSON.parse(fine))).toBeNull();
  });
});
