import { expect } from 'vitest';
import { keys } from '../../../src/redis/keys.js';
import { sleep } from '../../helpers/core.js';
import type { Driver, Msg } from '../driver.js';
import { type Ctx, type Table, codeOf, counted, idsOf, setup } from './support.js';

/**
 * Retry backoff (group policy minBackoffMs, maxBackoffMs) and nack delays longer than the
 * lease. Timings are checked against Redis's own idle times: just before each pull the
 * entry's idle time is read (XPENDING), so a redelivery proves that idle time plus the time
 * the read and the pull took reached the lease plus the backoff ("not before"), and the
 * idle time read just before it bounds how late it came ("soon after", generous for a loaded
 * machine).
 */

const LEASE = 300;
const MIN = 200;
const MAX = 800;
const backoff = (deliveries: number) => Math.min(MAX, MIN * 2 ** (deliveries - 1));
/** How late a redelivery may come after it was due (polls every 20 ms; a loaded machine). */
const LATE_MS = 500;

const storedPolicy = async (x: Ctx, s: string, g = 'g') => JSON.parse((await x.redis.hget(keys.policy(s), g)) ?? 'null');
const backoffOf = (g: { minBackoffMs: number; maxBackoffMs: number }) => [g.minBackoffMs, g.maxBackoffMs];

/**
 * Polls (pulls without waiting) until the group's one pending entry is redelivered; `idle`
 * is its Redis idle time read just before the pull that got it, `took` the time that read
 * and that pull took together.
 */
async function redelivered(d: Driver, x: Ctx, s: string): Promise<{ msg: Msg; idle: number; took: number }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const t0 = performance.now();
    const [entry] = (await x.redis.xpending(s, 'g', '-', '+', 1)) as [string, string, number, number][];
    const got = await d.pull(s, 'g', 'c', { count: 1 });
    const took = performance.now() - t0;
    if (got.length > 0) return { msg: got[0]!, idle: entry![2], took };
    await sleep(20);
  }
  throw new Error('not redelivered within 10 s');
}

/** The nack delays the gateway keeps for the stream: `group id` of each. */
const delays = async (x: Ctx, s: string) =>
  (await x.redis.zrange(keys.nackDelays(s), 0, -1)).map((m) => m.split('\u0000').slice(0, 2).join(' '));

