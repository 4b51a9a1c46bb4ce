import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { sleep, uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { type HttpAnswer, expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { R, call, createGroup, gp, idsOf, ok, publish, pull, sp } from './support.js';
import { withApp } from '../helpers/fixtures.js';

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

/** A stream with `n` messages and group `g` at `0` with the given policy. */
async function setup(n: number, policy: Record<string, unknown> = {}): Promise<{ s: string; ids: string[] }> {
  const s = uniq();
  const ids = n === 0 ? [] : await publish(t, s, ...Array.from({ length: n }, (_, i) => ({ n: String(i) })));
  await createGroup(t, s, { group: 'g', start: '0', createStream: true, ...policy });
  return { s, ids };
}

const pendingOf = async (s: string) =>
  ((await ok(t, 200, 'GET', R.pendingEntries, gp(s, 'g', '/pending/entries'))).entries as Array<{ id: string; consumer: string; deliveryCount: number }>).map(
    (e) => [e.id, e.consumer, e.deliveryCount],
  );

describe('POST /v1/streams/{stream}/groups/{group}/pull', () => {
  it('delivers new messages once, leased to the consumer, with deliveryCount 1', async () => {
    const { s, ids } = await setup(3);
    const first = await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    expect(first).toEqual([
      { id: ids[0], fields: { n: '0' }, deliveryCount: 1 },
      { id: ids[1], fields: { n: '1' }, deliveryCount: 1 },
    ]);
    // Leased: neither c1 nor c2 receives them again while the lease runs.
    expect(idsOf(await pull(t, s, 'g', { consumer: 'c2', count: 10 }))).toEqual([ids[2]]);
    expect(await pull(t, s, 'g', { consumer: 'c1', count: 10 })).toEqual([]);
    expect(await pendingOf(s)).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'c1', 1],
      [ids[2], 'c2', 1],
    ]);
  });

  it('redelivers a message whose lease expired, to any consumer, with deliveryCount raised', async () => {
    const { s, ids } = await setup(1, { leaseMs: 300 });
    expect(idsOf(await pull(t, s, 'g', { consumer: 'c1' }))).toEqual(ids);
    expect(await pull(t, s, 'g', { consumer: 'c2' })).toEqual([]);
    await sleep(500);
    expect(await pull(t, s, 'g', { consumer: 'c2' })).toEqual([{ id: ids[0], fields: { n: '0' }, deliveryCount: 2 }]);
    expect(await pendingOf(s)).toEqual([[ids[0], 'c2', 2]]);
  });

  it('reads the consumer own pending messages from `0` (history), deleted ones as {fields: null, deleted: true}', async () => {
    const { s, ids } = await setup(3);
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    await ok(t, 200, 'DELETE', R.message, sp(s, `/messages/${ids[0]}`));
    const history = await pull(t, s, 'g', { consumer: 'c1', count: 10, from: '0' });
    expect(history).toEqual([
      { id: ids[0], fields: null, deleted: true, deliveryCount: expect.any(Number) },
      { id: ids[1], fields: { n: '1' }, deliveryCount: 2 },
    ]);
    // After an ID: only the later ones; another consumer has no history.
    expect(idsOf(await pull(t, s, 'g', { consumer: 'c1', from: ids[0] }))).toEqual([ids[1]]);
    expect(await pull(t, s, 'g', { consumer: 'c2', from: '0' })).toEqual([]);
  });

  it('answers values base64 with encoding=base64', async () => {
    const { s, ids } = await setup(1);
    const body = await ok(t, 200, 'POST', R.pull, `${gp(s, 'g', '/pull')}?encoding=base64`, { consumer: 'c' });
    expect(body.messages).toEqual([{ id: ids[0], fields: { n: Buffer.from('0').toString('base64') }, deliveryCount: 1, encoding: 'base64' }]);
  });

  it('with noAck delivers without tracking (at-most-once)', async () => {
    const { s, ids } = await setup(2);
    expect(idsOf(await pull(t, s, 'g', { consumer: 'c1', count: 2, noAck: true }))).toEqual(ids);
    expect((await ok(t, 200, 'GET', R.pending, gp(s, 'g', '/pending'))).count).toBe(0);
    expect(await pull(t, s, 'g', { consumer: 'c1' })).toEqual([]);
  });

  it('waits with waitMs and answers an empty list when the wait ends', async () => {
    const { s } = await setup(0);
    const started = Date.now();
    expect(await pull(t, s, 'g', { consumer: 'c', waitMs: 300 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('answers VALIDATION_FAILED before any existence check, INVALID_ID, and the existence errors', async () => {
    const { s } = await setup(1);
    const bad: unknown[] = [
      {},
      { consumer: 'a b' },
      { consumer: 'c', count: 0 },
      { consumer: 'c', count: 1001 },
      { consumer: 'c', waitMs: -1 },
      { consumer: 'c', waitMs: 60_001 },
      { consumer: 'c', noAck: true, from: '0' },
      { consumer: 'c', count: 1.5 },
    ];
    for (const body of bad) {
      expectProblem(await call(t, 'POST', gp(s, 'g', '/pull'), body), 'VALIDATION_FAILED', 'POST', R.pull);
      expectProblem(await call(t, 'POST', gp(uniq(), 'g', '/pull'), body), 'VALIDATION_FAILED', 'POST', R.pull);
    }
    expectProblem(await call(t, 'POST', gp(s, 'g', '/pull'), { consumer: 'c', from: 'last' }), 'INVALID_ID', 'POST', R.pull);
    expectProblem(await call(t, 'POST', gp(s, 'nope', '/pull'), { consumer: 'c' }), 'GROUP_NOT_FOUND', 'POST', R.pull);
    expectProblem(await call(t, 'POST', gp(s, 'nope', '/pull'), { consumer: 'c', waitMs: 100 }), 'GROUP_NOT_FOUND', 'POST', R.pull);
    expectProblem(await call(t, 'POST', gp(uniq(), 'g', '/pull'), { consumer: 'c' }), 'STREAM_NOT_FOUND', 'POST', R.pull);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'POST', gp(k, 'g', '/pull'), { consumer: 'c', waitMs: 100 }), 'NOT_A_STREAM', 'POST', R.pull);
  });
});

describe('ack, nack and extend', () => {
  it('ack answers {acked, notPending} per ID', async () => {
    const { s, ids } = await setup(2);
    await pull(t, s, 'g', { consumer: 'c1', count: 1 });
    expect(await ok(t, 200, 'POST', R.ack, gp(s, 'g', '/ack'), { ids })).toEqual({ acked: 1, notPending: [ids[1]] });
    expect(await ok(t, 200, 'POST', R.ack, gp(s, 'g', '/ack'), { ids: [ids[0]] })).toEqual({ acked: 0, notPending: [ids[0]] });
    expect(await pendingOf(s)).toEqual([]);
  });

  it('ack answers VALIDATION_FAILED, INVALID_ID, GROUP_NOT_FOUND, STREAM_NOT_FOUND and NOT_A_STREAM', async () => {
    const { s } = await setup(1);
    for (const body of [{}, { ids: [] }, { ids: '1-0' }]) {
      expectProblem(await call(t, 'POST', gp(s, 'g', '/ack'), body), 'VALIDATION_FAILED', 'POST', R.ack);
    }
    expectProblem(await call(t, 'POST', gp(s, 'g', '/ack'), { ids: ['1-0', 'nope'] }), 'INVALID_ID', 'POST', R.ack);
    expectProblem(await call(t, 'POST', gp(s, 'nope', '/ack'), { ids: ['1-0'] }), 'GROUP_NOT_FOUND', 'POST', R.ack);
    expectProblem(await call(t, 'POST', gp(uniq(), 'g', '/ack'), { ids: ['1-0'] }), 'STREAM_NOT_FOUND', 'POST', R.ack);
    const k = uniq('str');
    await redis.set(k, 'v');
    expectProblem(await call(t, 'POST', gp(k, 'g', '/ack'), { ids: ['1-0'] }), 'NOT_A_STREAM', 'POST', R.ack);
  });

  it('nack releases only the consumer own messages, for redelivery at once, deliveryCount unchanged', async () => {
    const { s, ids } = await setup(2, { leaseMs: 30_000 });
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    expect(await ok(t, 200, 'POST', R.nack, gp(s, 'g', '/nack'), { consumer: 'c2', ids: [ids[0]] })).toEqual({ released: 0, notPending: [ids[0]] });
    expect(await pull(t, s, 'g', { consumer: 'c2' })).toEqual([]);
    expect(await ok(t, 200, 'POST', R.nack, gp(s, 'g', '/nack'), { consumer: 'c1', ids: [ids[0]] })).toEqual({ released: 1, notPending: [] });
    expect(await pendingOf(s)).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'c1', 1],
    ]);
    // The next pull of any consumer receives it (a new delivery).
    expect(await pull(t, s, 'g', { consumer: 'c2', count: 10 })).toEqual([{ id: ids[0], fields: { n: '0' }, deliveryCount: 2 }]);
  });

  it('nack with delayMs makes the message eligible only after the delay', async () => {
    const { s, ids } = await setup(1, { leaseMs: 5000 });
    await pull(t, s, 'g', { consumer: 'c1' });
    expect(await ok(t, 200, 'POST', R.nack, gp(s, 'g', '/nack'), { consumer: 'c1', ids, delayMs: 500 })).toEqual({ released: 1, notPending: [] });
    expect(await pull(t, s, 'g', { consumer: 'c2' })).toEqual([]);
    await sleep(800);
    expect(idsOf(await pull(t, s, 'g', { consumer: 'c2' }))).toEqual(ids);
  });

  it('extend restarts the lease clock of the consumer own messages', async () => {
    const { s, ids } = await setup(1, { leaseMs: 1000 });
    await pull(t, s, 'g', { consumer: 'c1' });
    await sleep(600);
    expect(await ok(t, 200, 'POST', R.extend, gp(s, 'g', '/extend'), { consumer: 'c2', ids })).toEqual({ extended: 0, notPending: ids });
    expect(await ok(t, 200, 'POST', R.extend, gp(s, 'g', '/extend'), { consumer: 'c1', ids })).toEqual({ extended: 1, notPending: [] });
    await sleep(600);
    // 1200 ms after the pull, past the first lease, but 600 ms into the extended one.
    expect(await pull(t, s, 'g', { consumer: 'c2' })).toEqual([]);
    expect(await pendingOf(s)).toEqual([[ids[0], 'c1', 1]]);
    await sleep(700);
    expect(await pull(t, s, 'g', { consumer: 'c2' })).toEqual([{ id: ids[0], fields: { n: '0' }, deliveryCount: 2 }]);
  });

  it('nack and extend answer LEASES_DISABLED on a group with leaseMs 0', async () => {
    const { s, ids } = await setup(1, { leaseMs: 0 });
    await pull(t, s, 'g', { consumer: 'c1' });
    expectProblem(await call(t, 'POST', gp(s, 'g', '/nack'), { consumer: 'c1', ids }), 'LEASES_DISABLED', 'POST', R.nack);
    expectProblem(await call(t, 'POST', gp(s, 'g', '/extend'), { consumer: 'c1', ids }), 'LEASES_DISABLED', 'POST', R.extend);
    expect(await pendingOf(s)).toEqual([[ids[0], 'c1', 1]]);
  });

  it('nack and extend answer VALIDATION_FAILED, INVALID_ID and the existence errors', async () => {
    const { s } = await setup(1, { leaseMs: 1000 });
    const badNack: unknown[] = [{ ids: ['1-0'] }, { consumer: 'c', ids: [] }, { consumer: 'c', ids: ['1-0'], delayMs: -1 }, { consumer: 'c', ids: ['1-0'], delayMs: 1001 }];
    for (const body of badNack) expectProblem(await call(t, 'POST', gp(s, 'g', '/nack'), body), 'VALIDATION_FAILED', 'POST', R.nack);
    for (const body of [{ ids: ['1-0'] }, { consumer: 'c', ids: [] }, { consumer: 'a b', ids: ['1-0'] }]) {
      expectProblem(await call(t, 'POST', gp(s, 'g', '/extend'), body), 'VALIDATION_FAILED', 'POST', R.extend);
    }
    expectProblem(await call(t, 'POST', gp(s, 'g', '/nack'), { consumer: 'c', ids: ['x'] }), 'INVALID_ID', 'POST', R.nack);
    expectProblem(await call(t, 'POST', gp(s, 'g', '/extend'), { consumer: 'c', ids: ['x'] }), 'INVALID_ID', 'POST', R.extend);
    for (const [verb, route] of [
      ['nack', R.nack],
      ['extend', R.extend],
    ] as const) {
      expectProblem(await call(t, 'POST', gp(s, 'nope', `/${verb}`), { consumer: 'c', ids: ['1-0'] }), 'GROUP_NOT_FOUND', 'POST', route);
      expectProblem(await call(t, 'POST', gp(uniq(), 'g', `/${verb}`), { consumer: 'c', ids: ['1-0'] }), 'STREAM_NOT_FOUND', 'POST', route);
    }
  });
});

