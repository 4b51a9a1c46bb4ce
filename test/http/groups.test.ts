import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { uniq } from '../helpers/core.js';
import { type TestApp } from '../helpers/http.js';
import { expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { R, call, createGroup, gp, idsOf, ok, publish, publishIds, pull, sp } from './support.js';
import { withApp } from '../helpers/fixtures.js';

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

describe('POST /v1/streams/{stream}/groups', () => {
  it('creates a group at `$` with the default policy: 201 group', async () => {
    const s = uniq();
    const [, last] = await publish(t, s, { n: '1' }, { n: '2' });
    const res = await call(t, 'POST', sp(s, '/groups'), { group: 'g' });
    expect(res.statusCode).toBe(201);
    expect(expectDocumented(res, 'POST', R.groups)).toEqual({
      name: 'g',
      consumers: 0,
      pending: 0,
      lastDeliveredId: last,
      // Redis leaves the counter unknown after XGROUP CREATE `$` without ENTRIESREAD.
      entriesRead: expect.toBeOneOf([null, 2]),
      lag: 0,
      leaseMs: 30_000,
      maxDeliveries: 0,
      deadLetterStream: `${s}:dlq`,
      reapIdleMs: 0,
    });
    // `$`: only messages published after creation are delivered.
    expect(await pull(t, s, 'g', { consumer: 'c' })).toEqual([]);
    const [fresh] = await publish(t, s, { n: '3' });
    expect(idsOf(await pull(t, s, 'g', { consumer: 'c' }))).toEqual([fresh]);
  });

  it('stores the given policy and start', async () => {
    const s = uniq();
    await publish(t, s, { n: '1' }, { n: '2' });
    const dlq = `${s}:dead`;
    const g = await createGroup(t, s, { group: 'g', start: '0', leaseMs: 200, maxDeliveries: 3, deadLetterStream: dlq });
    expect(g).toMatchObject({ name: 'g', lastDeliveredId: '0-0', lag: 2, leaseMs: 200, maxDeliveries: 3, deadLetterStream: dlq });
    expect(JSON.parse((await redis.hget(keys.policy(s), 'g')) ?? 'null')).toEqual({ leaseMs: 200, maxDeliveries: 3, deadLetterStream: dlq, reapIdleMs: 0 });
    const zero = await createGroup(t, s, { group: 'plain', leaseMs: 0 });
    expect(zero.leaseMs).toBe(0);
  });

  it('creates the stream with createStream, else answers STREAM_NOT_FOUND', async () => {
    const s = uniq();
    expectProblem(await call(t, 'POST', sp(s, '/groups'), { group: 'g' }), 'STREAM_NOT_FOUND', 'POST', R.groups);
    expect(await redis.exists(s)).toBe(0);
    const g = await createGroup(t, s, { group: 'g', createStream: true });
    expect(g).toMatchObject({ name: 'g', lastDeliveredId: '0-0', pending: 0 });
    expect(await redis.type(s)).toBe('stream');
  });

  it('answers GROUP_EXISTS for a second group of that name, keeping the first policy', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true, leaseMs: 500 });
    expectProblem(await call(t, 'POST', sp(s, '/groups'), { group: 'g', leaseMs: 900 }), 'GROUP_EXISTS', 'POST', R.groups);
    expect((await ok(t, 200, 'GET', R.group, gp(s, 'g'))).leaseMs).toBe(500);
  });

  it('answers VALIDATION_FAILED, INVALID_ID and NOT_A_STREAM', async () => {
    const s = uniq();
    await publish(t, s, { a: '1' });
    const bad: unknown[] = [
      {},
      { group: 'has space' },
      { group: '' },
      { group: 'g', leaseMs: 10 },
      { group: 'g', leaseMs: 43_200_001 },
      { group: 'g', maxDeliveries: 1001 },
      { group: 'g', maxDeliveries: -1 },
      { group: 'g', deadLetterStream: s },
      { group: 'g', deadLetterStream: '' },
      { group: 'g', createStream: 'yes' },
      { group: 'g', entriesRead: -1 },
    ];
    for (const body of bad) {
      expectProblem(await call(t, 'POST', sp(s, '/groups'), body), 'VALIDATION_FAILED', 'POST', R.groups);
    }
    expectProblem(await call(t, 'POST', sp(s, '/groups'), { group: 'g', start: 'latest' }), 'INVALID_ID', 'POST', R.groups);
    expect((await ok(t, 200, 'GET', R.groups, sp(s, '/groups'))).groups).toEqual([]);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'POST', sp(k, '/groups'), { group: 'g', createStream: true }), 'NOT_A_STREAM', 'POST', R.groups);
  });
});

