import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashedPart, keySlot, keys, sameSlot } from '../../src/redis/keys.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';

/** Names that exercise every branch of the tag rules. */
const NAMES = [
  'orders',
  'foo',
  '{user1}:orders',
  'a{user1}b',
  'a}b', // a `}` and no tag
  '}{', // `}` before `{`: no tag
  'x{}y', // empty tag: Redis hashes the whole key
  '{}{user1}', // only the first `{` counts, and its tag is empty
  'a{b', // `{` without `}`
  '{a{b}c', // tag `a{b`
  'a{b}c{d}', // first tag wins
  'str}eam{', // both braces, no tag
  'ünïcødé-日本',
  '{日本}:x',
  'x'.repeat(512),
];

/** Deterministic pseudo-random names over an alphabet rich in braces. */
function randomNames(n: number): string[] {
  const alphabet = ['a', 'b', '{', '}', ':', '-', 'é', '日', '1', ' '];
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  return Array.from({ length: n }, () => {
    const len = 1 + (next() % 12);
    return Array.from({ length: len }, () => alphabet[next() % alphabet.length]).join('');
  });
}

describe('keys: CRC16 and slots', () => {
  it('matches the CRC16-XMODEM test vector: "123456789" → 0x31C3', () => {
    // 0x31C3 < 16384, so the slot is the checksum itself.
    expect(keySlot('123456789')).toBe(0x31c3);
  });

  it('matches slots documented by Redis', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('foo{hash_tag}')).toBe(2515);
    expect(keySlot('bar{hash_tag}')).toBe(2515);
  });

  it('hashes what Redis Cluster hashes: the first non-empty {tag}, else the whole key', () => {
    expect(hashedPart('{user1}:orders')).toBe('user1');
    expect(hashedPart('a{user1}b')).toBe('user1');
    expect(hashedPart('a}b')).toBe('a}b');
    expect(hashedPart('x{}y')).toBe('x{}y');
    expect(hashedPart('{}{user1}')).toBe('{}{user1}');
    expect(hashedPart('a{b')).toBe('a{b');
    expect(hashedPart('{a{b}c')).toBe('a{b');
    expect(hashedPart('a{b}c{d}')).toBe('b');
    expect(keySlot('{user1}:orders')).toBe(keySlot('user1'));
    expect(keySlot('{user1}:orders')).toBe(keySlot('{user1}:payments'));
  });
});

describe('keys: derived keys', () => {
  it.each(NAMES)('policy and idempotency keys of %j are in its slot', (stream) => {
    const slot = keySlot(stream);
    expect(keySlot(keys.policy(stream))).toBe(slot);
    expect(keySlot(keys.idempotency(stream, 'k-1'))).toBe(slot);
    expect(keySlot(keys.idempotency(stream, '{other}'))).toBe(slot);
    expect(sameSlot(keys.policy(stream), stream)).toBe(true);
  });

  it('holds for many generated names with braces', () => {
    for (const stream of randomNames(2000)) {
      const slot = keySlot(stream);
      expect(keySlot(keys.policy(stream)), stream).toBe(slot);
      expect(keySlot(keys.idempotency(stream, 'key')), stream).toBe(slot);
    }
  });

  it('plain and tagged names use their own tag; names with `}` and no tag get a brace-free one', () => {
    expect(keys.policy('orders')).toBe('sg:{orders}:policy:orders');
    expect(keys.policy('{user1}:orders')).toBe('sg:{user1}:policy:{user1}:orders');
    for (const stream of ['a}b', 'x{}y', '{}{user1}', 'str}eam{']) {
      const tag = hashedPart(keys.policy(stream));
      expect(tag).not.toMatch(/[{}]/);
      expect(tag.length).toBeLessThanOrEqual(4);
    }
  });

  it('never shares a derived key between two streams or two Idempotency-Keys', () => {
    const all = [...NAMES, ...randomNames(500)];
    const policies = new Set(all.map((s) => keys.policy(s)));
    expect(policies.size).toBe(new Set(all).size);
    // Same slot tag, different streams: still different keys.
    expect(keys.policy('a}b')).not.toBe(keys.policy('b}a'));
    expect(keys.idempotency('s', 'k1')).not.toBe(keys.idempotency('s', 'k2'));
    expect(keys.idempotency('s1', 'k')).not.toBe(keys.idempotency('s2', 'k'));
  });

  it('the default dead-letter stream is <stream>:dlq', () => {
    expect(keys.defaultDeadLetter('orders')).toBe('orders:dlq');
    expect(keys.defaultDeadLetter('{user1}:orders')).toBe('{user1}:orders:dlq');
    // With a hash tag the dead letters share the stream's slot.
    expect(sameSlot(keys.defaultDeadLetter('{user1}:orders'), '{user1}:orders')).toBe(true);
  });
});

describe('keys: agree with CLUSTER KEYSLOT of a real cluster-enabled redis-server', () => {
  let server: TestRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis(['--cluster-enabled', 'yes']);
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('for streams, their policy keys and their idempotency keys', async () => {
    const names = [...NAMES, ...randomNames(300)];
    const pipeline = redis.pipeline();
    for (const s of names) {
      pipeline.call('CLUSTER', 'KEYSLOT', s);
      pipeline.call('CLUSTER', 'KEYSLOT', keys.policy(s));
      pipeline.call('CLUSTER', 'KEYSLOT', keys.idempotency(s, 'key-1'));
    }
    const replies = (await pipeline.exec())!.map(([err, slot]) => {
      expect(err).toBeNull();
      return Number(slot);
    });
    names.forEach((s, i) => {
      const [stream, policy, idem] = replies.slice(3 * i, 3 * i + 3);
      expect({ s, slot: keySlot(s) }).toEqual({ s, slot: stream });
      expect({ s, policy, idem }).toEqual({ s, policy: stream, idem: stream });
    });
  });
});
