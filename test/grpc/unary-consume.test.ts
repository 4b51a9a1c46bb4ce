import { type ServiceError, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { PullRequest } from '../../src/grpc/generated/streamgate/v1/PullRequest.js';
import type { PullResponse__Output } from '../../src/grpc/generated/streamgate/v1/PullResponse.js';
import { sleep, uniq } from '../helpers/core.js';
import { type Gw, b, idsOf, publish, setup, stringKey, text, withGateway } from './unary-support.js';

/**
 * The consuming RPCs through a real grpc-js client: Pull, Ack, Nack, ExtendLease, Pending,
 * ListPending, Claim, AutoClaim, ListDeadLetters, RedriveDeadLetters. Leases are short
 * (200–600 ms) with margins for a busy machine; Redis keeps the idle clocks.
 */

let gw: Gw;
withGateway((g) => {
  gw = g;
});

const pull = async (s: string, consumer: string, extra: Partial<PullRequest> = {}) =>
  (await gw.rpc('Pull', { stream: s, group: 'g', consumer, count: 100, ...extra })).messages;

const pendingOf = async (s: string) =>
  (await gw.rpc('ListPending', { stream: s, group: 'g' })).entries.map((e) => [e.id, e.consumer, e.deliveryCount]);

describe('Pull', () => {
  it('delivers new messages once, leased to the consumer, count defaulting to 1', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 3);
    const [first, ...none] = (await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c1' })).messages;
    expect(none).toEqual([]);
    expect(first).toMatchObject({ id: ids[0], deliveryCount: 1, deleted: false });
    expect(text(first!)).toEqual({ n: '0' });
    expect(idsOf(await pull(s, 'c2'))).toEqual(ids.slice(1));
    expect(await pull(s, 'c1')).toEqual([]);
    expect(await pendingOf(s)).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'c2', 1],
      [ids[2], 'c2', 1],
    ]);
  });

  it('redelivers after the lease expires, to any consumer, delivery_count 2', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 1, { leaseMs: 200 });
    expect(idsOf(await pull(s, 'c1'))).toEqual(ids);
    expect(await pull(s, 'c2')).toEqual([]);
    await sleep(350);
    const again = await pull(s, 'c2');
    expect(again.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[0], 2]]);
    expect(await pendingOf(s)).toEqual([[ids[0], 'c2', 2]]);
  });

  it('from "0" reads the consumer own pending (history); a deleted entry comes back deleted, without fields', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 3);
    await pull(s, 'c1', { count: 2 });
    await gw.rpc('DeleteMessage', { stream: s, id: ids[0]! });
    const history = await pull(s, 'c1', { from: '0' });
    expect(history.map((m) => [m.id, m.deleted, Object.keys(m.fields).length])).toEqual([
      [ids[0], true, 0],
      [ids[1], false, 1],
    ]);
    expect(history[1]?.deliveryCount).toBe(2);
    expect(idsOf(await pull(s, 'c1', { from: ids[0]! }))).toEqual([ids[1]]);
    // The largest ID: nothing can follow it. (Redis reads it as ">" in XREADGROUP: this
    // must not deliver the new message ids[2].)
    expect(await pull(s, 'c1', { from: '18446744073709551615-18446744073709551615' })).toEqual([]);
    await gw.fails('Pull', { stream: s, group: 'nope', consumer: 'c1', from: '18446744073709551615-18446744073709551615' }, 'GROUP_NOT_FOUND');
    expect((await gw.rpc('Pending', { stream: s, group: 'g' })).count).toBe(2);
    expect(idsOf(await pull(s, 'c2'))).toEqual([ids[2]]);
  });

  it('no_ack delivers without tracking: nothing pending', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 2);
    expect(idsOf(await pull(s, 'c', { noAck: true }))).toEqual(ids);
    expect((await gw.rpc('Pending', { stream: s, group: 'g' })).count).toBe(0);
  });

  it('with wait_ms receives a message published meanwhile; an empty wait ends with no messages', async () => {
    const s = uniq();
    await setup(gw, s, 0);
    const t0 = Date.now();
    const waiting = gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c', waitMs: 5000 });
    await sleep(200);
    const [id] = await publish(gw, s, { late: 'yes' });
    const got = (await waiting).messages;
    expect(got.map((m) => [m.id, text(m), m.deliveryCount])).toEqual([[id, { late: 'yes' }, 1]]);
    expect(Date.now() - t0).toBeLessThan(4000);

    const t1 = Date.now();
    expect((await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'c', waitMs: 300 })).messages).toEqual([]);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(250);
  });

  /** A Pull through the raw client, resolving with its error or response. */
  const rawPull = (request: PullRequest, deadlineMs?: number) => {
    let cancel = () => {};
    const done = new Promise<ServiceError | PullResponse__Output>((resolve) => {
      const cb = (err: ServiceError | null, res?: PullResponse__Output) => resolve(err ?? res!);
      const call = deadlineMs === undefined ? gw.t.client.Pull(request, cb) : gw.t.client.Pull(request, { deadline: Date.now() + deadlineMs }, cb);
      cancel = () => call.cancel();
    });
    return { done, cancel: () => cancel() };
  };

  it.each([
    ['call.cancel()', status.CANCELLED],
    ['a deadline', status.DEADLINE_EXCEEDED],
  ])('a waiting Pull ended by %s leases nothing: the next message goes to the next puller, delivery_count 1', async (how, code) => {
    const s = uniq();
    await setup(gw, s, 0, { leaseMs: 30000 });
    const request = { stream: s, group: 'g', consumer: 'gone', waitMs: 10_000 };
    const p = code === status.CANCELLED ? rawPull(request) : rawPull(request, 300);
    if (code === status.CANCELLED) {
      await sleep(300);
      p.cancel();
    }
    const ended = (await p.done) as ServiceError;
    expect(ended.code, how).toBe(code);
    // Let the server see the end of the call before the message arrives.
    await sleep(200);
    const [id] = await publish(gw, s, { after: 'cancel' });
    await sleep(100);
    const got = await pull(s, 'next');
    expect(got.map((m) => [m.id, m.deliveryCount])).toEqual([[id, 1]]);
    expect(await pendingOf(s)).toEqual([[id, 'next', 1]]);
  });

  it('errors: VALIDATION_FAILED (before existence), INVALID_ID, NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await setup(gw, s, 1);
    const base = { stream: s, group: 'g', consumer: 'c' };
    await gw.fails('Pull', { ...base, count: 1001 }, 'VALIDATION_FAILED');
    await gw.fails('Pull', { ...base, waitMs: 60_001 }, 'VALIDATION_FAILED');
    await gw.fails('Pull', { ...base, consumer: '' }, 'VALIDATION_FAILED');
    await gw.fails('Pull', { ...base, consumer: 'two words' }, 'VALIDATION_FAILED');
    await gw.fails('Pull', { ...base, from: '0', noAck: true }, 'VALIDATION_FAILED');
    await gw.fails('Pull', { ...base, stream: uniq(), count: 1001 }, 'VALIDATION_FAILED');
    await gw.fails('Pull', { ...base, from: 'zero' }, 'INVALID_ID');
    await gw.fails('Pull', { ...base, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('Pull', { ...base, stream: uniq() }, 'STREAM_NOT_FOUND');
    await gw.fails('Pull', { ...base, stream: await stringKey(gw, uniq()) }, 'NOT_A_STREAM');
    // The group's dead-letter stream is a key of another type: refused before anything changes.
    const d = uniq();
    await setup(gw, d, 1, { maxDeliveries: 1, deadLetterStream: await stringKey(gw, uniq()) });
    await gw.fails('Pull', { ...base, stream: d }, 'NOT_A_STREAM');
    expect((await gw.rpc('Pending', { stream: d, group: 'g' })).count).toBe(0);
    // Nothing was delivered by the failed calls.
    expect((await gw.rpc('Pending', { stream: s, group: 'g' })).count).toBe(0);
  });
});

