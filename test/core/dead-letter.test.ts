import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { Message } from '../../src/contract/types.js';
import { sleep, testCore, uniq } from '../helpers/core.js';
import { expectCode, fields, pullOf, text } from './support.js';
import { withCore } from '../helpers/fixtures.js';

/** Dead-lettering after maxDeliveries, listing and redrive, against real leases. */
const LEASE = 200;
/** How long the tests sleep for a lease to expire: Redis keeps the idle time, so only real time moves it. */
const EXPIRE = 1.5 * LEASE;

let core: Core;
let redis: Redis;
withCore((c, r) => {
  core = c;
  redis = r;
});

const pull = (s: string, group: string, consumer: string, c: Core = core): Promise<Message[]> =>
  c.consume.pull(s, group, pullOf(consumer));

/** The dead-letter stream's entries as [id, flat fields] (text). */
const dlqEntries = (dlq: string) => redis.xrange(dlq, '-', '+');

/** Seeded coin flips, so a failure can be replayed. */
function coin(seed: number): () => boolean {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return (x >> 16) % 2 === 0;
  };
}

describe.concurrent('dead-lettering', () => {
  it('moves a message delivered maxDeliveries times: fields kept plus exactly the x-* fields, acked, source entry kept', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: LEASE, maxDeliveries: 2 });
    await core.groups.create(s, { group: 'other', start: '0', leaseMs: LEASE });
    const { ids } = await core.streams.publish(s, { messages: [{ pairs: fields({ a: '1', b: 'two' }) }] });
    const id = ids[0]!;
    // Read the number now: prom-client hands out its live value objects.
    const deadLettered = async () => (await core.metrics.deadLettered.get()).values[0]?.value ?? 0;
    const before = await deadLettered();

    expect((await pull(s, 'g', 'c1')).map((m) => [m.id, m.deliveryCount])).toEqual([[id, 1]]);
    await sleep(EXPIRE);
    expect((await pull(s, 'g', 'c2')).map((m) => [m.id, m.deliveryCount])).toEqual([[id, 2]]);
    await sleep(EXPIRE);
    expect(await pull(s, 'g', 'c3')).toEqual([]); // would be the third delivery: dead-lettered instead

    const dead = await dlqEntries(`${s}:dlq`);
    expect(dead).toHaveLength(1);
    expect(dead[0]![1]).toEqual([
      'a', '1',
      'b', 'two',
      'x-original-id', id,
      'x-original-stream', s,
      'x-group', 'g',
      'x-deliveries', '2',
      'x-last-consumer', 'c2',
    ]);
    expect(await core.pending.summary(s, 'g')).toMatchObject({ count: 0 });
    expect((await core.streams.read(s, { start: '-', end: '+', count: 10, reverse: false })).messages).toHaveLength(1);
    // The other group still gets the entry, untouched.
    expect((await pull(s, 'other', 'x')).map((m) => [m.id, text(m), m.deliveryCount])).toEqual([[id, { a: '1', b: 'two' }, 1]]);
    // It is never delivered again in the source group.
    await sleep(EXPIRE);
    expect(await pull(s, 'g', 'c4')).toEqual([]);
    expect((await dlqEntries(`${s}:dlq`)).length).toBe(1);
    expect((await deadLettered()) - before).toBeGreaterThanOrEqual(1);
  });

  it('nothing is lost: every message ends acked, pending or dead-lettered, exactly once', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: LEASE, maxDeliveries: 2 });
    const all = new Set<string>();
    const acked = new Set<string>();
    const flip = coin(7);
    for (let round = 0; round < 4; round++) {
      const { ids } = await core.streams.publish(s, {
        messages: Array.from({ length: 15 }, (_, i) => ({ pairs: fields({ round: String(round), i: String(i) }) })),
      });
      ids.forEach((id) => all.add(id));
      for (const consumer of ['c1', 'c2']) {
        const got = await core.consume.pull(s, 'g', pullOf(`${consumer}-${round}`, { count: 10 }));
        const toAck = got.filter(() => flip()).map((m) => m.id);
        if (toAck.length > 0) {
          const r = await core.consume.ack(s, 'g', toAck);
          expect(r.count).toBe(toAck.length);
          toAck.forEach((id) => acked.add(id));
        }
      }
      if (round < 3) await sleep(EXPIRE);
    }
    const pending = (await core.pending.entries(s, 'g', { start: '-', end: '+', count: 1000 })).entries.map((p) => p.id);
    const dead = (await dlqEntries(`${s}:dlq`)).map(([, f]) => f[f.indexOf('x-original-id') + 1]!);
    expect(dead.length).toBeGreaterThan(0);
    expect(pending.length).toBeGreaterThan(0);
    expect(new Set(dead).size).toBe(dead.length);
    const seen = [...acked, ...pending, ...dead];
    // Undelivered leftovers of the last round are not lost either: still in the stream, unread.
    const info = await core.groups.get(s, 'g');
    const unread = (await core.streams.read(s, { start: `(${info.lastDeliveredId}`, end: '+', count: 1000, reverse: false })).messages.map((m) => m.id);
    expect(new Set([...seen, ...unread]).size).toBe(seen.length + unread.length); // disjoint
    expect(new Set([...seen, ...unread])).toEqual(all);
  });

  it('uses a deadLetterStream set later by updatePolicy, even from an instance that knew the old one', async () => {
    const s = uniq();
    const custom = uniq('custom-dlq');
    const other = testCore(); // another gateway instance, with its own cache of dead-letter streams
    try {
      await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: LEASE, maxDeliveries: 1 });
      const { ids } = await core.streams.publish(s, { messages: [{ pairs: fields({ k: 'v' }) }] });
      expect((await pull(s, 'g', 'c1', other)).map((m) => m.id)).toEqual(ids);
      expect((await other.groups.get(s, 'g')).deadLetterStream).toBe(`${s}:dlq`); // `other` now knows the default
      const updated = await core.groups.updatePolicy(s, 'g', { deadLetterStream: custom });
      expect(updated).toMatchObject({ deadLetterStream: custom, maxDeliveries: 1, leaseMs: LEASE });
      await sleep(EXPIRE);
      expect(await pull(s, 'g', 'c2', other)).toEqual([]);
      expect(await redis.exists(`${s}:dlq`)).toBe(0);
      const dead = await dlqEntries(custom);
      expect(dead.map(([, f]) => f)).toEqual([
        ['k', 'v', 'x-original-id', ids[0], 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '1', 'x-last-consumer', 'c1'],
      ]);
      const listed = await other.deadLetters.list(s, 'g', { count: 10 });
      expect(listed.messages.map((m) => m.id)).toEqual([dead[0]![0]]);
    } finally {
      await other.close();
    }
  });

  it('a dead-letter key of another type fails the pull with NOT_A_STREAM before anything changes', async () => {
    const s = uniq('dl-type');
    await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: LEASE, maxDeliveries: 1 });
    const { ids } = await core.streams.publish(s, { messages: [{ pairs: fields({ n: '1' }) }, { pairs: fields({ n: '2' }) }] });
    expect((await pull(s, 'g', 'c1')).map((m) => m.id)).toEqual(ids);
    await redis.set(`${s}:dlq`, 'not a stream');
    await sleep(EXPIRE);
    const err = await expectCode(pull(s, 'g', 'c2'), 'NOT_A_STREAM');
    expect(err.message).toContain(`${s}:dlq`);
    // Both messages are still pending for c1, with their delivery counts unchanged.
    const { entries: pending } = await core.pending.entries(s, 'g', { start: '-', end: '+', count: 10 });
    expect(pending.map((p) => [p.id, p.consumer, p.deliveryCount])).toEqual(ids.map((id) => [id, 'c1', 1]));
    expect(await redis.get(`${s}:dlq`)).toBe('not a stream');
  });

  it('explicit claims raise the delivery count that maxDeliveries compares, and never dead-letter', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: LEASE, maxDeliveries: 1 });
    const { ids } = await core.streams.publish(s, { messages: [{ pairs: fields({ k: 'v' }) }] });
    await pull(s, 'g', 'c1');
    const claimed = await core.pending.claim(s, 'g', { consumer: 'c2', minIdleMs: 0, ids });
    expect('messages' in claimed && claimed.messages.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[0], 2]]);
    const history = await core.consume.pull(s, 'g', pullOf('c2', { from: '0' }));
    expect(history.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[0], 3]]);
    expect(await redis.exists(`${s}:dlq`)).toBe(0);
    await sleep(EXPIRE);
    expect(await pull(s, 'g', 'c3')).toEqual([]);
    const dead = await dlqEntries(`${s}:dlq`);
    expect(dead.map(([, f]) => f.slice(-4))).toEqual([['x-deliveries', '3', 'x-last-consumer', 'c2']]);
  });
});

