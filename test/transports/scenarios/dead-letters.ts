import { expect } from 'vitest';
import { sleep } from '../../helpers/core.js';
import type { Driver } from '../driver.js';
import { type Table, codeOf, counted, idsOf, setup, txt } from './support.js';

/**
 * Groups g (3 messages) and h (1 message) of stream `s` share `<s>:dlq`, maxDeliveries 1 and
 * a 200 ms lease: after one delivery and an expired lease, the next pull dead-letters.
 */
async function deadLettered(d: Driver, s: string): Promise<string[]> {
  const values = [Buffer.from([0xff, 0x00, 0xfe]), Buffer.from('two'), Buffer.from('three')];
  const { ids } = await d.publish(
    s,
    values.map((v) => ({ fields: { body: v } })),
  );
  await d.createGroup(s, 'g', { start: '0', leaseMs: 200, maxDeliveries: 1 });
  await d.createGroup(s, 'h', { start: '0', leaseMs: 200, maxDeliveries: 1 });
  expect(idsOf(await d.pull(s, 'g', 'c1', { count: 3 }))).toEqual(ids);
  expect(idsOf(await d.pull(s, 'h', 'hc', { count: 1 }))).toEqual([ids[0]]);
  await sleep(400); // outlasts the 200 ms leases (Redis idle time)
  expect(await d.pull(s, 'g', 'c2', { count: 3 })).toEqual([]);
  // h's second message is new to h: delivered; its first is dead-lettered on the way.
  expect(idsOf(await d.pull(s, 'h', 'hc2', { count: 1 }))).toEqual([ids[1]]);
  return ids;
}

