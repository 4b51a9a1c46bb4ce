import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../src/core/core.js';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { keySlot, keys } from '../../src/redis/keys.js';
import { RESERVED_CONSUMER, type ReaperLogger } from '../../src/core/reaper.js';
import { redisUrl, sleep, testConfig, uniq } from '../helpers/core.js';
import { until } from '../helpers/wait.js';
import { expectCode, fields, pullOf } from './support.js';

/**
 * Consumer reaping against the real server. Consumer idle times are Redis's own, so the
 * tests sleep for real, with short leases and thresholds. The tests of this file run one
 * after another: a pass reaps every registered stream, other tests' included.
 */
const LEASE = 100;
const REAP = 200;
/** Past the reap threshold, with room for a busy machine. */
const IDLE = REAP + 100;

interface Line {
  readonly level: 'info' | 'warn';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

function capture(): { logger: ReaperLogger; lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    logger: {
      info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    },
  };
}

let core: Core;
let other: Core;
let redis: Redis;
const log = capture();
const otherLog = capture();
beforeAll(() => {
  core = createCore(testConfig(), redisUrl(), { logger: log.logger });
  // A second gateway instance on the same Redis, for reapers running at once.
  other = createCore(testConfig(), redisUrl(), { logger: otherLog.logger });
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  await core.close();
  await other.close();
  redis.disconnect();
});

/** A stream with a reaping group `g` at 0 and `n` messages. */
async function setup(n: number, policy: { leaseMs?: number; reapIdleMs?: number; maxDeliveries?: number } = {}) {
  const s = uniq('reap');
  await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: LEASE, reapIdleMs: REAP, ...policy });
  const { ids } =
    n === 0
      ? { ids: [] as string[] }
      : await core.streams.publish(s, {
          messages: Array.from({ length: n }, (_, i) => ({ pairs: fields({ n: String(i), secret: `body-${i}` }) })),
        });
  return { s, ids };
}