describe('Ack', () => {
  it('answers each ID: acked, and not_pending for the others', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 3);
    await pull(s, 'c', { count: 2 });
    const r = await gw.rpc('Ack', { stream: s, group: 'g', ids: [ids[0]!, ids[1]!, ids[2]!, '1-0'] });
    expect(r).toEqual({ acked: 2, notPending: [ids[2], '1-0'] });
    expect(await gw.rpc('Ack', { stream: s, group: 'g', ids: [ids[0]!] })).toEqual({ acked: 0, notPending: [ids[0]] });
    expect((await gw.rpc('Pending', { stream: s, group: 'g' })).count).toBe(0);
  });

  it('errors: VALIDATION_FAILED, INVALID_ID, GROUP_NOT_FOUND (ack too), STREAM_NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await setup(gw, s, 1);
    await gw.fails('Ack', { stream: s, group: 'g', ids: [] }, 'VALIDATION_FAILED');
    await gw.fails('Ack', { stream: s, group: 'g', ids: Array.from({ length: 1001 }, (_, i) => `${i + 1}-0`) }, 'VALIDATION_FAILED');
    await gw.fails('Ack', { stream: s, group: 'g', ids: ['1-0', 'x'] }, 'INVALID_ID');
    await gw.fails('Ack', { stream: s, group: 'nope', ids: ['1-0'] }, 'GROUP_NOT_FOUND');
    await gw.fails('Ack', { stream: uniq(), group: 'g', ids: ['1-0'] }, 'STREAM_NOT_FOUND');
    await gw.fails('Ack', { stream: await stringKey(gw, uniq()), group: 'g', ids: ['1-0'] }, 'NOT_A_STREAM');
  });
});

