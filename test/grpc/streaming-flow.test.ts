import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { sleep } from '../helpers/core.js';
import { withGrpc } from '../helpers/fixtures.js';
import { untilWaiting } from '../helpers/wait.js';
import type { TestGrpc } from '../helpers/grpc.js';
import {
  type OpenPull,
  openPull,
  pendingByConsumer,
  pendingEntries,
  publish,
  setupStream,
  until,
} from './streaming-support.js';

/**
 * StreamingPull flow control, seen from both ends: the client never holds more unacked
 * messages than its credit, and Redis never has more messages leased to the consumer than
 * that credit (the server does not read ahead). And a client that stops reading makes the
 * server stop reading from Redis, instead of buffering without bound.
 */

let g: TestGrpc;
let redis: Redis;
withGrpc((server, r) => {
  g = server;
  redis = r;
});

/** What the client does with one delivered message. */
interface Step {
  readonly op: 'ack' | 'nack' | 'lateAck';
  /** Delay before acting (late acks add 60 ms): acks go out in a random order. */
  readonly afterMs: number;
  readonly nackDelayMs: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom<Step['op']>('ack', 'ack', 'nack', 'lateAck'),
  afterMs: fc.integer({ min: 0, max: 25 }),
  nackDelayMs: fc.constantFrom(0, 0, 0, 30),
});

/** Beyond the plan, every delivery is acked at once: each run ends. */
const ACK_NOW: Step = { op: 'ack', afterMs: 0, nackDelayMs: 0 };

/** Long enough that no lease expires (nor needs renewing) during a run. */
const LEASE = 10_000;

describe('StreamingPull flow control', () => {
  it('never more unacked messages than the credit: at the client, and leased in Redis', async () => {
    let runs = 0;
    let samples = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(step, { maxLength: 50 }),
        async (credit, n, beforePct, plan) => {
          runs++;
          const { s } = await setupStream(g, { leaseMs: LEASE });
          const before = Math.floor((n * beforePct) / 100);
          const ids = before > 0 ? await publish(g, s, before) : [];

          const violations: string[] = [];
          const held = new Set<string>(); // delivered, not yet acked or nacked (client's view)
          const acked = new Set<string>();
          const timers = new Set<NodeJS.Timeout>();
          let delivered = 0;
          let delayedNacks = 0;
          const act = (id: string, st: Step) => {
            if (p.isEnded()) return;
            held.delete(id);
            if (st.op === 'nack') {
              if (st.nackDelayMs > 0) delayedNacks++;
              p.send({ nackIds: [id], nackDelayMs: st.nackDelayMs });
            } else {
              acked.add(id);
              p.send({ ackIds: [id] });
            }
          };
          const p: OpenPull = openPull(g.client, { stream: s, group: 'g', consumer: 'c', maxOutstandingMessages: credit }, (r) => {
            for (const m of r.messages) {
              if (held.has(m.id)) violations.push(`${m.id} delivered again while held`);
              if (acked.has(m.id)) violations.push(`${m.id} delivered after its ack`);
              held.add(m.id);
              if (held.size > credit) violations.push(`client holds ${held.size} > credit ${credit}`);
              const st = plan[delivered++] ?? ACK_NOW;
              const t = setTimeout(
                () => {
                  timers.delete(t);
                  act(m.id, st);
                },
                st.afterMs + (st.op === 'lateAck' ? 60 : 0),
              );
              timers.add(t);
            }
          });

          // Redis's view, sampled while the stream runs: entries leased to 'c' (a nacked entry
          // stays in c's pending list, idle ≈ lease - delay, until redelivered: not leased).
          // The raw count is bounded by the credit too, as long as no nack had a delay (a
          // delayed nack frees credit while its entry stays c's until it is reclaimed).
          let sampling = true;
          const sampler = (async () => {
            while (sampling) {
              const delayed0 = delayedNacks;
              const entries = await pendingEntries(redis, s);
              const leased = entries.filter((e) => e.consumer === 'c' && e.idleMs < LEASE / 2).length;
              if (leased > credit) violations.push(`Redis: ${leased} leased > credit ${credit}`);
              if (delayed0 === 0 && delayedNacks === 0 && entries.length > credit) {
                violations.push(`Redis: ${entries.length} pending > credit ${credit} (no delayed nack)`);
              }
              samples++;
              await sleep(3); // the sampling interval
            }
          })();

          try {
            await sleep(20); // the stream runs a little before the rest arrives
            // The rest arrives while the stream runs, in two batches.
            const rest = n - before;
            const half = Math.ceil(rest / 2);
            if (half > 0) ids.push(...(await publish(g, s, half, 0, before)));
            await sleep(15); // spread over time, interleaved with acks and nacks
            if (rest - half > 0) ids.push(...(await publish(g, s, rest - half, 0, before + half)));
            await until(() => acked.size === n, 10_000, `all ${n} acked (credit ${credit})`);
            await until(async () => (await pendingByConsumer(redis, s)).size === 0, 5000, 'every ack processed');
          } finally {
            sampling = false;
            await sampler;
            for (const t of timers) clearTimeout(t);
            await p.cancel();
          }
          expect(violations).toEqual([]);
          expect([...acked].sort()).toEqual([...ids].sort());
          // Every ack and nack answered OK: nothing was lost or given to anyone else.
          expect(p.results().filter((r) => r.status !== 'ACK_STATUS_OK')).toEqual([]);
        },
      ),
      { numRuns: 20 },
    );
    expect(runs).toBe(20);
    expect(samples).toBeGreaterThan(100);
  }, 60_000);
});

