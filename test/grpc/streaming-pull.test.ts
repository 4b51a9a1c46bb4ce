import { status } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { AckResult__Output } from '../../src/grpc/generated/streamgate/v1/AckResult.js';
import { sleep, uniq } from '../helpers/core.js';
import { withGrpc } from '../helpers/fixtures.js';
import { untilWaiting } from '../helpers/wait.js';
import { type TestGrpc, errorCode } from '../helpers/grpc.js';
import {
  type OpenPull,
  openPull,
  openPulls,
  pendingByConsumer,
  pendingEntries,
  publish,
  pullOther,
  setupStream,
  until,
} from './streaming-support.js';

/**
 * StreamingPull through a real grpc-js client: acks and their per-ID results, lease renewal
 * while the stream is open (and its cap), release when the stream ends, many streams on one
 * group, and the errors that end a stream. Leases are idle times in Redis, so these tests
 * sleep for real; margins are sized for a busy 2-core machine.
 */

let g: TestGrpc;
let redis: Redis;
const open = openPulls();
withGrpc((server, r) => {
  g = server;
  redis = r;
});

/** Opens a StreamingPull on group `g` that afterAll cancels if the test did not. */
function pull(s: string, consumer: string, credit: number, extra: { maxLeaseExtensionMs?: number } = {}): OpenPull {
  const p = openPull(g.client, { stream: s, group: 'g', consumer, maxOutstandingMessages: credit, ...extra });
  open.push(p);
  return p;
}

const result = (id: string, operation: string, ok: boolean): AckResult__Output =>
  ({ id, operation, status: ok ? 'ACK_STATUS_OK' : 'ACK_STATUS_NOT_PENDING' }) as AckResult__Output;

/** A well-formed ID that was never delivered. */
const UNKNOWN = '1-1';

describe('StreamingPull acks, nacks and extensions', () => {
  it('acks remove messages from the pending list; results come per ID, in request order', async () => {
    const { s, ids } = await setupStream(g, { n: 3 });
    const [a, b, c] = ids as [string, string, string];
    const p = pull(s, 'c', 10);
    await p.until(() => p.ids().length === 3, 5000, '3 messages');
    expect(p.ids()).toEqual(ids);
    expect(p.messages().map((m) => m.deliveryCount)).toEqual([1, 1, 1]);

    p.send({ ackIds: [b, a] });
    await p.until(() => p.results().length === 2);
    expect(p.results()).toEqual([result(b, 'ACK_OPERATION_ACK', true), result(a, 'ACK_OPERATION_ACK', true)]);
    expect((await pendingEntries(redis, s)).map((e) => e.id)).toEqual([c]);

    // Acked twice, never delivered, pending: each answered in the order asked.
    p.send({ ackIds: [a, UNKNOWN, c] });
    await p.until(() => p.results().length === 5);
    expect(p.results().slice(2)).toEqual([
      result(a, 'ACK_OPERATION_ACK', false),
      result(UNKNOWN, 'ACK_OPERATION_ACK', false),
      result(c, 'ACK_OPERATION_ACK', true),
    ]);
    expect(await pendingEntries(redis, s)).toEqual([]);
    await p.cancel();
  });

  it('one request with acks, nacks and extensions: results in that order; a nacked message comes back on the stream', async () => {
    const { s, ids } = await setupStream(g, { n: 3 });
    const [a, b, c] = ids as [string, string, string];
    const p = pull(s, 'c', 10);
    await p.until(() => p.ids().length === 3);
    p.send({ ackIds: [a, UNKNOWN], nackIds: [b], extendIds: [c, UNKNOWN] });
    await p.until(() => p.results().length === 5);
    expect(p.results()).toEqual([
      result(a, 'ACK_OPERATION_ACK', true),
      result(UNKNOWN, 'ACK_OPERATION_ACK', false),
      result(b, 'ACK_OPERATION_NACK', true),
      result(c, 'ACK_OPERATION_EXTEND', true),
      result(UNKNOWN, 'ACK_OPERATION_EXTEND', false),
    ]);
    // Nack with no delay: eligible at once, and this stream has credit for it.
    await p.until(() => p.ids().length === 4, 5000, 'the nacked message again');
    expect(p.messages()[3]).toMatchObject({ id: b, deliveryCount: 2 });
    await p.cancel();
  });

  it('nack_delay_ms: the message comes back after the delay, not before', async () => {
    const { s, ids } = await setupStream(g, { n: 1, leaseMs: 1000 });
    const id = ids[0] as string;
    const p = pull(s, 'c', 5);
    await p.until(() => p.ids().length === 1);
    const t0 = Date.now();
    p.send({ nackIds: [id], nackDelayMs: 400 });
    await p.until(() => p.results().length === 1);
    expect(p.results()).toEqual([result(id, 'ACK_OPERATION_NACK', true)]);
    await sleep(200 - (Date.now() - t0)); // halfway through the 400 ms delay, kept as Redis idle time
    expect(await pullOther(g, s, 'other')).toEqual([]);
    expect(p.ids()).toEqual([id]);
    // Redelivered to whoever pulls next: this stream is waiting with credit.
    await p.until(() => p.ids().length === 2, 4000, 'the redelivery');
    const elapsed = Date.now() - t0;
    expect(p.messages()[1]).toMatchObject({ id, deliveryCount: 2 });
    expect(elapsed).toBeGreaterThanOrEqual(380);
    await p.cancel();
  });

  it('extend_ids restarts the lease clock of outstanding messages and answers per ID', async () => {
    const { s, ids } = await setupStream(g, { n: 2, leaseMs: 10_000 });
    const [a, b] = ids as [string, string];
    const p = pull(s, 'c', 5);
    await p.until(() => p.ids().length === 2);
    await sleep(400); // idle time builds up in Redis, so that the extension visibly resets it
    p.send({ extendIds: [a, UNKNOWN] });
    await p.until(() => p.results().length === 2);
    expect(p.results()).toEqual([result(a, 'ACK_OPERATION_EXTEND', true), result(UNKNOWN, 'ACK_OPERATION_EXTEND', false)]);
    const idle = new Map((await pendingEntries(redis, s)).map((e) => [e.id, e.idleMs]));
    expect(idle.get(a)).toBeLessThan(200);
    expect(idle.get(b)).toBeGreaterThanOrEqual(390);
    // Acked, then extended: no longer pending.
    p.send({ ackIds: [b] });
    p.send({ extendIds: [b] });
    await p.until(() => p.results().length === 4);
    expect(p.results().slice(2)).toEqual([result(b, 'ACK_OPERATION_ACK', true), result(b, 'ACK_OPERATION_EXTEND', false)]);
    await p.cancel();
  });
});

