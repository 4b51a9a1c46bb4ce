import { Redis, ReplyError } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { mapRedisError } from '../../src/redis/redis-errors.js';
import { type ScriptArg, type ScriptName, scriptSource } from '../../src/redis/script-loader.js';
import { unpackCountedEntries } from '../../src/redis/unpack.js';
import { evalScript } from '../helpers/scripts.js';
import { redisUrl, uniq } from '../helpers/core.js';

/**
 * Retry backoff and long nack delays in the scripts themselves (pull-5, leaseProbe-4,
 * setLease-3, ack-2, destroyGroup-3, deleteStream-3, updatePolicy-3), called with EVAL on the
 * real server. Idle times are set exactly with XCLAIM IDLE, so nothing here waits: each case
 * sits just before or just after the boundary the policy puts.
 */

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

const run = (name: ScriptName, keyList: string[], ...args: ScriptArg[]): Promise<unknown> => evalScript(redis, name, keyList, ...args);

const LEASE = 1000;
const policy = (minBackoffMs: number, maxBackoffMs: number, leaseMs = LEASE) =>
  JSON.stringify({ leaseMs, maxDeliveries: 0, deadLetterStream: 'x', reapIdleMs: 0, minBackoffMs, maxBackoffMs });

/** A stream with `n` entries `1-0`, `2-0`..., group g at 0 with `json` as policy, all delivered to c. */
async function delivered(n: number, json: string | null): Promise<{ s: string; ids: string[] }> {
  const s = uniq('bo');
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) ids.push((await redis.xadd(s, `${i}-0`, 'i', String(i)))!);
  await redis.xgroup('CREATE', s, 'g', '0', 'MKSTREAM');
  if (json !== null) await redis.hset(keys.policy(s), 'g', json);
  if (n > 0) await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', n, 'STREAMS', s, '>');
  return { s, ids };
}

const force = (s: string, id: string, idleMs: number, deliveries: number) =>
  redis.xclaim(s, 'g', 'c', 0, id, 'IDLE', idleMs, 'RETRYCOUNT', deliveries, 'JUSTID');

/** IDs a pull of c2 reclaims: the whole list walked (`stepped` false) or one step of 1 entry. */
async function reclaimed(s: string, stepped = false): Promise<string[]> {
  const [step, whole] = stepped ? [1, 0] : [256, 1024];
  const ks = [s, keys.policy(s), 'x', keys.leaseCursor(s, 'g'), keys.nackDelays(s)];
  const r = (await redis.callBuffer('EVAL', scriptSource('pull'), ks.length, ...ks, 'g', 'c2', 10, '0', LEASE, 0, 'x', 1e9, step, whole, 10, '', '')) as unknown[];
  expect(String(r[0])).toBe('OK');
  // Only reclaimed entries can come: every entry of the stream was delivered already.
  return unpackCountedEntries(r[1] as Buffer).map((m) => m.id);
}

const probe = (s: string, stepped = false) =>
  run('leaseProbe', [s, keys.leaseCursor(s, 'g'), keys.policy(s), keys.nackDelays(s)], 'g', LEASE, stepped ? 1 : 256, stepped ? 0 : 1024);

const nowMs = async () => {
  const [sec, usec] = await redis.time();
  return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
};
const delayMember = (id: string, notBefore: number, group = 'g') => `${group}\u0000${id}\u0000${notBefore}`;

describe('pull-5 and leaseProbe-4: retry backoff', () => {
  // [deliveries, backoff]: min 1000 doubled per delivery, capped at 4000.
  const cases: [number, number][] = [
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 4000],
  ];
  for (const stepped of [false, true]) {
    for (const [deliveries, backoff] of cases) {
      it(`${stepped ? 'stepped' : 'whole'} walk: delivered ${deliveries}×, due after lease + ${backoff} ms of idle, not before`, async () => {
        const { s, ids } = await delivered(1, policy(1000, 4000));
        await force(s, ids[0]!, LEASE + backoff - 150, deliveries);
        expect(await probe(s, stepped)).toBe(0);
        expect(await reclaimed(s, stepped)).toEqual([]);
        await force(s, ids[0]!, LEASE + backoff + 150, deliveries);
        expect(await probe(s, stepped)).toBe(1);
        expect(await reclaimed(s, stepped)).toEqual([ids[0]]);
        const [, owner, , count] = ((await redis.xpending(s, 'g', '-', '+', 1)) as [string, string, number, number][])[0]!;
        expect([owner, count]).toEqual(['c2', deliveries + 1]);
      });
    }
  }

  it('off (0, or no fields stored): due as soon as the lease expired, as before', async () => {
    for (const json of [policy(0, 0), JSON.stringify({ leaseMs: LEASE }), null]) {
      const { s, ids } = await delivered(1, json);
      await force(s, ids[0]!, LEASE + 20, 3);
      expect(await probe(s)).toBe(1);
      expect(await reclaimed(s)).toEqual([ids[0]]);
    }
  });

  it('an unreadable backoff field reads as 0 (off)', async () => {
    const { s, ids } = await delivered(1, JSON.stringify({ leaseMs: LEASE, minBackoffMs: 'x', maxBackoffMs: 4000 }));
    await force(s, ids[0]!, LEASE + 20, 1);
    expect(await reclaimed(s)).toEqual([ids[0]]);
  });
});

