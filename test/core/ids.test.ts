import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/contract/errors.js';
import {
  compareCanonicalIds,
  compareIds,
  entryId,
  formatId,
  isCanonicalId,
  idBeforeTimestamp,
  nextId,
  parseId,
  positionId,
  publishId,
  rangeBound,
} from '../../src/contract/ids.js';
import { redisUrl, uniq } from '../helpers/core.js';

const U64 = '18446744073709551615';
const U64_PLUS_1 = '18446744073709551616';

/** The error code a call throws, or 'ok'. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof GatewayError ? err.code : `not a GatewayError: ${String(err)}`;
  }
}

describe('ids: parsing', () => {
  it('accepts <ms>-<seq> and <ms>, with unsigned 64-bit parts', () => {
    expect(parseId('1700000000000-3')).toEqual({ ms: 1700000000000n, seq: 3n });
    expect(parseId('5')).toEqual({ ms: 5n, seq: 0n });
    expect(parseId('0-0')).toEqual({ ms: 0n, seq: 0n });
    expect(parseId(`${U64}-${U64}`)).toEqual({ ms: BigInt(U64), seq: BigInt(U64) });
  });

  it.each([
    ['', 'empty'],
    ['-', 'dash only'],
    ['1-', 'no sequence'],
    ['-1', 'no ms'],
    ['1-2-3', 'two dashes'],
    ['a-1', 'letters'],
    ['1-b', 'letters in seq'],
    [' 1-0', 'leading space'],
    ['1-0 ', 'trailing space'],
    ['+1-0', 'sign'],
    ['1.5-0', 'decimal point'],
    ['0x10-0', 'hex'],
    [`${U64_PLUS_1}-0`, 'ms above u64'],
    [`0-${U64_PLUS_1}`, 'seq above u64'],
    [U64_PLUS_1, 'bare ms above u64'],
    ['123456789012345678901-0', '21 digits'],
    ['１-0', 'non-ASCII digit'],
  ])('refuses %j (%s)', (text) => {
    expect(parseId(text)).toBeNull();
    expect(outcome(() => entryId(text))).toBe('INVALID_ID');
  });

  it('entryId normalises: `5` means `5-0`, leading zeros dropped', () => {
    expect(entryId('5')).toBe('5-0');
    expect(entryId('0')).toBe('0-0');
    expect(entryId('007-01')).toBe('7-1');
    expect(entryId(`${U64}-${U64}`)).toBe(`${U64}-${U64}`);
  });

  it('INVALID_ID names the input it refused', () => {
    try {
      entryId('nope', 'ids[3]');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GatewayError);
      expect((err as GatewayError).code).toBe('INVALID_ID');
      expect((err as GatewayError).issues[0]?.path).toBe('ids[3]');
    }
  });

  it('compares numerically, not as text', () => {
    const c = (a: string, b: string) => compareIds(parseId(a)!, parseId(b)!);
    expect(c('9-0', '10-0')).toBe(-1);
    expect(c('10-0', '9-0')).toBe(1);
    expect(c('5-9', '5-10')).toBe(-1);
    expect(c('5-0', '5')).toBe(0);
    expect(c(`${U64}-0`, `1-${U64}`)).toBe(1);
  });

  it('nextId carries the sequence into the ms part', () => {
    expect(nextId(parseId('5-1')!)).toEqual({ ms: 5n, seq: 2n });
    expect(nextId(parseId(`5-${U64}`)!)).toEqual({ ms: 6n, seq: 0n });
  });
});

describe('ids: range bounds', () => {
  it.each(['-', '+', '5', '5-1', '(5-1', '(5', `(${U64}-18446744073709551614`])('accepts %j unchanged', (text) => {
    expect(rangeBound(text, 'start')).toBe(text);
  });

  it('refuses an exclusive bound that leaves no ID: start after the largest ID, end before 0-0', () => {
    expect(outcome(() => rangeBound(`(${U64}-${U64}`, 'start'))).toBe('INVALID_ID');
    expect(outcome(() => rangeBound('(0-0', 'end'))).toBe('INVALID_ID');
    expect(rangeBound(`(${U64}-${U64}`, 'end')).toBe(`(${U64}-${U64}`);
    expect(rangeBound('(0-0', 'start')).toBe('(0-0');
  });

  it.each(['(', '((5-0', '(-', '(+', '5-', '(abc', '[5-0', `(${U64_PLUS_1}`, ''])('refuses %j', (text) => {
    expect(outcome(() => rangeBound(text, 'start'))).toBe('INVALID_ID');
  });
});

describe('ids: publish IDs', () => {
  it('accepts <ms>-<seq>, <ms> and <ms>-*', () => {
    expect(publishId('5-1')).toBe('5-1');
    expect(publishId('5')).toBe('5-0');
    expect(publishId('5-*')).toBe('5-*');
    expect(publishId('0-*')).toBe('0-*');
    expect(publishId('0-1')).toBe('0-1');
    expect(publishId(`${U64}-*`)).toBe(`${U64}-*`);
    // Canonical digits, as the publish script compares IDs as decimal strings.
    expect(publishId('007-*')).toBe('7-*');
    expect(publishId('007-01')).toBe('7-1');
  });

  it.each(['0-0', '0', '00-000', '*', '-*', '5-**', '*-5', 'x-*', `${U64_PLUS_1}-*`, '5-*-*', '5*'])(
    'refuses %j',
    (text) => {
      expect(outcome(() => publishId(text))).toBe('INVALID_ID');
    },
  );
});

describe('ids: positions', () => {
  it('accepts $, 0 and IDs; refuses > and other symbols', () => {
    expect(positionId('$')).toBe('$');
    expect(positionId('0')).toBe('0-0');
    expect(positionId('12-3')).toBe('12-3');
    for (const bad of ['>', '+', '-', '$$', '']) expect(outcome(() => positionId(bad))).toBe('INVALID_ID');
  });

  it('idBeforeTimestamp is the largest ID below <N>-0', () => {
    expect(idBeforeTimestamp(0)).toBe('0-0');
    expect(idBeforeTimestamp(1)).toBe(`0-${U64}`);
    expect(idBeforeTimestamp(1_700_000_000_000)).toBe(`1699999999999-${U64}`);
    expect(nextId(parseId(idBeforeTimestamp(1_700_000_000_000))!)).toEqual({ ms: 1_700_000_000_000n, seq: 0n });
  });
});

describe('ids: agree with Redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(() => redis.disconnect());

  it('every ID we accept Redis accepts, every one we refuse Redis refuses (but a sign)', async () => {
    const key = uniq();
    await redis.xadd(key, '1-1', 'f', 'v');
    const redisAccepts = (id: string) =>
      redis.xrange(key, id, id).then(
        () => true,
        () => false,
      );
    for (const id of ['5', '5-1', '0-0', `${U64}-${U64}`, '007-01']) {
      expect(parseId(id), id).not.toBeNull();
      expect(await redisAccepts(id), id).toBe(true);
    }
    for (const id of ['', '-1', '1-', '1-2-3', 'a-1', '1.5-0', `${U64_PLUS_1}-0`, `0-${U64_PLUS_1}`]) {
      expect(parseId(id), id).toBeNull();
      expect(await redisAccepts(id), id).toBe(false);
    }
    // Stricter than Redis on purpose: strtoull takes a sign, the contract's IDs are digits only.
    expect(parseId('+1-0')).toBeNull();
  });

  it('`5` as an exact ID is the entry 5-0, as in XDEL', async () => {
    const key = uniq();
    await redis.xadd(key, '5-0', 'f', 'a');
    await redis.xadd(key, '5-1', 'f', 'b');
    expect(await redis.xdel(key, entryId('5'))).toBe(1);
    expect((await redis.xrange(key, '-', '+')).map(([id]) => id)).toEqual(['5-1']);
  });

  it('Redis refuses the publish IDs we refuse (0-0), and takes <ms>-* as we do', async () => {
    const key = uniq();
    await expect(redis.xadd(key, '0-0', 'f', 'v')).rejects.toThrow();
    expect(await redis.xadd(key, publishId('0-*'), 'f', 'v')).toBe('0-1');
    expect(await redis.xadd(key, publishId('7-*'), 'f', 'v')).toBe('7-0');
    expect(await redis.xadd(key, publishId('7-*'), 'f', 'v')).toBe('7-1');
  });

  it('an exclusive bound `(id` excludes exactly that entry', async () => {
    const key = uniq();
    for (const id of ['1-0', '1-1', '2-0']) await redis.xadd(key, id, 'f', 'v');
    const ids = (await redis.xrange(key, rangeBound('(1-0', 'start'), rangeBound('+', 'end'))).map(([id]) => id);
    expect(ids).toEqual(['1-1', '2-0']);
  });

  it('after idBeforeTimestamp(N), a group reads exactly the entries whose time is >= N', async () => {
    const key = uniq();
    const n = 1_700_000_000_000;
    for (const id of [`${n - 1}-0`, `${n - 1}-${U64}`, `${n}-0`, `${n}-7`, `${n + 1}-0`]) {
      await redis.xadd(key, id, 'f', 'v');
    }
    await redis.xgroup('CREATE', key, 'g', idBeforeTimestamp(n));
    const read = (await redis.xreadgroup('GROUP', 'g', 'c', 'STREAMS', key, '>')) as [string, [string, string[]][]][];
    expect(read[0]![1].map(([id]) => id)).toEqual([`${n}-0`, `${n}-7`, `${n + 1}-0`]);
  });
});

describe('canonical ID fast paths', () => {
  const part = fc.oneof(
    fc.bigInt({ min: 0n, max: 18446744073709551615n }).map(String),
    fc.constantFrom('0', '00', '01', '9999999999999999999', '10000000000000000000', '18446744073709551616', ''),
    fc.stringMatching(/^\d{1,21}$/),
  );
  const text = fc.oneof(fc.tuple(part, part).map(([a, b]) => `${a}-${b}`), part, fc.string({ maxLength: 12 }));

  it('entryId answers as parsing would', () => {
    fc.assert(
      fc.property(text, (t) => {
        const id = parseId(t);
        if (id === null) expect(() => entryId(t)).toThrow(GatewayError);
        else expect(entryId(t)).toBe(formatId(id));
        if (isCanonicalId(t)) expect(formatId(parseId(t)!)).toBe(t);
      }),
      { numRuns: 2000 },
    );
  });

  it('compareCanonicalIds orders as compareIds does', () => {
    const canonical = fc.tuple(fc.bigInt({ min: 0n, max: 18446744073709551615n }), fc.bigInt({ min: 0n, max: 18446744073709551615n })).map(
      ([ms, seq]) => `${ms}-${seq}`,
    );
    const small = fc.tuple(fc.nat(30), fc.nat(30)).map(([a, b]) => `${a}-${b}`);
    fc.assert(
      fc.property(fc.oneof(canonical, small), fc.oneof(canonical, small), (a, b) => {
        expect(Math.sign(compareCanonicalIds(a, b))).toBe(compareIds(parseId(a)!, parseId(b)!));
      }),
      { numRuns: 2000 },
    );
  });
});
