import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { keys } from '../../src/redis/keys.js';
import { redisUrl, testCore, uniq } from '../helpers/core.js';
import { reportsInactive } from '../helpers/redis-version.js';
import { expectCode, fields, pullOf, text } from './support.js';

/** Groups, policies, positions, consumers, streams: the admin surface of the core. */

let core: Core;
let redis: Redis;
beforeAll(() => {
  // Distinctive defaults, so a test can tell them from stored policies.
  core = testCore({ STREAMGATE_DEFAULT_LEASE_MS: '1234', STREAMGATE_DEFAULT_MAX_DELIVERIES: '7' });
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  await core.close();
  redis.disconnect();
});

const publish = (s: string, ...ids: string[]) =>
  core.streams.publish(s, { messages: ids.map((id) => ({ id, pairs: fields({ id }) })) });
const pulledIds = async (s: string, group = 'g', consumer = 'c') =>
  (await core.consume.pull(s, group, pullOf(consumer))).map((m) => m.id);
const storedPolicy = async (s: string, group: string) => {
  const raw = await redis.hget(keys.policy(s), group);
  return raw === null ? null : (JSON.parse(raw) as unknown);
};

describe('group creation', () => {
  it('start $ (default) delivers only later entries; the reply carries the policy', async () => {
    const s = uniq();
    await publish(s, '1-0', '2-0');
    const info = await core.groups.create(s, { group: 'g', leaseMs: 500, maxDeliveries: 3 });
    expect(info).toMatchObject({
      name: 'g',
      consumers: 0,
      pending: 0,
      lastDeliveredId: '2-0',
      lag: 0,
      leaseMs: 500,
      maxDeliveries: 3,
      deadLetterStream: `${s}:dlq`,
    });
    // entriesRead is what Redis reports (null from Redis 7.0 for a group made at `$`).
    expect(Object.keys(info).sort()).toEqual(
      ['consumers', 'deadLetterStream', 'entriesRead', 'lag', 'lastDeliveredId', 'leaseMs', 'maxBackoffMs', 'maxDeliveries', 'minBackoffMs', 'name', 'pending', 'reapIdleMs'],
    );
    await publish(s, '3-0');
    expect(await pulledIds(s)).toEqual(['3-0']);
  });

  it('start 0 delivers everything; start <id> everything after it', async () => {
    const s = uniq();
    await publish(s, '1-0', '1-1', '2-0');
    await core.groups.create(s, { group: 'all', start: '0' });
    await core.groups.create(s, { group: 'after', start: '1-0' });
    expect(await pulledIds(s, 'all')).toEqual(['1-0', '1-1', '2-0']);
    expect(await pulledIds(s, 'after')).toEqual(['1-1', '2-0']);
  });

  it('createStream makes an empty stream; entriesRead sets the lag', async () => {
    const s = uniq();
    const g = await core.groups.create(s, { group: 'g', createStream: true });
    expect(g).toMatchObject({ lastDeliveredId: '0-0', lag: 0 });
    expect(await core.streams.info(s)).toMatchObject({ length: 0, groups: 1 });
    await publish(s, '1-0', '2-0', '3-0');
    const h = await core.groups.create(s, { group: 'h', start: '1-0', entriesRead: 1 });
    expect(h).toMatchObject({ lastDeliveredId: '1-0', entriesRead: 1, lag: 2 });
  });

  it('a duplicate is GROUP_EXISTS and keeps the first policy', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, leaseMs: 900 });
    await expectCode(core.groups.create(s, { group: 'g', createStream: true, leaseMs: 100 }), 'GROUP_EXISTS');
    expect(await storedPolicy(s, 'g')).toEqual({ leaseMs: 900, maxDeliveries: 7, deadLetterStream: `${s}:dlq`, reapIdleMs: 0 });
  });
});

