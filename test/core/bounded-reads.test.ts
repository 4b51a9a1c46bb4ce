import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { entryBytes } from '../../src/contract/limits.js';
import type { Message } from '../../src/contract/types.js';
import { redisUrl, sleep, testCore, uniq } from '../helpers/core.js';
import { pullOf } from './support.js';

/**
 * Every read stops after the entry whose bytes (ID, field names, values) reach
 * STREAMGATE_MAX_RESPONSE_BYTES, says where to continue, and following that continuation
 * walks everything exactly once: range reads (both directions, through the plain first page
 * and through range-1.lua), claims, autoclaims, history reads, dead-letter and pending
 * listings. The transports and the gateway's memory: test/limits/response-bytes.test.ts.
 */

const BUDGET = 1024;
let redis: Redis;
/** The first page is one entry (the budget holds no maximal message): range-1.lua reads the rest. */
let lua: Core;
/** Messages of at most 1 KiB: the first page is 64 plain entries, then range-1.lua. */
let plain: Core;
let unbounded: Core;

beforeAll(() => {
  redis = new Redis(redisUrl());
  lua = testCore({ STREAMGATE_MAX_RESPONSE_BYTES: String(BUDGET) });
  plain = testCore({ STREAMGATE_MAX_RESPONSE_BYTES: String(BUDGET), STREAMGATE_MAX_MESSAGE_BYTES: String(BUDGET) });
  unbounded = testCore();
});
afterAll(async () => {
  await Promise.all([lua.close(), plain.close(), unbounded.close()]);
  redis.disconnect();
});

/** Seeded sizes from 1 to 900 bytes, and now and then one far over the budget. */
function sizes(n: number, seed = 7): number[] {
  let x = seed;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return i % 17 === 5 ? 5000 : 1 + ((x >> 8) % 900);
  });
}

async function streamOf(n: number): Promise<{ s: string; ids: string[] }> {
  const s = uniq();
  const ids: string[] = [];
  for (const size of sizes(n)) ids.push((await redis.xadd(s, '*', 'v', 'x'.repeat(size)))!);
  return { s, ids };
}

/** A page's bytes stop after the entry that reaches the budget: all before it are under it. */
function expectBounded(messages: readonly Message[], budget = BUDGET): void {
  expect(messages.length).toBeGreaterThan(0);
  const bytes = messages.map(entryBytes);
  const before = bytes.slice(0, -1).reduce((a, b) => a + b, 0);
  expect(before).toBeLessThan(budget);
}

describe.concurrent('range reads stop at the byte budget and continue exactly', () => {
  for (const [name, core] of [['range-1.lua', () => lua], ['a plain first page', () => plain]] as const) {
    it(`forward and reverse, following next to the end (${name})`, async () => {
      const { s, ids } = await streamOf(120);
      for (const reverse of [false, true]) {
        const seen: string[] = [];
        let bound = reverse ? '+' : '-';
        for (let pages = 0; pages < 500; pages++) {
          const q = reverse ? { start: '-', end: bound } : { start: bound, end: '+' };
          const page = await core().streams.read(s, { ...q, count: 1000, reverse });
          // A page that ended exactly at the budget may be followed by an empty last one.
          if (page.messages.length === 0) {
            expect(page.next).toBeNull();
            break;
          }
          expectBounded(page.messages);
          // The budget, not the count, ended every page but the last.
          const total = page.messages.map(entryBytes).reduce((a, b) => a + b, 0);
          if (page.next !== null) expect(total).toBeGreaterThanOrEqual(BUDGET);
          seen.push(...page.messages.map((m) => m.id));
          if (page.next === null) break;
          expect(page.next).toBe(page.messages.at(-1)!.id);
          bound = `(${page.next}`;
        }
        expect(seen).toEqual(reverse ? [...ids].reverse() : ids);
      }
    });
  }

  it('an entry alone over the budget is answered alone; count still applies; a short range answers next null', async () => {
    const s = uniq();
    const big = (await redis.xadd(s, '*', 'v', 'y'.repeat(3 * BUDGET)))!;
    const small = [(await redis.xadd(s, '*', 'v', 'a'))!, (await redis.xadd(s, '*', 'v', 'b'))!];
    expect(await lua.streams.read(s, { start: '-', end: '+', count: 10, reverse: false })).toMatchObject({
      messages: [{ id: big }],
      next: big,
    });
    const rest = await lua.streams.read(s, { start: `(${big}`, end: '+', count: 10, reverse: false });
    expect(rest.messages.map((m) => m.id)).toEqual(small);
    expect(rest.next).toBeNull();
    expect(await lua.streams.read(s, { start: '-', end: '+', count: 1, reverse: false })).toMatchObject({ next: big });
    // Without the budget in the way, everything in one page.
    expect((await unbounded.streams.read(s, { start: '-', end: '+', count: 10, reverse: false })).messages).toHaveLength(3);
  });
});