/** Dead-lettering after maxDeliveries, listing dead letters and redriving them. */
export const DEAD_LETTERS: Table = {
  async 'dead-lettering after maxDeliveries, with the x-* fields'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 200, maxDeliveries: 2 });
    await d.publish(s, [{ fields: { payload: Buffer.from([0xde, 0xad, 0x00, 0xff]) } }]).then((r) => ids.push(...r.ids));
    expect(counted(await d.pull(s, 'g', 'c1', { count: 2 }))).toEqual([
      [ids[0], 1],
      [ids[1], 1],
    ]);
    await sleep(400); // outlasts the 200 ms lease
    expect(counted(await d.pull(s, 'g', 'c2', { count: 2 }))).toEqual([
      [ids[0], 2],
      [ids[1], 2],
    ]);
    await sleep(400); // outlasts the 200 ms lease again
    // A third delivery would exceed maxDeliveries: dead-lettered instead, acked in the group.
    const third = await d.pull(s, 'g', 'c3', { count: 2 });
    expect(third).toEqual([]);
    const pending = await d.pending(s, 'g');
    expect(pending.count).toBe(0);
    const dead = await d.deadLetters(s, 'g');
    expect(dead.next).toBe(null);
    expect(dead.messages.map(txt)[0]).toEqual({
      n: '0',
      'x-original-id': ids[0],
      'x-original-stream': s,
      'x-group': 'g',
      'x-deliveries': '2',
      'x-last-consumer': 'c2',
    });
    expect(dead.messages[1]?.fields?.payload).toEqual(Buffer.from([0xde, 0xad, 0x00, 0xff]));
    expect(txt(dead.messages[1])?.['x-original-id']).toBe(ids[1]);
    // Never deleted from the source stream.
    const source = await d.read(s);
    expect(idsOf(source)).toEqual(ids);
    const page = await d.deadLetters(s, 'g', { count: 1 });
    expect(idsOf(page.messages)).toEqual([dead.messages[0]!.id]);
    expect(page.next).toBe(dead.messages[0]!.id);
    const rest = await d.deadLetters(s, 'g', { after: page.next! });
    expect(idsOf(rest.messages)).toEqual([dead.messages[1]!.id]);
    return { third, pending, dead, source: source.length, page, rest };
  },

  async 'a shared dead-letter stream: each group lists only its own, in pages; the x-* fields follow the original ones'(d, x) {
    const s = x.name();
    const ids = await deadLettered(d, s);
    expect(await x.redis.xlen(`${s}:dlq`)).toBe(4);
    const all = await d.deadLetters(s, 'g');
    expect(all.next).toBe(null);
    expect(all.messages[0]?.fields?.body).toEqual(Buffer.from([0xff, 0x00, 0xfe]));
    expect(all.messages.map((m) => ({ ...txt(m), body: undefined }))).toEqual(
      ids.map((id) => ({
        body: undefined,
        'x-original-id': id,
        'x-original-stream': s,
        'x-group': 'g',
        'x-deliveries': '1',
        'x-last-consumer': 'c1',
      })),
    );
    // What Redis holds: the original fields first, then the five x-* fields, in that order.
    const [native] = await x.redis.xrange(`${s}:dlq`, all.messages[1]!.id, all.messages[1]!.id);
    expect(native![1].filter((_, i) => i % 2 === 0)).toEqual(['body', 'x-original-id', 'x-original-stream', 'x-group', 'x-deliveries', 'x-last-consumer']);
    const page1 = await d.deadLetters(s, 'g', { count: 2 });
    expect(idsOf(page1.messages)).toEqual(idsOf(all.messages).slice(0, 2));
    expect(page1.next).toBe(all.messages[1]!.id);
    const page2 = await d.deadLetters(s, 'g', { count: 2, after: page1.next! });
    expect(idsOf(page2.messages)).toEqual(idsOf(all.messages).slice(2));
    expect(page2.next).toBe(null);
    const h = (await d.deadLetters(s, 'h')).messages.map((m) => [txt(m)?.['x-original-id'], txt(m)?.['x-group'], txt(m)?.['x-last-consumer']]);
    expect(h).toEqual([[ids[0], 'h', 'hc']]);
    // The source entries stay (other groups may still need them).
    expect(await x.redis.xlen(s)).toBe(3);
    return { all, page1, page2, h };
  },

  async 'redrive: dead letters back to the stream as new messages'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3, { leaseMs: 200, maxDeliveries: 1 });
    await d.pull(s, 'g', 'c1', { count: 3 });
    await sleep(400); // outlasts the 200 ms lease
    expect(await d.pull(s, 'g', 'c1', { count: 3 })).toEqual([]);
    const dead = await d.deadLetters(s, 'g');
    expect(dead.messages.map((m) => txt(m)?.['x-original-id'])).toEqual(ids);

    const byId = await d.redrive(s, 'g', { ids: [dead.messages[1]!.id, '1-0'] });
    expect(byId.redriven).toBe(1);
    const oldest = await d.redrive(s, 'g', { count: 1 });
    expect(oldest.redriven).toBe(1);
    const left = await d.deadLetters(s, 'g');
    expect(idsOf(left.messages)).toEqual([dead.messages[2]!.id]);
    const rest = await d.redrive(s, 'g');
    expect(rest.redriven).toBe(1);
    const none = await d.redrive(s, 'g');
    expect(none).toEqual({ redriven: 0, ids: [] });

    // Republished with the original fields only, and delivered afresh.
    const back = await x.redis.xrange(s, byId.ids[0]!, byId.ids[0]!);
    expect(back).toEqual([[byId.ids[0], ['n', '1']]]);
    const again = await d.pull(s, 'g', 'c2', { count: 10 });
    expect(idsOf(again)).toEqual([...byId.ids, ...oldest.ids, ...rest.ids]);
    expect(again.map(txt)).toEqual([{ n: '1' }, { n: '0' }, { n: '2' }]);
    expect(again.map((m) => m.deliveryCount)).toEqual([1, 1, 1]);
    const conflict = await codeOf(d.redrive(s, 'g', { ids: ['1-0'], count: 1 }));
    expect(conflict).toBe('VALIDATION_FAILED');
    return { dead: dead.messages.length, byId, oldest, left, rest, none, again, conflict };
  },

  async 'redrive in a shared dead-letter stream touches only the group’s own letters'(d, x) {
    const s = x.name();
    await deadLettered(d, s);
    const dead = (await d.deadLetters(s, 'g')).messages;
    const one = await d.redrive(s, 'g', { ids: [dead[1]!.id] });
    expect(one.ids).toHaveLength(1);
    const [back] = await d.read(s, { start: one.ids[0]!, end: one.ids[0]! });
    expect(back?.fields).toEqual({ body: Buffer.from('two') });
    const hLetter = (await d.deadLetters(s, 'h')).messages[0]!.id;
    // h's dead letter is not g's to redrive: only g's own is.
    const mixed = await d.redrive(s, 'g', { ids: [dead[2]!.id, hLetter] });
    expect(mixed.redriven).toBe(1);
    const hLeft = idsOf((await d.deadLetters(s, 'h')).messages);
    expect(hLeft).toEqual([hLetter]);
    const gLeft = idsOf((await d.deadLetters(s, 'g')).messages);
    expect(gLeft).toEqual([dead[0]!.id]);
    return { one: one.redriven, mixed: mixed.redriven, hLeft: hLeft.length, gLeft: gLeft.length };
  },
};
