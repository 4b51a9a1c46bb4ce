import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { TrimSpec } from '../../src/core/streams.js';
import { uniq } from '../helpers/core.js';
import { fields, pullOf } from './support.js';
import { withCore } from '../helpers/fixtures.js';

let core: Core;
let redis: Redis;
withCore((c, r) => {
  core = c;
  redis = r;
});

const ids = async (s: string) => (await redis.xrange(s, '-', '+')).map(([id]) => id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}-0`);

/**
 * Entries 1-0..n-0; group `g` has received 1..delivered and acked 1..acked, so
 * acked+1..delivered are pending and delivered+1..n are not yet delivered.
 */
async function stream(n: number, delivered: number, acked: number, group = 'g', s = uniq()): Promise<string> {
  if (!(await redis.exists(s))) {
    await core.streams.publish(s, { messages: range(1, n).map((id) => ({ id, pairs: fields({ v: id }) })) });
  }
  await core.groups.create(s, { group, start: '0', leaseMs: 60_000 });
  if (delivered > 0) await core.consume.pull(s, group, pullOf('c', { count: delivered }));
  if (acked > 0) await core.consume.ack(s, group, range(1, acked));
  return s;
}

describe('safe trim never removes pending or undelivered entries', () => {
  it.each<[string, TrimSpec, number, string[]]>([
    ['MAXLEN 0', { maxLen: 0, exact: true }, 3, range(4, 10)],
    ['MAXLEN 8 (only acked entries in excess)', { maxLen: 8, exact: true }, 2, range(3, 10)],
    ['MAXLEN 7 (exactly the acked ones)', { maxLen: 7, exact: true }, 3, range(4, 10)],
    ['MINID 8', { minId: '8', exact: true }, 3, range(4, 10)],
    ['MINID 3-0', { minId: '3-0', exact: true }, 2, range(3, 10)],
    ['MINID 1 (nothing below)', { minId: '1', exact: true }, 0, range(1, 10)],
  ])('%s: removes only entries every group is done with', async (_, spec, trimmed, left) => {
    const s = await stream(10, 5, 3); // pending 4, 5; undelivered 6..10
    expect(await core.streams.trim(s, { ...spec, safe: true })).toEqual({ trimmed, warning: null });
    expect(await ids(s)).toEqual(left);
    expect((await core.pending.summary(s, 'g')).count).toBe(2);
  });

  it('undelivered entries are kept even when nothing is pending', async () => {
    const s = await stream(10, 5, 5);
    expect(await core.streams.trim(s, { maxLen: 0, exact: true, safe: true })).toEqual({ trimmed: 5, warning: null });
    expect(await ids(s)).toEqual(range(6, 10));
    expect((await core.consume.pull(s, 'g', pullOf('c'))).map((m) => m.id)).toEqual(range(6, 10));
  });

  it('the group furthest behind sets the floor', async () => {
    const s = await stream(10, 8, 8, 'ahead');
    await stream(10, 3, 2, 'behind', s); // pending 3
    expect(await core.streams.trim(s, { minId: '9', exact: true, safe: true })).toEqual({ trimmed: 2, warning: null });
    expect(await ids(s)).toEqual(range(3, 10));
  });

  it('a group that is done with everything lets the trim go as far as asked', async () => {
    const s = await stream(10, 10, 10);
    expect(await core.streams.trim(s, { maxLen: 2, exact: true, safe: true })).toEqual({ trimmed: 8, warning: null });
    expect(await ids(s)).toEqual(range(9, 10));
  });

  it('approximate safe trims also stay below the floor', async () => {
    const s = uniq();
    await core.streams.publish(s, { messages: Array.from({ length: 350 }, (_, i) => ({ id: `${i + 1}-0`, pairs: fields({ i: String(i) }) })) });
    await stream(350, 250, 230, 'g', s); // pending from 231-0
    const { trimmed, warning } = await core.streams.trim(s, { maxLen: 0, safe: true });
    expect(warning).toBeNull();
    expect(trimmed).toBeLessThanOrEqual(230);
    const left = await ids(s);
    expect(left).toContain('231-0');
    expect(left.length).toBe(350 - trimmed);
  });

  it('a stream without groups trims plainly', async () => {
    const s = uniq();
    await core.streams.publish(s, { messages: range(1, 5).map((id) => ({ id, pairs: fields({ v: id }) })) });
    expect(await core.streams.trim(s, { maxLen: 1, exact: true, safe: true })).toEqual({ trimmed: 4, warning: null });
    expect(await ids(s)).toEqual(['5-0']);
  });
});

describe('plain trim reports whether it cut into what groups still need', () => {
  it.each<[string, TrimSpec, number, boolean]>([
    ['MAXLEN 8: acked entries only', { maxLen: 8, exact: true }, 2, false],
    ['MAXLEN 7: exactly the acked entries', { maxLen: 7, exact: true }, 3, false],
    ['MAXLEN 6: a pending entry', { maxLen: 6, exact: true }, 4, true],
    ['MAXLEN 0: everything', { maxLen: 0, exact: true }, 10, true],
    ['MINID 4: exactly the acked entries', { minId: '4', exact: true }, 3, false],
    ['MINID 7: pending and undelivered entries', { minId: '7', exact: true }, 6, true],
  ])('%s', async (_, spec, trimmed, warned) => {
    const s = await stream(10, 5, 3);
    const r = await core.streams.trim(s, spec);
    expect(r.trimmed).toBe(trimmed);
    expect(r.warning !== null).toBe(warned);
    expect((await ids(s)).length).toBe(10 - trimmed);
  });

  it('warns when it removes undelivered entries though nothing is pending', async () => {
    const s = await stream(10, 5, 5);
    const r = await core.streams.trim(s, { maxLen: 4, exact: true });
    expect(r.trimmed).toBe(6);
    expect(r.warning).toMatch(/safe/);
  });

  it('a stream without groups never warns', async () => {
    const s = uniq();
    await core.streams.publish(s, { messages: range(1, 5).map((id) => ({ id, pairs: fields({ v: id }) })) });
    expect(await core.streams.trim(s, { maxLen: 0, exact: true })).toEqual({ trimmed: 5, warning: null });
    expect(await redis.xlen(s)).toBe(0);
  });
});