describe('the first plain page of a range read', () => {
  it('is 100 entries at most, and fits the budget for a stream last read with large entries', async () => {
    // Messages of at most 16 KiB: the first plain page may be 100 of them (64 × the budget).
    const core = testCore({ STREAMGATE_MAX_RESPONSE_BYTES: String(64 * 1024), STREAMGATE_MAX_MESSAGE_BYTES: String(16 * 1024 + 64) });
    const monitor = await redis.monitor();
    const s = uniq();
    const counts: number[] = [];
    // The plain XRANGEs the gateway sends (not those range-1.lua runs).
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args[0]?.toLowerCase() === 'xrange' && args[1] === s && source !== 'lua') counts.push(Number(args[5]));
    });
    try {
      for (let i = 0; i < 150; i++) await redis.xadd(s, '*', 'v', 'w'.repeat(i < 120 ? 100 : 16 * 1024));
      const q = { start: '-', end: '+', count: 1000, reverse: false };
      // Small entries: one plain page of 100; range-1.lua reads on into the large ones.
      const first = await core.streams.read(s, q);
      // The stream is now known for large entries: a plain first page that fits the budget.
      const second = await core.streams.read(s, { ...q, start: `(${first.next}` });
      const third = await core.streams.read(s, { ...q, start: `(${second.next}` });
      for (const page of [first, second, third]) expectBounded(page.messages, 64 * 1024);
      expect(second.messages.length).toBeGreaterThanOrEqual(4);
      await sleep(100);
      expect(counts).toEqual([100, 3, 3]);
    } finally {
      monitor.disconnect();
      await core.close();
    }
  });
});

/** A group `g` whose consumer `c1` holds every entry of the stream (lease 0: plain Redis). */
async function heldBy(n: number): Promise<{ s: string; ids: string[] }> {
  const { s, ids } = await streamOf(n);
  await lua.groups.create(s, { group: 'g', start: '0', leaseMs: 0 });
  // Delivered natively: the pull's own bound is not what these tests are about.
  await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 1000, 'STREAMS', s, '>');
  return { s, ids };
}

const deliveries = async (s: string): Promise<Record<string, [string, number]>> => {
  const list = (await redis.xpending(s, 'g', '-', '+', 1000)) as Array<[string, string, number, number]>;
  return Object.fromEntries(list.map(([id, consumer, , count]) => [id, [consumer, count]]));
};

describe.concurrent('claims, history and listings stop at the byte budget and continue exactly', () => {
  it('claim: the IDs after the message that reached the budget are untried, and come back in untried', async () => {
    const { s, ids } = await heldBy(40);
    let todo = [...ids];
    const claimed: string[] = [];
    for (let calls = 0; todo.length > 0 && calls < 100; calls++) {
      const r = await lua.pending.claim(s, 'g', { consumer: 'c2', minIdleMs: 0, ids: todo });
      if (!('messages' in r)) throw new Error('messages expected');
      expectBounded(r.messages);
      expect([...r.messages.map((m) => m.id), ...r.untried]).toEqual(todo);
      claimed.push(...r.messages.map((m) => m.id));
      todo = r.untried;
    }
    expect(claimed).toEqual(ids);
    // Each claimed once (delivery count 2), none claimed and left unanswered.
    expect(Object.values(await deliveries(s))).toEqual(ids.map(() => ['c2', 2]));
  });

  it('autoclaim: the cursor continues right after the message that reached the budget', async () => {
    const { s, ids } = await heldBy(40);
    const claimed: string[] = [];
    let start = '0-0';
    for (let calls = 0; calls < 100; calls++) {
      const r = await lua.pending.autoclaim(s, 'g', { consumer: 'c2', minIdleMs: 0, start, count: 1000 });
      if (!('messages' in r.claimed)) throw new Error('messages expected');
      expectBounded(r.claimed.messages);
      claimed.push(...r.claimed.messages.map((m) => m.id));
      if (r.next === '0-0') break;
      start = r.next;
    }
    expect(claimed).toEqual(ids);
    expect(Object.values(await deliveries(s))).toEqual(ids.map(() => ['c2', 2]));
  });

  it('history: continue from the last ID; no entry counted as delivered without being answered', async () => {
    const { s, ids } = await heldBy(40);
    const read: string[] = [];
    let from = '0';
    for (let calls = 0; calls < 100; calls++) {
      const page = await lua.consume.pull(s, 'g', pullOf('c1', { from, count: 1000 }));
      if (page.length === 0) break;
      expectBounded(page);
      read.push(...page.map((m) => m.id));
      from = page.at(-1)!.id;
    }
    expect(read).toEqual(ids);
    expect(Object.values(await deliveries(s))).toEqual(ids.map(() => ['c1', 2]));
  });

  it('dead letters: next continues after the dead letter that reached the budget, past other groups', async () => {
    const s = uniq();
    await lua.groups.create(s, { group: 'g', createStream: true });
    const mine: string[] = [];
    for (const [i, size] of sizes(60).entries()) {
      const group = i % 3 === 0 ? 'other' : 'g';
      const id = (await redis.xadd(`${s}:dlq`, '*', 'v', 'z'.repeat(size), 'x-original-stream', s, 'x-group', group))!;
      if (group === 'g') mine.push(id);
    }
    const listed: string[] = [];
    let after: string | undefined;
    for (let calls = 0; calls < 200; calls++) {
      const page = await lua.deadLetters.list(s, 'g', { count: 1000, after });
      if (page.messages.length > 0) expectBounded(page.messages);
      listed.push(...page.messages.map((m) => m.id));
      if (page.next === null) break;
      after = page.next;
    }
    expect(listed).toEqual(mine);
  });

  it('pending entries: next continues after the entry that reached the budget', async () => {
    const { s, ids } = await heldBy(100);
    const listed: string[] = [];
    let start = '-';
    let pages = 0;
    for (; pages < 100; pages++) {
      const page = await lua.pending.entries(s, 'g', { start, end: '+', count: 1000 });
      listed.push(...page.entries.map((e) => e.id));
      const bytes = page.entries.slice(0, -1).reduce((n, e) => n + e.id.length + e.consumer.length + 16, 0);
      expect(bytes).toBeLessThan(BUDGET);
      if (page.next === null) break;
      start = `(${page.next}`;
    }
    expect(listed).toEqual(ids);
    expect(pages).toBeGreaterThan(1);
  });
});