describe('pull-5 and leaseProbe-4: nack delays', () => {
  it('a running delay holds an expired entry back; one past its time does not, and is forgotten', async () => {
    const { s, ids } = await delivered(2, policy(0, 0));
    await force(s, ids[0]!, 5 * LEASE, 1);
    await force(s, ids[1]!, 5 * LEASE, 1);
    const now = await nowMs();
    // Another group's delay of the same ID holds nothing back in g.
    await redis.zadd(keys.nackDelays(s), 0, delayMember(ids[0]!, now + 60_000), 0, delayMember(ids[1]!, now + 60_000, 'h'));
    expect(await reclaimed(s)).toEqual([ids[1]]);
    expect(await probe(s)).toBe(0);
    expect(await reclaimed(s, true)).toEqual([]);
    await redis.zadd(keys.nackDelays(s), 0, delayMember(ids[0]!, now - 1));
    await redis.zrem(keys.nackDelays(s), delayMember(ids[0]!, now + 60_000));
    // Stepped, one entry a step: found within two steps (the walk goes on where it stopped).
    expect([await probe(s, true), await probe(s, true)]).toContain(1);
    expect([...(await reclaimed(s, true)), ...(await reclaimed(s, true))]).toEqual([ids[0]]);
    expect(await redis.zrange(keys.nackDelays(s), 0, -1)).toEqual([delayMember(ids[1]!, now + 60_000, 'h')]);
  });
});

describe('setLease-3: nack delays and backoff', () => {
  const nack = (s: string, delay: number | '', ...ids: string[]) =>
    run('setLease', [s, keys.policy(s), keys.nackDelays(s)], 'g', 'c', delay, 30_000, ...ids);
  const idleOf = async (s: string, id: string) => ((await redis.xpending(s, 'g', id, id, 1)) as [string, string, number, number][])[0]![2];

  it('without delay: expired now (idle = lease), the backoff follows; within lease + backoff: idle set, nothing kept', async () => {
    const { s, ids } = await delivered(1, policy(1000, 4000, 300));
    expect(await nack(s, 0, ids[0]!)).toEqual([1]);
    expect(await idleOf(s, ids[0]!)).toBeGreaterThanOrEqual(300);
    expect(await idleOf(s, ids[0]!)).toBeLessThan(1000);
    // Due after exactly the delay: idle = 300 + 1000 - 500.
    expect(await nack(s, 500, ids[0]!)).toEqual([1]);
    expect(await idleOf(s, ids[0]!)).toBeGreaterThanOrEqual(800);
    expect(await idleOf(s, ids[0]!)).toBeLessThan(1300);
    expect(await redis.exists(keys.nackDelays(s))).toBe(0);
  });

  it('a delay past lease + backoff is kept (idle 0); extend, a new nack, ack forget it', async () => {
    const { s, ids } = await delivered(2, policy(0, 0, 300));
    const before = await nowMs();
    expect(await nack(s, 5000, ids[0]!, ids[1]!)).toEqual([1, 1]);
    const after = await nowMs();
    expect(await idleOf(s, ids[0]!)).toBeLessThan(300);
    const members = await redis.zrange(keys.nackDelays(s), 0, -1);
    expect(members.map((m) => m.split('\u0000').slice(0, 2))).toEqual([
      ['g', ids[0]],
      ['g', ids[1]],
    ]);
    const notBefore = Number(members[0]!.split('\u0000')[2]);
    expect(notBefore).toBeGreaterThanOrEqual(before + 5000);
    expect(notBefore).toBeLessThanOrEqual(after + 5000);
    const ttl = await redis.pttl(keys.nackDelays(s));
    expect(ttl).toBeGreaterThan(5000);
    expect(ttl).toBeLessThanOrEqual(6000);
    // A second nack replaces the record (one per entry).
    expect(await nack(s, 8000, ids[0]!)).toEqual([1]);
    expect((await redis.zrange(keys.nackDelays(s), 0, -1)).length).toBe(2);
    // Extend forgets it; a nack without delay too.
    expect(await nack(s, '', ids[0]!)).toEqual([1]);
    expect((await redis.zrange(keys.nackDelays(s), 0, -1)).map((m) => m.split('\u0000')[1])).toEqual([ids[1]]);
    expect(await nack(s, 0, ids[1]!)).toEqual([1]);
    expect(await redis.exists(keys.nackDelays(s))).toBe(0);
  });
});