const pull = (s: string, consumer: string, count = 100) => core.consume.pull(s, 'g', pullOf(consumer, { count }));
const consumers = async (s: string) => (await core.groups.listConsumers(s, 'g')).map((c) => [c.name, c.pending]);
const reapLines = (lines: Line[], s: string) => lines.filter((l) => l.obj.stream === s && l.msg === 'reaped idle consumer');
const counter = async (c: Core, name: string) =>
  (await c.metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;

describe('reaping', () => {
  it("releases an idle consumer's messages to the next pull (deliveryCount + 1), then deletes it", async () => {
    const { s, ids } = await setup(3);
    expect((await pull(s, 'pod-1', 2)).map((m) => m.id)).toEqual(ids.slice(0, 2));
    await sleep(IDLE);
    const reapedBefore = await counter(core, 'streamgate_consumers_reaped_total');
    const releasedBefore = await counter(core, 'streamgate_reaped_messages_released_total');
    await core.reaper.tick();
    // Gone; its messages wait under the reserved consumer for the group's next pull.
    expect(await consumers(s)).toEqual([[RESERVED_CONSUMER, 2]]);
    const next = await pull(s, 'pod-2');
    expect(next.map((m) => [m.id, m.deliveryCount])).toEqual([
      [ids[0], 2],
      [ids[1], 2],
      [ids[2], 1],
    ]);
    // The next pass clears the reserved consumer once it holds nothing.
    await core.reaper.tick();
    expect(await consumers(s)).toEqual([['pod-2', 3]]);

    const lines = reapLines(log.lines, s);
    expect(lines.map((l) => [l.level, l.obj.group, l.obj.consumer, l.obj.released, l.obj.dropped])).toEqual([
      ['info', 'g', 'pod-1', 2, 0],
    ]);
    // Counts only: no message body reaches the log.
    expect(JSON.stringify(log.lines)).not.toContain('body-');
    expect(await counter(core, 'streamgate_consumers_reaped_total')).toBeGreaterThanOrEqual(reapedBefore + 1);
    expect(await counter(core, 'streamgate_reaped_messages_released_total')).toBeGreaterThanOrEqual(releasedBefore + 2);
  });

  it('leaves active consumers alone: one that extends its lease, one that keeps receiving messages', async () => {
    const { s, ids } = await setup(1);
    await pull(s, 'worker');
    const end = Date.now() + 2 * IDLE;
    const ticks: Promise<unknown>[] = [];
    // Activity spread over twice the idle limit is the point: the reaper must keep seeing it.
    while (Date.now() < end) {
      await core.consume.extend(s, 'g', 'worker', ids);
      await core.streams.publish(s, { messages: [{ pairs: fields({ tick: '1' }) }] });
      const got = await pull(s, 'busy');
      await core.consume.ack(s, 'g', got.map((m) => m.id));
      ticks.push(core.reaper.tick());
      await sleep(LEASE / 3);
    }
    await Promise.all(ticks);
    expect(await consumers(s)).toEqual([
      ['busy', 0],
      ['worker', 1],
    ]);
    expect(reapLines(log.lines, s)).toEqual([]);
  });

  it('deletes an idle consumer that has nothing pending', async () => {
    const { s } = await setup(0);
    await core.groups.createConsumer(s, 'g', 'pod-empty');
    await sleep(IDLE);
    await core.reaper.tick();
    expect(await consumers(s)).toEqual([]);
    expect(reapLines(log.lines, s).map((l) => [l.obj.consumer, l.obj.released])).toEqual([['pod-empty', 0]]);
    // Idle in Redis's sense (Redis 7.0 counts reads that returned something): a consumer
    // that only polls empty-handed may be reaped too. It held nothing, and its next read
    // brings it back.
    await core.streams.publish(s, { messages: [{ pairs: fields({ later: '1' }) }] });
    expect(await pull(s, 'pod-empty')).toHaveLength(1);
    expect(await consumers(s)).toEqual([['pod-empty', 1]]);
  });

  it('reapIdleMs 0 (the default) never reaps, and a group switched off leaves the registry', async () => {
    const plain = await setup(1, { reapIdleMs: 0 });
    await pull(plain.s, 'pod-1');
    const { s } = await setup(1);
    await pull(s, 'pod-1');
    expect(await redis.sismember(keys.reapRegistry(plain.s), plain.s)).toBe(0);
    expect(await redis.sismember(keys.reapRegistry(s), s)).toBe(1);
    expect(await redis.sismember(keys.reapSlots, String(keySlot(s)))).toBe(1);
    await core.groups.updatePolicy(s, 'g', { reapIdleMs: 0 });
    await sleep(IDLE);
    await core.reaper.tick();
    expect(await consumers(plain.s)).toEqual([['pod-1', 1]]);
    expect(await consumers(s)).toEqual([['pod-1', 1]]);
    expect(await redis.sismember(keys.reapRegistry(s), s)).toBe(0);
    // Switched on again: registered again, and reaped.
    await core.groups.updatePolicy(s, 'g', { reapIdleMs: REAP });
    await core.reaper.tick();
    expect(await consumers(s)).toEqual([[RESERVED_CONSUMER, 1]]);
  });

  it('a destroyed group or deleted stream stops being looked at', async () => {
    const a = await setup(0);
    const b = await setup(0);
    await core.groups.destroy(a.s, 'g');
    await core.streams.delete(b.s);
    await core.reaper.tick();
    expect(await redis.sismember(keys.reapRegistry(a.s), a.s)).toBe(0);
    expect(await redis.sismember(keys.reapRegistry(b.s), b.s)).toBe(0);
  });

  it('releases a consumer with more pending than one script call takes, over several calls of one pass', async () => {
    const { s } = await setup(0);
    for (let i = 0; i < 3; i++) {
      await core.streams.publish(s, { messages: Array.from({ length: 500 }, () => ({ pairs: fields({ x: '1' }) })) });
    }
    expect(await pull(s, 'pod-big', 1000)).toHaveLength(1000);
    expect(await pull(s, 'pod-big', 1000)).toHaveLength(500);
    await sleep(IDLE);
    await core.reaper.tick();
    expect(await consumers(s)).toEqual([[RESERVED_CONSUMER, 1500]]);
    expect(reapLines(log.lines, s).map((l) => [l.obj.consumer, l.obj.released])).toEqual([['pod-big', 1500]]);
  });

  it('skips what is not a slot number in the slot index', async () => {
    await redis.sadd(keys.reapSlots, 'not-a-slot', '-1', '16384');
    try {
      const { s } = await setup(0);
      await core.groups.createConsumer(s, 'g', 'pod-1');
      await sleep(IDLE);
      await core.reaper.tick();
      expect(await consumers(s)).toEqual([]);
    } finally {
      await redis.srem(keys.reapSlots, 'not-a-slot', '-1', '16384');
    }
  });

  it('two gateways reaping at once reap each consumer once; nothing pending is lost', async () => {
    const n = 40;
    const { s, ids } = await setup(n, { maxDeliveries: 3 });
    const acked = new Set<string>();
    for (let round = 0; round < 5; round++) {
      // A pod takes a batch, acks some and dies with the rest; the next pod comes up.
      const got = await pull(s, `pod-${round}`, 12);
      const done = got.filter((_, i) => i % 3 === 0).map((m) => m.id);
      if (done.length > 0) await core.consume.ack(s, 'g', done);
      for (const id of done) acked.add(id);
      await sleep(IDLE);
      await Promise.all([core.reaper.tick(), other.reaper.tick()]);
    }
    // A last consumer takes what is left (released messages first, then any never delivered).
    await pull(s, 'drain', 100);
    const { entries: pending } = await core.pending.entries(s, 'g', { start: '-', end: '+', count: 1000 });
    const dlq = (await redis.xrange(`${s}:dlq`, '-', '+')).map(([, f]) => f[f.indexOf('x-original-id') + 1]!);
    const info = await core.groups.get(s, 'g');
    // Every message delivered, and each exactly once in: acked, pending, dead-lettered.
    expect(info.lag).toBe(0);
    const all = [...acked, ...pending.map((p) => p.id), ...dlq];
    expect(all.length).toBe(n);
    expect(new Set(all)).toEqual(new Set(ids));
    // Every dead pod was reaped, by one gateway or the other, exactly once.
    const reaped = [...reapLines(log.lines, s), ...reapLines(otherLog.lines, s)].map((l) => l.obj.consumer).sort();
    expect(reaped).toEqual(['pod-0', 'pod-1', 'pod-2', 'pod-3', 'pod-4']);
    expect((await consumers(s)).filter(([name]) => String(name).startsWith('pod-'))).toEqual([]);
  });
});

describe('policy', () => {
  it('reapIdleMs is stored, reported and patched; 0 or 50 to 30 days', async () => {
    const { s } = await setup(0, { leaseMs: 1000, reapIdleMs: 3_600_000 });
    expect(await core.groups.get(s, 'g')).toMatchObject({ leaseMs: 1000, reapIdleMs: 3_600_000 });
    expect(await core.groups.updatePolicy(s, 'g', { reapIdleMs: 2_592_000_000 })).toMatchObject({ reapIdleMs: 2_592_000_000 });
    expect(await core.groups.updatePolicy(s, 'g', { leaseMs: 0, reapIdleMs: 0 })).toMatchObject({ leaseMs: 0, reapIdleMs: 0 });
    for (const bad of [-1, 49, 1.5, 2_592_000_001, Number.NaN]) {
      await expectCode(core.groups.create(uniq(), { group: 'g', createStream: true, reapIdleMs: bad }), 'VALIDATION_FAILED');
      await expectCode(core.groups.updatePolicy(s, 'g', { reapIdleMs: bad }), 'VALIDATION_FAILED');
    }
  });

  it('reaping needs leases and is never below the lease: checked on create, and on patch against the stored half', async () => {
    const fresh = uniq();
    await expectCode(core.groups.create(fresh, { group: 'g', createStream: true, leaseMs: 1000, reapIdleMs: 999 }), 'VALIDATION_FAILED');
    await expectCode(core.groups.create(fresh, { group: 'g', createStream: true, leaseMs: 0, reapIdleMs: 1000 }), 'VALIDATION_FAILED');
    // The default lease (30000) applies when leaseMs is not given.
    await expectCode(core.groups.create(fresh, { group: 'g', createStream: true, reapIdleMs: 1000 }), 'VALIDATION_FAILED');
    expect(await redis.exists(fresh)).toBe(0);

    const { s } = await setup(0, { leaseMs: 1000, reapIdleMs: 5000 });
    await expectCode(core.groups.updatePolicy(s, 'g', { leaseMs: 6000 }), 'VALIDATION_FAILED');
    await expectCode(core.groups.updatePolicy(s, 'g', { leaseMs: 0 }), 'VALIDATION_FAILED');
    await expectCode(core.groups.updatePolicy(s, 'g', { reapIdleMs: 500 }), 'VALIDATION_FAILED');
    await expectCode(core.groups.updatePolicy(s, 'g', { leaseMs: 2000, reapIdleMs: 1000 }), 'VALIDATION_FAILED');
    expect(await core.groups.get(s, 'g')).toMatchObject({ leaseMs: 1000, reapIdleMs: 5000 });
    expect(await core.groups.updatePolicy(s, 'g', { leaseMs: 5000 })).toMatchObject({ leaseMs: 5000, reapIdleMs: 5000 });
  });

  it('a group without a stored policy (made by a native client) does not reap', async () => {
    const s = uniq('reap');
    await redis.xgroup('CREATE', s, 'g', '0', 'MKSTREAM');
    expect(await core.groups.get(s, 'g')).toMatchObject({ reapIdleMs: 0 });
  });
});

describe('the timer', () => {
  it('with STREAMGATE_REAP_INTERVAL_MS the core reaps by itself', async () => {
    const own = capture();
    const timed = createCore(testConfig({ STREAMGATE_REAP_INTERVAL_MS: '100' }), redisUrl(), { logger: own.logger });
    try {
      const { s } = await setup(1);
      await pull(s, 'pod-1');
      await until(() => reapLines(own.lines, s).length > 0, IDLE + 3000, 'the timer to reap pod-1');
      expect(reapLines(own.lines, s).map((l) => l.obj.consumer)).toEqual(['pod-1']);
    } finally {
      await timed.close();
    }
  });

  it('goes on after a failed pass (Redis unreachable), logging it, and stops on close', async () => {
    const own = capture();
    const down = createCore(
      testConfig({ STREAMGATE_REAP_INTERVAL_MS: '100' }),
      `redis://127.0.0.1:${await freePort()}`,
      { logger: own.logger },
    );
    const failures = () => own.lines.filter((l) => l.level === 'warn' && l.msg === 'consumer reaping failed').length;
    await until(() => failures() >= 2, 5000, 'two failed reaps');
    await down.close();
    const after = failures();
    await sleep(300); // three intervals of 100 ms: a timer left running would have failed again
    expect(failures()).toBe(after);
  });
});