describe('Nack', () => {
  it('delay_ms 0 releases at once: another consumer gets it, delivery_count counted by Redis only', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 2, { leaseMs: 30000 });
    await pull(s, 'c1', { count: 2 });
    expect(await gw.rpc('Nack', { stream: s, group: 'g', consumer: 'c1', ids: [ids[0]!] })).toEqual({ released: 1, notPending: [] });
    // Nack itself leaves delivery_count alone.
    expect(await pendingOf(s)).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'c1', 1],
    ]);
    expect((await pull(s, 'c2')).map((m) => [m.id, m.deliveryCount])).toEqual([[ids[0], 2]]);
  });

  it('delay_ms makes the message eligible only after the delay', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 1, { leaseMs: 30000 });
    await pull(s, 'c1');
    expect((await gw.rpc('Nack', { stream: s, group: 'g', consumer: 'c1', ids, delayMs: 400 })).released).toBe(1);
    expect(await pull(s, 'c2')).toEqual([]);
    await sleep(600);
    expect(idsOf(await pull(s, 'c2'))).toEqual(ids);
  });

  it('leaves other consumers’ messages alone: not_pending', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 1, { leaseMs: 30000 });
    await pull(s, 'owner');
    const r = await gw.rpc('Nack', { stream: s, group: 'g', consumer: 'thief', ids: [ids[0]!, '1-0'] });
    expect(r).toEqual({ released: 0, notPending: [ids[0], '1-0'] });
    expect(await pull(s, 'thief')).toEqual([]);
  });

  it('errors: VALIDATION_FAILED (delay over the lease, no ids), LEASES_DISABLED, INVALID_ID, NOT_FOUND', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 1, { leaseMs: 1000 });
    await pull(s, 'c');
    const base = { stream: s, group: 'g', consumer: 'c' };
    await gw.fails('Nack', { ...base, ids, delayMs: 1001 }, 'VALIDATION_FAILED');
    await gw.fails('Nack', { ...base, ids: [] }, 'VALIDATION_FAILED');
    await gw.fails('Nack', { ...base, ids: ['bad'] }, 'INVALID_ID');
    await gw.fails('Nack', { ...base, group: 'nope', ids }, 'GROUP_NOT_FOUND');
    await gw.fails('Nack', { ...base, stream: uniq(), ids }, 'STREAM_NOT_FOUND');
    const off = uniq();
    const offIds = await setup(gw, off, 1, { leaseMs: 0 });
    await gw.rpc('Pull', { stream: off, group: 'g', consumer: 'c' });
    await gw.fails('Nack', { ...base, stream: off, ids: offIds }, 'LEASES_DISABLED');
    // Still leased to c after the refused nack.
    expect(await pendingOf(s)).toEqual([[ids[0], 'c', 1]]);
  });
});