export const BACKOFF: Table = {
  async 'backoff fields: set on create, returned by get, list and update, patched alone, 0 turns it off'(d, x) {
    const s = x.name();
    const created = await d.createGroup(s, 'g', { createStream: true, leaseMs: LEASE, minBackoffMs: MIN, maxBackoffMs: MAX });
    expect(backoffOf(created)).toEqual([MIN, MAX]);
    expect(backoffOf(await d.group(s, 'g'))).toEqual([MIN, MAX]);
    expect(await storedPolicy(x, s)).toMatchObject({ minBackoffMs: MIN, maxBackoffMs: MAX });
    const plain = await d.createGroup(s, 'plain');
    expect(backoffOf(plain)).toEqual([0, 0]);
    expect((await d.groups(s)).map((g) => [g.name, ...backoffOf(g)])).toEqual([
      ['g', MIN, MAX],
      ['plain', 0, 0],
    ]);
    const raised = await d.updateGroup(s, 'g', { maxBackoffMs: 43_200_000 });
    expect(backoffOf(raised)).toEqual([MIN, 43_200_000]);
    const kept = await d.updateGroup(s, 'g', { leaseMs: 400 });
    expect(backoffOf(kept)).toEqual([MIN, 43_200_000]);
    const off = await d.updateGroup(s, 'g', { minBackoffMs: 0, maxBackoffMs: 0 });
    expect(backoffOf(off)).toEqual([0, 0]);
    expect(await storedPolicy(x, s)).toMatchObject({ leaseMs: 400, minBackoffMs: 0, maxBackoffMs: 0 });
    const patchedPlain = await d.updateGroup(s, 'plain', { minBackoffMs: 100, maxBackoffMs: 100 });
    expect(backoffOf(patchedPlain)).toEqual([100, 100]);
    return { created: backoffOf(created), raised: backoffOf(raised), off: backoffOf(off), patchedPlain: backoffOf(patchedPlain) };
  },

  async 'backoff refused above 12 h or with min above max (given together, or against the stored one); nothing written'(d, x) {
    const s = x.name();
    const bad = [{ minBackoffMs: 43_200_001, maxBackoffMs: 43_200_001 }, { maxBackoffMs: 43_200_001 }, { minBackoffMs: 300, maxBackoffMs: 200 }, { minBackoffMs: 200 }];
    const onCreate = [];
    for (const policy of bad) onCreate.push(await codeOf(d.createGroup(s, 'g', { createStream: true, ...policy })));
    expect(onCreate).toEqual(bad.map(() => 'VALIDATION_FAILED'));
    expect(await x.redis.exists(s)).toBe(0);
    await d.createGroup(s, 'g', { createStream: true, minBackoffMs: MIN, maxBackoffMs: MAX });
    const before = await x.redis.hget(keys.policy(s), 'g');
    const patches = [...bad.slice(0, 3), { minBackoffMs: MAX + 1 }, { maxBackoffMs: MIN - 1 }];
    const onUpdate = [];
    for (const patch of patches) onUpdate.push(await codeOf(d.updateGroup(s, 'g', patch)));
    expect(onUpdate).toEqual(patches.map(() => 'VALIDATION_FAILED'));
    expect(await x.redis.hget(keys.policy(s), 'g')).toBe(before);
    return { onCreate, onUpdate };
  },

  async 'lease expiry: redelivered after lease + min × 2^(deliveries − 1) of Redis idle time, capped at max; not before'(d, x) {
    const s = x.name();
    await setup(d, s, 1, { leaseMs: LEASE, minBackoffMs: MIN, maxBackoffMs: MAX });
    const first = await d.pull(s, 'g', 'c');
    const deliveries = [first[0]!.deliveryCount];
    for (let n = 1; n <= 4; n++) {
      const { msg, idle, took } = await redelivered(d, x, s);
      const due = LEASE + backoff(n);
      expect(idle + took, `delivery ${n + 1}: not before ${due} ms idle`).toBeGreaterThanOrEqual(due);
      expect(idle, `delivery ${n + 1}: soon after ${due} ms idle`).toBeLessThanOrEqual(due + LATE_MS);
      deliveries.push(msg.deliveryCount);
    }
    expect(deliveries).toEqual([1, 2, 3, 4, 5]);
    return deliveries;
  },

  async 'nack without delay: redelivered after the backoff, not at once'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 30_000, minBackoffMs: 400, maxBackoffMs: MAX });
    await d.pull(s, 'g', 'c');
    const nacked = await d.nack(s, 'g', 'c', ids);
    expect(nacked.count).toBe(1);
    const { msg, idle, took } = await redelivered(d, x, s);
    // The nack made the entry expired (idle = the lease); then the backoff of delivery 1.
    expect(idle + took).toBeGreaterThanOrEqual(30_000 + 400);
    expect(idle).toBeLessThanOrEqual(30_000 + 400 + LATE_MS);
    expect(counted([msg])).toEqual([[ids[0], 2]]);
    // Without backoff, the same nack gives it back at once.
    await d.updateGroup(s, 'g', { minBackoffMs: 0, maxBackoffMs: 0 });
    await d.nack(s, 'g', 'c', ids);
    const again = await d.pull(s, 'g', 'c');
    expect(counted(again)).toEqual([[ids[0], 3]]);
    return { nacked, again: counted(again) };
  },

  async 'nack with delayMs longer than the lease (up to 12 h): a waiting pull gets it after the delay, not before'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: LEASE, minBackoffMs: MIN, maxBackoffMs: MAX });
    await d.pull(s, 'g', 'c');
    const before = performance.now();
    const nacked = await d.nack(s, 'g', 'c', ids, 1500);
    const after = performance.now();
    expect(nacked.count).toBe(1);
    expect(await delays(x, s)).toEqual([`g ${ids[0]}`]);
    const got = await d.pull(s, 'g', 'c2', { waitMs: 5000 });
    const at = performance.now();
    expect(counted(got)).toEqual([[ids[0], 2]]);
    expect(at - before).toBeGreaterThanOrEqual(1500);
    // The waiting pull's probe looks every half lease.
    expect(at - after).toBeLessThanOrEqual(1500 + 1000);
    // Taken: the delay is forgotten.
    expect(await delays(x, s)).toEqual([]);
    // 12 h is the most, whatever the lease.
    const longest = await d.nack(s, 'g', 'c2', ids, 43_200_000);
    expect(longest.count).toBe(1);
    const tooLong = await codeOf(d.nack(s, 'g', 'c2', ids, 43_200_001));
    expect(tooLong).toBe('VALIDATION_FAILED');
    return { nacked, got: counted(got), longest, tooLong };
  },

  async 'a nack delay is removed on ack, on dead-letter, on group and on stream deletion'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3, { leaseMs: LEASE, maxDeliveries: 1 });
    await d.createGroup(s, 'other', { start: '0', leaseMs: LEASE });
    expect(idsOf(await d.pull(s, 'g', 'c', { count: 3 }))).toEqual(ids);
    expect(idsOf(await d.pull(s, 'other', 'c', { count: 1 }))).toEqual([ids[0]]);
    await d.nack(s, 'g', 'c', ids, 60_000);
    await d.nack(s, 'other', 'c', [ids[0]!], 60_000);
    expect(await delays(x, s)).toEqual([`g ${ids[0]}`, `g ${ids[1]}`, `g ${ids[2]}`, `other ${ids[0]}`]);
    // Ack.
    await d.ack(s, 'g', [ids[0]!]);
    expect(await delays(x, s)).toEqual([`g ${ids[1]}`, `g ${ids[2]}`, `other ${ids[0]}`]);
    // Dead-letter: a short delay ends, the next pull dead-letters (maxDeliveries 1).
    await d.nack(s, 'g', 'c', [ids[1]!], LEASE + 100);
    await sleep(LEASE + 150);
    expect(await d.pull(s, 'g', 'c')).toEqual([]);
    expect(idsOf((await d.deadLetters(s, 'g')).messages)).toHaveLength(1);
    expect(await delays(x, s)).toEqual([`g ${ids[2]}`, `other ${ids[0]}`]);
    // Group deletion: that group's only.
    await d.deleteGroup(s, 'g');
    expect(await delays(x, s)).toEqual([`other ${ids[0]}`]);
    // Stream deletion.
    await d.deleteStream(s);
    expect(await x.redis.exists(keys.nackDelays(s))).toBe(0);
    return 'removed';
  },

  async 'a nack delay changes nothing a native client sees: the entry stays pending to its consumer, same count'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 2, { leaseMs: LEASE });
    await d.pull(s, 'g', 'c', { count: 1 });
    await d.nack(s, 'g', 'c', [ids[0]!], 60_000);
    const pending = (await x.redis.xpending(s, 'g', '-', '+', 10)) as [string, string, number, number][];
    expect(pending.map(([id, owner, , count]) => [id, owner, count])).toEqual([[ids[0], 'c', 1]]);
    // A native XREADGROUP reads the next new entry as ever.
    const read = (await x.redis.xreadgroup('GROUP', 'g', 'native', 'COUNT', 5, 'STREAMS', s, '>')) as [string, [string, string[]][]][];
    expect(read[0]![1].map(([id]) => id)).toEqual([ids[1]]);
    return 'unchanged';
  },
};
