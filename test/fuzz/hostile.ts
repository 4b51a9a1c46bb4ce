import fc from 'fast-check';

/**
 * Values both fuzzers draw from: hostile names, malformed and edge stream IDs, and numbers
 * at every boundary the contract or a runtime has. Plain data, so a failing case prints
 * readably and shrinks toward the simple entries.
 */

export const U64_MAX = 18446744073709551615n;

/** Half of a surrogate pair alone: not Unicode, cannot be UTF-8-encoded. */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Names that have broken gateways: path tricks, globs, control characters, sizes, hash tags. */
export const HOSTILE_NAMES: readonly string[] = [
  '../',
  '..',
  '.',
  '../../etc/passwd',
  '..%2F',
  '%2e%2e',
  '..\\',
  '*',
  '?',
  '[',
  ']',
  '[a-z]*',
  '\\*',
  'h?llo*',
  '{hash}tag',
  '{}',
  '{',
  '}',
  '}{',
  '{a}{b}',
  'a/b',
  '/',
  '%00',
  '%',
  '%ZZ',
  '\u0000',
  'a\u0000b',
  '\n',
  'a\r\nb',
  '\t',
  ' ',
  'a b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ud800',
  'a\udfff',
  '\udc00\ud800',
  '😀',
  'é'.repeat(257),
  'x'.repeat(10 * 1024),
  's'.repeat(512),
  's'.repeat(513),
  'g'.repeat(256),
  'g'.repeat(257),
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '$',
  '>',
  '-',
  '+',
  '0',
  '(',
  '#',
  '&',
  '=',
  ';',
  '"',
  "'",
  '<script>',
  '${x}',
  'null',
  'NaN',
  '',
];

/** Any string at all: printable, every code point, control characters, lone surrogates. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), loneSurrogate), { maxLength: 6 }).map((parts) => parts.join('')),
);

/**
 * A name for a stream, group or consumer: one the fixture knows (so requests get past the
 * existence checks), a hostile one, a hostile one inside an ordinary one, or anything.
 */
export function nameArbitrary(known: readonly string[]): fc.Arbitrary<string> {
  const hostile = fc.constantFrom(...HOSTILE_NAMES);
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...known) },
    { weight: 3, arbitrary: hostile },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...known), hostile).map(([k, h]) => `${k}${h}`) },
    { weight: 1, arbitrary: anyString },
  );
}

const u64 = U64_MAX.toString();

/** Stream IDs and range bounds: valid ones near the fixture's entries, edges, and junk. */
export const ID_EDGES: readonly string[] = [
  '1-0',
  '2-0',
  '3-0',
  '3',
  '5-0',
  '9-0',
  '0',
  '0-0',
  '0-1',
  '$',
  '>',
  '-',
  '+',
  '*',
  '1-*',
  `${u64}-*`,
  '(1-0',
  '(0-0',
  '(0',
  `(${u64}-${u64}`,
  `(${u64}`,
  `${u64}-${u64}`,
  `${U64_MAX + 1n}-0`,
  `1-${U64_MAX + 1n}`,
  '99999999999999999999999-0',
  '-1',
  '1-2-3',
  '1.5-0',
  '1e3',
  '0x10-0',
  ' 1-0',
  '1-0 ',
  '1-',
  '-0',
  '((1-0',
  '',
];

export const idArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ID_EDGES) },
  { weight: 2, arbitrary: fc.tuple(fc.bigInt({ min: 0n, max: U64_MAX + 10n }), fc.bigInt({ min: 0n, max: U64_MAX + 10n })).map(([a, b]) => `${a}-${b}`) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NAMES) },
  { weight: 1, arbitrary: anyString },
);

/** Integers a runtime or protocol treats specially. */
export const INT_EDGES: readonly number[] = [
  0,
  1,
  -1,
  2,
  49,
  50,
  1000,
  1001,
  60_000,
  60_001,
  43_200_000,
  43_200_001,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  -(2 ** 31),
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53,
  2 ** 63,
  2 ** 64,
  1e21,
  -1e21,
  Number.MAX_VALUE,
];

/** Numbers that are not integers, or not finite once parsed. */
export const NON_INT_NUMBERS: readonly number[] = [0.5, 1.5, -0.5, 1e-7, -0, 0.1 + 0.2, 43_200_000.5];

/** Numbers as query text: edges, floats, spellings JSON and Number() disagree on. */
export const NUMBER_TEXTS: readonly string[] = [
  ...INT_EDGES.map(String),
  '1.5',
  '-0',
  '0.0',
  '1e3',
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '0b1',
  '0o7',
  '1_000',
  ' 1',
  '1 ',
  '+1',
  '٣',
  '１',
  '',
  'abc',
  '12345678901234567890123',
];

/**
 * Integer arbitrary around `edges` (the limits of the field at hand) plus the generic ones:
 * each edge, its neighbours, and ordinary small values.
 */
export function intArbitrary(edges: readonly number[] = []): fc.Arbitrary<number> {
  const near = edges.flatMap((e) => [e - 1, e, e + 1]);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...INT_EDGES, ...near) },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 1100 }) },
    { weight: 1, arbitrary: fc.constantFrom(...NON_INT_NUMBERS) },
    { weight: 1, arbitrary: fc.integer() },
  );
}
