import { expect } from 'vitest';
import { type Table, codeOf, idsOf, pendingOf, setup } from './support.js';

/**
 * A group's dead-letter key holding another type (a string): the answers of every verb are
 * those of one script, whether the dead-letter stream is in the stream's slot or in another
 * (a Cluster, or the two-step moves forced on one node): the key's type is checked where
 * one script checks it (pull: when the group dead-letters; term: always), before anything
 * else changes; the verbs that never write a dead letter do not look at it.
 */
export const DEAD_LETTER_TYPE: Table = {
  async 'a dead-letter key of another type: pulls of a group that dead-letters are refused; ack, nack, extend answer as usual'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 4, { maxDeliveries: 2 });
    const held = idsOf(await d.pull(s, 'g', 'c', { count: 3 }));
    await x.redis.set(`${s}:dlq`, 'v');
    const codes = [
      await codeOf(d.pull(s, 'g', 'c')),
      await codeOf(d.pull(s, 'g', 'c', { waitMs: 100 })),
      await codeOf(d.pull(s, 'g', 'c', { noAck: true })),
    ];
    expect(codes).toEqual(['NOT_A_STREAM', 'NOT_A_STREAM', 'NOT_A_STREAM']);
    // Nothing delivered by the refused pulls; the verbs that write no dead letter go on.
    const pending = await pendingOf(d, s);
    expect(pending).toEqual(held.map((id) => [id, 'c', 1]));
    const answers = [
      await d.extend(s, 'g', 'c', [held[0]!]),
      await d.nack(s, 'g', 'c', [held[1]!]),
      await d.ack(s, 'g', [held[2]!]),
      await d.ack(s, 'g', [held[0]!], 'c'),
    ];
    expect(answers.map((a) => a.count)).toEqual([1, 1, 1, 1]);
    // A history read (the consumer's own pending entries) never dead-letters: answered.
    const history = idsOf(await d.pull(s, 'g', 'c', { from: '0' }));
    expect(history).toEqual([held[1]]);
    // A pull carrying acks is refused after them: the acks stand.
    expect(await codeOf(d.pullAcking(s, 'g', 'c', [held[1]!]))).toBe('NOT_A_STREAM');
    expect((await d.pending(s, 'g')).count).toBe(0);
    // The key fixed (deleted): pulls deliver again, from where they were.
    await x.redis.del(`${s}:dlq`);
    const next = idsOf(await d.pull(s, 'g', 'c', { count: 10 }));
    expect(next).toEqual([ids[3]]);
    return { codes, pending, answers, history, next };
  },

  async 'a dead-letter key of another type: a group that does not dead-letter pulls as usual; term is refused, before anything changes'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 2);
    await x.redis.set(`${s}:dlq`, 'v');
    const pulled = idsOf(await d.pull(s, 'g', 'c', { count: 1 }));
    expect(pulled).toEqual([ids[0]]);
    const codes = [
      await codeOf(d.term(s, 'g', [ids[0]!], { reason: 'r' })),
      await codeOf(d.term(s, 'g', ['1-0'])),
      await codeOf(d.term(s, 'g', [ids[0]!], { consumer: 'other' })),
      // The group's existence is checked first, as one script does.
      await codeOf(d.term(s, 'nope', [ids[0]!])),
    ];
    expect(codes).toEqual(['NOT_A_STREAM', 'NOT_A_STREAM', 'NOT_A_STREAM', 'GROUP_NOT_FOUND']);
    // Still pending, as it was; the listing and a redrive find a key of another type.
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[0], 'c', 1]]);
    const listing = [await codeOf(d.deadLetters(s, 'g')), await codeOf(d.redrive(s, 'g'))];
    expect(listing).toEqual(['NOT_A_STREAM', 'NOT_A_STREAM']);
    await x.redis.del(`${s}:dlq`);
    const term = await d.term(s, 'g', [ids[0]!]);
    expect(term.count).toBe(1);
    return { pulled, codes, pending, listing, term };
  },
};
