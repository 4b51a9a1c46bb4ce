import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { PendingEntry } from '../../src/contract/types.js';
import { sleep, testCore, uniq } from '../helpers/core.js';
import { untilWaiting } from '../helpers/wait.js';
import { expectCode, fields, pullOf, since } from './support.js';
import { withCore } from '../helpers/fixtures.js';

/**
 * Leases are idle times kept by Redis, so these tests sleep for real. Margins are wide
 * enough for a busy 2-core machine: "still leased" is checked at ~40% of the lease,
 * "redelivered" at ~150%.
 */
const LEASE = 200;

let core: Core;
let redis: Redis;
withCore((c, r) => {
  core = c;
  redis = r;
});

/** A stream with a group (lease `leaseMs`) reading from the start, and `n` messages. */
async function setup(n = 1, leaseMs = LEASE): Promise<{ s: string; ids: string[] }> {
  const s = uniq();
  await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs });
  if (n === 0) return { s, ids: [] };
  const { ids } = await core.streams.publish(s, {
    messages: Array.from({ length: n }, (_, i) => ({ pairs: fields({ n: String(i) }) })),
  });
  return { s, ids };
}

const pull = (s: string, consumer: string, count = 100) => core.consume.pull(s, 'g', pullOf(consumer, { count }));
const delivered = async (s: string, consumer: string, count = 100) =>
  (await pull(s, consumer, count)).map((m) => [m.id, m.deliveryCount]);
const pendingList = async (s: string): Promise<PendingEntry[]> =>
  (await core.pending.entries(s, 'g', { start: '-', end: '+', count: 100 })).entries;