describe('ExtendLease', () => {
  it('restarts the lease clock: not redelivered past the first lease, delivery_count unchanged', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 1, { leaseMs: 600 });
    await pull(s, 'c1');
    await sleep(350);
    expect(await gw.rpc('ExtendLease', { stream: s, group: 'g', consumer: 'c1', ids })).toEqual({ extended: 1, notPending: [] });
    const [entry] = (await gw.rpc('ListPending', { stream: s, group: 'g' })).entries;
    expect(entry?.idleMs).toBeLessThan(300);
    await sleep(350);
    // 700 ms after the pull: the first lease is over, the extended one is not.
    expect(await pull(s, 'c2')).toEqual([]);
    expect(await pendingOf(s)).toEqual([[ids[0], 'c1', 1]]);
  });

  it('not_pending for another consumer’s or unknown IDs; LEASES_DISABLED; errors', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 1, { leaseMs: 30000 });
    await pull(s, 'owner');
    expect(await gw.rpc('ExtendLease', { stream: s, group: 'g', consumer: 'other', ids: [ids[0]!, '2-0'] })).toEqual({
      extended: 0,
      notPending: [ids[0], '2-0'],
    });
    const off = uniq();
    await setup(gw, off, 0, { leaseMs: 0 });
    await gw.fails('ExtendLease', { stream: off, group: 'g', consumer: 'c', ids: ['1-0'] }, 'LEASES_DISABLED');
    await gw.fails('ExtendLease', { stream: s, group: 'g', consumer: 'c', ids: [] }, 'VALIDATION_FAILED');
    await gw.fails('ExtendLease', { stream: s, group: 'g', consumer: '', ids }, 'VALIDATION_FAILED');
    await gw.fails('ExtendLease', { stream: s, group: 'g', consumer: 'c', ids: ['1-'] }, 'INVALID_ID');
    await gw.fails('ExtendLease', { stream: s, group: 'nope', consumer: 'c', ids }, 'GROUP_NOT_FOUND');
    await gw.fails('ExtendLease', { stream: uniq(), group: 'g', consumer: 'c', ids }, 'STREAM_NOT_FOUND');
    await gw.fails('ExtendLease', { stream: await stringKey(gw, uniq()), group: 'g', consumer: 'c', ids }, 'NOT_A_STREAM');
  });
});