describe('removing nack delays', () => {
  async function withDelays(): Promise<{ s: string; ids: string[] }> {
    const { s, ids } = await delivered(3, policy(0, 0, 300));
    await redis.xgroup('CREATE', s, 'gx', '0');
    const far = (await nowMs()) + 60_000;
    await redis.zadd(keys.nackDelays(s), 0, delayMember(ids[0]!, far), 0, delayMember(ids[1]!, far), 0, delayMember(ids[0]!, far, 'gx'));
    return { s, ids };
  }
  const left = async (s: string) => (await redis.zrange(keys.nackDelays(s), 0, -1)).map((m) => m.split('\u0000').slice(0, 2).join(' '));

  it('ack-2 forgets the records of the IDs it acked, in the group, with or without a consumer', async () => {
    const { s, ids } = await withDelays();
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', '', '', '', `${ids[0]!} 9-0`)).toEqual([1, 0]);
    expect(await left(s)).toEqual([`g ${ids[1]}`, `gx ${ids[0]}`]);
    // Another consumer's ack of ids[1] acks nothing and forgets nothing (2: another's).
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', 'other', ids[1]!, ids[1]!, ids[1]!)).toEqual([2]);
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', 'c', ids[1]!, ids[1]!, ids[1]!)).toEqual([1]);
    expect(await left(s)).toEqual([`gx ${ids[0]}`]);
  });

  it('pull-5 forgets the records of the IDs its carried acks acked', async () => {
    const { s, ids } = await withDelays();
    const ks = [s, keys.policy(s), 'x', keys.leaseCursor(s, 'g'), keys.nackDelays(s)];
    const r = (await redis.eval(scriptSource('pull'), ks.length, ...ks, 'g', 'c', 1, '0', 300, 0, 'x', 1e9, 256, 1024, 1, '', '', ids[0]!, '9-0')) as unknown[];
    expect(r[5]).toEqual([1, 0]);
    expect(await left(s)).toEqual([`g ${ids[1]}`, `gx ${ids[0]}`]);
  });

  it('destroyGroup-3 forgets the group records only (not those of a group whose name it starts)', async () => {
    const { s, ids } = await withDelays();
    expect(await run('destroyGroup', [s, keys.policy(s), keys.nackDelays(s)], 'g')).toBe(1);
    expect(await left(s)).toEqual([`gx ${ids[0]}`]);
  });

  it('deleteStream-3 deletes the key', async () => {
    const { s } = await withDelays();
    expect(await run('deleteStream', [s, keys.policy(s), keys.nackDelays(s)])).toBe(1);
    expect(await redis.exists(keys.nackDelays(s))).toBe(0);
  });
});

describe('updatePolicy-3: backoff fields', () => {
  const uk = (s: string) => [s, keys.policy(s), keys.reapRegistry(s)];
  const defaults = (s: string) => JSON.stringify({ leaseMs: 30_000, maxDeliveries: 0, deadLetterStream: `${s}:dlq`, reapIdleMs: 0 });

  it('merged with the stored ones; BADPOLICY when the merged minimum exceeds the merged maximum, nothing written', async () => {
    const { s } = await delivered(0, null);
    const set = JSON.parse(String(await run('updatePolicy', uk(s), 'g', defaults(s), '{"minBackoffMs":200,"maxBackoffMs":800}')));
    expect(set).toMatchObject({ minBackoffMs: 200, maxBackoffMs: 800 });
    const kept = JSON.parse(String(await run('updatePolicy', uk(s), 'g', defaults(s), '{"leaseMs":500}')));
    expect(kept).toMatchObject({ leaseMs: 500, minBackoffMs: 200, maxBackoffMs: 800 });
    const stored = await redis.hget(keys.policy(s), 'g');
    const err = await run('updatePolicy', uk(s), 'g', defaults(s), '{"minBackoffMs":900}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplyError);
    expect((err as Error).message).toMatch(/^BADPOLICY minBackoffMs \(900\) must not exceed maxBackoffMs \(800\)/);
    expect(mapRedisError(err)?.code).toBe('VALIDATION_FAILED');
    expect(await redis.hget(keys.policy(s), 'g')).toBe(stored);
    const raised = JSON.parse(String(await run('updatePolicy', uk(s), 'g', defaults(s), '{"minBackoffMs":900,"maxBackoffMs":900}')));
    expect(raised).toMatchObject({ minBackoffMs: 900, maxBackoffMs: 900 });
  });
});
