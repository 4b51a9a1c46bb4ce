import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { sleep, uniq } from '../helpers/core.js';
import { withApp } from '../helpers/fixtures.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { type HttpAnswer, expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { until, untilWaiting, waitingPulls } from '../helpers/wait.js';
import { R, call, createGroup, gp, ok, publish, pull, sp } from './support.js';

/**
 * What only REST has on the consuming routes (pull, ack, nack, extend, pending, claim,
 * autoclaim, dead letters). Everything a user can do through both transports is in the
 * scenario table (test/transports/scenarios.test.ts), whose REST driver checks every answer
 * against the OpenAPI document: here are JSON bodies and query strings the contract refuses
 * (types proto3 cannot even carry), values as text or base64, and long polls over real HTTP.
 */

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

describe('JSON bodies and queries the contract refuses', () => {
  const refused = async (method: 'GET' | 'POST', route: string, url: string, bodies: unknown[]) => {
    for (const body of bodies) expectProblem(await call(t, method, url, body), 'VALIDATION_FAILED', method, route);
  };

  it('pull: missing or mistyped members, before any existence check', async () => {
    const { s } = await setup(1);
    const bad: unknown[] = [{}, { consumer: 'c', count: 0 }, { consumer: 'c', count: 1.5 }, { consumer: 'c', waitMs: -1 }, { consumer: 7 }];
    await refused('POST', R.pull, gp(s, 'g', '/pull'), bad);
    await refused('POST', R.pull, gp(uniq(), 'g', '/pull'), bad);
    expect((await ok(t, 200, 'GET', R.pending, gp(s, 'g', '/pending'))).count).toBe(0);
  });

  it('ack, nack and extend: missing or mistyped members', async () => {
    const { s } = await setup(1, { leaseMs: 1000 });
    await refused('POST', R.ack, gp(s, 'g', '/ack'), [{}, { ids: '1-0' }, { ids: [1] }]);
    await refused('POST', R.nack, gp(s, 'g', '/nack'), [{ ids: ['1-0'] }, { consumer: 'c', ids: ['1-0'], delayMs: -1 }, { consumer: 'c', ids: ['1-0'], delayMs: 'soon' }]);
    await refused('POST', R.extend, gp(s, 'g', '/extend'), [{ ids: ['1-0'] }, { consumer: 'c' }]);
  });

  it('pending entries: query values that are not numbers or names', async () => {
    const { s } = await setup(1);
    for (const q of ['count=0', 'minIdleMs=-1', 'minIdleMs=x', 'count=1.5']) {
      expectProblem(await call(t, 'GET', gp(s, 'g', `/pending/entries?${q}`)), 'VALIDATION_FAILED', 'GET', R.pendingEntries);
    }
  });

  it('claim and autoclaim: missing or negative members', async () => {
    const { s } = await setup(1);
    await refused('POST', R.claim, gp(s, 'g', '/claim'), [
      { minIdleMs: 0, ids: ['1-0'] },
      { consumer: 'c', ids: ['1-0'] },
      { consumer: 'c', minIdleMs: -1, ids: ['1-0'] },
      { consumer: 'c', minIdleMs: 0, ids: ['1-0'], retryCount: -1 },
      { consumer: 'c', minIdleMs: 0, ids: ['1-0'], force: 'yes' },
    ]);
    await refused('POST', R.autoclaim, gp(s, 'g', '/autoclaim'), [{ minIdleMs: 0 }, { consumer: 'c' }, { consumer: 'c', minIdleMs: 0, count: 0 }]);
  });

  it('dead letters and redrive: an empty ID list (gRPC reads it as "all"), counts that are not numbers, an unknown encoding', async () => {
    const { s } = await setup(0);
    await refused('POST', R.redrive, gp(s, 'g', '/dead-letters/redrive'), [{ ids: [] }, { count: 'all' }]);
    for (const q of ['count=0', 'encoding=hex']) {
      expectProblem(await call(t, 'GET', gp(s, 'g', `/dead-letters?${q}`)), 'VALIDATION_FAILED', 'GET', R.deadLetters);
    }
  });
});

