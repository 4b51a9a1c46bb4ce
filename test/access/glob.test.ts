import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGlob, globMatch, splitGlobList } from '../../src/core/access/glob.js';
import { loadConfig } from '../../src/runtime/config.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

describe('glob patterns (Redis semantics)', () => {
  const cases: Array<[pattern: string, name: string, matches: boolean]> = [
    ['orders', 'orders', true],
    ['orders', 'orders2', false],
    ['orders.*', 'orders.eu', true],
    ['orders.*', 'orders.', true],
    ['orders.*', 'orders', false],
    // `*` crosses `/` and `:`: stream names are not paths.
    ['tenant/*', 'tenant/a/b/c', true],
    ['*:dlq', 'orders/eu:dlq', true],
    ['a*b*c', 'a/x/b/y/c', true],
    ['a*b*c', 'a/x/b/y/d', false],
    ['*', 'anything at all', true],
    ['**', 'x', true],
    ['job-?', 'job-1', true],
    ['job-?', 'job-12', false],
    ['job-?', 'job-', false],
    ['job-?', 'job-é', true],
    ['[ab]-x', 'a-x', true],
    ['[ab]-x', 'b-x', true],
    ['[ab]-x', 'c-x', false],
    ['[^ab]-x', 'c-x', true],
    ['[^ab]-x', 'a-x', false],
    ['v[0-9]', 'v7', true],
    ['v[0-9]', 'vx', false],
    ['v[9-0]', 'v5', true],
    ['literal\\*', 'literal*', true],
    ['literal\\*', 'literalX', false],
    ['q\\?', 'q?', true],
    ['q\\?', 'qx', false],
    ['\\[x]', '[x]', true],
    ['[\\]]', ']', true],
    ['[a\\-z]', '-', true],
    ['[a\\-z]', 'm', false],
    ['{tag}.*', '{tag}.orders', true],
    ['[abc', 'b', true],
    ['trailing\\', 'trailing\\', true],
  ];
  it.each(cases)('%s vs %s → %s', (pattern, name, expected) => {
    expect(globMatch(pattern, name)).toBe(expected);
  });

  it('splits STREAMGATE_STREAMS on commas, `\\,` keeping a literal comma', () => {
    expect(splitGlobList('orders.*, payments , ,a\\,b')).toEqual(['orders.*', 'payments', 'a\\,b']);
    expect(globMatch('a\\,b', 'a,b')).toBe(true);
    expect(loadConfig({ STREAMGATE_STREAMS: 'x.*,y' }).streams).toEqual(['x.*', 'y']);
    expect(loadConfig({}).streams).toEqual(['*']);
    expect(() => loadConfig({ STREAMGATE_STREAMS: ' , ' })).toThrow(/STREAMGATE_STREAMS/);
  });

  describe('agrees with Redis itself (KEYS on a private redis-server)', () => {
    let server: TestRedis;
    let redis: Redis;
    beforeAll(async () => {
      server = await startRedis();
      redis = new Redis(server.url);
    });
    afterAll(async () => {
      redis.disconnect();
      await server.stop();
    });

    // A small alphabet with every special character, so patterns are dense with them.
    const ALPHABET = ['a', 'b', 'c', '-', '/', '*', '?', '[', ']', '^', '\\'];
    const text = (min: number, max: number) =>
      fc.array(fc.constantFrom(...ALPHABET), { minLength: min, maxLength: max }).map((a) => a.join(''));

    const char = fc.constantFrom(...ALPHABET);
    const plain = fc.constantFrom('a', 'b', 'c', '-', '/', ']', '^');
    // Patterns built from the grammar's pieces (classes with ranges, reversed ranges,
    // negation, escapes, unterminated), mixed with raw strings of special characters.
    const token = fc.oneof(
      plain,
      fc.constant('*'),
      fc.constant('?'),
      char.map((c) => `\\${c}`),
      fc
        .tuple(
          fc.boolean(),
          fc.array(fc.oneof(plain, fc.tuple(plain, plain).map(([x, y]) => `${x}-${y}`), char.map((c) => `\\${c}`)), {
            minLength: 0,
            maxLength: 3,
          }),
          fc.boolean(),
        )
        .map(([not, items, closed]) => `[${not ? '^' : ''}${items.join('')}${closed ? ']' : ''}`),
    );
    const pattern = fc.oneof(
      fc.array(token, { minLength: 1, maxLength: 5 }).map((t) => t.join('')),
      text(1, 8),
    );

    it('on random patterns and names', async () => {
      await fc.assert(
        fc.asyncProperty(pattern, fc.uniqueArray(text(1, 6), { minLength: 1, maxLength: 12 }), async (pattern, names) => {
          await redis.flushdb();
          await redis.mset(...names.flatMap((n) => [n, '1']));
          const byRedis = new Set(await redis.keys(pattern));
          const match = compileGlob(pattern);
          for (const n of names) expect(match(n), `pattern ${JSON.stringify(pattern)} name ${JSON.stringify(n)}`).toBe(byRedis.has(n));
        }),
        { numRuns: 500 },
      );
    });
  });
});