describe('a custom dead-letter stream shared by two streams', () => {
  it('each stream lists and redrives only its own dead letters', async () => {
    const shared = uniq('shared-dlq');
    const streams = [uniq(), uniq()];
    for (const s of streams) {
      await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: 60_000, maxDeliveries: 1, deadLetterStream: shared });
      const { ids } = await core.streams.publish(s, { messages: [{ pairs: fields({ from: s }) }] });
      await pull(s, 'g', 'c1');
      // Expire the lease server-side instead of waiting for it.
      await redis.xclaim(s, 'g', 'c1', 0, ids[0]!, 'IDLE', 120_000, 'JUSTID');
      expect(await pull(s, 'g', 'c2')).toEqual([]);
    }
    expect(await redis.xlen(shared)).toBe(2);
    for (const s of streams) {
      const listed = await core.deadLetters.list(s, 'g', { count: 10 });
      expect(listed.messages.map((m) => text(m)!.from)).toEqual([s]);
    }
    expect(await core.deadLetters.redrive(streams[0]!, 'g', { count: 10 })).toMatchObject({ redriven: 1 });
    expect((await core.deadLetters.list(streams[1]!, 'g', { count: 10 })).messages).toHaveLength(1);
  });

  it('a group that never dead-lettered lists nothing', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true });
    expect(await core.deadLetters.list(s, 'g', { count: 10 })).toEqual({ messages: [], next: null });
    expect(await core.deadLetters.redrive(s, 'g', {})).toEqual({ redriven: 0, ids: [] });
  });
});

