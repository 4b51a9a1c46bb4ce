import { expect } from 'vitest';
import { sleep } from '../../helpers/core.js';
import { type Table, codeOf, counted, idsOf, pendingOf, setup, stringKey, txt } from './support.js';

/**
 * Term (dead-letter now) and the ownership-checked ack, nack and extend (`consumer`). The
 * dead letter of a term is the one maxDeliveries makes, plus x-reason: its fields are
 * checked by name, and in Redis's order through a native client.
 */
export const TERM_OWNED: Table = {
  async 'term: a pending message goes to the dead-letter stream with the x-* fields and x-reason, and is acked (maxDeliveries 0)'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3);
    expect((await d.group(s, 'g')).maxDeliveries).toBe(0);
    await d.pull(s, 'g', 'c1', { count: 2 });
    await d.pull(s, 'g', 'c2');
    const term = await d.term(s, 'g', [ids[0]!, '1-0', ids[0]!], { reason: 'unparseable: "é" ✓' });
    // The repeat is no longer pending once its first occurrence was terminated.
    expect(term).toEqual({ count: 1, notPending: ['1-0', ids[0]], deleted: [] });
    // Without a consumer, whoever holds it; without a reason, no x-reason.
    const other = await d.term(s, 'g', [ids[2]!]);
    expect(other).toEqual({ count: 1, notPending: [], deleted: [] });
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[1], 'c1', 1]]);
    const dead = await d.deadLetters(s, 'g');
    expect(dead.messages.map(txt)).toEqual([
      {
        n: '0',
        'x-original-id': ids[0],
        'x-original-stream': s,
        'x-group': 'g',
        'x-deliveries': '1',
        'x-last-consumer': 'c1',
        'x-reason': 'unparseable: "é" ✓',
      },
      { n: '2', 'x-original-id': ids[2], 'x-original-stream': s, 'x-group': 'g', 'x-deliveries': '1', 'x-last-consumer': 'c2' },
    ]);
    // What Redis holds: the original fields, the five x-* fields, then x-reason.
    const native = await x.redis.xrange(`${s}:dlq`, '-', '+');
    expect(native.map(([, f]) => f.filter((_, i) => i % 2 === 0))).toEqual([
      ['n', 'x-original-id', 'x-original-stream', 'x-group', 'x-deliveries', 'x-last-consumer', 'x-reason'],
      ['n', 'x-original-id', 'x-original-stream', 'x-group', 'x-deliveries', 'x-last-consumer'],
    ]);
    // The source entries stay; a term again finds nothing pending.
    expect(idsOf(await d.read(s))).toEqual(ids);
    const again = await d.term(s, 'g', [ids[0]!], { reason: 'again' });
    expect(again).toEqual({ count: 0, notPending: [ids[0]], deleted: [] });
    expect(await x.redis.xlen(`${s}:dlq`)).toBe(2);
    return { term, other, pending, dead, again };
  },

  async 'term uses the group dead-letter stream, follows a change of it, counts deliveries, and works without leases'(d, x) {
    const s = x.name();
    const dlq1 = x.name();
    const dlq2 = x.name();
    const ids = await setup(d, s, 2, { leaseMs: 0, maxDeliveries: 5, deadLetterStream: dlq1 });
    await d.pull(s, 'g', 'c1', { count: 2 });
    // A history read counts as a delivery, as Redis counts it.
    expect(counted(await d.pull(s, 'g', 'c1', { from: '0', count: 1 }))).toEqual([[ids[0], 2]]);
    const first = await d.term(s, 'g', [ids[0]!], { reason: 'r1' });
    expect(first).toEqual({ count: 1, notPending: [], deleted: [] });
    await d.updateGroup(s, 'g', { deadLetterStream: dlq2 });
    const second = await d.term(s, 'g', [ids[1]!], { reason: 'r2' });
    expect(second).toEqual({ count: 1, notPending: [], deleted: [] });
    const one = (await x.redis.xrange(dlq1, '-', '+')).map(([, f]) => f);
    const two = (await x.redis.xrange(dlq2, '-', '+')).map(([, f]) => f);
    expect(one).toEqual([
      ['n', '0', 'x-original-id', ids[0], 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '2', 'x-last-consumer', 'c1', 'x-reason', 'r1'],
    ]);
    expect(two).toEqual([
      ['n', '1', 'x-original-id', ids[1], 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '1', 'x-last-consumer', 'c1', 'x-reason', 'r2'],
    ]);
    expect(await x.redis.exists(`${s}:dlq`)).toBe(0);
    expect((await d.pending(s, 'g')).count).toBe(0);
    return { first, second, one, two };
  },

  async 'term with consumer: only its own messages; the others notOwned, left alone'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 2);
    await d.pull(s, 'g', 'c1');
    await d.pull(s, 'g', 'c2');
    const term = await d.term(s, 'g', [ids[0]!, ids[1]!, '1-0'], { consumer: 'c1', reason: 'poison' });
    expect(term).toEqual({ count: 1, notPending: [ids[1], '1-0'], notOwned: [ids[1]], deleted: [] });
    // Nothing not owned: notOwned is there, empty (the driver leaves an empty one out).
    const none = await d.term(s, 'g', ['1-0'], { consumer: 'c1' });
    expect(none).toEqual({ count: 0, notPending: ['1-0'], deleted: [] });
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[1], 'c2', 1]]);
    const dead = (await d.deadLetters(s, 'g')).messages.map((m) => txt(m)?.['x-original-id']);
    expect(dead).toEqual([ids[0]]);
    return { term, none, pending, dead };
  },

  async 'term of a message deleted while pending: acked, listed in deleted, nothing dead-lettered'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 2);
    await d.pull(s, 'g', 'c1', { count: 2 });
    expect(await d.deleteMessage(s, ids[0]!)).toBe(1);
    const term = await d.term(s, 'g', [ids[0]!, ids[1]!], { reason: 'gone' });
    expect(term).toEqual({ count: 1, notPending: [], deleted: [ids[0]] });
    expect((await d.pending(s, 'g')).count).toBe(0);
    const dead = (await d.deadLetters(s, 'g')).messages.map((m) => txt(m)?.['x-original-id']);
    expect(dead).toEqual([ids[1]]);
    return { term, dead };
  },

  async 'redrive brings terminated messages back as new messages, x-reason removed with the x-* fields'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3, { leaseMs: 200, maxDeliveries: 1 });
    // One dead-lettered by maxDeliveries, one terminated with a reason, one without.
    await d.pull(s, 'g', 'c1');
    await sleep(400); // outlasts the 200 ms lease
    expect(idsOf(await d.pull(s, 'g', 'c1', { count: 2 }))).toEqual([ids[1], ids[2]]);
    expect((await d.term(s, 'g', [ids[1]!], { reason: 'bad' })).count).toBe(1);
    expect((await d.term(s, 'g', [ids[2]!])).count).toBe(1);
    const dead = await d.deadLetters(s, 'g');
    expect(dead.messages.map((m) => txt(m)?.['x-original-id'])).toEqual(ids);
    const redriven = await d.redrive(s, 'g');
    expect(redriven.redriven).toBe(3);
    expect((await d.deadLetters(s, 'g')).messages).toEqual([]);
    const back = await d.read(s, { start: `(${ids[2]}` });
    expect(idsOf(back)).toEqual(redriven.ids);
    expect(back.map(txt)).toEqual([{ n: '0' }, { n: '1' }, { n: '2' }]);
    const native = await x.redis.xrange(s, redriven.ids[1]!, redriven.ids[1]!);
    expect(native[0]![1]).toEqual(['n', '1']);
    const again = await d.pull(s, 'g', 'c2', { count: 3 });
    expect(counted(again)).toEqual(redriven.ids.map((id) => [id, 1]));
    return { dead, redriven, back, again };
  },

  async 'ack with consumer acks only its own; without consumer, whoever holds them (unchanged)'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3);
    await d.pull(s, 'g', 'c1');
    await d.pull(s, 'g', 'c2', { count: 2 });
    const owned = await d.ack(s, 'g', [ids[0]!, ids[1]!, '1-0', ids[0]!], 'c1');
    expect(owned).toEqual({ count: 1, notPending: [ids[1], '1-0', ids[0]], notOwned: [ids[1]] });
    expect(await pendingOf(d, s)).toEqual([
      [ids[1], 'c2', 1],
      [ids[2], 'c2', 1],
    ]);
    const mine = await d.ack(s, 'g', [ids[1]!], 'c2');
    expect(mine).toEqual({ count: 1, notPending: [] });
    // No consumer: XACK, whoever holds it (c2 here), no notOwned.
    const anyone = await d.ack(s, 'g', [ids[2]!, '1-0']);
    expect(anyone).toEqual({ count: 1, notPending: ['1-0'] });
    expect((await d.pending(s, 'g')).count).toBe(0);
    return { owned, mine, anyone };
  },

  async 'a lease lost to another consumer: the old holder’s ack, nack, extend and term with consumer leave it alone'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 200 });
    const id = ids[0]!;
    await d.pull(s, 'g', 'old');
    await sleep(400); // outlasts the 200 ms lease
    expect(counted(await d.pull(s, 'g', 'new'))).toEqual([[id, 2]]);
    const ack = await d.ack(s, 'g', [id], 'old');
    const nack = await d.nack(s, 'g', 'old', [id], 0);
    const extend = await d.extend(s, 'g', 'old', [id]);
    const term = await d.term(s, 'g', [id], { consumer: 'old', reason: 'late' });
    const notOwned = { count: 0, notPending: [id], notOwned: [id] };
    expect([ack, nack, extend]).toEqual([notOwned, notOwned, notOwned]);
    expect(term).toEqual({ ...notOwned, deleted: [] });
    expect(await pendingOf(d, s)).toEqual([[id, 'new', 2]]);
    expect((await d.deadLetters(s, 'g')).messages).toEqual([]);
    // The new holder's ack decides.
    const mine = await d.ack(s, 'g', [id], 'new');
    expect(mine).toEqual({ count: 1, notPending: [] });
    return { ack, nack, extend, term, mine };
  },

  async 'term refusals: reason over 1024 bytes, no IDs, a bad ID or consumer, no group or stream, a dead-letter key of another type'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1);
    await d.pull(s, 'g', 'c1');
    // 1024 bytes pass; 1026 (513 two-byte characters) do not.
    const longest = await d.term(s, 'g', ['1-0'], { reason: 'é'.repeat(512) });
    expect(longest.notPending).toEqual(['1-0']);
    const codes = {
      reason: await codeOf(d.term(s, 'g', [ids[0]!], { reason: 'é'.repeat(513) })),
      empty: await codeOf(d.term(s, 'g', [])),
      id: await codeOf(d.term(s, 'g', ['bad'])),
      consumer: await codeOf(d.term(s, 'g', [ids[0]!], { consumer: 'a b' })),
      group: await codeOf(d.term(s, 'nope', [ids[0]!])),
      stream: await codeOf(d.term(x.name(), 'g', [ids[0]!])),
      ackConsumer: await codeOf(d.ack(s, 'g', [ids[0]!], 'a b')),
    };
    expect(codes).toEqual({
      reason: 'VALIDATION_FAILED',
      empty: 'VALIDATION_FAILED',
      id: 'INVALID_ID',
      consumer: 'VALIDATION_FAILED',
      group: 'GROUP_NOT_FOUND',
      stream: 'STREAM_NOT_FOUND',
      ackConsumer: 'VALIDATION_FAILED',
    });
    const wrong = await stringKey(x);
    await d.updateGroup(s, 'g', { deadLetterStream: wrong });
    const dlqType = await codeOf(d.term(s, 'g', [ids[0]!]));
    expect(dlqType).toBe('NOT_A_STREAM');
    // Nothing changed by any refusal.
    expect(await pendingOf(d, s)).toEqual([[ids[0], 'c1', 1]]);
    expect(await x.redis.get(wrong)).toBe('v');
    return { longest, codes, dlqType };
  },
};