describe('group listing and policies', () => {
  it('lists stored policies and, for a group made by a native client, the configured defaults', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'managed', createStream: true, leaseMs: 60, maxDeliveries: 2, deadLetterStream: 'elsewhere' });
    await redis.xgroup('CREATE', s, 'native', '$');
    const groups = await core.groups.list(s);
    expect(groups.map((g) => [g.name, g.leaseMs, g.maxDeliveries, g.deadLetterStream])).toEqual([
      ['managed', 60, 2, 'elsewhere'],
      ['native', 1234, 7, `${s}:dlq`],
    ]);
    expect(await core.groups.get(s, 'native')).toEqual(groups[1]);
    expect(await storedPolicy(s, 'native')).toBeNull();
  });

  it('updatePolicy merges the given fields into the stored policy', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, leaseMs: 500, maxDeliveries: 3, deadLetterStream: 'dl' });
    const updated = await core.groups.updatePolicy(s, 'g', { maxDeliveries: 5 });
    expect(updated).toMatchObject({ leaseMs: 500, maxDeliveries: 5, deadLetterStream: 'dl' });
    await core.groups.updatePolicy(s, 'g', { leaseMs: 0 });
    expect(await storedPolicy(s, 'g')).toEqual({ leaseMs: 0, maxDeliveries: 5, deadLetterStream: 'dl', reapIdleMs: 0 });
    expect(await core.groups.get(s, 'g')).toMatchObject({ leaseMs: 0, maxDeliveries: 5, deadLetterStream: 'dl' });
  });

  it('updatePolicy on a native group merges into the defaults', async () => {
    const s = uniq();
    await redis.xgroup('CREATE', s, 'native', '$', 'MKSTREAM');
    expect(await core.groups.updatePolicy(s, 'native', { leaseMs: 800 })).toMatchObject({
      leaseMs: 800,
      maxDeliveries: 7,
      deadLetterStream: `${s}:dlq`,
    });
    expect(await storedPolicy(s, 'native')).toEqual({ leaseMs: 800, maxDeliveries: 7, deadLetterStream: `${s}:dlq`, reapIdleMs: 0 });
  });

  it('an invalid update changes nothing', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, leaseMs: 500 });
    await expectCode(core.groups.updatePolicy(s, 'g', { maxDeliveries: 2, leaseMs: 10 }), 'VALIDATION_FAILED');
    expect(await storedPolicy(s, 'g')).toEqual({ leaseMs: 500, maxDeliveries: 7, deadLetterStream: `${s}:dlq`, reapIdleMs: 0 });
  });

  it('destroy removes the group and its policy; a group of the same name starts from the defaults', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, leaseMs: 500 });
    await core.groups.create(s, { group: 'kept', leaseMs: 600 });
    await core.groups.destroy(s, 'g');
    expect(await redis.hget(keys.policy(s), 'g')).toBeNull();
    expect(await storedPolicy(s, 'kept')).toMatchObject({ leaseMs: 600 });
    await expectCode(core.groups.get(s, 'g'), 'GROUP_NOT_FOUND');
    await expectCode(core.groups.destroy(s, 'g'), 'GROUP_NOT_FOUND');
    await redis.xgroup('CREATE', s, 'g', '$');
    expect(await core.groups.get(s, 'g')).toMatchObject({ leaseMs: 1234 });
  });

  it('deleting the stream removes its policy hash', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, leaseMs: 500 });
    expect(await redis.exists(keys.policy(s))).toBe(1);
    await core.streams.delete(s);
    expect(await redis.exists(s, keys.policy(s))).toBe(0);
    await redis.xgroup('CREATE', s, 'g', '$', 'MKSTREAM');
    expect(await core.groups.get(s, 'g')).toMatchObject({ leaseMs: 1234, maxDeliveries: 7 });
  });
});

