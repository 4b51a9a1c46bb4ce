import { expect } from 'vitest';
import { sleep } from '../../helpers/core.js';
import { until } from '../../helpers/wait.js';
import { type Table, codeOf, counted, f, idsOf, pendingOf, setup, txt } from './support.js';

/**
 * Pull, ack, nack and extend. Leases are idle times that Redis measures server side, so the
 * scenarios about expiry sleep for real (fake timers cannot move Redis's clock); each such
 * sleep says which lease it outlasts.
 */
export const CONSUME: Table = {
  async 'consumer-group workflow: publish, two consumers share, ack, pending'(d, x) {
    const s = x.name();
    const pub = await d.publish(s, ['a', 'b', 'c', 'd'].map((v) => ({ fields: f({ job: v }) })));
    expect(pub.replayed).toBe(false);
    expect(pub.ids).toHaveLength(4);
    const ids = pub.ids;
    const group = await d.createGroup(s, 'g', { start: '0' });
    // (entriesRead of a group made at "0" is left out: Redis versions report it differently.)
    expect(group).toMatchObject({
      name: 'g',
      consumers: 0,
      pending: 0,
      lastDeliveredId: '0-0',
      lag: 4,
      leaseMs: 30000,
      maxDeliveries: 0,
      deadLetterStream: `${s}:dlq`,
    });
    const c1 = await d.pull(s, 'g', 'c1', { count: 2 });
    const c2 = await d.pull(s, 'g', 'c2', { count: 10 });
    expect(counted(c1)).toEqual([
      [ids[0], 1],
      [ids[1], 1],
    ]);
    expect(counted(c2)).toEqual([
      [ids[2], 1],
      [ids[3], 1],
    ]);
    expect(c1.map(txt)).toEqual([{ job: 'a' }, { job: 'b' }]);
    // Leased: nobody gets them again while the lease runs.
    expect(await d.pull(s, 'g', 'c1', { count: 10 })).toEqual([]);

    const ack = await d.ack(s, 'g', [...idsOf(c1), '1-0']);
    expect(ack).toEqual({ count: 2, notPending: ['1-0'] });
    const again = await d.ack(s, 'g', [ids[0]!, ids[2]!]);
    expect(again).toEqual({ count: 1, notPending: [ids[0]] });
    const pending = await d.pending(s, 'g');
    expect(pending).toEqual({ count: 1, minId: ids[3], maxId: ids[3], consumers: [{ name: 'c2', count: 1 }] });
    const consumers = (await d.consumers(s, 'g')).map((c) => ({ name: c.name, pending: c.pending }));
    expect(consumers).toEqual([
      { name: 'c1', pending: 0 },
      { name: 'c2', pending: 1 },
    ]);
    const after = await d.group(s, 'g');
    expect(after).toMatchObject({ consumers: 2, pending: 1, lastDeliveredId: ids[3], entriesRead: 4, lag: 0 });
    return { pub, group, c1, c2, ack, again, pending, consumers, after, groups: await d.groups(s) };
  },

  async 'pull delivers each new message once, leased to its consumer; count defaults to 1'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3);
    const first = await d.pull(s, 'g', 'c1');
    expect(first.map((m) => [m.id, m.deliveryCount, m.deleted, txt(m)])).toEqual([[ids[0], 1, false, { n: '0' }]]);
    const rest = idsOf(await d.pull(s, 'g', 'c2', { count: 100 }));
    expect(rest).toEqual(ids.slice(1));
    expect(await d.pull(s, 'g', 'c1', { count: 100 })).toEqual([]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'c2', 1],
      [ids[2], 'c2', 1],
    ]);
    return { first, rest, pending };
  },

  async 'lease expiry redelivers with deliveryCount 2 (leaseMs 200)'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 200 });
    const first = await d.pull(s, 'g', 'c1');
    expect(counted(first)).toEqual([[ids[0], 1]]);
    const during = await d.pull(s, 'g', 'c2');
    expect(during).toEqual([]);
    await sleep(400); // outlasts the 200 ms lease (Redis idle time)
    const after = await d.pull(s, 'g', 'c2');
    expect(counted(after)).toEqual([[ids[0], 2]]);
    expect(txt(after[0])).toEqual({ n: '0' });
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[0], 'c2', 2]]);
    return { first, during, after, pending };
  },

  async 'extend keeps the lease past its first expiry; deliveryCount unchanged'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 600 });
    await d.pull(s, 'g', 'c1');
    await sleep(350); // into the 600 ms lease, so that the extension matters
    const extended = await d.extend(s, 'g', 'c1', ids);
    expect(extended).toEqual({ count: 1, notPending: [] });
    const [entry] = await d.listPending(s, 'g');
    expect(entry!.idleMs, 'extend restarts the idle clock').toBeLessThan(300);
    await sleep(350); // 700 ms after the pull: past the first lease, within the extended one
    const during = await d.pull(s, 'g', 'c2');
    expect(during).toEqual([]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[0], 'c1', 1]]);
    await sleep(400); // 1100 ms after the pull: the extended lease (from 350 ms) is over too
    const after = await d.pull(s, 'g', 'c2');
    expect(counted(after)).toEqual([[ids[0], 2]]);
    return { extended, during, pending, after };
  },

  async 'nack(0) releases at once to another consumer'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 2, { leaseMs: 30000 });
    await d.pull(s, 'g', 'c1', { count: 2 });
    expect(await d.pull(s, 'g', 'c2')).toEqual([]);
    const nack = await d.nack(s, 'g', 'c1', [ids[1]!], 0);
    expect(nack).toEqual({ count: 1, notPending: [] });
    // Nack itself leaves deliveryCount alone: Redis counts the next delivery.
    const before = await pendingOf(d, s);
    expect(before).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'c1', 1],
    ]);
    const got = await d.pull(s, 'g', 'c2', { count: 10 });
    expect(counted(got)).toEqual([[ids[1], 2]]);
    expect(txt(got[0])).toEqual({ n: '1' });
    // A delay may exceed the lease (up to 12 h), not 12 h.
    const overMax = await codeOf(d.nack(s, 'g', 'c1', [ids[0]!], 43_200_001));
    expect(overMax).toBe('VALIDATION_FAILED');
    expect(await pendingOf(d, s)).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'c2', 2],
    ]);
    return { nack, before, got, overMax };
  },

  async 'nack with delayMs makes the message eligible only after the delay'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 30000 });
    await d.pull(s, 'g', 'c1');
    const nack = await d.nack(s, 'g', 'c1', ids, 400);
    expect(nack).toEqual({ count: 1, notPending: [] });
    const during = await d.pull(s, 'g', 'c2');
    expect(during).toEqual([]);
    // The delay is kept as Redis idle time: nothing to wait on but the clock.
    const started = Date.now();
    let after: string[] = [];
    await until(async () => (after = idsOf(await d.pull(s, 'g', 'c2'))).length > 0, 5000, 'the nacked message');
    expect(after).toEqual(ids);
    expect(Date.now() - started, 'not before the delay').toBeGreaterThanOrEqual(250);
    return { nack, during, after };
  },

  async 'non-owner nack and extend report not-pending (and not-owned) and change nothing'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 30000 });
    await d.pull(s, 'g', 'owner');
    const nack = await d.nack(s, 'g', 'other', [ids[0]!, '1-0'], 0);
    expect(nack).toEqual({ count: 0, notPending: [ids[0], '1-0'], notOwned: [ids[0]] });
    const extend = await d.extend(s, 'g', 'other', [ids[0]!, '2-0']);
    expect(extend).toEqual({ count: 0, notPending: [ids[0], '2-0'], notOwned: [ids[0]] });
    const stolen = await d.pull(s, 'g', 'other');
    expect(stolen).toEqual([]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[0], 'owner', 1]]);
    return { nack, extend, stolen, pending };
  },

  async 'nack and extend answer LEASES_DISABLED on a leaseMs 0 group, and change nothing'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 0 });
    await d.pull(s, 'g', 'c1');
    const codes = [await codeOf(d.nack(s, 'g', 'c1', ids, 0)), await codeOf(d.extend(s, 'g', 'c1', ids))];
    expect(codes).toEqual(['LEASES_DISABLED', 'LEASES_DISABLED']);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[0], 'c1', 1]]);
    return { codes, pending };
  },

  async 'history reads: own pending after an ID, deleted entries marked, nothing after the largest ID'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 4);
    await d.pull(s, 'g', 'c1', { count: 2 });
    await d.pull(s, 'g', 'c2');
    await d.deleteMessage(s, ids[0]!);
    const all = await d.pull(s, 'g', 'c1', { from: '0', count: 10 });
    expect(all.map((m) => [m.id, m.deleted, txt(m), m.deliveryCount])).toEqual([
      // As Redis does it: the read counts as a delivery only for entries that still exist.
      [ids[0], true, null, 1],
      [ids[1], false, { n: '1' }, 2],
    ]);
    const after = await d.pull(s, 'g', 'c1', { from: ids[0]!, count: 10 });
    expect(idsOf(after)).toEqual([ids[1]]);
    // Redis reads the largest ID as ">" in XREADGROUP; a history read after it is empty.
    const MAX = '18446744073709551615-18446744073709551615';
    const last = await d.pull(s, 'g', 'c1', { from: MAX, count: 10 });
    expect(last).toEqual([]);
    const noGroup = await codeOf(d.pull(s, 'nope', 'c1', { from: MAX }));
    expect(noGroup).toBe('GROUP_NOT_FOUND');
    // Another consumer has no history of its own.
    const stranger = await d.pull(s, 'g', 'c3', { from: '0', count: 10 });
    expect(stranger).toEqual([]);
    // NOACK has no effect on a history read (as in Redis): accepted, the same answer.
    const noAck = await d.pull(s, 'g', 'c1', { from: ids[0]!, noAck: true, count: 10 });
    expect(counted(noAck)).toEqual([[ids[1], 4]]);
    const fresh = await d.pull(s, 'g', 'c3', { count: 10 });
    expect(counted(fresh)).toEqual([[ids[3], 1]]);
    return { all, after, last, noGroup, stranger, noAck, fresh };
  },

  async 'noAck delivers without tracking: nothing pending, nothing again'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 2);
    const got = idsOf(await d.pull(s, 'g', 'c', { count: 2, noAck: true }));
    expect(got).toEqual(ids);
    const pending = (await d.pending(s, 'g')).count;
    expect(pending).toBe(0);
    expect(await d.pull(s, 'g', 'c')).toEqual([]);
    return { got, pending };
  },

  async 'a waiting pull receives a message published meanwhile; an empty wait ends with nothing'(d, x) {
    const s = x.name();
    await setup(d, s, 0);
    const t0 = Date.now();
    const waiting = d.pull(s, 'g', 'c', { waitMs: 5000 });
    // Publish once the gateway counts the pull as waiting (not after a guessed sleep).
    await until(async () => (await d.waitingPulls!()) >= 1, 4000, 'the pull to wait');
    const { ids } = await d.publish(s, [{ fields: f({ late: 'yes' }) }]);
    const got = await waiting;
    expect(got.map((m) => [m.id, txt(m), m.deliveryCount])).toEqual([[ids[0], { late: 'yes' }, 1]]);
    expect(Date.now() - t0, 'woken by the publish, not by the end of the wait').toBeLessThan(4000);
    const t1 = Date.now();
    const empty = await d.pull(s, 'g', 'c', { waitMs: 300 });
    expect(empty).toEqual([]);
    expect(Date.now() - t1, 'the wait lasts waitMs').toBeGreaterThanOrEqual(280);
    return { got, empty };
  },

  async 'refused pulls deliver nothing, whatever the reason'(d, x) {
    const s = x.name();
    await setup(d, s, 1);
    const codes = [
      await codeOf(d.pull(s, 'g', 'c', { count: 1001 })),
      await codeOf(d.pull(s, 'g', 'c', { waitMs: 60_001 })),
      await codeOf(d.pull(s, 'g', '')),
      await codeOf(d.pull(s, 'g', 'two words')),
      await codeOf(d.pull(s, 'g', 'c', { from: 'zero' })),
      await codeOf(d.pull(s, 'nope', 'c', { waitMs: 100 })),
    ];
    expect(codes).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'INVALID_ID', 'GROUP_NOT_FOUND']);
    // The group's dead-letter stream is a key of another type: refused before anything changes.
    const dl = x.name();
    const k = x.name();
    await x.redis.set(k, 'v');
    await setup(d, dl, 1, { maxDeliveries: 1, deadLetterStream: k });
    const badDlq = await codeOf(d.pull(dl, 'g', 'c'));
    expect(badDlq).toBe('NOT_A_STREAM');
    expect([(await d.pending(dl, 'g')).count, (await d.pending(s, 'g')).count]).toEqual([0, 0]);
    return { codes, badDlq };
  },

  async 'a pull with ack acks first (as ack would), then pulls; notPending for IDs not pending'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 5);
    const first = await d.pull(s, 'g', 'c1', { count: 2 });
    const second = await d.pullAcking(s, 'g', 'c1', [...idsOf(first), '1-0'], { count: 2 });
    expect(second.acked).toEqual({ count: 2, notPending: ['1-0'] });
    expect(counted(second.messages)).toEqual([
      [ids[2], 1],
      [ids[3], 1],
    ]);
    expect(await pendingOf(d, s)).toEqual([
      [ids[2], 'c1', 1],
      [ids[3], 'c1', 1],
    ]);
    // Acked already, and a repeated ID, answer notPending exactly as the ack route does.
    const third = await d.pullAcking(s, 'g', 'c1', [ids[0]!, ids[2]!, ids[2]!, ids[3]!], { count: 10 });
    expect(third.acked).toEqual({ count: 2, notPending: [ids[0], ids[2]] });
    expect(idsOf(third.messages)).toEqual([ids[4]]);
    // An empty list acks nothing (and calls nothing); a history read after the ack sees it done.
    const empty = await d.pullAcking(s, 'g', 'c1', [], { count: 10 });
    expect(empty).toEqual({ acked: { count: 0, notPending: [] }, messages: [] });
    const history = await d.pullAcking(s, 'g', 'c1', [ids[4]!], { from: '0', count: 10 });
    expect(history).toEqual({ acked: { count: 1, notPending: [] }, messages: [] });
    expect((await d.pending(s, 'g')).count).toBe(0);
    return { first, second, third, empty, history };
  },

  async 'a refused pull with ack acks nothing and pulls nothing, whatever part is refused'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3);
    await d.pull(s, 'g', 'c1');
    const held = [ids[0]!];
    const over = Array.from({ length: 1001 }, (_, i) => `${i + 1}-0`);
    const codes = [
      await codeOf(d.pullAcking(s, 'g', 'c1', [...held, 'nope'])),
      await codeOf(d.pullAcking(s, 'g', 'c1', [...held, '*'])),
      await codeOf(d.pullAcking(s, 'g', 'c1', over)),
      // The pull's own checks refuse the request too, before the (valid) ack.
      await codeOf(d.pullAcking(s, 'g', 'c1', held, { count: 1001 })),
      await codeOf(d.pullAcking(s, 'g', 'c1', held, { from: 'zero' })),
      await codeOf(d.pullAcking(s, 'g', 'c1', held, { waitMs: 60_001 })),
      await codeOf(d.pullAcking(s, 'g', 'two words', held)),
      // A failing ack fails the request before the pull.
      await codeOf(d.pullAcking(s, 'nope', 'c1', held)),
    ];
    expect(codes).toEqual(['INVALID_ID', 'INVALID_ID', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'INVALID_ID', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'GROUP_NOT_FOUND']);
    const pending = await pendingOf(d, s);
    expect(pending, 'nothing acked, nothing more delivered').toEqual([[ids[0], 'c1', 1]]);
    expect((await d.group(s, 'g')).lastDeliveredId).toBe(ids[0]);
    return { codes, pending };
  },

  async 'the ack of a waiting pull counts at once, before the wait ends'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1);
    await d.pull(s, 'g', 'c');
    const waiting = d.pullAcking(s, 'g', 'c', ids, { waitMs: 5000 });
    await until(async () => (await d.waitingPulls!()) >= 1, 4000, 'the pull to wait');
    const during = await d.pending(s, 'g');
    expect(during.count, 'acked while the pull still waits').toBe(0);
    const late = await d.publish(s, [{ fields: f({ late: 'yes' }) }]);
    const got = await waiting;
    expect(got.acked).toEqual({ count: 1, notPending: [] });
    expect(got.messages.map((m) => [m.id, txt(m)])).toEqual([[late.ids[0], { late: 'yes' }]]);
    return { during: during.count, got };
  },

  async "a pull's acks of another consumer's messages do exactly what the ack route does"(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3);
    await d.pull(s, 'g', 'owner', { count: 2 });
    // The ack route acks whoever holds the entry (XACK), and so does a pull's ack.
    const viaPull = await d.pullAcking(s, 'g', 'other', [ids[0]!]);
    const viaAck = await d.ack(s, 'g', [ids[1]!]);
    expect(viaPull.acked).toEqual({ count: 1, notPending: [] });
    expect(viaAck).toEqual(viaPull.acked);
    expect(idsOf(viaPull.messages)).toEqual([ids[2]]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[2], 'other', 1]]);
    return { viaPull, viaAck, pending };
  },

  async 'a pull that fails after its ack leaves the IDs acked; the retry answers them notPending'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 2, { maxDeliveries: 1 });
    await d.pull(s, 'g', 'c');
    // The dead-letter key becomes another type behind the gateway: the pull fails, the ack before it stands.
    await x.redis.set(`${s}:dlq`, 'v');
    const failed = await codeOf(d.pullAcking(s, 'g', 'c', [ids[0]!]));
    expect(failed).toBe('NOT_A_STREAM');
    const pending = (await d.pending(s, 'g')).count;
    expect(pending).toBe(0);
    await x.redis.del(`${s}:dlq`);
    const retry = await d.pullAcking(s, 'g', 'c', [ids[0]!]);
    expect(retry.acked).toEqual({ count: 0, notPending: [ids[0]] });
    expect(idsOf(retry.messages)).toEqual([ids[1]]);
    return { failed, pending, retry };
  },
};