describe('StreamingPull leases', () => {
  it('keeps the leases of outstanding messages alive past leaseMs while the stream is open', async () => {
    const { s, ids } = await setupStream(g, { n: 1, leaseMs: 200 });
    const id = ids[0] as string;
    const p = pull(s, 'c', 5);
    await p.until(() => p.ids().length === 1);
    const t0 = Date.now();
    let maxIdle = 0;
    while (Date.now() - t0 < 1000) {
      expect(await pullOther(g, s, 'other')).toEqual([]);
      const [entry] = await pendingEntries(redis, s);
      expect(entry).toMatchObject({ id, consumer: 'c', deliveryCount: 1 });
      maxIdle = Math.max(maxIdle, entry?.idleMs ?? 0);
      await sleep(40); // sampling Redis's idle clock for a second is the point
    }
    expect(maxIdle).toBeLessThan(200);
    console.info(`lease 200 ms renewed for 1 s: highest idle seen in XPENDING ${maxIdle} ms`);
    expect(p.ids()).toEqual([id]);
    p.send({ ackIds: [id] });
    await p.until(() => p.results().length === 1);
    expect(p.results()).toEqual([result(id, 'ACK_OPERATION_ACK', true)]);
    await p.cancel();
  });

  it('stops renewing after max_lease_extension_ms: the lease expires, another consumer gets it, the late ack is NOT_PENDING', async () => {
    // Two messages, credit 1: when the first one's extension runs out its credit is freed
    // and the stream takes the second (the first is still leased then); so nothing on this
    // stream reclaims the first when it expires, and the other consumer's pull must.
    const { s, ids } = await setupStream(g, { n: 2, leaseMs: 200 });
    const [a, b] = ids as [string, string];
    const p = pull(s, 'c', 1, { maxLeaseExtensionMs: 400 });
    await p.until(() => p.ids().length === 1);
    const t0 = Date.now();
    expect(p.ids()).toEqual([a]);
    // Renewed past the 200 ms lease (Redis's idle clock: time must pass).
    await sleep(300);
    const [held, ...rest] = await pendingEntries(redis, s);
    expect(rest).toEqual([]);
    expect(held).toMatchObject({ id: a, consumer: 'c', deliveryCount: 1 });
    expect(held?.idleMs).toBeLessThan(200);
    // At 400 ms the stream gives up the first message's credit and takes the second.
    await p.until(() => p.ids().length === 2, 2000, 'the second message');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    expect(p.ids()).toEqual([a, b]);
    // The first expires (last renewal ≤ 400 ms, lease 200 ms): the other's waiting pull reclaims it.
    const got = await pullOther(g, s, 'other', 1, 3000);
    const at = Date.now() - t0;
    expect(got).toEqual([{ id: a, deliveryCount: 2 }]);
    expect(at).toBeLessThan(1500);
    expect(p.ids()).toEqual([a, b]);
    p.send({ ackIds: [a, b] });
    await p.until(() => p.results().length === 2);
    expect(p.results()).toEqual([result(a, 'ACK_OPERATION_ACK', false), result(b, 'ACK_OPERATION_ACK', true)]);
    expect((await pendingEntries(redis, s)).map((e) => [e.id, e.consumer])).toEqual([[a, 'other']]);
    await p.cancel();
  });
});

