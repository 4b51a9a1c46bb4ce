import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { sleep, uniq } from '../helpers/core.js';
import { type TestApp } from '../helpers/http.js';
import { expectProblem } from '../helpers/openapi-check.js';
import { R, call, createGroup, gp, idsOf, ok, publish, pull, sp } from './support.js';
import { withApp } from '../helpers/fixtures.js';

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

interface Entry {
  id: string;
  consumer: string;
  idleMs: number;
  deliveryCount: number;
}

const entries = async (s: string, g: string, query = '') =>
  (await ok(t, 200, 'GET', R.pendingEntries, gp(s, g, `/pending/entries${query}`))).entries as Entry[];

/** A stream with `n` messages and a group `g` at `0` (leases long: nothing expires here). */
async function setup(n: number): Promise<{ s: string; ids: string[] }> {
  const s = uniq();
  const ids = await publish(t, s, ...Array.from({ length: n }, (_, i) => ({ n: String(i) })));
  await createGroup(t, s, { group: 'g', start: '0' });
  return { s, ids };
}

describe('GET /v1/streams/{stream}/groups/{group}/pending', () => {
  it('summarises: count, ID range and per-consumer counts', async () => {
    const { s, ids } = await setup(3);
    expect(await ok(t, 200, 'GET', R.pending, gp(s, 'g', '/pending'))).toEqual({ count: 0, minId: null, maxId: null, consumers: [] });
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    await pull(t, s, 'g', { consumer: 'c2', count: 1 });
    const summary = await ok(t, 200, 'GET', R.pending, gp(s, 'g', '/pending'));
    expect(summary).toEqual({
      count: 3,
      minId: ids[0],
      maxId: ids[2],
      consumers: [
        { name: 'c1', count: 2 },
        { name: 'c2', count: 1 },
      ],
    });
  });

  it('answers GROUP_NOT_FOUND, STREAM_NOT_FOUND, NOT_A_STREAM and VALIDATION_FAILED', async () => {
    const { s } = await setup(1);
    expectProblem(await call(t, 'GET', gp(s, 'nope', '/pending')), 'GROUP_NOT_FOUND', 'GET', R.pending);
    expectProblem(await call(t, 'GET', gp(uniq(), 'g', '/pending')), 'STREAM_NOT_FOUND', 'GET', R.pending);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'GET', gp(k, 'g', '/pending')), 'NOT_A_STREAM', 'GET', R.pending);
    expectProblem(await call(t, 'GET', gp(s, 'a b', '/pending')), 'VALIDATION_FAILED', 'GET', R.pending);
  });
});