describe('Pending and ListPending', () => {
  it('Pending summarises count, ID range and per-consumer counts; empty IDs when none', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 4);
    expect(await gw.rpc('Pending', { stream: s, group: 'g' })).toEqual({ count: 0, minId: '', maxId: '', consumers: [] });
    await pull(s, 'a', { count: 1 });
    await pull(s, 'b', { count: 2 });
    const p = await gw.rpc('Pending', { stream: s, group: 'g' });
    expect({ ...p, consumers: [...p.consumers].sort((x, y) => x.name.localeCompare(y.name)) }).toEqual({
      count: 3,
      minId: ids[0],
      maxId: ids[2],
      consumers: [
        { name: 'a', count: 1 },
        { name: 'b', count: 2 },
      ],
    });
  });

  it('ListPending filters by range, count, consumer and min_idle_ms (unset vs set)', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 4);
    await pull(s, 'a', { count: 1 });
    await pull(s, 'b', { count: 3 });
    const list = async (extra: object) =>
      (await gw.rpc('ListPending', { stream: s, group: 'g', ...extra })).entries.map((e) => [e.id, e.consumer]);
    expect(await list({})).toEqual([
      [ids[0], 'a'],
      [ids[1], 'b'],
      [ids[2], 'b'],
      [ids[3], 'b'],
    ]);
    expect(await list({ consumer: 'a' })).toEqual([[ids[0], 'a']]);
    expect(await list({ start: `(${ids[0]}`, end: ids[2], count: 1 })).toEqual([[ids[1], 'b']]);
    expect(await list({ minIdleMs: 0 })).toHaveLength(4);
    expect(await list({ minIdleMs: 60_000 })).toEqual([]);
    const [e] = (await gw.rpc('ListPending', { stream: s, group: 'g', count: 1 })).entries;
    expect(e?.deliveryCount).toBe(1);
    expect(e?.idleMs).toBeGreaterThanOrEqual(0);
    expect(e?.idleMs).toBeLessThan(10_000);
  });

  it('errors: VALIDATION_FAILED (consumer set but empty, count), INVALID_ID, NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await setup(gw, s, 1);
    const k = await stringKey(gw, uniq());
    await gw.fails('ListPending', { stream: s, group: 'g', consumer: '' }, 'VALIDATION_FAILED');
    await gw.fails('ListPending', { stream: s, group: 'g', count: 1001 }, 'VALIDATION_FAILED');
    await gw.fails('ListPending', { stream: s, group: 'g', start: 'first' }, 'INVALID_ID');
    await gw.fails('ListPending', { stream: s, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('ListPending', { stream: uniq(), group: 'g' }, 'STREAM_NOT_FOUND');
    await gw.fails('ListPending', { stream: k, group: 'g' }, 'NOT_A_STREAM');
    await gw.fails('Pending', { stream: s, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('Pending', { stream: uniq(), group: 'g' }, 'STREAM_NOT_FOUND');
    await gw.fails('Pending', { stream: k, group: 'g' }, 'NOT_A_STREAM');
    await gw.fails('Pending', { stream: s, group: '' }, 'VALIDATION_FAILED');
  });
});

describe('Claim', () => {
  it('takes ownership exactly as XCLAIM: messages with delivery_count, just_id, retry_count, min_idle_ms, force', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 4);
    await pull(s, 'c1', { count: 3 });

    const claimed = await gw.rpc('Claim', { stream: s, group: 'g', consumer: 'c2', minIdleMs: 0, ids: [ids[0]!] });
    expect(claimed.ids).toEqual([]);
    expect(claimed.messages.map((m) => [m.id, text(m), m.deliveryCount])).toEqual([[ids[0], { n: '0' }, 2]]);

    const justId = await gw.rpc('Claim', { stream: s, group: 'g', consumer: 'c2', minIdleMs: 0, ids: [ids[1]!], justId: true });
    expect(justId).toEqual({ ids: [ids[1]], messages: [] });

    const retry = await gw.rpc('Claim', { stream: s, group: 'g', consumer: 'c3', minIdleMs: 0, ids: [ids[2]!], retryCount: 7 });
    expect(retry.messages.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[2], 7]]);

    // Not idle long enough: nothing claimed.
    const busy = await gw.rpc('Claim', { stream: s, group: 'g', consumer: 'c3', minIdleMs: 60_000, ids: [ids[0]!] });
    expect(busy).toEqual({ ids: [], messages: [] });
    // Never delivered: only with force.
    expect((await gw.rpc('Claim', { stream: s, group: 'g', consumer: 'c3', minIdleMs: 0, ids: [ids[3]!] })).messages).toEqual([]);
    const forced = await gw.rpc('Claim', { stream: s, group: 'g', consumer: 'c3', minIdleMs: 0, ids: [ids[3]!], force: true });
    // Redis creates the entry and counts the claim as a delivery: 2.
    expect(forced.messages.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[3], 2]]);

    expect(await pendingOf(s)).toEqual([
      [ids[0], 'c2', 2],
      [ids[1], 'c2', 1],
      [ids[2], 'c3', 7],
      [ids[3], 'c3', 2],
    ]);
  });

  it('errors: VALIDATION_FAILED, INVALID_ID, NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 1);
    const base = { stream: s, group: 'g', consumer: 'c', minIdleMs: 0, ids };
    await gw.fails('Claim', { ...base, ids: [] }, 'VALIDATION_FAILED');
    await gw.fails('Claim', { ...base, consumer: '' }, 'VALIDATION_FAILED');
    await gw.fails('Claim', { ...base, ids: ['x-1'] }, 'INVALID_ID');
    await gw.fails('Claim', { ...base, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('Claim', { ...base, stream: uniq() }, 'STREAM_NOT_FOUND');
    await gw.fails('Claim', { ...base, stream: await stringKey(gw, uniq()) }, 'NOT_A_STREAM');
  });
});