describe('dead letters of groups sharing the default dead-letter stream', () => {
  let s: string;
  let sourceIds: string[];
  beforeAll(async () => {
    s = uniq();
    for (const group of ['g1', 'g2']) {
      await core.groups.create(s, { group, createStream: true, start: '0', leaseMs: LEASE, maxDeliveries: 1 });
    }
    ({ ids: sourceIds } = await core.streams.publish(s, {
      messages: [{ pairs: fields({ n: '1' }) }, { pairs: fields({ n: '2', 'x-own': 'kept' }) }],
    }));
    for (const group of ['g1', 'g2']) await pull(s, group, `${group}-c`);
    await sleep(EXPIRE);
    for (const group of ['g1', 'g2']) expect(await pull(s, group, `${group}-d`)).toEqual([]);
  });

  it('both dead-letter into <stream>:dlq; listing shows only the group’s own entries', async () => {
    expect(await redis.xlen(`${s}:dlq`)).toBe(4);
    for (const group of ['g1', 'g2']) {
      const page = await core.deadLetters.list(s, group, { count: 10 });
      expect(page.next).toBeNull();
      expect(page.messages.map((m) => [text(m)!['x-group'], text(m)!['x-original-id']])).toEqual([
        [group, sourceIds[0]],
        [group, sourceIds[1]],
      ]);
    }
  });

  it('listing pages with `after`', async () => {
    const first = await core.deadLetters.list(s, 'g2', { count: 1 });
    expect(first.messages).toHaveLength(1);
    // `next` is the last ID of the page: where the next page starts after.
    expect(first.next).toBe(first.messages[0]!.id);
    const second = await core.deadLetters.list(s, 'g2', { count: 1, after: first.next! });
    expect(second.messages).toHaveLength(1);
    expect(text(second.messages[0]!)!['x-original-id']).toBe(sourceIds[1]);
    const third = await core.deadLetters.list(s, 'g2', { count: 1, after: second.next! });
    expect(third).toEqual({ messages: [], next: null });
  });

  it('redrive by ids takes only the group’s own, republishes the original fields, deletes the dead letters', async () => {
    const g1 = (await core.deadLetters.list(s, 'g1', { count: 10 })).messages;
    const g2 = (await core.deadLetters.list(s, 'g2', { count: 10 })).messages;
    const r = await core.deadLetters.redrive(s, 'g1', { ids: [g1[1]!.id, g2[0]!.id] });
    expect(r.redriven).toBe(1);
    expect(r.ids).toHaveLength(1);
    const { messages: republished } = await core.streams.read(s, { start: r.ids[0]!, end: r.ids[0]!, count: 1, reverse: false });
    expect(republished.map(text)).toEqual([{ n: '2', 'x-own': 'kept' }]);
    expect(republished[0]!.pairs!.map(([k]) => k)).toEqual(['n', 'x-own']);
    const left = (await dlqEntries(`${s}:dlq`)).map(([id]) => id);
    expect(left).not.toContain(g1[1]!.id);
    expect(left).toContain(g2[0]!.id);
    expect(left).toHaveLength(3);
  });

  it('redrive by count takes the oldest of the group; the new entries are delivered again', async () => {
    // g1's letters are not g2's to redrive, whatever the tests before this one did with them.
    const g1Before = (await core.deadLetters.list(s, 'g1', { count: 10 })).messages.length;
    const r = await core.deadLetters.redrive(s, 'g2', { count: 5 });
    expect(r.redriven).toBe(2);
    const added = await Promise.all(r.ids.map(async (id) => (await core.streams.read(s, { start: id, end: id, count: 1, reverse: false })).messages));
    expect(added.map((m) => text(m[0]!))).toEqual([{ n: '1' }, { n: '2', 'x-own': 'kept' }]);
    expect((await core.deadLetters.list(s, 'g2', { count: 10 })).messages).toEqual([]);
    expect((await core.deadLetters.list(s, 'g1', { count: 10 })).messages).toHaveLength(g1Before);
    // Republished as new entries: both groups receive them, as first deliveries.
    const got = await core.consume.pull(s, 'g2', pullOf('fresh'));
    expect(got.filter((m) => r.ids.includes(m.id)).map((m) => m.deliveryCount)).toEqual([1, 1]);
    expect(await core.deadLetters.redrive(s, 'g2', {})).toEqual({ redriven: 0, ids: [] });
  });
});