describe.concurrent('leases', () => {
  it('a leased message goes to no one, the owner included, until the lease ends; then to any consumer, deliveryCount 2', async () => {
    const { s, ids } = await setup();
    const t0 = Date.now();
    expect(await delivered(s, 'c1')).toEqual([[ids[0], 1]]);
    await sleep(0.4 * LEASE - since(t0));
    expect(await delivered(s, 'c2')).toEqual([]);
    expect(await delivered(s, 'c1')).toEqual([]);
    await sleep(1.5 * LEASE - since(t0));
    expect(await delivered(s, 'c2')).toEqual([[ids[0], 2]]);
    // Now leased to c2: c1 does not get it back.
    expect(await delivered(s, 'c1')).toEqual([]);
    expect((await pendingList(s)).map((p) => [p.consumer, p.deliveryCount])).toEqual([['c2', 2]]);
  });

  it('after expiry the original consumer may receive it again', async () => {
    const { s, ids } = await setup();
    expect(await delivered(s, 'c1')).toEqual([[ids[0], 1]]);
    await sleep(1.5 * LEASE);
    expect(await delivered(s, 'c1')).toEqual([[ids[0], 2]]);
  });

  it('expired leases come first, then new messages, within count', async () => {
    const { s, ids } = await setup(2);
    expect(await delivered(s, 'c1', 1)).toEqual([[ids[0], 1]]);
    await sleep(1.5 * LEASE);
    expect(await delivered(s, 'c2', 2)).toEqual([
      [ids[0], 2],
      [ids[1], 1],
    ]);
  });

  it('extend keeps the message leased past the original expiry, without changing deliveryCount', async () => {
    const lease = 2 * LEASE; // longer, so that the checks keep wide margins
    const { s, ids } = await setup(1, lease);
    const t0 = Date.now();
    await pull(s, 'c1');
    await sleep(0.6 * lease - since(t0));
    const tExtend = Date.now();
    expect(await core.consume.extend(s, 'g', 'c1', ids)).toEqual({ count: 1, notPending: [] });
    await sleep(1.3 * lease - since(t0));
    expect(since(t0)).toBeGreaterThan(lease); // past the original expiry
    expect(await delivered(s, 'c2')).toEqual([]);
    expect((await pendingList(s))[0]).toMatchObject({ consumer: 'c1', deliveryCount: 1 });
    await sleep(1.5 * lease - since(tExtend));
    expect(await delivered(s, 'c2')).toEqual([[ids[0], 2]]);
  });

  it('nack with delayMs 0 makes the message available at once, deliveryCount unchanged until redelivered', async () => {
    const { s, ids } = await setup(1, 10_000);
    await pull(s, 'c1');
    expect(await core.consume.nack(s, 'g', 'c1', ids, 0)).toEqual({ count: 1, notPending: [] });
    expect((await pendingList(s))[0]).toMatchObject({ consumer: 'c1', deliveryCount: 1 });
    expect(await delivered(s, 'c2')).toEqual([[ids[0], 2]]);
  });

  it('nack with a delay makes it available only after the delay', async () => {
    const lease = 2 * LEASE;
    const delay = LEASE;
    const { s, ids } = await setup(1, lease);
    await pull(s, 'c1');
    const t0 = Date.now();
    expect(await core.consume.nack(s, 'g', 'c1', ids, delay)).toEqual({ count: 1, notPending: [] });
    expect(await delivered(s, 'c2')).toEqual([]);
    await sleep(0.4 * delay - since(t0));
    expect(await delivered(s, 'c2')).toEqual([]);
    await sleep(1.5 * delay - since(t0));
    expect(await delivered(s, 'c2')).toEqual([[ids[0], 2]]);
  });

  it('a consumer cannot extend or nack a message it does not own: reported not pending (and not owned), state unchanged', async () => {
    const { s, ids } = await setup(2, 10_000);
    await pull(s, 'c1', 1);
    await sleep(0.3 * LEASE);
    const unknown = '1-1';
    expect(await core.consume.extend(s, 'g', 'c2', [ids[0]!, unknown])).toEqual({ count: 0, notPending: [ids[0], unknown], notOwned: [ids[0]] });
    expect(await core.consume.nack(s, 'g', 'c2', [ids[0]!], 0)).toEqual({ count: 0, notPending: [ids[0]], notOwned: [ids[0]] });
    const [p] = await pendingList(s);
    expect(p).toMatchObject({ id: ids[0], consumer: 'c1', deliveryCount: 1 });
    // The idle clock was not reset by c2's extend.
    expect(p!.idleMs).toBeGreaterThanOrEqual(0.3 * LEASE - 20);
    // Nor released by c2's nack: c2 gets only the new message.
    expect(await delivered(s, 'c2')).toEqual([[ids[1], 1]]);
  });

  it('extend and nack of an acked message report it as not pending', async () => {
    const { s, ids } = await setup();
    await pull(s, 'c1');
    await core.consume.ack(s, 'g', ids);
    expect(await core.consume.extend(s, 'g', 'c1', ids)).toEqual({ count: 0, notPending: ids });
    expect(await core.consume.nack(s, 'g', 'c1', ids, 0)).toEqual({ count: 0, notPending: ids });
    expect(await pendingList(s)).toEqual([]);
  });

  it('repeated extends and nacks never change deliveryCount', async () => {
    const { s, ids } = await setup(1, 10_000);
    await pull(s, 'c1');
    for (let i = 0; i < 3; i++) {
      await core.consume.extend(s, 'g', 'c1', ids);
      await core.consume.nack(s, 'g', 'c1', ids, 5000);
    }
    expect((await pendingList(s))[0]).toMatchObject({ consumer: 'c1', deliveryCount: 1 });
  });

  it('nack with delayMs over 12 h is VALIDATION_FAILED and changes nothing', async () => {
    const { s, ids } = await setup(1, 10_000);
    await pull(s, 'c1');
    await expectCode(core.consume.nack(s, 'g', 'c1', ids, 43_200_001), 'VALIDATION_FAILED');
    expect(await delivered(s, 'c2')).toEqual([]);
    expect((await pendingList(s))[0]!.idleMs).toBeLessThan(5000);
  });

  it('leaseMs 0: plain Redis, never redelivered; extend and nack are LEASES_DISABLED', async () => {
    const { s, ids } = await setup(1, 0);
    expect(await delivered(s, 'c1')).toEqual([[ids[0], 1]]);
    await sleep(1.5 * LEASE);
    expect(await delivered(s, 'c2')).toEqual([]);
    expect(await delivered(s, 'c1')).toEqual([]);
    await expectCode(core.consume.extend(s, 'g', 'c1', ids), 'LEASES_DISABLED');
    await expectCode(core.consume.nack(s, 'g', 'c1', ids, 0), 'LEASES_DISABLED');
    expect((await pendingList(s))[0]).toMatchObject({ consumer: 'c1', deliveryCount: 1 });
  });

  it('a lease changed by updatePolicy applies to messages already delivered', async () => {
    const { s, ids } = await setup(1, 60_000);
    await pull(s, 'c1');
    await core.groups.updatePolicy(s, 'g', { leaseMs: LEASE });
    await sleep(1.5 * LEASE);
    expect(await delivered(s, 'c2')).toEqual([[ids[0], 2]]);
  });

  it('a waiting pull receives a message whose lease expires while it waits', async () => {
    const { s, ids } = await setup();
    const t0 = Date.now();
    await pull(s, 'c1');
    const got = await core.consume.pull(s, 'g', pullOf('c2', { waitMs: 5000 }));
    const waited = since(t0);
    expect(got.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[0], 2]]);
    expect(waited).toBeGreaterThanOrEqual(LEASE - 5);
    expect(waited).toBeLessThan(2000);
  });

  it('a waiting pull receives a message published while it waits, before the wait ends', async () => {
    const { s } = await setup(1, 60_000);
    await pull(s, 'c0'); // the first message is leased away
    const t0 = Date.now();
    const waiting = core.consume.pull(s, 'g', pullOf('c1', { waitMs: 5000 }));
    await untilWaiting(core, 1);
    const { ids } = await core.streams.publish(s, { messages: [{ pairs: fields({ late: '1' }) }] });
    const got = await waiting;
    expect(got.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[0], 1]]);
    expect(since(t0)).toBeLessThan(1000); // woken by the entry, not at the end of the wait
  });

  it('a pull aborted after it leased messages releases them at once', async () => {
    const { s, ids } = await setup(2, 60_000);
    const ac = new AbortController();
    const pulling = core.consume.pull(s, 'g', pullOf('c1'), ac.signal);
    ac.abort(); // the request is already on its way to Redis: the leases are taken, then released
    expect(await pulling).toEqual([]);
    expect(await delivered(s, 'c2')).toEqual([
      [ids[0], 2],
      [ids[1], 2],
    ]);
  });

  it('a pull whose signal is already aborted takes nothing', async () => {
    const { s, ids } = await setup(1, 60_000);
    const ac = new AbortController();
    ac.abort();
    expect(await core.consume.pull(s, 'g', pullOf('c1', { waitMs: 1000 }), ac.signal)).toEqual([]);
    // Not even a delivery was counted: the next pull is the first delivery.
    expect(await delivered(s, 'c2')).toEqual([[ids[0], 1]]);
  });

  it('a waiting pull aborted while it waits returns at once, taking nothing', async () => {
    const { s } = await setup(1, 60_000);
    await pull(s, 'c0');
    const ac = new AbortController();
    const t0 = Date.now();
    const waiting = core.consume.pull(s, 'g', pullOf('c1', { waitMs: 10_000 }), ac.signal);
    await untilWaiting(core, 1);
    ac.abort();
    expect(await waiting).toEqual([]);
    expect(since(t0)).toBeLessThan(1000);
    const { ids } = await core.streams.publish(s, { messages: [{ pairs: fields({ after: '1' }) }] });
    expect(await delivered(s, 'c2')).toEqual([[ids[0], 1]]);
  });

  it('noAck pulls are never redelivered', async () => {
    const { s, ids } = await setup();
    const got = await core.consume.pull(s, 'g', pullOf('c1', { noAck: true }));
    expect(got.map((m) => m.id)).toEqual(ids);
    expect(await pendingList(s)).toEqual([]);
    await sleep(1.5 * LEASE);
    expect(await delivered(s, 'c2')).toEqual([]);
  });
});