describe('values as text or base64', () => {
  it('pull, claim and autoclaim answer text by default, base64 with encoding=base64', async () => {
    const { s, ids } = await setup(3);
    expect(await pull(t, s, 'g', { consumer: 'c1' })).toEqual([{ id: ids[0], fields: { n: '0' }, deliveryCount: 1 }]);
    const b64 = await ok(t, 200, 'POST', R.pull, `${gp(s, 'g', '/pull')}?encoding=base64`, { consumer: 'c1' });
    expect(b64.messages).toEqual([{ id: ids[1], fields: { n: Buffer.from('1').toString('base64') }, deliveryCount: 1, encoding: 'base64' }]);
    const claimed = await ok(t, 200, 'POST', R.claim, gp(s, 'g', '/claim'), { consumer: 'c2', minIdleMs: 0, ids: [ids[0]] });
    expect(claimed).toEqual({ messages: [{ id: ids[0], fields: { n: '0' }, deliveryCount: 2 }], remainingIds: [] });
    const auto = await ok(t, 200, 'POST', R.autoclaim, gp(s, 'g', '/autoclaim'), { consumer: 'c3', minIdleMs: 0, start: ids[1] });
    expect(auto).toEqual({ next: '0-0', messages: [{ id: ids[1], fields: { n: '1' }, deliveryCount: 2 }], deletedIds: [] });
  });

  it('a history read shows a deleted entry as {fields: null, deleted: true}', async () => {
    const { s, ids } = await setup(2);
    await pull(t, s, 'g', { consumer: 'c1', count: 2 });
    await ok(t, 200, 'DELETE', R.message, sp(s, `/messages/${ids[0]}`));
    expect(await pull(t, s, 'g', { consumer: 'c1', count: 10, from: '0' })).toEqual([
      { id: ids[0], fields: null, deleted: true, deliveryCount: 1 },
      { id: ids[1], fields: { n: '1' }, deliveryCount: 2 },
    ]);
  });

  it('dead letters list as text by default', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true, leaseMs: 200, maxDeliveries: 1 });
    const [id] = await publish(t, s, { orderId: '42' });
    await pull(t, s, 'g', { consumer: 'c1' });
    await sleep(400); // outlasts the 200 ms lease (Redis idle time): the next pull dead-letters
    expect(await pull(t, s, 'g', { consumer: 'c2' })).toEqual([]);
    const list = await ok(t, 200, 'GET', R.deadLetters, gp(s, 'g', '/dead-letters'));
    expect(list).toEqual({
      messages: [
        {
          id: expect.stringMatching(/^\d+-\d+$/),
          fields: { orderId: '42', 'x-original-id': id, 'x-original-stream': s, 'x-group': 'g', 'x-deliveries': '1', 'x-last-consumer': 'c1' },
        },
      ],
      next: null,
    });
    expect(await redis.xlen(`${s}:dlq`)).toBe(1);
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

  const httpPull = (url: string, s: string, body: Record<string, unknown>, signal?: AbortSignal) =>
    fetch(`${url}${gp(s, 'g', '/pull')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  it('a long poll receives a message published while it waits, promptly', async () => {
    const { s } = await setup(0);
    const waiting = httpPull(base, s, { consumer: 'c', waitMs: 3000 });
    await untilWaiting(t.core, 1);
    const published = Date.now();
    const [id] = await publish(t, s, { late: 'yes' });
    const res = await waiting;
    const wokeAfter = Date.now() - published;
    expect(res.status).toBe(200);
    expect(expectDocumented(await answerOf(res), 'POST', R.pull).messages).toEqual([{ id, fields: { late: 'yes' }, deliveryCount: 1 }]);
    // Woken by the publish, long before the 3 s wait ends.
    expect(wokeAfter).toBeLessThan(1500);
  });

  it('a waiting pull whose client went away takes nothing: the next consumer gets the message at once', async () => {
    // A long lease: had the gone client taken the message, c2 could not get it now.
    const { s } = await setup(0, { leaseMs: 30_000 });
    const abort = new AbortController();
    const gone = httpPull(base, s, { consumer: 'gone', waitMs: 10_000 }, abort.signal).catch((e: unknown) => e);
    await untilWaiting(t.core, 1);
    abort.abort();
    expect(await gone).toBeInstanceOf(Error);
    // The gateway has seen the connection close before the message arrives.
    await until(() => waitingPulls(t.core) === 0, 5000, 'the gateway to drop the waiting pull');
    const [id] = await publish(t, s, { after: 'abort' });
    const res = await httpPull(base, s, { consumer: 'c2', waitMs: 0 });
    expect(res.status).toBe(200);
    expect(expectDocumented(await answerOf(res), 'POST', R.pull).messages).toEqual([{ id, fields: { after: 'abort' }, deliveryCount: 1 }]);
    const consumers = (await ok(t, 200, 'GET', R.consumers, gp(s, 'g', '/consumers'))).consumers as Array<{ name: string; pending: number }>;
    // Only c2 owns anything ('gone' may or may not exist as a consumer; it owns nothing).
    expect(consumers.filter((c) => c.pending > 0).map((c) => [c.name, c.pending])).toEqual([['c2', 1]]);
  });

  it('closing the app ends a waiting long poll at once, with an empty answer', async () => {
    const own = await testApp();
    const ownBase = await own.listen();
    try {
      const { s } = await setup(0);
      const waiting = httpPull(ownBase, s, { consumer: 'c', waitMs: 20_000 });
      await untilWaiting(own.core, 1);
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
