import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { keys } from '../../src/redis/keys.js';
import type { TextPair } from '../../src/contract/types.js';
import { redisUrl, testCore, uniq } from '../helpers/core.js';
import { expectCode, fields, pullOf } from './support.js';

let core: Core;
let redis: Redis;
beforeAll(() => {
  core = testCore({ STREAMGATE_IDEMPOTENCY_TTL_SEC: '600' });
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  await core.close();
  redis.disconnect();
});

const msg = (o: Record<string, string>, id?: string) => (id === undefined ? { pairs: fields(o) } : { id, pairs: fields(o) });

/** Everything about a stream a failed publish must leave alone. */
async function snapshot(s: string) {
  const exists = await redis.exists(s);
  if (!exists) return null;
  return { entries: await redis.xrange(s, '-', '+'), info: await core.streams.info(s) };
}

describe('publish: batches are all or nothing', () => {
  it('returns the IDs in order, and the entries are exactly the fields given', async () => {
    const s = uniq();
    const { ids, replayed } = await core.streams.publish(s, { messages: [msg({ a: '1' }), msg({ b: '2', c: '3' })] });
    expect(replayed).toBe(false);
    expect(await redis.xrange(s, '-', '+')).toEqual([
      [ids[0], ['a', '1']],
      [ids[1], ['b', '2', 'c', '3']],
    ]);
  });

  it('explicit IDs: <ms>-<seq>, <ms> and <ms>-*', async () => {
    const s = uniq();
    const { ids } = await core.streams.publish(s, {
      messages: [msg({ n: '1' }, '100-5'), msg({ n: '2' }, '100-*'), msg({ n: '3' }, '200-*'), msg({ n: '4' }, '200-*'), msg({ n: '5' }, '300')],
    });
    expect(ids).toEqual(['100-5', '100-6', '200-0', '200-1', '300-0']);
    expect((await redis.xrange(s, '-', '+')).map(([id]) => id)).toEqual(ids);
  });

  it.each([
    ['an explicit ID below the top, in the middle', [msg({ n: '1' }, '20-0'), msg({ n: '2' }, '5-0'), msg({ n: '3' }, '30-0')]],
    ['a repeated explicit ID', [msg({ n: '1' }, '20-0'), msg({ n: '2' }, '20-0')]],
    ['<ms>-* below the top', [msg({ n: '1' }), msg({ n: '2' }, '9-*')]],
    ['an explicit ID after an automatic one', [msg({ n: '1' }), msg({ n: '2' }, '11-0'), msg({ n: '3' })]],
    ['an explicit ID below an automatic one and a <ms>-*', [msg({ n: '1' }, '12-*'), msg({ n: '2' }), msg({ n: '3' }, '13-0')]],
  ])('%s: ID_TOO_SMALL, nothing written on an existing stream', async (_, messages) => {
    const s = uniq();
    await core.streams.publish(s, { messages: [msg({ first: 'x' }, '10-0')] });
    const before = await snapshot(s);
    await expectCode(core.streams.publish(s, { messages }), 'ID_TOO_SMALL');
    expect(await snapshot(s)).toEqual(before);
    // Nothing moved the stream's top ID: an ID just above the old top is still accepted.
    expect((await core.streams.publish(s, { messages: [msg({ next: 'y' }, '10-1')] })).ids).toEqual(['10-1']);
  });

  it('a refused batch does not create the stream', async () => {
    const s = uniq();
    await expectCode(core.streams.publish(s, { messages: [msg({ n: '1' }, '5-0'), msg({ n: '2' }, '4-0')] }), 'ID_TOO_SMALL');
    await expectCode(core.streams.publish(s, { messages: [msg({ n: '1' }), msg({ n: '2' }, '4-0')] }), 'ID_TOO_SMALL');
    expect(await redis.exists(s)).toBe(0);
  });

  it('a malformed ID or an oversized message anywhere fails the batch before Redis', async () => {
    const s = uniq();
    await core.streams.publish(s, { messages: [msg({ first: 'x' })] });
    const before = await snapshot(s);
    await expectCode(core.streams.publish(s, { messages: [msg({ a: '1' }), msg({ a: '2' }, 'x-1'), msg({ a: '3' })] }), 'INVALID_ID');
    await expectCode(core.streams.publish(s, { messages: [msg({ a: '1' }), { pairs: [] }] }), 'VALIDATION_FAILED');
    expect(await snapshot(s)).toEqual(before);
  });

  it('automatic IDs after explicit ones keep increasing, also when the top ID is in the future', async () => {
    const s = uniq();
    const future = Date.now() + 3_600_000;
    const { ids } = await core.streams.publish(s, {
      messages: [msg({ n: '1' }, `${future}-7`), msg({ n: '2' }), msg({ n: '3' }, `${future}-*`), msg({ n: '4' })],
    });
    expect(ids).toEqual([`${future}-7`, `${future}-8`, `${future}-9`, `${future}-10`]);
  });
});