describe('StreamingPull large batches', () => {
  it('a batch above the 4 MiB a client accepts per message arrives whole, in several responses', async () => {
    const size = 64 * 1024;
    const { s, ids } = await setupStream(g, { n: 100, bytes: size }); // 6.4 MiB, more than one reply's byte budget
    const p = openPull(g.client, { stream: s, group: 'g', consumer: 'c', maxOutstandingMessages: 1000 });
    await p.until(() => p.ids().length === 100 || p.isEnded(), 10_000, '100 messages');
    expect(p.isEnded()).toBe(false);
    expect(p.ids()).toEqual(ids);
    expect(p.responses.length).toBeGreaterThan(1);
    await p.cancel();
  });
});

describe('StreamingPull backpressure', () => {
  it('a client that does not read makes the server stop reading from Redis; all arrives once it reads', async () => {
    const { s } = await setupStream(g);
    const credit = 1000;
    const total = 300;
    const size = 64 * 1024;
    const p = openPull(g.client, { stream: s, group: 'g', consumer: 'c', maxOutstandingMessages: credit });
    await untilWaiting(g.core, 1);
    p.call.pause();
    const ids: string[] = [];
    for (let i = 0; i < total; i += 4) ids.push(...(await publish(g, s, 4, size, i)));

    // The pending count plateaus: the server stopped reading, far below the credit.
    const leased = async () => (await pendingByConsumer(redis, s)).get('c') ?? 0;
    // Time must pass to show that reading stopped: a server that kept reading would keep
    // raising the count over these 800 ms.
    await sleep(300);
    const plateau = await leased();
    for (let i = 0; i < 5; i++) {
      await sleep(100);
      expect(await leased()).toBe(plateau);
    }
    expect(plateau).toBeGreaterThan(0);
    expect(plateau).toBeLessThan(total);
    expect(p.messages()).toEqual([]);
    expect(p.isEnded()).toBe(false);

    const t0 = Date.now();
    p.call.resume();
    await p.until(() => p.ids().length === total, 15_000, `${total} messages`);
    const drainMs = Date.now() - t0;
    expect(p.ids()).toEqual(ids);
    expect(p.messages().every((m) => m.fields.pad?.length === size)).toBe(true);
    expect(await leased()).toBe(total);
    expect(p.isEnded()).toBe(false);
    p.send({ ackIds: ids.slice(0, 500) });
    await p.until(() => p.results().length === total);
    expect(await leased()).toBe(0);
    await p.cancel();
    console.info(`backpressure: plateau ${plateau} of ${total} messages (${(plateau * size) / 2 ** 20} MiB); drained in ${drainMs} ms`);
  });
});