describe('leases of a native group use the configured defaults', () => {
  let fast: Core;
  beforeAll(() => {
    fast = testCore({ STREAMGATE_DEFAULT_LEASE_MS: String(LEASE) });
  });
  afterAll(() => fast.close());

  it('a group made with XGROUP CREATE redelivers after the default lease', async () => {
    const s = uniq();
    const id = await redis.xadd(s, '*', 'a', '1');
    await redis.xgroup('CREATE', s, 'g', '0');
    const t0 = Date.now();
    expect((await fast.consume.pull(s, 'g', pullOf('c1'))).map((m) => m.id)).toEqual([id]);
    await sleep(0.4 * LEASE - since(t0));
    expect(await fast.consume.pull(s, 'g', pullOf('c2'))).toEqual([]);
    await sleep(1.5 * LEASE - since(t0));
    expect((await fast.consume.pull(s, 'g', pullOf('c2'))).map((m) => [m.id, m.deliveryCount])).toEqual([[id, 2]]);
    expect(await fast.consume.extend(s, 'g', 'c2', [id!])).toEqual({ count: 1, notPending: [] });
  });
});

describe('waiting pulls', () => {
  it('a stream deleted or replaced while a pull waits ends it with STREAM_NOT_FOUND or NOT_A_STREAM', async () => {
    for (const [replace, code] of [
      [(s: string) => core.streams.delete(s), 'STREAM_NOT_FOUND'],
      [async (s: string) => void (await redis.multi().del(s).set(s, 'text').exec()), 'NOT_A_STREAM'],
    ] as const) {
      const { s } = await setup(0);
      const t0 = Date.now();
      const waiting = core.consume.pull(s, 'g', pullOf('c', { waitMs: 5000 }));
      await untilWaiting(core, 1);
      await replace(s);
      await expectCode(waiting, code);
      expect(since(t0)).toBeLessThan(2500);
    }
  });

  it('waits on several streams share one watcher connection, and each wakes for its message', async () => {
    const narrow = testCore({ STREAMGATE_WATCH_CONNECTIONS: '1' });
    try {
      const streams = await Promise.all([1, 2, 3].map(() => setup(0, 60_000)));
      const t0 = Date.now();
      const waits = streams.map(({ s }) => narrow.consume.pull(s, 'g', pullOf('c', { waitMs: 5000 })));
      await untilWaiting(narrow, 3);
      const published = await Promise.all(
        streams.map(({ s }) => core.streams.publish(s, { messages: [{ pairs: fields({ k: s }) }] })),
      );
      const got = await Promise.all(waits);
      expect(got.map((ms) => ms.map((m) => m.id))).toEqual(published.map((p) => p.ids));
      // Woken by the watcher's XREAD, not by a poll: well under the 5 s wait.
      expect(since(t0)).toBeLessThan(1000);
    } finally {
      await narrow.close();
    }
  });
});