describe('publish: Idempotency-Key', () => {
  it('a retry answers the first IDs, marked replayed, and adds nothing', async () => {
    const s = uniq();
    const input = { messages: [msg({ a: '1' }), msg({ b: '2' })], idempotencyKey: 'order-42' };
    const first = await core.streams.publish(s, input);
    const again = await core.streams.publish(s, input);
    expect(again).toEqual({ ids: first.ids, replayed: true });
    expect(await redis.xlen(s)).toBe(2);
    const ttl = await redis.ttl(keys.idempotency(s, 'order-42'));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('a retry with explicit IDs replays instead of failing ID_TOO_SMALL', async () => {
    const s = uniq();
    const input = { messages: [msg({ a: '1' }, '5-0')], idempotencyKey: 'k' };
    await core.streams.publish(s, input);
    expect(await core.streams.publish(s, input)).toEqual({ ids: ['5-0'], replayed: true });
  });

  it.each<[string, Parameters<Core['streams']['publish']>[1]]>([
    ['another value', { messages: [msg({ a: '2' })] }],
    ['another field order', { messages: [{ pairs: [...fields({ b: '2' }), ...fields({ a: '1' })] }] }],
    ['another ID', { messages: [{ id: '99-0', pairs: fields({ a: '1', b: '2' }) }] }],
    ['another trim', { messages: [msg({ a: '1', b: '2' })], trim: { maxLen: 10 } }],
    ['one more message', { messages: [msg({ a: '1', b: '2' }), msg({ a: '1', b: '2' })] }],
    ['bytes that only differ in a value split', { messages: [{ pairs: [['a', Buffer.from('1b')], ['', Buffer.from('2')]] as TextPair[] }] }],
  ])('the same key with %s is IDEMPOTENCY_CONFLICT and writes nothing', async (_, other) => {
    const s = uniq();
    await core.streams.publish(s, { messages: [msg({ a: '1', b: '2' })], idempotencyKey: 'k' });
    await expectCode(core.streams.publish(s, { ...other, idempotencyKey: 'k' }), 'IDEMPOTENCY_CONFLICT');
    expect(await redis.xlen(s)).toBe(1);
  });

  it('keys are per stream; without a key every publish writes', async () => {
    const s1 = uniq();
    const s2 = uniq();
    const input = { messages: [msg({ a: '1' })], idempotencyKey: 'shared' };
    const a = await core.streams.publish(s1, input);
    const b = await core.streams.publish(s2, input);
    expect(b.replayed).toBe(false);
    expect(await redis.xlen(s2)).toBe(1);
    expect((await core.streams.publish(s1, input)).ids).toEqual(a.ids);
    await core.streams.publish(s1, { messages: [msg({ a: '1' })] });
    await core.streams.publish(s1, { messages: [msg({ a: '1' })] });
    expect(await redis.xlen(s1)).toBe(3);
  });

  it('a refused publish records nothing under its key', async () => {
    const s = uniq();
    await core.streams.publish(s, { messages: [msg({ a: '1' }, '10-0')] });
    await expectCode(core.streams.publish(s, { messages: [msg({ a: '1' }, '9-0')], idempotencyKey: 'k' }), 'ID_TOO_SMALL');
    expect(await redis.exists(keys.idempotency(s, 'k'))).toBe(0);
    const ok = await core.streams.publish(s, { messages: [msg({ a: '1' }, '11-0')], idempotencyKey: 'k' });
    expect(ok).toEqual({ ids: ['11-0'], replayed: false });
  });

  it('accepts visible ASCII keys of 1 to 255 characters', async () => {
    const s = uniq();
    await core.streams.publish(s, { messages: [msg({ a: '1' })], idempotencyKey: '~'.repeat(255) });
    for (const bad of ['', 'x'.repeat(256), 'ключ', 'tab\there']) {
      await expectCode(core.streams.publish(s, { messages: [msg({ a: '1' })], idempotencyKey: bad }), 'VALIDATION_FAILED');
    }
  });
});

describe('publish: trimming', () => {
  it('exact MAXLEN and MINID trim after adding', async () => {
    const s = uniq();
    await core.streams.publish(s, { messages: [1, 2, 3, 4, 5].map((i) => msg({ i: String(i) }, `${i}-0`)) });
    await core.streams.publish(s, { messages: [msg({ i: '6' }, '6-0'), msg({ i: '7' }, '7-0')], trim: { maxLen: 3, exact: true } });
    expect((await redis.xrange(s, '-', '+')).map(([id]) => id)).toEqual(['5-0', '6-0', '7-0']);
    await core.streams.publish(s, { messages: [msg({ i: '8' }, '8-0')], trim: { minId: '7', exact: true } });
    expect((await redis.xrange(s, '-', '+')).map(([id]) => id)).toEqual(['7-0', '8-0']);
  });

  it('approximate trimming never removes more than asked', async () => {
    const s = uniq();
    await core.streams.publish(s, { messages: Array.from({ length: 300 }, (_, i) => msg({ i: String(i) })) });
    await core.streams.publish(s, { messages: [msg({ last: '1' })], trim: { maxLen: 150 } });
    const len = await redis.xlen(s);
    expect(len).toBeGreaterThanOrEqual(150);
    expect(len).toBeLessThanOrEqual(301);
  });
});

describe('publish: size limits (configured small)', () => {
  let small: Core;
  beforeAll(() => {
    small = testCore({
      STREAMGATE_MAX_MESSAGE_BYTES: '100',
      STREAMGATE_MAX_FIELDS: '3',
      STREAMGATE_MAX_BATCH: '4',
      STREAMGATE_MAX_COUNT: '5',
      STREAMGATE_MAX_WAIT_MS: '100',
    });
  });
  afterAll(() => small.close());

  it('a message of exactly the limit passes; one byte more is PAYLOAD_TOO_LARGE and writes nothing', async () => {
    const s = uniq();
    // 'k' (1 byte) + 99 bytes = 100.
    await small.streams.publish(s, { messages: [{ pairs: [['k', Buffer.alloc(99, 1)]] }] });
    const err = await expectCode(
      small.streams.publish(s, {
        messages: [{ pairs: fields({ a: 'ok' }) }, { pairs: [['k', Buffer.alloc(100, 1)]] }],
      }),
      'PAYLOAD_TOO_LARGE',
    );
    expect(err.issues[0]?.path).toBe('messages[1]');
    expect(await redis.xlen(s)).toBe(1);
  });

  it('field names count in UTF-8 bytes', async () => {
    const s = uniq();
    // 'é' is 2 bytes: 2 + 98 = 100 passes, 2 + 99 does not.
    await small.streams.publish(s, { messages: [{ pairs: [['é', Buffer.alloc(98)]] }] });
    await expectCode(small.streams.publish(s, { messages: [{ pairs: [['é', Buffer.alloc(99)]] }] }), 'PAYLOAD_TOO_LARGE');
  });

  it('too many fields, messages, count or wait are VALIDATION_FAILED', async () => {
    const s = uniq();
    await small.streams.publish(s, { messages: [{ pairs: fields({ a: '1', b: '2', c: '3' }) }] });
    await expectCode(small.streams.publish(s, { messages: [{ pairs: fields({ a: '1', b: '2', c: '3', d: '4' }) }] }), 'VALIDATION_FAILED');
    const m = { pairs: fields({ a: '1' }) };
    await small.streams.publish(s, { messages: [m, m, m, m] });
    await expectCode(small.streams.publish(s, { messages: [m, m, m, m, m] }), 'VALIDATION_FAILED');
    await small.groups.create(s, { group: 'g' });
    await small.consume.pull(s, 'g', pullOf('c', { count: 5, waitMs: 100 }));
    await expectCode(small.consume.pull(s, 'g', pullOf('c', { count: 6 })), 'VALIDATION_FAILED');
    await expectCode(small.consume.pull(s, 'g', pullOf('c', { count: 5, waitMs: 101 })), 'VALIDATION_FAILED');
    await expectCode(small.consume.ack(s, 'g', ['1-0', '2-0', '3-0', '4-0', '5-0']), 'VALIDATION_FAILED');
    expect(await redis.xlen(s)).toBe(5);
  });
});