/** A fetch answer in the shape the OpenAPI check reads. */
async function answerOf(res: Response): Promise<HttpAnswer> {
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

describe('over real HTTP', () => {
  let base: string;
  beforeAll(async () => {
    base = await t.listen();
  });

  const httpPull = (s: string, body: Record<string, unknown>, signal?: AbortSignal) =>
    fetch(`${base}${gp(s, 'g', '/pull')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  it('a long poll receives a message published while it waits, promptly', async () => {
    const { s } = await setup(0);
    const started = Date.now();
    const waiting = httpPull(s, { consumer: 'c', waitMs: 3000 });
    await sleep(200);
    const [id] = await publish(t, s, { late: 'yes' });
    const res = await waiting;
    const elapsed = Date.now() - started;
    const body = expectDocumented(await answerOf(res), 'POST', R.pull);
    expect(res.status).toBe(200);
    expect(body.messages).toEqual([{ id, fields: { late: 'yes' }, deliveryCount: 1 }]);
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(1500);
  });

  it('a waiting pull whose client went away takes nothing: the next consumer gets the message at once', async () => {
    // A long lease: had the gone client taken the message, c2 could not get it now.
    const { s } = await setup(0, { leaseMs: 30_000 });
    const abort = new AbortController();
    const gone = httpPull(s, { consumer: 'gone', waitMs: 10_000 }, abort.signal).catch((e: unknown) => e);
    await sleep(300);
    abort.abort();
    expect(await gone).toBeInstanceOf(Error);
    await sleep(200);
    const [id] = await publish(t, s, { after: 'abort' });
    const res = await httpPull(s, { consumer: 'c2', waitMs: 0 });
    expect(res.status).toBe(200);
    expect(expectDocumented(await answerOf(res), 'POST', R.pull).messages).toEqual([{ id, fields: { after: 'abort' }, deliveryCount: 1 }]);
    const consumers = (await ok(t, 200, 'GET', R.consumers, gp(s, 'g', '/consumers'))).consumers as Array<{ name: string; pending: number }>;
    expect(consumers.find((c) => c.name === 'gone')?.pending ?? 0).toBe(0);
  });

  it('closing the app ends a waiting long poll at once, with an empty answer', async () => {
    const own = await testApp();
    const ownBase = await own.listen();
    try {
      const { s } = await setup(0);
      const waiting = fetch(`${ownBase}${gp(s, 'g', '/pull')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ consumer: 'c', waitMs: 20_000 }),
      });
      await sleep(300);
      const closeStarted = Date.now();
      const closing = own.close();
      const res = await waiting;
      const answeredAfter = Date.now() - closeStarted;
      expect(res.status).toBe(200);
      expect(expectDocumented(await answerOf(res), 'POST', R.pull).messages).toEqual([]);
      expect(answeredAfter).toBeLessThan(2000);
      await closing;
      expect(Date.now() - closeStarted).toBeLessThan(3000);
    } finally {
      await own.close().catch(() => undefined);
    }
  });
});