describe('GET, PATCH and DELETE groups', () => {
  it('lists the groups with their policies, native groups with the defaults', async () => {
    const s = uniq();
    await publish(t, s, { a: '1' });
    await createGroup(t, s, { group: 'a', leaseMs: 1000, maxDeliveries: 2 });
    await redis.xgroup('CREATE', s, 'native', '0');
    const { groups } = await ok(t, 200, 'GET', R.groups, sp(s, '/groups'));
    const byName = Object.fromEntries(groups.map((g: { name: string }) => [g.name, g]));
    expect(Object.keys(byName).sort()).toEqual(['a', 'native']);
    expect(byName.a).toMatchObject({ leaseMs: 1000, maxDeliveries: 2, deadLetterStream: `${s}:dlq` });
    expect(byName.native).toMatchObject({ leaseMs: 30_000, maxDeliveries: 0, deadLetterStream: `${s}:dlq`, lag: 1 });
    expectProblem(await call(t, 'GET', sp(uniq(), '/groups')), 'STREAM_NOT_FOUND', 'GET', R.groups);
  });

  it('describes one group; GROUP_NOT_FOUND and STREAM_NOT_FOUND', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true, maxDeliveries: 4 });
    expect(await ok(t, 200, 'GET', R.group, gp(s, 'g'))).toMatchObject({ name: 'g', maxDeliveries: 4 });
    expectProblem(await call(t, 'GET', gp(s, 'other')), 'GROUP_NOT_FOUND', 'GET', R.group);
    expectProblem(await call(t, 'GET', gp(uniq(), 'g')), 'STREAM_NOT_FOUND', 'GET', R.group);
    expectProblem(await call(t, 'GET', gp(s, 'bad name')), 'VALIDATION_FAILED', 'GET', R.group);
  });

  it('patches only the given policy fields', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true, leaseMs: 1000, maxDeliveries: 2 });
    const patched = await ok(t, 200, 'PATCH', R.group, gp(s, 'g'), { leaseMs: 5000 });
    expect(patched).toMatchObject({ name: 'g', leaseMs: 5000, maxDeliveries: 2, deadLetterStream: `${s}:dlq` });
    const again = await ok(t, 200, 'PATCH', R.group, gp(s, 'g'), { maxDeliveries: 0, deadLetterStream: `${s}:other` });
    expect(again).toMatchObject({ leaseMs: 5000, maxDeliveries: 0, deadLetterStream: `${s}:other` });
    expect(await ok(t, 200, 'GET', R.group, gp(s, 'g'))).toEqual(again);

    // A native group gets a policy by PATCH.
    await redis.xgroup('CREATE', s, 'native', '$');
    expect(await ok(t, 200, 'PATCH', R.group, gp(s, 'native'), { maxDeliveries: 7 })).toMatchObject({ leaseMs: 30_000, maxDeliveries: 7 });

    for (const body of [{ leaseMs: 49 }, { maxDeliveries: 1001 }, { deadLetterStream: s }, { leaseMs: 'x' }]) {
      expectProblem(await call(t, 'PATCH', gp(s, 'g'), body), 'VALIDATION_FAILED', 'PATCH', R.group);
    }
    expectProblem(await call(t, 'PATCH', gp(s, 'nope'), { leaseMs: 1000 }), 'GROUP_NOT_FOUND', 'PATCH', R.group);
    expectProblem(await call(t, 'PATCH', gp(uniq(), 'g'), { leaseMs: 1000 }), 'STREAM_NOT_FOUND', 'PATCH', R.group);
    expect(await redis.hexists(keys.policy(s), 'nope')).toBe(0);
  });

  it('deletes a group and its policy: 204; then GROUP_NOT_FOUND', async () => {
    const s = uniq();
    await publish(t, s, { a: '1' });
    await createGroup(t, s, { group: 'g', start: '0', leaseMs: 1000 });
    await createGroup(t, s, { group: 'keep', leaseMs: 2000 });
    await pull(t, s, 'g', { consumer: 'c' });
    const res = await call(t, 'DELETE', gp(s, 'g'));
    expect(res.statusCode).toBe(204);
    expect(expectDocumented(res, 'DELETE', R.group)).toBeUndefined();
    expect(await redis.hexists(keys.policy(s), 'g')).toBe(0);
    expect(await redis.hexists(keys.policy(s), 'keep')).toBe(1);
    expect(await redis.xlen(s)).toBe(1);
    expectProblem(await call(t, 'GET', gp(s, 'g')), 'GROUP_NOT_FOUND', 'GET', R.group);
    expectProblem(await call(t, 'DELETE', gp(s, 'g')), 'GROUP_NOT_FOUND', 'DELETE', R.group);
    expectProblem(await call(t, 'DELETE', gp(uniq(), 'g')), 'STREAM_NOT_FOUND', 'DELETE', R.group);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'DELETE', gp(k, 'g')), 'NOT_A_STREAM', 'DELETE', R.group);
  });
});