describe('group position', () => {
  const entries = ['1000-0', '1000-1', '1999-9', '2000-0', '2000-3', '3000-0'];

  it('timestampMs replays exactly the entries whose time is >= N', async () => {
    const s = uniq();
    await publish(s, ...entries);
    await core.groups.create(s, { group: 'g' });
    for (const [ts, expected] of [
      [2000, ['2000-0', '2000-3', '3000-0']],
      [1001, ['1999-9', '2000-0', '2000-3', '3000-0']],
      [1000, entries],
      [0, entries],
      [3001, []],
    ] as const) {
      const info = await core.groups.setPosition(s, 'g', { timestampMs: ts });
      expect(info.name).toBe('g');
      expect(await pulledIds(s, 'g', `c${ts}`), `timestampMs ${ts}`).toEqual(expected);
    }
  });

  it('id positions: after an id, 0, $', async () => {
    const s = uniq();
    await publish(s, ...entries);
    await core.groups.create(s, { group: 'g' });
    expect(await core.groups.setPosition(s, 'g', { id: '1000-1' })).toMatchObject({ lastDeliveredId: '1000-1' });
    expect(await pulledIds(s, 'g', 'a')).toEqual(entries.slice(2));
    await core.groups.setPosition(s, 'g', { id: '0' });
    expect(await pulledIds(s, 'g', 'b')).toEqual(entries);
    expect(await core.groups.setPosition(s, 'g', { id: '$' })).toMatchObject({ lastDeliveredId: '3000-0' });
    expect(await pulledIds(s, 'g', 'c')).toEqual([]);
    expect(await core.groups.setPosition(s, 'g', { id: '1000-0', entriesRead: 1 })).toMatchObject({ entriesRead: 1, lag: 5 });
  });

  it('is an admin override: leases do not block it (Redis semantics)', async () => {
    const s = uniq();
    await publish(s, '1-0');
    await core.groups.create(s, { group: 'g', start: '0', leaseMs: 60_000 });
    expect(await pulledIds(s, 'g', 'holder')).toEqual(['1-0']);
    await core.groups.setPosition(s, 'g', { id: '0' });
    const again = await core.consume.pull(s, 'g', pullOf('other'));
    expect(again.map((m) => m.id)).toEqual(['1-0']);
    expect((await core.pending.entries(s, 'g', { start: '-', end: '+', count: 10 })).entries[0]).toMatchObject({ consumer: 'other' });
  });
});

describe('consumers', () => {
  it('create answers true then false; list shows pending and idle', async () => {
    const s = uniq();
    await publish(s, '1-0', '2-0');
    await core.groups.create(s, { group: 'g', start: '0' });
    const t0 = Date.now();
    expect(await core.groups.createConsumer(s, 'g', 'idle')).toBe(true);
    expect(await core.groups.createConsumer(s, 'g', 'idle')).toBe(false);
    await core.consume.pull(s, 'g', pullOf('busy'));
    const list = await core.groups.listConsumers(s, 'g');
    // Redis started both clocks inside this test: neither can exceed its age (+ rounding).
    const age = Date.now() - t0 + 5;
    expect(list.map((c) => [c.name, c.pending])).toEqual([
      ['busy', 2],
      ['idle', 0],
    ]);
    for (const c of list) {
      expect(Number.isInteger(c.idleMs), `${c.name}: ${c.idleMs}`).toBe(true);
      expect(c.idleMs, c.name).toBeLessThanOrEqual(age);
    }
    if (await reportsInactive(redis)) {
      // 7.2+: `inactive` counts from the last read that delivered something.
      expect(list.find((c) => c.name === 'busy')?.inactiveMs).toBeLessThanOrEqual(age);
    } else {
      // Redis 7.0 has no `inactive` in XINFO CONSUMERS: null, never a made-up number.
      expect(list.map((c) => c.inactiveMs)).toEqual([null, null]);
    }
  });

  it('delete: without pending at once; with pending only when forced, dropping them', async () => {
    const s = uniq();
    await publish(s, '1-0', '2-0', '3-0');
    await core.groups.create(s, { group: 'g', start: '0' });
    await core.groups.createConsumer(s, 'g', 'idle');
    expect(await core.groups.deleteConsumer(s, 'g', 'idle', false)).toBe(0);
    await core.consume.pull(s, 'g', pullOf('busy', { count: 2 }));
    await expectCode(core.groups.deleteConsumer(s, 'g', 'busy', false), 'CONSUMER_HAS_PENDING');
    expect((await core.groups.listConsumers(s, 'g')).map((c) => c.name)).toEqual(['busy']);
    expect(await core.groups.deleteConsumer(s, 'g', 'busy', true)).toBe(2);
    expect(await core.groups.listConsumers(s, 'g')).toEqual([]);
    expect((await core.pending.summary(s, 'g')).count).toBe(0);
    await expectCode(core.groups.deleteConsumer(s, 'g', 'busy', true), 'CONSUMER_NOT_FOUND');
  });
});