describe('StreamingPull releases unacked messages when the stream ends', () => {
  // Credit 3: the stream holds 3 and waits for credit. Credit 10: it holds 4 and waits in a
  // read for more messages (that read is cut short by the end).
  for (const how of ['cancel', 'half-close'] as const) {
    for (const credit of [3, 10]) {
      it(`${how}, credit ${credit}: another consumer gets them at once, long before the lease`, async () => {
        const { s, ids } = await setupStream(g, { n: 5, leaseMs: 10_000 });
        const p = pull(s, 'c', credit);
        await p.until(() => p.ids().length === Math.min(5, credit));
        p.send({ ackIds: [ids[0] as string] });
        await p.until(() => p.results().length === 1);
        // Credit 3: the ack makes room for the fourth. Credit 10: all five came at once.
        if (credit === 3) await p.until(() => p.ids().length === 4);
        expect(p.ids()).toEqual(ids.slice(0, credit === 3 ? 4 : 5));
        const held = credit === 3 ? ids.slice(1, 4) : ids.slice(1);
        // Ended while it waits. Credit 3: the fourth delivery used the last credit, so there is
        // nothing left for it to do. Credit 10: its read for more messages is registered.
        if (credit === 10) await untilWaiting(g.core, 1);
        const t0 = Date.now();
        if (how === 'cancel') {
          expect((await p.cancel()).code).toBe(status.CANCELLED);
        } else {
          p.call.end();
          // The server answers a half-close by ending the call with OK.
          expect((await p.ended).code).toBe(status.OK);
        }
        let got: { id: string; deliveryCount: number }[] = [];
        await until(async () => (got = await pullOther(g, s, 'other', 10)).length > 0, 2000, 'released messages');
        const elapsed = Date.now() - t0;
        expect(elapsed).toBeLessThan(500);
        // The unacked ones, redelivered; with credit 3 the fifth, never delivered, is new.
        expect(got).toEqual([
          ...held.map((id) => ({ id, deliveryCount: 2 })),
          ...(credit === 3 ? [{ id: ids[4], deliveryCount: 1 }] : []),
        ]);
        await until(() => g.server.activeStreams === 0, 2000, 'no open stream');
      });
    }
  }
});