describe('GET /v1/streams/{stream}/groups/{group}/pending/entries', () => {
  it('lists entries with owner, idle time and delivery count, filtered by consumer and minIdleMs', async () => {
    const { s, ids } = await setup(3);
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    await sleep(350);
    await pull(t, s, 'g', { consumer: 'c2', count: 1 });

    const all = await entries(s, 'g');
    expect(all.map(({ id, consumer, deliveryCount }) => ({ id, consumer, deliveryCount }))).toEqual([
      { id: ids[0], consumer: 'c1', deliveryCount: 1 },
      { id: ids[1], consumer: 'c1', deliveryCount: 1 },
      { id: ids[2], consumer: 'c2', deliveryCount: 1 },
    ]);
    expect(all[0]?.idleMs).toBeGreaterThanOrEqual(300);

    expect(idsOf(await entries(s, 'g', '?consumer=c2'))).toEqual([ids[2]]);
    expect(idsOf(await entries(s, 'g', '?minIdleMs=250'))).toEqual([ids[0], ids[1]]);
    expect(idsOf(await entries(s, 'g', '?minIdleMs=250&consumer=c2'))).toEqual([]);
    expect(idsOf(await entries(s, 'g', '?count=1'))).toEqual([ids[0]]);
    expect(idsOf(await entries(s, 'g', `?start=${encodeURIComponent(`(${ids[0]}`)}&end=${ids[1]}`))).toEqual([ids[1]]);
  });

  it('answers VALIDATION_FAILED, INVALID_ID, GROUP_NOT_FOUND and STREAM_NOT_FOUND', async () => {
    const { s } = await setup(1);
    for (const q of ['count=0', 'count=1001', 'minIdleMs=-1', 'minIdleMs=x', 'consumer=a%20b']) {
      expectProblem(await call(t, 'GET', gp(s, 'g', `/pending/entries?${q}`)), 'VALIDATION_FAILED', 'GET', R.pendingEntries);
    }
    expectProblem(await call(t, 'GET', gp(s, 'g', '/pending/entries?start=x')), 'INVALID_ID', 'GET', R.pendingEntries);
    expectProblem(await call(t, 'GET', gp(s, 'nope', '/pending/entries')), 'GROUP_NOT_FOUND', 'GET', R.pendingEntries);
    expectProblem(await call(t, 'GET', gp(uniq(), 'g', '/pending/entries')), 'STREAM_NOT_FOUND', 'GET', R.pendingEntries);
  });
});

describe('POST /v1/streams/{stream}/groups/{group}/claim', () => {
  it('claims pending messages exactly as XCLAIM: messages, delivery count raised', async () => {
    const { s, ids } = await setup(2);
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    const claimed = await ok(t, 200, 'POST', R.claim, gp(s, 'g', '/claim'), { consumer: 'c2', minIdleMs: 0, ids: [ids[0]] });
    expect(claimed).toEqual({ messages: [{ id: ids[0], fields: { n: '0' }, deliveryCount: 2 }] });
    expect((await entries(s, 'g')).map((e) => [e.id, e.consumer, e.deliveryCount])).toEqual([
      [ids[0], 'c2', 2],
      [ids[1], 'c1', 1],
    ]);
  });

  it('leaves messages not idle long enough, and IDs not pending', async () => {
    const { s, ids } = await setup(2);
    await pull(t, s, 'g', { consumer: 'c1', count: 1 });
    const res = await ok(t, 200, 'POST', R.claim, gp(s, 'g', '/claim'), { consumer: 'c2', minIdleMs: 60_000, ids });
    expect(res).toEqual({ messages: [] });
    expect((await entries(s, 'g')).map((e) => e.consumer)).toEqual(['c1']);
  });

  it('with justId answers {ids} and leaves the delivery count', async () => {
    const { s, ids } = await setup(2);
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    const res = await ok(t, 200, 'POST', R.claim, gp(s, 'g', '/claim'), { consumer: 'c2', minIdleMs: 0, ids, justId: true });
    expect(res).toEqual({ ids });
    expect((await entries(s, 'g')).map((e) => [e.consumer, e.deliveryCount])).toEqual([
      ['c2', 1],
      ['c2', 1],
    ]);
  });

  it('sets idle time and retry count (IDLE, RETRYCOUNT) and creates entries with force', async () => {
    const { s, ids } = await setup(2);
    await pull(t, s, 'g', { consumer: 'c1', count: 1 });
    await ok(t, 200, 'POST', R.claim, gp(s, 'g', '/claim'), { consumer: 'c2', minIdleMs: 0, ids: [ids[0]], idleMs: 5000, retryCount: 7, justId: true });
    const [e] = await entries(s, 'g');
    expect(e).toMatchObject({ id: ids[0], consumer: 'c2', deliveryCount: 7 });
    expect(e?.idleMs).toBeGreaterThanOrEqual(5000);
    // ids[1] was never delivered: only force makes it pending.
    expect(await ok(t, 200, 'POST', R.claim, gp(s, 'g', '/claim'), { consumer: 'c3', minIdleMs: 0, ids: [ids[1]], justId: true })).toEqual({ ids: [] });
    expect(await ok(t, 200, 'POST', R.claim, gp(s, 'g', '/claim'), { consumer: 'c3', minIdleMs: 0, ids: [ids[1]], justId: true, force: true })).toEqual({ ids: [ids[1]] });
    expect((await entries(s, 'g', '?consumer=c3')).map((x) => x.id)).toEqual([ids[1]]);
  });

  it('answers VALIDATION_FAILED, INVALID_ID, GROUP_NOT_FOUND and STREAM_NOT_FOUND', async () => {
    const { s } = await setup(1);
    const bad: unknown[] = [
      { minIdleMs: 0, ids: ['1-0'] },
      { consumer: 'c', ids: ['1-0'] },
      { consumer: 'c', minIdleMs: 0, ids: [] },
      { consumer: 'c', minIdleMs: -1, ids: ['1-0'] },
      { consumer: 'c', minIdleMs: 0, ids: ['1-0'], retryCount: -1 },
      { consumer: 'a b', minIdleMs: 0, ids: ['1-0'] },
    ];
    for (const body of bad) expectProblem(await call(t, 'POST', gp(s, 'g', '/claim'), body), 'VALIDATION_FAILED', 'POST', R.claim);
    expectProblem(await call(t, 'POST', gp(s, 'g', '/claim'), { consumer: 'c', minIdleMs: 0, ids: ['x'] }), 'INVALID_ID', 'POST', R.claim);
    expectProblem(await call(t, 'POST', gp(s, 'nope', '/claim'), { consumer: 'c', minIdleMs: 0, ids: ['1-0'] }), 'GROUP_NOT_FOUND', 'POST', R.claim);
    expectProblem(await call(t, 'POST', gp(uniq(), 'g', '/claim'), { consumer: 'c', minIdleMs: 0, ids: ['1-0'] }), 'STREAM_NOT_FOUND', 'POST', R.claim);
  });
});

describe('POST /v1/streams/{stream}/groups/{group}/autoclaim', () => {
  it('claims by scanning: {next, messages, deletedIds}', async () => {
    const { s, ids } = await setup(4);
    await pull(t, s, 'g', { consumer: 'c1', count: 4 });
    await ok(t, 200, 'DELETE', R.message, sp(s, `/messages/${ids[1]}`));

    const page = await ok(t, 200, 'POST', R.autoclaim, gp(s, 'g', '/autoclaim'), { consumer: 'c2', minIdleMs: 0, count: 2 });
    expect(page.messages.map((m: { id: string }) => m.id)).toEqual([ids[0]]);
    expect(page.messages[0]).toEqual({ id: ids[0], fields: { n: '0' }, deliveryCount: 2 });
    expect(page.deletedIds).toEqual([ids[1]]);
    expect(page.next).toBe(ids[2]);

    const rest = await ok(t, 200, 'POST', R.autoclaim, gp(s, 'g', '/autoclaim'), { consumer: 'c2', minIdleMs: 0, start: page.next });
    expect(rest).toEqual({
      next: '0-0',
      messages: [
        { id: ids[2], fields: { n: '2' }, deliveryCount: 2 },
        { id: ids[3], fields: { n: '3' }, deliveryCount: 2 },
      ],
      deletedIds: [],
    });
    // The deleted entry left the pending list (as XAUTOCLAIM does); the others are c2's.
    expect((await entries(s, 'g')).map((e) => [e.id, e.consumer])).toEqual([
      [ids[0], 'c2'],
      [ids[2], 'c2'],
      [ids[3], 'c2'],
    ]);
  });

  it('with justId answers {next, ids, deletedIds}; minIdleMs leaves fresh messages', async () => {
    const { s, ids } = await setup(2);
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    expect(await ok(t, 200, 'POST', R.autoclaim, gp(s, 'g', '/autoclaim'), { consumer: 'c2', minIdleMs: 60_000, justId: true })).toEqual({
      next: '0-0',
      ids: [],
      deletedIds: [],
    });
    expect(await ok(t, 200, 'POST', R.autoclaim, gp(s, 'g', '/autoclaim'), { consumer: 'c2', minIdleMs: 0, justId: true })).toEqual({
      next: '0-0',
      ids,
      deletedIds: [],
    });
  });

  it('answers VALIDATION_FAILED, INVALID_ID, GROUP_NOT_FOUND and STREAM_NOT_FOUND', async () => {
    const { s } = await setup(1);
    for (const body of [{ minIdleMs: 0 }, { consumer: 'c' }, { consumer: 'c', minIdleMs: 0, count: 0 }, { consumer: 'c', minIdleMs: 0, count: 1001 }]) {
      expectProblem(await call(t, 'POST', gp(s, 'g', '/autoclaim'), body), 'VALIDATION_FAILED', 'POST', R.autoclaim);
    }
    expectProblem(await call(t, 'POST', gp(s, 'g', '/autoclaim'), { consumer: 'c', minIdleMs: 0, start: 'x' }), 'INVALID_ID', 'POST', R.autoclaim);
    expectProblem(await call(t, 'POST', gp(s, 'nope', '/autoclaim'), { consumer: 'c', minIdleMs: 0 }), 'GROUP_NOT_FOUND', 'POST', R.autoclaim);
    expectProblem(await call(t, 'POST', gp(uniq(), 'g', '/autoclaim'), { consumer: 'c', minIdleMs: 0 }), 'STREAM_NOT_FOUND', 'POST', R.autoclaim);
  });
});
