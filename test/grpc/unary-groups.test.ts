import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { keys } from '../../src/redis/keys.js';
import { type Gw, idsOf, policyOf, publish, setup, stringKey, withGateway } from './unary-support.js';

/**
 * The group and consumer RPCs through a real grpc-js client: CreateGroup, ListGroups,
 * GetGroup, UpdateGroup, DeleteGroup, SetGroupPosition, ListConsumers, CreateConsumer,
 * DeleteConsumer. proto3 `optional` fields are checked for presence: unset is not 0.
 */

let gw: Gw;
withGateway((g) => {
  gw = g;
});

describe('CreateGroup', () => {
  it('unset policy fields take the defaults; start defaults to "$"', async () => {
    const s = uniq();
    const ids = await publish(gw, s, { a: '1' }, { a: '2' });
    const { group } = await gw.rpc('CreateGroup', { stream: s, group: 'g' });
    expect(group).toMatchObject({
      name: 'g',
      consumers: 0,
      pending: 0,
      lastDeliveredId: ids[1],
      leaseMs: 30000,
      maxDeliveries: 0,
      deadLetterStream: `${s}:dlq`,
    });
    // Starting at "$": only new messages.
    expect((await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c' })).messages).toEqual([]);
  });

  it('set policy fields are kept, 0 included: lease_ms 0 is "no leases", not "default"', async () => {
    const s = uniq();
    await publish(gw, s, { a: '1' });
    const zero = await gw.rpc('CreateGroup', { stream: s, group: 'zero', start: '0', leaseMs: 0, maxDeliveries: 0 });
    expect(policyOf(zero.group)).toEqual({ leaseMs: 0, maxDeliveries: 0, deadLetterStream: `${s}:dlq` });
    expect(zero.group?.lastDeliveredId).toBe('0-0');

    const custom = await gw.rpc('CreateGroup', {
      stream: s,
      group: 'custom',
      start: '0',
      leaseMs: 200,
      maxDeliveries: 3,
      deadLetterStream: `${s}:custom-dlq`,
      entriesRead: 0,
    });
    expect(policyOf(custom.group)).toEqual({ leaseMs: 200, maxDeliveries: 3, deadLetterStream: `${s}:custom-dlq` });
    expect(custom.group).toMatchObject({ entriesRead: 0, lag: 1 });
    // The policy lives in Redis: a fresh read agrees.
    expect(policyOf((await gw.rpc('GetGroup', { stream: s, group: 'custom' })).group)).toEqual(policyOf(custom.group));
  });

  it('create_stream makes an empty stream; without it a missing stream is STREAM_NOT_FOUND', async () => {
    const s = uniq();
    await gw.fails('CreateGroup', { stream: s, group: 'g' }, 'STREAM_NOT_FOUND');
    expect(await gw.redis.exists(s)).toBe(0);
    const { group } = await gw.rpc('CreateGroup', { stream: s, group: 'g', createStream: true });
    expect(group).toMatchObject({ name: 'g', lastDeliveredId: '0-0' });
    expect(await gw.redis.type(s)).toBe('stream');
  });

  it('errors: ALREADY_EXISTS/GROUP_EXISTS, NOT_A_STREAM, VALIDATION_FAILED, INVALID_ID', async () => {
    const s = uniq();
    await setup(gw, s, 1, { leaseMs: 200 });
    await gw.fails('CreateGroup', { stream: s, group: 'g', leaseMs: 5000 }, 'GROUP_EXISTS');
    // The existing group's policy is untouched.
    expect((await gw.rpc('GetGroup', { stream: s, group: 'g' })).group?.leaseMs).toBe(200);

    await gw.fails('CreateGroup', { stream: await stringKey(gw, uniq()), group: 'g', createStream: true }, 'NOT_A_STREAM');
    await gw.fails('CreateGroup', { stream: s, group: 'has space' }, 'VALIDATION_FAILED');
    await gw.fails('CreateGroup', { stream: s, group: '' }, 'VALIDATION_FAILED');
    await gw.fails('CreateGroup', { stream: s, group: 'g2', leaseMs: 49 }, 'VALIDATION_FAILED');
    await gw.fails('CreateGroup', { stream: s, group: 'g2', leaseMs: 43_200_001 }, 'VALIDATION_FAILED');
    await gw.fails('CreateGroup', { stream: s, group: 'g2', maxDeliveries: 1001 }, 'VALIDATION_FAILED');
    await gw.fails('CreateGroup', { stream: s, group: 'g2', deadLetterStream: s }, 'VALIDATION_FAILED');
    await gw.fails('CreateGroup', { stream: s, group: 'g2', deadLetterStream: '' }, 'VALIDATION_FAILED');
    await gw.fails('CreateGroup', { stream: s, group: 'g2', start: 'abc' }, 'INVALID_ID');
    // Validation comes before existence.
    await gw.fails('CreateGroup', { stream: uniq(), group: 'g', leaseMs: 1 }, 'VALIDATION_FAILED');
    expect((await gw.rpc('ListGroups', { stream: s })).groups.map((g) => g.name)).toEqual(['g']);
  });
});

describe('ListGroups and GetGroup', () => {
  it('list every group with counters and policy; a native group shows the default policy', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 3, { leaseMs: 200, maxDeliveries: 2 });
    await gw.redis.xgroup('CREATE', s, 'native', '$');
    await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c', count: 2 });
    const { groups } = await gw.rpc('ListGroups', { stream: s });
    expect(groups.map((g) => g.name).sort()).toEqual(['g', 'native']);
    const g = groups.find((x) => x.name === 'g');
    expect(g).toMatchObject({
      consumers: 1,
      pending: 2,
      lastDeliveredId: ids[1],
      entriesRead: 2,
      lag: 1,
      leaseMs: 200,
      maxDeliveries: 2,
      deadLetterStream: `${s}:dlq`,
    });
    const native = groups.find((x) => x.name === 'native');
    expect(policyOf(native)).toEqual({ leaseMs: 30000, maxDeliveries: 0, deadLetterStream: `${s}:dlq` });
    expect((await gw.rpc('GetGroup', { stream: s, group: 'g' })).group).toEqual(g);
  });

  it('errors: NOT_FOUND (STREAM_NOT_FOUND, GROUP_NOT_FOUND), NOT_A_STREAM, VALIDATION_FAILED', async () => {
    const s = uniq();
    await setup(gw, s, 0);
    const k = await stringKey(gw, uniq());
    await gw.fails('ListGroups', { stream: uniq() }, 'STREAM_NOT_FOUND');
    await gw.fails('ListGroups', { stream: k }, 'NOT_A_STREAM');
    await gw.fails('GetGroup', { stream: s, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('GetGroup', { stream: uniq(), group: 'g' }, 'STREAM_NOT_FOUND');
    await gw.fails('GetGroup', { stream: k, group: 'g' }, 'NOT_A_STREAM');
    await gw.fails('GetGroup', { stream: s, group: 'a\tb' }, 'VALIDATION_FAILED');
  });
});

describe('UpdateGroup', () => {
  it('changes only the fields that are set: max_deliveries alone leaves lease_ms', async () => {
    const s = uniq();
    await setup(gw, s, 0, { leaseMs: 200, maxDeliveries: 2 });
    const a = await gw.rpc('UpdateGroup', { stream: s, group: 'g', maxDeliveries: 5 });
    expect(policyOf(a.group)).toEqual({ leaseMs: 200, maxDeliveries: 5, deadLetterStream: `${s}:dlq` });

    // Set to 0 is a change (unlimited), not "unset".
    const b = await gw.rpc('UpdateGroup', { stream: s, group: 'g', maxDeliveries: 0 });
    expect(policyOf(b.group)).toEqual({ leaseMs: 200, maxDeliveries: 0, deadLetterStream: `${s}:dlq` });
    const c = await gw.rpc('UpdateGroup', { stream: s, group: 'g', leaseMs: 0, deadLetterStream: `${s}:other` });
    expect(policyOf(c.group)).toEqual({ leaseMs: 0, maxDeliveries: 0, deadLetterStream: `${s}:other` });
    // Nothing set: nothing changes.
    const d = await gw.rpc('UpdateGroup', { stream: s, group: 'g' });
    expect(policyOf(d.group)).toEqual(policyOf(c.group));
    expect(policyOf((await gw.rpc('GetGroup', { stream: s, group: 'g' })).group)).toEqual(policyOf(c.group));
  });

  it('gives a native group a stored policy', async () => {
    const s = uniq();
    await gw.redis.xgroup('CREATE', s, 'native', '$', 'MKSTREAM');
    const { group } = await gw.rpc('UpdateGroup', { stream: s, group: 'native', leaseMs: 1000 });
    expect(policyOf(group)).toEqual({ leaseMs: 1000, maxDeliveries: 0, deadLetterStream: `${s}:dlq` });
  });

  it('errors: VALIDATION_FAILED (before existence), GROUP_NOT_FOUND, STREAM_NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await setup(gw, s, 0, { leaseMs: 200 });
    await gw.fails('UpdateGroup', { stream: s, group: 'g', leaseMs: 10 }, 'VALIDATION_FAILED');
    await gw.fails('UpdateGroup', { stream: s, group: 'g', maxDeliveries: 5000 }, 'VALIDATION_FAILED');
    await gw.fails('UpdateGroup', { stream: s, group: 'g', deadLetterStream: s }, 'VALIDATION_FAILED');
    await gw.fails('UpdateGroup', { stream: uniq(), group: 'g', leaseMs: 10 }, 'VALIDATION_FAILED');
    await gw.fails('UpdateGroup', { stream: s, group: 'nope', leaseMs: 100 }, 'GROUP_NOT_FOUND');
    await gw.fails('UpdateGroup', { stream: uniq(), group: 'g', leaseMs: 100 }, 'STREAM_NOT_FOUND');
    await gw.fails('UpdateGroup', { stream: await stringKey(gw, uniq()), group: 'g', leaseMs: 100 }, 'NOT_A_STREAM');
    expect((await gw.rpc('GetGroup', { stream: s, group: 'g' })).group?.leaseMs).toBe(200);
  });
});

describe('DeleteGroup', () => {
  it('destroys the group and its policy; the stream stays', async () => {
    const s = uniq();
    await setup(gw, s, 2, { leaseMs: 200, maxDeliveries: 4 });
    expect(await gw.rpc('DeleteGroup', { stream: s, group: 'g' })).toEqual({});
    await gw.fails('GetGroup', { stream: s, group: 'g' }, 'GROUP_NOT_FOUND');
    expect(await gw.redis.xlen(s)).toBe(2);
    // Made again without policy fields: the defaults, not the old policy.
    const { group } = await gw.rpc('CreateGroup', { stream: s, group: 'g' });
    expect(policyOf(group)).toEqual({ leaseMs: 30000, maxDeliveries: 0, deadLetterStream: `${s}:dlq` });
  });

  it('errors: GROUP_NOT_FOUND, STREAM_NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await setup(gw, s, 0);
    await gw.fails('DeleteGroup', { stream: s, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('DeleteGroup', { stream: uniq(), group: 'g' }, 'STREAM_NOT_FOUND');
    await gw.fails('DeleteGroup', { stream: await stringKey(gw, uniq()), group: 'g' }, 'NOT_A_STREAM');
  });
});

describe('SetGroupPosition', () => {
  const ids = ['1000-0', '2000-0', '2000-1', '3000-0'];
  const fill = async (s: string) => {
    await gw.rpc('Publish', { stream: s, messages: ids.map((id) => ({ id, fields: { id: Buffer.from(id) } })) });
    await gw.rpc('CreateGroup', { stream: s, group: 'g' });
  };
  const pullAll = async (s: string, consumer: string) =>
    idsOf((await gw.rpc('Pull', { stream: s, group: 'g', consumer, count: 100 })).messages);

  it('timestamp_ms replays exactly the entries whose time is ≥ N', async () => {
    const s = uniq();
    await fill(s);
    expect(await pullAll(s, 'c1')).toEqual([]);
    const { group } = await gw.rpc('SetGroupPosition', { stream: s, group: 'g', timestampMs: 2000 });
    expect(group?.lastDeliveredId).toBe('1999-18446744073709551615');
    expect(await pullAll(s, 'c1')).toEqual(['2000-0', '2000-1', '3000-0']);
    // 2001: only later entries.
    await gw.rpc('SetGroupPosition', { stream: s, group: 'g', timestampMs: 2001 });
    expect(await pullAll(s, 'c2')).toEqual(['3000-0']);
    // timestamp_ms 0 is set (the oneof says so): replay everything.
    await gw.rpc('SetGroupPosition', { stream: s, group: 'g', timestampMs: 0 });
    expect(await pullAll(s, 'c3')).toEqual(ids);
  });

  it('id: "0" replays all, "$" skips all, an ID moves to after it; entries_read is set', async () => {
    const s = uniq();
    await fill(s);
    const zero = await gw.rpc('SetGroupPosition', { stream: s, group: 'g', id: '0' });
    expect(zero.group?.lastDeliveredId).toBe('0-0');
    expect(await pullAll(s, 'c1')).toEqual(ids);
    const mid = await gw.rpc('SetGroupPosition', { stream: s, group: 'g', id: '2000-0', entriesRead: 2 });
    expect(mid.group).toMatchObject({ lastDeliveredId: '2000-0', entriesRead: 2, lag: 2 });
    expect(await pullAll(s, 'c2')).toEqual(['2000-1', '3000-0']);
    const end = await gw.rpc('SetGroupPosition', { stream: s, group: 'g', id: '$' });
    expect(end.group?.lastDeliveredId).toBe('3000-0');
    expect(await pullAll(s, 'c3')).toEqual([]);
  });

  it('errors: VALIDATION_FAILED (no position), INVALID_ID, GROUP_NOT_FOUND, STREAM_NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await fill(s);
    await gw.fails('SetGroupPosition', { stream: s, group: 'g' }, 'VALIDATION_FAILED');
    await gw.fails('SetGroupPosition', { stream: s, group: 'g', id: 'later' }, 'INVALID_ID');
    await gw.fails('SetGroupPosition', { stream: s, group: 'g', id: '' }, 'INVALID_ID');
    await gw.fails('SetGroupPosition', { stream: s, group: 'nope', id: '0' }, 'GROUP_NOT_FOUND');
    await gw.fails('SetGroupPosition', { stream: uniq(), group: 'g', id: '0' }, 'STREAM_NOT_FOUND');
    await gw.fails('SetGroupPosition', { stream: await stringKey(gw, uniq()), group: 'g', id: '0' }, 'NOT_A_STREAM');
    expect((await gw.rpc('GetGroup', { stream: s, group: 'g' })).group?.lastDeliveredId).toBe('3000-0');
  });
});

describe('ListConsumers, CreateConsumer, DeleteConsumer', () => {
  it('CreateConsumer answers created, then not; ListConsumers shows pending per consumer', async () => {
    const s = uniq();
    await setup(gw, s, 3);
    expect(await gw.rpc('CreateConsumer', { stream: s, group: 'g', consumer: 'idle' })).toEqual({ created: true });
    expect(await gw.rpc('CreateConsumer', { stream: s, group: 'g', consumer: 'idle' })).toEqual({ created: false });
    await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c1', count: 2 });
    await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c2', count: 2 });
    const { consumers } = await gw.rpc('ListConsumers', { stream: s, group: 'g' });
    expect(consumers.map((c) => [c.name, c.pending]).sort()).toEqual([
      ['c1', 2],
      ['c2', 1],
      ['idle', 0],
    ]);
    for (const c of consumers) {
      expect(c.idleMs).toBeGreaterThanOrEqual(0);
      expect(c.idleMs).toBeLessThan(60_000);
      // Present exactly when Redis (7.2+) reports it.
      if (c.inactiveMs !== undefined) expect(c.inactiveMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('DeleteConsumer: FAILED_PRECONDITION/CONSUMER_HAS_PENDING without force; force drops its pending', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 3);
    await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'busy', count: 2 });
    await gw.rpc('CreateConsumer', { stream: s, group: 'g', consumer: 'idle' });
    await gw.fails('DeleteConsumer', { stream: s, group: 'g', consumer: 'busy' }, 'CONSUMER_HAS_PENDING');
    expect((await gw.rpc('Pending', { stream: s, group: 'g' })).count).toBe(2);

    expect(await gw.rpc('DeleteConsumer', { stream: s, group: 'g', consumer: 'idle' })).toEqual({ pendingDropped: 0 });
    expect(await gw.rpc('DeleteConsumer', { stream: s, group: 'g', consumer: 'busy', force: true })).toEqual({ pendingDropped: 2 });
    expect((await gw.rpc('ListConsumers', { stream: s, group: 'g' })).consumers).toEqual([]);
    expect((await gw.rpc('Pending', { stream: s, group: 'g' })).count).toBe(0);
    // Dropped from the pending list, as XGROUP DELCONSUMER does: not redelivered.
    expect(idsOf((await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c', count: 10 })).messages)).toEqual([ids[2]]);
  });

  it('errors: CONSUMER_NOT_FOUND, GROUP_NOT_FOUND, STREAM_NOT_FOUND, NOT_A_STREAM, VALIDATION_FAILED', async () => {
    const s = uniq();
    await setup(gw, s, 0);
    const k = await stringKey(gw, uniq());
    await gw.fails('DeleteConsumer', { stream: s, group: 'g', consumer: 'ghost' }, 'CONSUMER_NOT_FOUND');
    await gw.fails('DeleteConsumer', { stream: s, group: 'g', consumer: 'ghost', force: true }, 'CONSUMER_NOT_FOUND');
    await gw.fails('DeleteConsumer', { stream: s, group: 'nope', consumer: 'c' }, 'GROUP_NOT_FOUND');
    await gw.fails('DeleteConsumer', { stream: uniq(), group: 'g', consumer: 'c' }, 'STREAM_NOT_FOUND');
    await gw.fails('DeleteConsumer', { stream: s, group: 'g', consumer: 'a b' }, 'VALIDATION_FAILED');

    await gw.fails('CreateConsumer', { stream: s, group: 'nope', consumer: 'c' }, 'GROUP_NOT_FOUND');
    await gw.fails('CreateConsumer', { stream: uniq(), group: 'g', consumer: 'c' }, 'STREAM_NOT_FOUND');
    await gw.fails('CreateConsumer', { stream: k, group: 'g', consumer: 'c' }, 'NOT_A_STREAM');
    await gw.fails('CreateConsumer', { stream: s, group: 'g', consumer: '' }, 'VALIDATION_FAILED');
    await gw.fails('CreateConsumer', { stream: s, group: 'g', consumer: 'x'.repeat(257) }, 'VALIDATION_FAILED');

    await gw.fails('ListConsumers', { stream: s, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('ListConsumers', { stream: uniq(), group: 'g' }, 'STREAM_NOT_FOUND');
    await gw.fails('ListConsumers', { stream: k, group: 'g' }, 'NOT_A_STREAM');
  });
});

describe('reap_idle_ms (consumer reaping)', () => {
  // No consumers here: reaping itself is tested in test/core/reaper.test.ts.
  it('round-trips through CreateGroup, GetGroup, ListGroups and UpdateGroup; unset is unchanged, 0 is off', async () => {
    const s = uniq();
    const { group } = await gw.rpc('CreateGroup', { stream: s, group: 'g', createStream: true, leaseMs: 1000, reapIdleMs: 3_600_000 });
    expect(group).toMatchObject({ leaseMs: 1000, reapIdleMs: 3_600_000 });
    expect((await gw.rpc('GetGroup', { stream: s, group: 'g' })).group?.reapIdleMs).toBe(3_600_000);
    await gw.rpc('CreateGroup', { stream: s, group: 'plain' });
    const { groups } = await gw.rpc('ListGroups', { stream: s });
    expect(groups.map((g) => [g.name, g.reapIdleMs])).toEqual([
      ['g', 3_600_000],
      ['plain', 0],
    ]);
    expect((await gw.rpc('UpdateGroup', { stream: s, group: 'g', maxDeliveries: 2 })).group?.reapIdleMs).toBe(3_600_000);
    expect((await gw.rpc('UpdateGroup', { stream: s, group: 'g', reapIdleMs: 0 })).group).toMatchObject({ leaseMs: 1000, reapIdleMs: 0 });
    expect(JSON.parse((await gw.redis.hget(keys.policy(s), 'g')) ?? 'null')).toMatchObject({ reapIdleMs: 0 });
  });

  it('INVALID_ARGUMENT (VALIDATION_FAILED) for a bad value, below the lease, or without leases', async () => {
    const s = uniq();
    for (const bad of [{ reapIdleMs: 49 }, { reapIdleMs: 2_592_000_001 }, { leaseMs: 1000, reapIdleMs: 999 }, { leaseMs: 0, reapIdleMs: 1000 }, { reapIdleMs: 1000 }]) {
      await gw.fails('CreateGroup', { stream: s, group: 'g', createStream: true, ...bad }, 'VALIDATION_FAILED');
    }
    expect(await gw.redis.exists(s)).toBe(0);
    await gw.rpc('CreateGroup', { stream: s, group: 'g', createStream: true, leaseMs: 1000, reapIdleMs: 5000 });
    for (const bad of [{ reapIdleMs: 49 }, { leaseMs: 6000 }, { leaseMs: 0 }, { reapIdleMs: 999 }]) {
      await gw.fails('UpdateGroup', { stream: s, group: 'g', ...bad }, 'VALIDATION_FAILED');
    }
    expect((await gw.rpc('GetGroup', { stream: s, group: 'g' })).group).toMatchObject({ leaseMs: 1000, reapIdleMs: 5000 });
  });
});
