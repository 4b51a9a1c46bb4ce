import { expect } from 'vitest';
import { sleep } from '../../helpers/core.js';
import { type Table, idsOf, setup, txt } from './support.js';

/**
 * Dead letters whatever the slots of the stream and its dead-letter stream: a duplicate dead
 * letter (what a move across Redis Cluster slots cut short between its two steps leaves) is
 * redriven once; a dead-letter stream named with the stream's hash tag works as any other.
 * Run by the scenario table (one Redis: every move one script) and, with the two-step path
 * forced, by dead-letters-across-slots.test.ts.
 */
export const DEAD_LETTERS_ACROSS_SLOTS: Table = {
  async 'redrive skips duplicate dead letters (same x-original-id): within one call and across calls'(d, x) {
    const s = x.name();
    const dlq = `${s}:dlq`;
    const ids = await setup(d, s, 2, { leaseMs: 200, maxDeliveries: 1 });
    expect(idsOf(await d.pull(s, 'g', 'c1', { count: 2 }))).toEqual(ids);
    await sleep(400); // outlasts the 200 ms lease
    expect(await d.pull(s, 'g', 'c1', { count: 2 })).toEqual([]);
    // A second copy of each dead letter, as a move cut short between its steps leaves it.
    const native = await x.redis.xrange(dlq, '-', '+');
    expect(native).toHaveLength(2);
    for (const [, fields] of native) await x.redis.xadd(dlq, '*', ...fields);
    const listed = await d.deadLetters(s, 'g');
    expect(listed.messages.map((m) => txt(m)?.['x-original-id'])).toEqual([...ids, ...ids]);
    const once = await d.redrive(s, 'g', { count: 10 });
    expect(once.redriven).toBe(2);
    // The duplicates were deleted with their originals: nothing left to redrive.
    const left = await d.deadLetters(s, 'g');
    expect(left.messages).toEqual([]);
    const back = await d.read(s);
    expect(back.map(txt)).toEqual([{ n: '0' }, { n: '1' }, { n: '0' }, { n: '1' }]);
    // A duplicate written after its original was redriven: skipped by a later call too.
    await x.redis.xadd(dlq, '*', ...native[0]![1]);
    const later = await d.deadLetters(s, 'g');
    expect(later.messages).toHaveLength(1);
    const byId = await d.redrive(s, 'g', { ids: [later.messages[0]!.id] });
    expect(byId).toEqual({ redriven: 0, ids: [] });
    const none = await d.deadLetters(s, 'g');
    expect(none.messages).toEqual([]);
    expect(await x.redis.xlen(s)).toBe(4);
    return { once: once.redriven, left: left.messages.length, back: back.length, byId, none: none.messages.length };
  },

  async 'a dead-letter stream with the stream’s hash tag ({tag}:dlq): maxDeliveries, term and redrive'(d, x) {
    const s = `{${x.name()}}`;
    const dlq = `${s}:dlq`;
    const ids = await setup(d, s, 3, { leaseMs: 200, maxDeliveries: 1, deadLetterStream: dlq });
    expect(idsOf(await d.pull(s, 'g', 'c1', { count: 2 }))).toEqual(ids.slice(0, 2));
    const term = await d.term(s, 'g', [ids[1]!], { reason: 'bad' });
    expect(term).toEqual({ count: 1, notPending: [], deleted: [] });
    await sleep(400); // outlasts the 200 ms lease
    expect(idsOf(await d.pull(s, 'g', 'c2', { count: 2 }))).toEqual([ids[2]]);
    expect((await d.pending(s, 'g')).count).toBe(1);
    const dead = await d.deadLetters(s, 'g');
    expect(dead.messages.map((m) => [txt(m)?.['x-original-id'], txt(m)?.['x-reason']])).toEqual([
      [ids[1], 'bad'],
      [ids[0], undefined],
    ]);
    expect(await x.redis.xlen(dlq)).toBe(2);
    const redriven = await d.redrive(s, 'g');
    expect(redriven.redriven).toBe(2);
    expect((await d.read(s)).map(txt)).toEqual([{ n: '0' }, { n: '1' }, { n: '2' }, { n: '1' }, { n: '0' }]);
    return { term, dead: dead.messages.length, redriven: redriven.redriven };
  },
};
