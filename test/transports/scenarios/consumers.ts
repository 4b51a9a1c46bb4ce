import { expect } from 'vitest';
import { type Table, codeOf, idsOf, setup } from './support.js';

/** Creating, listing and deleting consumers. */
export const CONSUMERS: Table = {
  async 'consumers and groups: create, delete with and without force, destroy'(d, x) {
    const s = x.name();
    await setup(d, s, 2, { leaseMs: 1000, maxDeliveries: 3 });
    const created = [await d.createConsumer(s, 'g', 'idle'), await d.createConsumer(s, 'g', 'idle')];
    expect(created).toEqual([true, false]);
    await d.pull(s, 'g', 'busy', { count: 2 });
    const refused = await codeOf(d.deleteConsumer(s, 'g', 'busy'));
    expect(refused).toBe('CONSUMER_HAS_PENDING');
    const dropped = [await d.deleteConsumer(s, 'g', 'idle'), await d.deleteConsumer(s, 'g', 'busy', true)];
    expect(dropped).toEqual([0, 2]);
    const updated = await d.updateGroup(s, 'g', { maxDeliveries: 0, reapIdleMs: 60_000 });
    expect(updated).toMatchObject({ leaseMs: 1000, maxDeliveries: 0, reapIdleMs: 60_000, consumers: 0, pending: 0 });
    const reapBelowLease = await codeOf(d.updateGroup(s, 'g', { reapIdleMs: 999 }));
    expect(reapBelowLease).toBe('VALIDATION_FAILED');
    await d.deleteGroup(s, 'g');
    const gone = await codeOf(d.group(s, 'g'));
    expect(gone).toBe('GROUP_NOT_FOUND');
    const fresh = await d.createGroup(s, 'g');
    expect(fresh).toMatchObject({ leaseMs: 30000, maxDeliveries: 0 });
    await d.deleteStream(s);
    const noStream = await codeOf(d.streamInfo(s));
    expect(noStream).toBe('STREAM_NOT_FOUND');
    return { created, refused, dropped, updated, reapBelowLease, gone, fresh, noStream };
  },

  async 'list consumers: pending per consumer, idle time, and inactive time only where Redis reports it'(d, x) {
    const s = x.name();
    await setup(d, s, 3);
    const t0 = Date.now();
    expect(await d.createConsumer(s, 'g', 'idle')).toBe(true);
    await d.pull(s, 'g', 'c1', { count: 2 });
    await d.pull(s, 'g', 'c2', { count: 2 });
    const list = await d.consumers(s, 'g');
    // Redis counts both clocks from moments inside this scenario: never more than its age.
    const age = Date.now() - t0 + 5;
    const counts = list.map((c) => [c.name, c.pending]);
    expect(counts).toEqual([
      ['c1', 2],
      ['c2', 1],
      ['idle', 0],
    ]);
    for (const c of list) {
      expect(Number.isInteger(c.idleMs), `${c.name} idleMs ${c.idleMs}`).toBe(true);
      expect(c.idleMs, c.name).toBeLessThanOrEqual(age);
    }
    if (x.redis72) {
      // XINFO CONSUMERS `inactive` (7.2+): since the last read that delivered something.
      for (const c of list.filter((c) => c.name !== 'idle')) expect(c.inactiveMs, c.name).toBeLessThanOrEqual(age);
    } else {
      // Redis 7.0 has no `inactive`: the gateway answers null, never a made-up number.
      expect(list.map((c) => c.inactiveMs)).toEqual([null, null, null]);
    }
    return counts;
  },

  async 'delete a consumer: refused while it owns messages, force drops them (not redelivered)'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3);
    await d.pull(s, 'g', 'busy', { count: 2 });
    await d.createConsumer(s, 'g', 'idle');
    const refused = [await codeOf(d.deleteConsumer(s, 'g', 'busy')), await codeOf(d.deleteConsumer(s, 'g', 'busy', false))];
    expect(refused).toEqual(['CONSUMER_HAS_PENDING', 'CONSUMER_HAS_PENDING']);
    expect((await d.pending(s, 'g')).count).toBe(2);
    expect((await d.consumers(s, 'g')).map((c) => c.name)).toEqual(['busy', 'idle']);
    const dropped = [await d.deleteConsumer(s, 'g', 'idle'), await d.deleteConsumer(s, 'g', 'busy', true)];
    expect(dropped).toEqual([0, 2]);
    expect(await d.consumers(s, 'g')).toEqual([]);
    expect((await d.pending(s, 'g')).count).toBe(0);
    // Dropped from the pending list, as XGROUP DELCONSUMER does: only the undelivered one is left.
    const left = idsOf(await d.pull(s, 'g', 'c', { count: 10 }));
    expect(left).toEqual([ids[2]]);
    const ghost = [await codeOf(d.deleteConsumer(s, 'g', 'idle')), await codeOf(d.deleteConsumer(s, 'g', 'ghost', true))];
    expect(ghost).toEqual(['CONSUMER_NOT_FOUND', 'CONSUMER_NOT_FOUND']);
    return { refused, dropped, left, ghost };
  },
};