describe('StreamingPull with many streams on one group', () => {
  it('8 streams with small credit, acking as they go: each message goes to exactly one, together all', async () => {
    const { s } = await setupStream(g, { leaseMs: 30_000 });
    const total = 300;
    const deliveries = new Map<string, string[]>(); // id → consumers it was delivered to
    const redelivered: string[] = [];
    const streams: OpenPull[] = [];
    for (let i = 0; i < 8; i++) {
      const consumer = `c${i}`;
      const credit = 1 + (i % 4);
      const p: OpenPull = openPull(g.client, { stream: s, group: 'g', consumer, maxOutstandingMessages: credit }, (r) => {
        for (const m of r.messages) {
          deliveries.set(m.id, [...(deliveries.get(m.id) ?? []), consumer]);
          if (m.deliveryCount !== 1) redelivered.push(m.id);
          // Each acked on its own after 0-2 ms, while the stream goes on.
          setTimeout(() => p.isEnded() || p.send({ ackIds: [m.id] }), i % 3);
        }
      });
      open.push(p);
      streams.push(p);
    }
    // Every stream is open and waiting before the first message.
    await untilWaiting(g.core, 8);
    const ids: string[] = [];
    for (let i = 0; i < total; i += 20) {
      ids.push(...(await publish(g, s, 20, 0, i)));
      await sleep(5); // batches spread over time, acks interleaved with deliveries
    }
    await until(() => deliveries.size === total, 15_000, `${total} deliveries`);
    await until(async () => (await pendingByConsumer(redis, s)).size === 0, 5000, 'every ack processed');
    // Redis shows the acks before the gateway's results of the last ones reach the client.
    await until(() => streams.flatMap((p) => p.results()).length >= total, 5000, 'every ack answered');
    expect([...deliveries.keys()].sort()).toEqual([...ids].sort());
    const twice = [...deliveries].filter(([, to]) => to.length !== 1);
    expect(twice).toEqual([]);
    expect(redelivered).toEqual([]);
    // Every stream took part.
    const perConsumer = new Map<string, number>();
    for (const [, [to]] of deliveries) perConsumer.set(to as string, (perConsumer.get(to as string) ?? 0) + 1);
    expect(perConsumer.size).toBe(8);
    const results = streams.flatMap((p) => p.results());
    expect(results).toHaveLength(total);
    expect(results.every((r) => r.status === 'ACK_STATUS_OK')).toBe(true);
    await Promise.all(streams.map((p) => p.cancel()));
  });
});

describe('StreamingPull errors end the stream', () => {
  const bad: [string, Record<string, string>][] = [
    ['no stream', { group: 'g', consumer: 'c' }],
    ['no group', { stream: 'x', consumer: 'c' }],
    ['no consumer', { stream: 'x', group: 'g' }],
  ];
  for (const [what, first] of bad) {
    it(`first request with ${what}: INVALID_ARGUMENT, VALIDATION_FAILED`, async () => {
      const p = openPull(g.client, { ...first, maxOutstandingMessages: 5 });
      const end = await p.ended;
      expect(end.code).toBe(status.INVALID_ARGUMENT);
      expect(end.metadata.get('error-code')).toEqual(['VALIDATION_FAILED']);
    });
  }

  it('an unknown group: NOT_FOUND, GROUP_NOT_FOUND', async () => {
    const { s } = await setupStream(g, { n: 1 });
    const p = openPull(g.client, { stream: s, group: 'nope', consumer: 'c', maxOutstandingMessages: 5 });
    const end = await p.ended;
    expect(end.code).toBe(status.NOT_FOUND);
    expect(end.metadata.get('error-code')).toEqual(['GROUP_NOT_FOUND']);
    expect(p.messages()).toEqual([]);
  });

  it('an unknown stream: NOT_FOUND, STREAM_NOT_FOUND', async () => {
    const p = openPull(g.client, { stream: uniq('none'), group: 'g', consumer: 'c', maxOutstandingMessages: 5 });
    const end = await p.ended;
    expect(end.code).toBe(status.NOT_FOUND);
    expect(errorCode(end)).toBe('STREAM_NOT_FOUND');
  });

  it('no stream stays registered after errors', async () => {
    // Opens its own streams (it once only looked at what the tests before it had left, and
    // passed vacuously when run alone): one that works, and one per way of failing.
    await until(() => g.server.activeStreams === 0, 2000, 'the streams of earlier tests to end');
    const { s } = await setupStream(g, { n: 1 });
    const live = pull(s, 'c', 1);
    await live.until(() => live.ids().length === 1, 5000, 'the live stream’s message');
    expect(g.server.activeStreams).toBe(1);
    const failing = [
      openPull(g.client, { group: 'g', consumer: 'c', maxOutstandingMessages: 5 }),
      openPull(g.client, { stream: s, group: 'nope', consumer: 'c', maxOutstandingMessages: 5 }),
      openPull(g.client, { stream: uniq('none'), group: 'g', consumer: 'c', maxOutstandingMessages: 5 }),
    ];
    const ends = await Promise.all(failing.map((p) => p.ended));
    expect(ends.map((e) => errorCode(e))).toEqual(['VALIDATION_FAILED', 'GROUP_NOT_FOUND', 'STREAM_NOT_FOUND']);
    // The failed streams are gone; the live one is still counted.
    await until(() => g.server.activeStreams === 1, 2000, 'only the live stream registered');
    await live.cancel();
    await until(() => g.server.activeStreams === 0, 2000, 'no open stream');
  });
});