describe('PUT /v1/streams/{stream}/groups/{group}/position', () => {
  const s = uniq();
  const ids = ['1000-0', '2000-0', '2000-1', '3000-0'];
  let n = 0;
  /** A fresh group at `$` (nothing to deliver) for each case. */
  const freshGroup = async () => {
    const g = `g${n++}`;
    await createGroup(t, s, { group: g });
    return g;
  };
  const everything = async (g: string) => idsOf(await pull(t, s, g, { consumer: 'c', count: 100 }));

  beforeAll(async () => publishIds(t, s, ids));

  it('replays everything from `0`', async () => {
    const g = await freshGroup();
    expect(await everything(g)).toEqual([]);
    const group = await ok(t, 200, 'PUT', R.position, gp(s, g, '/position'), { id: '0' });
    expect(group).toMatchObject({ name: g, lastDeliveredId: '0-0' });
    expect(await everything(g)).toEqual(ids);
  });

  it('skips everything with `$`, even with messages pending', async () => {
    const g = `g${n++}`;
    await createGroup(t, s, { group: g, start: '0' });
    expect(await everything(g)).toEqual(ids);
    await ok(t, 200, 'PUT', R.position, gp(s, g, '/position'), { id: '0' });
    const group = await ok(t, 200, 'PUT', R.position, gp(s, g, '/position'), { id: '$' });
    expect(group).toMatchObject({ lastDeliveredId: '3000-0', pending: 4 });
    expect(await everything(g)).toEqual([]);
  });

  it('moves to an ID: the entries after it are delivered', async () => {
    const g = await freshGroup();
    await ok(t, 200, 'PUT', R.position, gp(s, g, '/position'), { id: '2000-0' });
    expect(await everything(g)).toEqual(['2000-1', '3000-0']);
  });

  it('replays exactly the entries whose time is ≥ timestampMs', async () => {
    const g = await freshGroup();
    await ok(t, 200, 'PUT', R.position, gp(s, g, '/position'), { timestampMs: 2000 });
    expect(await everything(g)).toEqual(['2000-0', '2000-1', '3000-0']);
    const g2 = await freshGroup();
    await ok(t, 200, 'PUT', R.position, gp(s, g2, '/position'), { timestampMs: 2001 });
    expect(await everything(g2)).toEqual(['3000-0']);
    const g3 = await freshGroup();
    await ok(t, 200, 'PUT', R.position, gp(s, g3, '/position'), { timestampMs: 0 });
    expect(await everything(g3)).toEqual(ids);
  });

  it('sets entriesRead with the position', async () => {
    const g = await freshGroup();
    const group = await ok(t, 200, 'PUT', R.position, gp(s, g, '/position'), { id: '2000-0', entriesRead: 2 });
    expect(group).toMatchObject({ lastDeliveredId: '2000-0', entriesRead: 2, lag: 2 });
  });

  it('answers VALIDATION_FAILED, INVALID_ID, GROUP_NOT_FOUND, STREAM_NOT_FOUND and NOT_A_STREAM', async () => {
    const g = await freshGroup();
    for (const body of [{}, { id: '0', timestampMs: 5 }, { timestampMs: -1 }, { timestampMs: 'x' }, { id: '0', entriesRead: -1 }]) {
      expectProblem(await call(t, 'PUT', gp(s, g, '/position'), body), 'VALIDATION_FAILED', 'PUT', R.position);
    }
    expectProblem(await call(t, 'PUT', gp(s, g, '/position'), { id: 'start' }), 'INVALID_ID', 'PUT', R.position);
    expectProblem(await call(t, 'PUT', gp(s, 'nope', '/position'), { id: '0' }), 'GROUP_NOT_FOUND', 'PUT', R.position);
    expectProblem(await call(t, 'PUT', gp(uniq(), g, '/position'), { id: '0' }), 'STREAM_NOT_FOUND', 'PUT', R.position);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'PUT', gp(k, g, '/position'), { id: '0' }), 'NOT_A_STREAM', 'PUT', R.position);
  });
});

