import { expect } from 'vitest';
import { type Table, counted, pendingOf, setup, txt } from './support.js';

/** The pending list: summary, entries, claim and autoclaim (exactly as XCLAIM / XAUTOCLAIM). */
export const PENDING: Table = {
  async 'pending summary: count, ID range and per-consumer counts; null IDs when none'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 4);
    const empty = await d.pending(s, 'g');
    expect(empty).toEqual({ count: 0, minId: null, maxId: null, consumers: [] });
    await d.pull(s, 'g', 'a', { count: 1 });
    await d.pull(s, 'g', 'b', { count: 2 });
    const summary = await d.pending(s, 'g');
    expect(summary).toEqual({
      count: 3,
      minId: ids[0],
      maxId: ids[2],
      consumers: [
        { name: 'a', count: 1 },
        { name: 'b', count: 2 },
      ],
    });
    return { empty, summary };
  },

  async 'pending entries: owner and delivery count, filtered by range, count, consumer and minIdleMs'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 4);
    await d.pull(s, 'g', 'a', { count: 1 });
    await d.pull(s, 'g', 'b', { count: 3 });
    const list = async (q: Parameters<typeof d.listPending>[2]) => (await d.listPending(s, 'g', q)).map((e) => [e.id, e.consumer]);
    const views = {
      all: await list({}),
      consumer: await list({ consumer: 'a' }),
      range: await list({ start: `(${ids[0]}`, end: ids[2], count: 1 }),
      counted: await list({ count: 1 }),
      minIdle0: await list({ minIdleMs: 0 }),
      minIdleLong: await list({ minIdleMs: 60_000 }),
      minIdleAndConsumer: await list({ minIdleMs: 60_000, consumer: 'b' }),
    };
    expect(views).toEqual({
      all: [
        [ids[0], 'a'],
        [ids[1], 'b'],
        [ids[2], 'b'],
        [ids[3], 'b'],
      ],
      consumer: [[ids[0], 'a']],
      range: [[ids[1], 'b']],
      counted: [[ids[0], 'a']],
      minIdle0: [
        [ids[0], 'a'],
        [ids[1], 'b'],
        [ids[2], 'b'],
        [ids[3], 'b'],
      ],
      minIdleLong: [],
      minIdleAndConsumer: [],
    });
    const [e] = await d.listPending(s, 'g', { count: 1 });
    expect(e!.deliveryCount).toBe(1);
    expect(e!.idleMs).toBeLessThan(10_000);
    return views;
  },

  async 'claim and autoclaim, exactly as Redis'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 4);
    await d.pull(s, 'g', 'c1', { count: 4 });
    const claimed = await d.claim(s, 'g', 'c2', 0, [ids[0]!]);
    expect(claimed.messages?.map((m) => [m.id, txt(m), m.deliveryCount])).toEqual([[ids[0], { n: '0' }, 2]]);
    const justId = await d.claim(s, 'g', 'c2', 0, [ids[1]!], { justId: true });
    expect(justId).toEqual({ messages: null, ids: [ids[1]] });
    const notIdle = await d.claim(s, 'g', 'c2', 60_000, [ids[2]!]);
    expect(notIdle).toEqual({ messages: [], ids: null });
    await d.deleteMessage(s, ids[2]!);
    const auto = await d.autoclaim(s, 'g', 'c3', 0, { start: ids[2]!, count: 10 });
    expect(auto).toMatchObject({ next: '0-0', deletedIds: [ids[2]], ids: null });
    expect(counted(auto.messages!)).toEqual([[ids[3], 2]]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([
      [ids[0], 'c2', 2],
      [ids[1], 'c2', 1],
      [ids[3], 'c3', 2],
    ]);
    return { claimed, justId, notIdle, auto, pending };
  },

  async 'claim options: retryCount, idleMs, force for entries never delivered; IDs not pending are left'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 4);
    await d.pull(s, 'g', 'c1', { count: 2 });
    const retry = await d.claim(s, 'g', 'c2', 0, [ids[0]!], { retryCount: 7 });
    expect(counted(retry.messages!)).toEqual([[ids[0], 7]]);
    const idle = await d.claim(s, 'g', 'c2', 0, [ids[1]!], { idleMs: 5000, justId: true });
    expect(idle.ids).toEqual([ids[1]]);
    const [, second] = await d.listPending(s, 'g');
    expect(second!.idleMs, 'IDLE set the idle time').toBeGreaterThanOrEqual(5000);
    // minIdleMs tells entries apart by their idle time: only the one set back 5 s.
    const idleOnly = (await d.listPending(s, 'g', { minIdleMs: 4000 })).map((e) => e.id);
    expect(idleOnly).toEqual([ids[1]]);
    // ids[2] was never delivered: only force makes it pending (Redis counts the claim: 2).
    const unforced = await d.claim(s, 'g', 'c3', 0, [ids[2]!]);
    expect(unforced).toEqual({ messages: [], ids: null });
    const forced = await d.claim(s, 'g', 'c3', 0, [ids[2]!], { force: true });
    expect(counted(forced.messages!)).toEqual([[ids[2], 2]]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([
      [ids[0], 'c2', 7],
      [ids[1], 'c2', 1],
      [ids[2], 'c3', 2],
    ]);
    return { retry, idle, idleOnly, unforced, forced, pending };
  },

  async 'autoclaim scans the pending list in pages: claims idle messages, reports deleted IDs'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 4);
    await d.pull(s, 'g', 'c1', { count: 4 });
    await d.deleteMessage(s, ids[1]!);
    const first = await d.autoclaim(s, 'g', 'c2', 0, { count: 1 });
    expect(counted(first.messages!)).toEqual([[ids[0], 2]]);
    expect(txt(first.messages![0])).toEqual({ n: '0' });
    expect(first.next).toBe(ids[1]);
    const rest = await d.autoclaim(s, 'g', 'c2', 0, { start: first.next, justId: true });
    expect(rest).toEqual({ next: '0-0', ids: [ids[2], ids[3]], messages: null, deletedIds: [ids[1]] });
    // The deleted entry left the pending list (as XAUTOCLAIM does); the others are c2's.
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([
      [ids[0], 'c2', 2],
      [ids[2], 'c2', 1],
      [ids[3], 'c2', 1],
    ]);
    const idle = await d.autoclaim(s, 'g', 'c3', 60_000, { justId: true });
    expect(idle).toEqual({ next: '0-0', ids: [], messages: null, deletedIds: [] });
    return { first, rest, pending, idle };
  },
};