describe('AutoClaim', () => {
  it('scans the pending list: claims idle messages, reports deleted IDs, pages with `next`', async () => {
    const s = uniq();
    const ids = await setup(gw, s, 4);
    await pull(s, 'c1', { count: 4 });
    await gw.rpc('DeleteMessage', { stream: s, id: ids[1]! });

    const first = await gw.rpc('AutoClaim', { stream: s, group: 'g', consumer: 'c2', minIdleMs: 0, count: 1 });
    expect(first.messages.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[0], 2]]);
    expect(first.next).toBe(ids[1]);

    const rest = await gw.rpc('AutoClaim', { stream: s, group: 'g', consumer: 'c2', minIdleMs: 0, start: first.next, justId: true });
    expect(rest).toEqual({ next: '0-0', ids: [ids[2], ids[3]], messages: [], deletedIds: [ids[1]] });
    expect(await pendingOf(s)).toEqual([
      [ids[0], 'c2', 2],
      [ids[2], 'c2', 1],
      [ids[3], 'c2', 1],
    ]);
    const idle = await gw.rpc('AutoClaim', { stream: s, group: 'g', consumer: 'c3', minIdleMs: 60_000 });
    expect(idle).toEqual({ next: '0-0', ids: [], messages: [], deletedIds: [] });
  });

  it('errors: VALIDATION_FAILED, INVALID_ID, NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await setup(gw, s, 1);
    const base = { stream: s, group: 'g', consumer: 'c', minIdleMs: 0 };
    await gw.fails('AutoClaim', { ...base, count: 1001 }, 'VALIDATION_FAILED');
    await gw.fails('AutoClaim', { ...base, consumer: 'a b' }, 'VALIDATION_FAILED');
    await gw.fails('AutoClaim', { ...base, start: 'x' }, 'INVALID_ID');
    await gw.fails('AutoClaim', { ...base, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('AutoClaim', { ...base, stream: uniq() }, 'STREAM_NOT_FOUND');
    await gw.fails('AutoClaim', { ...base, stream: await stringKey(gw, uniq()) }, 'NOT_A_STREAM');
  });
});