describe('pending inspection and explicit claims (Redis semantics)', () => {
  async function twoConsumers() {
    const s = uniq();
    await publish(s, '1-0', '2-0', '3-0');
    await core.groups.create(s, { group: 'g', start: '0', leaseMs: 60_000 });
    await core.consume.pull(s, 'g', pullOf('a', { count: 2 }));
    await core.consume.pull(s, 'g', pullOf('b', { count: 1 }));
    return s;
  }

  it('summary and entries, filtered by consumer and idle time', async () => {
    const s = await twoConsumers();
    expect(await core.pending.summary(s, 'g')).toEqual({
      count: 3,
      minId: '1-0',
      maxId: '3-0',
      consumers: [
        { name: 'a', count: 2 },
        { name: 'b', count: 1 },
      ],
    });
    const { entries: all } = await core.pending.entries(s, 'g', { start: '-', end: '+', count: 10 });
    expect(all.map((e) => [e.id, e.consumer, e.deliveryCount])).toEqual([
      ['1-0', 'a', 1],
      ['2-0', 'a', 1],
      ['3-0', 'b', 1],
    ]);
    const { entries: ofB } = await core.pending.entries(s, 'g', { start: '-', end: '+', count: 10, consumer: 'b' });
    expect(ofB.map((e) => e.id)).toEqual(['3-0']);
    await redis.xclaim(s, 'g', 'a', 0, '2-0', 'IDLE', 50_000, 'JUSTID');
    const { entries: idle } = await core.pending.entries(s, 'g', { start: '-', end: '+', count: 10, minIdleMs: 40_000 });
    expect(idle.map((e) => e.id)).toEqual(['2-0']);
    expect(idle[0]!.idleMs).toBeGreaterThanOrEqual(50_000);
    const empty = uniq();
    await core.groups.create(empty, { group: 'g', createStream: true });
    expect(await core.pending.summary(empty, 'g')).toEqual({ count: 0, minId: null, maxId: null, consumers: [] });
  });

  it('claim takes leases regardless of the policy, with the XCLAIM options', async () => {
    const s = await twoConsumers();
    // minIdleMs guards the claim, exactly as XCLAIM does.
    expect(await core.pending.claim(s, 'g', { consumer: 'c', minIdleMs: 60_000, ids: ['1-0'] })).toEqual({ messages: [], untried: [] });
    const claimed = await core.pending.claim(s, 'g', { consumer: 'c', minIdleMs: 0, ids: ['1-0', '9-0'] });
    expect('messages' in claimed && claimed.messages.map((m) => [m.id, text(m), m.deliveryCount])).toEqual([['1-0', { id: '1-0' }, 2]]);
    expect(await core.pending.claim(s, 'g', { consumer: 'c', minIdleMs: 0, ids: ['2-0'], justId: true, idleMs: 5000 })).toEqual({ ids: ['2-0'], untried: [] });
    await core.pending.claim(s, 'g', { consumer: 'c', minIdleMs: 0, ids: ['3-0'], retryCount: 9, justId: true });
    const { entries } = await core.pending.entries(s, 'g', { start: '-', end: '+', count: 10 });
    expect(entries.map((e) => [e.id, e.consumer, e.deliveryCount])).toEqual([
      ['1-0', 'c', 2],
      ['2-0', 'c', 1],
      ['3-0', 'c', 9],
    ]);
    expect(entries[1]!.idleMs).toBeGreaterThanOrEqual(5000);
    await publish(s, '4-0');
    expect(await core.pending.claim(s, 'g', { consumer: 'c', minIdleMs: 0, ids: ['4-0'], justId: true })).toEqual({ ids: [], untried: [] });
    expect(await core.pending.claim(s, 'g', { consumer: 'c', minIdleMs: 0, ids: ['4-0'], justId: true, force: true })).toEqual({ ids: ['4-0'], untried: [] });
  });

  it('autoclaim walks with a cursor and reports deleted entries', async () => {
    const s = await twoConsumers();
    await core.streams.deleteMessage(s, '2-0');
    const first = await core.pending.autoclaim(s, 'g', { consumer: 'c', minIdleMs: 0, start: '0', count: 1 });
    expect(first).toEqual({ next: '2-0', claimed: { messages: [{ id: '1-0', pairs: [['id', Buffer.from('1-0')]], deliveryCount: 2 }] }, deletedIds: [] });
    const second = await core.pending.autoclaim(s, 'g', { consumer: 'c', minIdleMs: 0, start: first.next, count: 10, justId: true });
    expect(second).toEqual({ next: '0-0', claimed: { ids: ['3-0'] }, deletedIds: ['2-0'] });
  });

  it('ack reports each ID: acked, or not pending', async () => {
    const s = await twoConsumers();
    expect(await core.consume.ack(s, 'g', ['1-0', '3', '4-0'])).toEqual({ count: 2, notPending: ['4-0'] });
    expect(await core.consume.ack(s, 'g', ['1-0'])).toEqual({ count: 0, notPending: ['1-0'] });
    expect((await core.pending.summary(s, 'g')).count).toBe(1);
  });
});

