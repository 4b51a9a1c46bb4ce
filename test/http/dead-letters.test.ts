import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { sleep, uniq } from '../helpers/core.js';
import { type TestApp } from '../helpers/http.js';
import { expectProblem } from '../helpers/openapi-check.js';
import { R, call, createGroup, gp, idsOf, ok, publish, pull } from './support.js';
import { withApp } from '../helpers/fixtures.js';

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

const LEASE = 200;

interface Letter {
  id: string;
  fields: Record<string, string>;
}

const deadLetters = async (s: string, g: string, query = '') =>
  (await ok(t, 200, 'GET', R.deadLetters, gp(s, g, `/dead-letters${query}`))) as { messages: Letter[]; next: string | null };

/**
 * Publishes the messages, lets consumer `c1` of each group take them once (maxDeliveries 1),
 * waits out the lease, and pulls again: the second delivery dead-letters them instead.
 */
async function deadLetter(s: string, groups: string[], fields: Array<Record<string, string>>): Promise<string[]> {
  for (const g of groups) await createGroup(t, s, { group: g, start: '$', createStream: true, leaseMs: LEASE, maxDeliveries: 1 });
  const ids = await publish(t, s, ...fields);
  for (const g of groups) expect(idsOf(await pull(t, s, g, { consumer: 'c1', count: 100 }))).toEqual(ids);
  await sleep(LEASE + 200);
  for (const g of groups) expect(await pull(t, s, g, { consumer: 'c2', count: 100 })).toEqual([]);
  return ids;
}

describe('dead letters', () => {
  it('a message past maxDeliveries is moved to the dead-letter stream, acked, source kept', async () => {
    const s = uniq();
    const [id] = await deadLetter(s, ['g'], [{ orderId: '42' }]);
    expect((await ok(t, 200, 'GET', R.pending, gp(s, 'g', '/pending'))).count).toBe(0);
    expect(await redis.xlen(s)).toBe(1);
    expect(await redis.xlen(`${s}:dlq`)).toBe(1);

    const list = await deadLetters(s, 'g');
    expect(list.next).toBeNull();
    expect(list.messages).toHaveLength(1);
    expect(list.messages[0]?.fields).toEqual({
      orderId: '42',
      'x-original-id': id,
      'x-original-stream': s,
      'x-group': 'g',
      'x-deliveries': '1',
      'x-last-consumer': 'c1',
    });
  });

  it('lists only the path group entries of a shared dead-letter stream, page by page', async () => {
    const s = uniq();
    const ids = await deadLetter(s, ['g', 'other'], [{ n: '1' }, { n: '2' }, { n: '3' }]);
    expect(await redis.xlen(`${s}:dlq`)).toBe(6);
    const all = await deadLetters(s, 'g');
    expect(all.messages.map((m) => m.fields['x-original-id'])).toEqual(ids);
    expect(all.messages.every((m) => m.fields['x-group'] === 'g')).toBe(true);

    const first = await deadLetters(s, 'g', '?count=2');
    expect(first.messages.map((m) => m.fields.n)).toEqual(['1', '2']);
    expect(first.next).toEqual(expect.any(String));
    const second = await deadLetters(s, 'g', `?count=2&after=${first.next}`);
    expect(second.messages.map((m) => m.fields.n)).toEqual(['3']);
    expect(second.next).toBeNull();
  });

  it('redrives chosen dead letters to the stream as new entries without x-* fields', async () => {
    const s = uniq();
    await deadLetter(s, ['g'], [{ orderId: '1' }, { orderId: '2' }]);
    const [first, second] = (await deadLetters(s, 'g')).messages;
    const res = await ok(t, 200, 'POST', R.redrive, gp(s, 'g', '/dead-letters/redrive'), { ids: [second?.id] });
    expect(res.redriven).toBe(1);
    expect(res.ids).toHaveLength(1);
    const entries = await redis.xrange(s, res.ids[0], res.ids[0]);
    expect(entries).toEqual([[res.ids[0], ['orderId', '2']]]);
    expect((await deadLetters(s, 'g')).messages.map((m) => m.id)).toEqual([first?.id]);
    // The group receives the redriven message as a new one.
    expect(await pull(t, s, 'g', { consumer: 'c3' })).toEqual([{ id: res.ids[0], fields: { orderId: '2' }, deliveryCount: 1 }]);
  });

  it('redrives the oldest `count`, and everything with an empty body', async () => {
    const s = uniq();
    await deadLetter(s, ['g'], [{ n: '1' }, { n: '2' }, { n: '3' }]);
    const one = await ok(t, 200, 'POST', R.redrive, gp(s, 'g', '/dead-letters/redrive'), { count: 1 });
    expect(one.redriven).toBe(1);
    expect((await redis.xrange(s, one.ids[0], one.ids[0]))[0]?.[1]).toEqual(['n', '1']);
    const rest = await ok(t, 200, 'POST', R.redrive, gp(s, 'g', '/dead-letters/redrive'), {});
    expect(rest.redriven).toBe(2);
    expect((await deadLetters(s, 'g')).messages).toEqual([]);
    expect(await ok(t, 200, 'POST', R.redrive, gp(s, 'g', '/dead-letters/redrive'), {})).toEqual({ redriven: 0, ids: [] });
  });

  it('answers VALIDATION_FAILED, INVALID_ID, GROUP_NOT_FOUND, STREAM_NOT_FOUND and NOT_A_STREAM', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true });
    for (const body of [{ ids: ['1-0'], count: 1 }, { ids: [] }, { count: 0 }, { count: 'all' }]) {
      expectProblem(await call(t, 'POST', gp(s, 'g', '/dead-letters/redrive'), body), 'VALIDATION_FAILED', 'POST', R.redrive);
    }
    for (const q of ['count=0', 'count=1001', 'encoding=hex']) {
      expectProblem(await call(t, 'GET', gp(s, 'g', `/dead-letters?${q}`)), 'VALIDATION_FAILED', 'GET', R.deadLetters);
    }
    expectProblem(await call(t, 'POST', gp(s, 'g', '/dead-letters/redrive'), { ids: ['x'] }), 'INVALID_ID', 'POST', R.redrive);
    expectProblem(await call(t, 'GET', gp(s, 'g', '/dead-letters?after=x')), 'INVALID_ID', 'GET', R.deadLetters);
    expectProblem(await call(t, 'GET', gp(s, 'nope', '/dead-letters')), 'GROUP_NOT_FOUND', 'GET', R.deadLetters);
    expectProblem(await call(t, 'POST', gp(s, 'nope', '/dead-letters/redrive'), {}), 'GROUP_NOT_FOUND', 'POST', R.redrive);
    const missing = uniq();
    expectProblem(await call(t, 'GET', gp(missing, 'g', '/dead-letters')), 'STREAM_NOT_FOUND', 'GET', R.deadLetters);
    expectProblem(await call(t, 'POST', gp(missing, 'g', '/dead-letters/redrive'), {}), 'STREAM_NOT_FOUND', 'POST', R.redrive);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'GET', gp(k, 'g', '/dead-letters')), 'NOT_A_STREAM', 'GET', R.deadLetters);
    expect(await redis.exists(missing)).toBe(0);
  });
});