describe('ListDeadLetters and RedriveDeadLetters', () => {
  /**
   * Stream with groups g (3 messages) and h (1 message) sharing `<s>:dlq`, maxDeliveries 1:
   * after one delivery and an expired lease, the next pull dead-letters instead.
   */
  async function deadLettered(): Promise<{ s: string; ids: string[] }> {
    const s = uniq();
    const values = [Buffer.from([0xff, 0x00, 0xfe]), b('two'), b('three')];
    const { ids } = await gw.rpc('Publish', { stream: s, messages: values.map((v) => ({ fields: { body: v } })) });
    await gw.rpc('CreateGroup', { stream: s, group: 'g', start: '0', leaseMs: 200, maxDeliveries: 1 });
    await gw.rpc('CreateGroup', { stream: s, group: 'h', start: '0', leaseMs: 200, maxDeliveries: 1 });
    expect(await pull(s, 'c1', { count: 3 })).toHaveLength(3);
    expect(await gw.rpc('Pull', { stream: s, group: 'h', consumer: 'hc', count: 1 })).toMatchObject({ messages: [{ id: ids[0] }] });
    await sleep(350);
    expect(await pull(s, 'c2')).toEqual([]);
    expect((await gw.rpc('Pull', { stream: s, group: 'h', consumer: 'hc2', count: 1 })).messages.map((m) => m.id)).toEqual([ids[1]]);
    return { s, ids };
  }

  it('dead-letters after max_deliveries with the x-* fields, bytes intact, only this group listed, in pages', async () => {
    const { s, ids } = await deadLettered();
    expect((await gw.rpc('Pending', { stream: s, group: 'g' })).count).toBe(0);
    // The source entries stay (other groups still need them).
    expect(await gw.redis.xlen(s)).toBe(3);

    const all = await gw.rpc('ListDeadLetters', { stream: s, group: 'g' });
    expect(all.next).toBe('');
    expect(all.messages).toHaveLength(3);
    expect(all.messages[0]?.fields.body).toEqual(Buffer.from([0xff, 0x00, 0xfe]));
    expect(all.messages.map((m) => ({ ...text(m), body: undefined }))).toEqual(
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
    const [native] = await gw.redis.xrange(`${s}:dlq`, all.messages[1]!.id, all.messages[1]!.id);
    expect(native![1].filter((_, i) => i % 2 === 0)).toEqual([
      'body',
      'x-original-id',
      'x-original-stream',
      'x-group',
      'x-deliveries',
      'x-last-consumer',
    ]);

    const page1 = await gw.rpc('ListDeadLetters', { stream: s, group: 'g', count: 2 });
    expect(idsOf(page1.messages)).toEqual(idsOf(all.messages).slice(0, 2));
    expect(page1.next).toBe(all.messages[1]!.id);
    const page2 = await gw.rpc('ListDeadLetters', { stream: s, group: 'g', count: 2, after: page1.next });
    expect(idsOf(page2.messages)).toEqual(idsOf(all.messages).slice(2));
    expect(page2.next).toBe('');

    const h = await gw.rpc('ListDeadLetters', { stream: s, group: 'h' });
    expect(h.messages.map((m) => [text(m)['x-original-id'], text(m)['x-group'], text(m)['x-last-consumer']])).toEqual([[ids[0], 'h', 'hc']]);
  });

  it('redrives by ID or the oldest `count`: original fields back as new entries, dead letters deleted', async () => {
    const { s, ids } = await deadLettered();
    const dead = (await gw.rpc('ListDeadLetters', { stream: s, group: 'g' })).messages;

    const one = await gw.rpc('RedriveDeadLetters', { stream: s, group: 'g', ids: [dead[1]!.id] });
    expect(one.redriven).toBe(1);
    expect(one.ids).toHaveLength(1);
    const [back] = (await gw.rpc('ReadRange', { stream: s, start: one.ids[0]!, end: one.ids[0]! })).messages;
    expect(back?.fields).toEqual({ body: b('two') });

    const oldest = await gw.rpc('RedriveDeadLetters', { stream: s, group: 'g', count: 1 });
    expect(oldest.redriven).toBe(1);
    const [first] = (await gw.rpc('ReadRange', { stream: s, start: oldest.ids[0]!, end: oldest.ids[0]! })).messages;
    expect(first?.fields).toEqual({ body: Buffer.from([0xff, 0x00, 0xfe]) });

    expect(idsOf((await gw.rpc('ListDeadLetters', { stream: s, group: 'g' })).messages)).toEqual([dead[2]!.id]);
    // h's dead letter in the shared stream is not g's to redrive.
    expect(await gw.rpc('RedriveDeadLetters', { stream: s, group: 'g', ids: [dead[2]!.id, '1-0'] })).toMatchObject({ redriven: 1 });
    expect(await gw.rpc('RedriveDeadLetters', { stream: s, group: 'g' })).toEqual({ redriven: 0, ids: [] });
    expect((await gw.rpc('ListDeadLetters', { stream: s, group: 'h' })).messages).toHaveLength(1);

    // Redriven entries are new messages: delivered again from delivery_count 1.
    const again = await pull(s, 'c3');
    expect(again.map((m) => m.deliveryCount)).toEqual([1, 1, 1]);
    expect(again.map((m) => m.id).some((id) => ids.includes(id))).toBe(false);
  });

  it('errors: VALIDATION_FAILED, INVALID_ID, NOT_FOUND, NOT_A_STREAM', async () => {
    const s = uniq();
    await setup(gw, s, 0);
    const k = await stringKey(gw, uniq());
    await gw.fails('ListDeadLetters', { stream: s, group: 'g', count: 1001 }, 'VALIDATION_FAILED');
    await gw.fails('ListDeadLetters', { stream: s, group: 'g', after: 'later' }, 'INVALID_ID');
    await gw.fails('ListDeadLetters', { stream: s, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('ListDeadLetters', { stream: uniq(), group: 'g' }, 'STREAM_NOT_FOUND');
    await gw.fails('ListDeadLetters', { stream: k, group: 'g' }, 'NOT_A_STREAM');
    await gw.fails('RedriveDeadLetters', { stream: s, group: 'g', ids: ['1-0'], count: 1 }, 'VALIDATION_FAILED');
    await gw.fails('RedriveDeadLetters', { stream: s, group: 'g', count: 0 }, 'VALIDATION_FAILED');
    await gw.fails('RedriveDeadLetters', { stream: s, group: 'g', ids: ['?'] }, 'INVALID_ID');
    await gw.fails('RedriveDeadLetters', { stream: s, group: 'nope' }, 'GROUP_NOT_FOUND');
    await gw.fails('RedriveDeadLetters', { stream: uniq(), group: 'g' }, 'STREAM_NOT_FOUND');
    await gw.fails('RedriveDeadLetters', { stream: k, group: 'g' }, 'NOT_A_STREAM');
  });
});