describe('history reads', () => {
  it("return the consumer's own pending entries with deliveryCount; a deleted one has pairs null", async () => {
    const s = uniq();
    await publish(s, '1-0', '2-0', '3-0', '4-0');
    await core.groups.create(s, { group: 'g', start: '0', leaseMs: 60_000 });
    await core.consume.pull(s, 'g', pullOf('me', { count: 3 }));
    await core.consume.pull(s, 'g', pullOf('other', { count: 1 }));
    await core.streams.deleteMessage(s, '2-0');
    const history = await core.consume.pull(s, 'g', pullOf('me', { from: '0' }));
    // Redis counts a history read as a delivery (not for a deleted entry).
    expect(history.map((m) => [m.id, m.pairs === null ? null : text(m), m.deliveryCount])).toEqual([
      ['1-0', { id: '1-0' }, 2],
      ['2-0', null, 1],
      ['3-0', { id: '3-0' }, 2],
    ]);
    const after = await core.consume.pull(s, 'g', pullOf('me', { from: '2-0', count: 1 }));
    expect(after.map((m) => m.id)).toEqual(['3-0']);
    // A history read neither reclaims nor reads new entries.
    await publish(s, '5-0');
    expect((await core.consume.pull(s, 'g', pullOf('me', { from: '3-0' })))).toEqual([]);
    expect((await core.consume.pull(s, 'g', pullOf('other', { from: '0' }))).map((m) => m.id)).toEqual(['4-0']);
  });
});

describe('streams', () => {
  it('info reports lengths and IDs', async () => {
    const s = uniq();
    await publish(s, '1-0', '2-0', '3-0');
    await core.groups.create(s, { group: 'g' });
    expect(await core.streams.info(s)).toEqual({
      length: 3,
      firstId: '1-0',
      lastId: '3-0',
      lastGeneratedId: '3-0',
      groups: 1,
      entriesAdded: 3,
      maxDeletedEntryId: '0-0',
    });
    expect(await core.streams.deleteMessage(s, '3')).toBe(1);
    expect(await core.streams.deleteMessage(s, '3-0')).toBe(0);
    expect(await core.streams.info(s)).toMatchObject({ length: 2, lastId: '2-0', lastGeneratedId: '3-0', maxDeletedEntryId: '3-0' });
  });

  it('read: start and end are bounds, reverse only flips the order, ( excludes', async () => {
    const s = uniq();
    await publish(s, '1-0', '2-0', '3-0', '4-0');
    const read = async (start: string, end: string, reverse = false, count = 10) =>
      (await core.streams.read(s, { start, end, count, reverse })).messages.map((m) => m.id);
    expect(await read('2', '3')).toEqual(['2-0', '3-0']);
    expect(await read('2', '3', true)).toEqual(['3-0', '2-0']);
    expect(await read('(1-0', '(4-0')).toEqual(['2-0', '3-0']);
    expect(await read('-', '+', true, 2)).toEqual(['4-0', '3-0']);
    expect(await read('5', '+')).toEqual([]);
  });

  it('list finds streams by pattern, only streams, across cursor pages', async () => {
    const prefix = uniq('scan');
    for (let i = 0; i < 3; i++) await publish(`${prefix}:${i}`, '1-0');
    await redis.set(`${prefix}:not-a-stream`, 'x');
    const found: string[] = [];
    let cursor = '0';
    do {
      const page = await core.streams.list({ match: `${prefix}:*`, cursor, count: 100 });
      found.push(...page.streams);
      cursor = page.cursor;
    } while (cursor !== '0');
    expect(found.sort()).toEqual([0, 1, 2].map((i) => `${prefix}:${i}`));
  });
});