describe('reapIdleMs (consumer reaping)', () => {
  // No consumers here: reaping itself is tested in test/core/reaper.test.ts, the only file
  // whose reaper runs, so that its passes never reach into another file's groups.
  it('round-trips through create, get, list and patch; 0 by default and turns it off', async () => {
    const s = uniq();
    const created = await createGroup(t, s, { group: 'g', createStream: true, leaseMs: 1000, reapIdleMs: 3_600_000 });
    expect(created).toMatchObject({ leaseMs: 1000, reapIdleMs: 3_600_000 });
    expect(await ok(t, 200, 'GET', R.group, gp(s, 'g'))).toMatchObject({ reapIdleMs: 3_600_000 });
    await createGroup(t, s, { group: 'plain' });
    const { groups } = await ok(t, 200, 'GET', R.groups, sp(s, '/groups'));
    expect(groups.map((g: { name: string; reapIdleMs: number }) => [g.name, g.reapIdleMs])).toEqual([
      ['g', 3_600_000],
      ['plain', 0],
    ]);
    expect(await ok(t, 200, 'PATCH', R.group, gp(s, 'g'), { maxDeliveries: 3 })).toMatchObject({ reapIdleMs: 3_600_000 });
    expect(await ok(t, 200, 'PATCH', R.group, gp(s, 'g'), { reapIdleMs: 0 })).toMatchObject({ leaseMs: 1000, reapIdleMs: 0 });
    expect(await ok(t, 200, 'PATCH', R.group, gp(s, 'plain'), { leaseMs: 500, reapIdleMs: 500 })).toMatchObject({
      leaseMs: 500,
      reapIdleMs: 500,
    });
  });

  it('answers VALIDATION_FAILED for a bad value, below the lease, or without leases; nothing is written', async () => {
    const s = uniq();
    const bad: unknown[] = [
      { reapIdleMs: -1 },
      { reapIdleMs: 49 },
      { reapIdleMs: 1.5 },
      { reapIdleMs: '60000' },
      { reapIdleMs: 2_592_000_001 },
      { leaseMs: 1000, reapIdleMs: 999 },
      { leaseMs: 0, reapIdleMs: 60_000 },
    ];
    // The default lease is 30000.
    for (const body of [...bad, { reapIdleMs: 29_999 }]) {
      const res = await call(t, 'POST', sp(s, '/groups'), { group: 'g', createStream: true, ...(body as object) });
      expectProblem(res, 'VALIDATION_FAILED', 'POST', R.groups);
    }
    expect(await redis.exists(s)).toBe(0);

    await createGroup(t, s, { group: 'g', createStream: true, leaseMs: 1000, reapIdleMs: 5000 });
    // Checked against the stored half of the pair, too.
    for (const body of [...bad, { leaseMs: 6000 }, { leaseMs: 0 }, { reapIdleMs: 999 }]) {
      const res = await call(t, 'PATCH', gp(s, 'g'), body);
      expectProblem(res, 'VALIDATION_FAILED', 'PATCH', R.group);
    }
    expect(JSON.parse((await redis.hget(keys.policy(s), 'g')) ?? 'null')).toMatchObject({ leaseMs: 1000, reapIdleMs: 5000 });
  });
});
