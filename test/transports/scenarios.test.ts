import { isUtf8 } from 'node:buffer';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { redisUrl, sleep, uniq } from '../helpers/core.js';
import { ContractError, type Driver, type Fields, type Msg, type Transport, makeGrpc, makeRest } from './driver.js';

/**
 * One scenario table, run against both transports (docs/architecture.md): what a user can do
 * through REST they can do through gRPC, with the same result. Each scenario is a function
 * of a transport-neutral driver (driver.ts); each runs once over REST and once over gRPC,
 * asserting the same expectations, and returns its outcome. The last block compares the
 * two outcomes of every scenario: same values, same counts, same codes, IDs in the same
 * places (IDs and stream names are replaced by labels in order of appearance).
 */

/** Small enough that PAYLOAD_TOO_LARGE is cheap to reach; large enough for every scenario. */
const ENV = { STREAMGATE_MAX_MESSAGE_BYTES: '4096' };

interface Ctx {
  /** A fresh stream name, replaced by a label in the outcome. */
  name(): string;
  /** A native Redis client (keys of other types). */
  redis: Redis;
  /** The same transport over a Redis that is not there. */
  down: Driver;
}

type Scenario = (d: Driver, x: Ctx) => Promise<unknown>;

const f = (o: Record<string, string>): Fields => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Buffer.from(v)]));
const txt = (m: Msg | undefined): Record<string, string> | null =>
  m?.fields ? Object.fromEntries(Object.entries(m.fields).map(([k, v]) => [k, v.toString('utf8')])) : null;
const idsOf = (ms: readonly Msg[]): string[] => ms.map((m) => m.id);
const counted = (ms: readonly Msg[]) => ms.map((m) => [m.id, m.deliveryCount]);
const pendingOf = async (d: Driver, s: string, g = 'g') =>
  (await d.listPending(s, g)).map((e) => [e.id, e.consumer, e.deliveryCount]);

/** Publishes `n` messages {n: i} and creates group g at 0 with `policy`. */
async function setup(d: Driver, s: string, n: number, policy: Parameters<Driver['createGroup']>[2] = {}): Promise<string[]> {
  const ids = n === 0 ? [] : (await d.publish(s, Array.from({ length: n }, (_, i) => ({ fields: f({ n: String(i) }) })))).ids;
  await d.createGroup(s, 'g', { start: '0', createStream: true, ...policy });
  return ids;
}

/** The code of the ContractError `work` fails with (fails the test if it succeeds). */
async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    const value = await work;
    throw new Error(`expected a contract error, got ${JSON.stringify(value)}`);
  } catch (err) {
    if (err instanceof ContractError) return err.code;
    throw err;
  }
}

const SCENARIOS: Record<string, Scenario> = {
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

    const ack = await d.ack(s, 'g', idsOf(c1));
    expect(ack).toEqual({ count: 2, notPending: [] });
    const again = await d.ack(s, 'g', [ids[0]!, ids[2]!]);
    expect(again).toEqual({ count: 1, notPending: [ids[0]] });
    const pending = await d.pending(s, 'g');
    expect(pending).toEqual({ count: 1, minId: ids[3], maxId: ids[3], consumers: [{ name: 'c2', count: 1 }] });
    const consumers = await d.consumers(s, 'g');
    expect(consumers).toEqual([
      { name: 'c1', pending: 0 },
      { name: 'c2', pending: 1 },
    ]);
    const after = await d.group(s, 'g');
    expect(after).toMatchObject({ consumers: 2, pending: 1, lastDeliveredId: ids[3], entriesRead: 4, lag: 0 });
    return { pub, group, c1, c2, ack, again, pending, consumers, after, groups: await d.groups(s) };
  },

  async 'lease expiry redelivers with deliveryCount 2 (leaseMs 200)'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 200 });
    const first = await d.pull(s, 'g', 'c1');
    expect(counted(first)).toEqual([[ids[0], 1]]);
    const during = await d.pull(s, 'g', 'c2');
    expect(during).toEqual([]);
    await sleep(400);
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
    await sleep(350);
    const extended = await d.extend(s, 'g', 'c1', ids);
    expect(extended).toEqual({ count: 1, notPending: [] });
    await sleep(350);
    // 700 ms after the pull: past the first lease, within the extended one.
    const during = await d.pull(s, 'g', 'c2');
    expect(during).toEqual([]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[0], 'c1', 1]]);
    return { extended, during, pending };
  },

  async 'nack(0) releases at once to another consumer'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 2, { leaseMs: 30000 });
    await d.pull(s, 'g', 'c1', { count: 2 });
    expect(await d.pull(s, 'g', 'c2')).toEqual([]);
    const nack = await d.nack(s, 'g', 'c1', [ids[1]!], 0);
    expect(nack).toEqual({ count: 1, notPending: [] });
    const before = await pendingOf(d, s);
    expect(before).toEqual([
      [ids[0], 'c1', 1],
      [ids[1], 'c1', 1],
    ]);
    const got = await d.pull(s, 'g', 'c2', { count: 10 });
    expect(counted(got)).toEqual([[ids[1], 2]]);
    const overLease = await codeOf(d.nack(s, 'g', 'c1', [ids[0]!], 30001));
    expect(overLease).toBe('VALIDATION_FAILED');
    return { nack, before, got, overLease };
  },

  async 'non-owner nack and extend report not-pending and change nothing'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 30000 });
    await d.pull(s, 'g', 'owner');
    const nack = await d.nack(s, 'g', 'other', [ids[0]!, '1-0'], 0);
    expect(nack).toEqual({ count: 0, notPending: [ids[0], '1-0'] });
    const extend = await d.extend(s, 'g', 'other', [ids[0]!]);
    expect(extend).toEqual({ count: 0, notPending: [ids[0]] });
    const stolen = await d.pull(s, 'g', 'other');
    expect(stolen).toEqual([]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([[ids[0], 'owner', 1]]);
    return { nack, extend, stolen, pending };
  },

  async 'dead-lettering after maxDeliveries, with the x-* fields'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 1, { leaseMs: 200, maxDeliveries: 2 });
    await d.publish(s, [{ fields: { payload: Buffer.from([0xde, 0xad, 0x00, 0xff]) } }]).then((r) => ids.push(...r.ids));
    expect(counted(await d.pull(s, 'g', 'c1', { count: 2 }))).toEqual([
      [ids[0], 1],
      [ids[1], 1],
    ]);
    await sleep(400);
    expect(counted(await d.pull(s, 'g', 'c2', { count: 2 }))).toEqual([
      [ids[0], 2],
      [ids[1], 2],
    ]);
    await sleep(400);
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

  async 'redrive: dead letters back to the stream as new messages'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 3, { leaseMs: 200, maxDeliveries: 1 });
    await d.pull(s, 'g', 'c1', { count: 3 });
    await sleep(400);
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
    const again = await d.pull(s, 'g', 'c2', { count: 10 });
    expect(idsOf(again)).toEqual([...byId.ids, ...oldest.ids, ...rest.ids]);
    expect(again.map(txt)).toEqual([{ n: '1' }, { n: '0' }, { n: '2' }]);
    expect(again.map((m) => m.deliveryCount)).toEqual([1, 1, 1]);
    const conflict = await codeOf(d.redrive(s, 'g', { ids: ['1-0'], count: 1 }));
    expect(conflict).toBe('VALIDATION_FAILED');
    return { dead: dead.messages.length, byId, oldest, left, rest, none, again, conflict };
  },

  async 'replay by timestamp: exactly the entries with time >= N'(d, x) {
    const s = x.name();
    const ids = ['1000-0', '2000-0', '2000-1', '3000-0'];
    const pub = await d.publish(s, ids.map((id) => ({ id, fields: f({ id }) })));
    expect(pub.ids).toEqual(ids);
    await d.createGroup(s, 'g');
    expect(await d.pull(s, 'g', 'c', { count: 10 })).toEqual([]);
    const moved = await d.setPosition(s, 'g', { timestampMs: 2000 });
    expect(moved.lastDeliveredId).toBe('1999-18446744073709551615');
    const replayed = idsOf(await d.pull(s, 'g', 'c', { count: 10 }));
    expect(replayed).toEqual(['2000-0', '2000-1', '3000-0']);
    const all = await d.setPosition(s, 'g', { id: '0' });
    expect(all.lastDeliveredId).toBe('0-0');
    const everything = idsOf(await d.pull(s, 'g', 'c2', { count: 10 }));
    expect(everything).toEqual(ids);
    const skipped = await d.setPosition(s, 'g', { id: '$' });
    expect(skipped.lastDeliveredId).toBe('3000-0');
    return { moved, replayed, all, everything, skipped };
  },

  async 'trim: safe keeps what groups need, plain trim warns'(d, x) {
    const s = x.name();
    const ids = await setup(d, s, 5);
    await d.pull(s, 'g', 'c', { count: 2 });
    await d.ack(s, 'g', [ids[0]!]);
    const safe = await d.trim(s, { maxLen: 0, exact: true, safe: true });
    expect(safe).toEqual({ trimmed: 1, warning: null });
    const quiet = await d.trim(s, { maxLen: 4, exact: true });
    expect(quiet).toEqual({ trimmed: 0, warning: null });
    const plain = await d.trim(s, { maxLen: 2, exact: true });
    expect(plain.trimmed).toBe(2);
    expect(plain.warning).toEqual(expect.stringContaining('safe'));
    const info = await d.streamInfo(s);
    expect(info).toMatchObject({ length: 2, firstId: ids[3], lastId: ids[4], lastGeneratedId: ids[4], groups: 1, entriesAdded: 5 });
    // ids[3] was never delivered to g: a safe trim by ID keeps it too.
    const byId = await d.trim(s, { minId: ids[4]!, exact: true, safe: true });
    expect(byId).toEqual({ trimmed: 0, warning: null });
    return { safe, quiet, plain, info, byId };
  },

  async 'byte-exact binary values and repeated names, both ways'(d, x) {
    const s = x.name();
    const fields = {
      invalid: Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      empty: Buffer.alloc(0),
      nul: Buffer.from([0, 0, 0x41, 0]),
      text: Buffer.from('naïve ✓'),
    };
    const pairs: Array<[string, Buffer]> = [
      ['k', Buffer.from([0x80])],
      ['other', Buffer.from('x')],
      ['k', Buffer.from([0x00])],
    ];
    const pub = await d.publish(s, [{ fields }, { pairs }]);
    const native = await x.redis.xrangeBuffer(s, '-', '+');
    // Redis holds exactly these fields, in this order, nothing added.
    const asBytes = (list: Array<[string, Buffer]>) => list.flatMap(([k, v]) => [Buffer.from(k), v]);
    expect(native.map(([, flat]) => flat)).toEqual([asBytes(Object.entries(fields)), asBytes(pairs)]);
    const read = await d.read(s);
    expect(read[0]?.fields).toEqual(fields);
    expect(read[0]?.pairs).toBe(null);
    expect(read[1]?.pairs).toEqual(pairs);
    expect(read[1]?.fields).toEqual({ k: Buffer.from([0x00]), other: Buffer.from('x') });
    await d.createGroup(s, 'g', { start: '0' });
    const pulled = await d.pull(s, 'g', 'c', { count: 2 });
    expect(pulled.map((m) => [m.fields, m.pairs])).toEqual(read.map((m) => [m.fields, m.pairs]));
    // An entry written by a native client reads back the same way.
    await x.redis.xadd(s, '*', 'raw', Buffer.from([0xc0, 0x80]));
    const [rawMsg] = await d.pull(s, 'g', 'c');
    expect(rawMsg?.fields).toEqual({ raw: Buffer.from([0xc0, 0x80]) });
    return { pub, read, pulled, raw: rawMsg };
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
    const last = await d.pull(s, 'g', 'c1', { from: '18446744073709551615-18446744073709551615', count: 10 });
    expect(last).toEqual([]);
    const noAck = await codeOf(d.pull(s, 'g', 'c1', { from: '0', noAck: true }));
    expect(noAck).toBe('VALIDATION_FAILED');
    const fresh = await d.pull(s, 'g', 'c3', { count: 10 });
    expect(counted(fresh)).toEqual([[ids[3], 1]]);
    return { all, after, last, noAck, fresh };
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
    expect(counted(auto.messages ?? [])).toEqual([[ids[3], 2]]);
    const pending = await pendingOf(d, s);
    expect(pending).toEqual([
      [ids[0], 'c2', 2],
      [ids[1], 'c2', 1],
      [ids[3], 'c3', 2],
    ]);
    return { claimed, justId, notIdle, auto, pending };
  },

  async 'idempotent publish: replay returns the first IDs, another body conflicts'(d, x) {
    const s = x.name();
    const body = [{ fields: f({ order: '42' }) }];
    const first = await d.publish(s, body, { idempotencyKey: 'order-42' });
    const replay = await d.publish(s, body, { idempotencyKey: 'order-42' });
    expect(replay).toEqual({ ids: first.ids, replayed: true });
    const conflict = await codeOf(d.publish(s, [{ fields: f({ order: '43' }) }], { idempotencyKey: 'order-42' }));
    expect(conflict).toBe('IDEMPOTENCY_CONFLICT');
    const length = (await d.streamInfo(s)).length;
    expect(length).toBe(1);
    return { first, replay, conflict, length };
  },

  async 'list streams: walk the cursor with a pattern, streams only'(d, x) {
    const prefix = x.name();
    const names = ['a', 'b', 'c'].map((n) => `${prefix}:${n}`);
    for (const n of names) await d.publish(n, [{ fields: f({ n }) }]);
    await x.redis.set(`${prefix}:string`, 'v');
    const found: string[] = [];
    let cursor = '0';
    let steps = 0;
    do {
      const page = await d.listStreams({ match: `${prefix}:*`, cursor, count: 1000 });
      found.push(...page.streams);
      cursor = page.cursor;
      steps++;
    } while (cursor !== '0' && steps < 10_000);
    expect(found.sort()).toEqual(names);
    return { found };
  },

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
};

/** Every contract code a request can reach (auth and rate limits are not part of this build). */
const ERROR_CASES: Array<{ code: string; label: string; run: (d: Driver, x: Ctx) => Promise<unknown> }> = [
  { code: 'VALIDATION_FAILED', label: 'pull count over the limit, before existence', run: (d, x) => d.pull(x.name(), 'g', 'c', { count: 1001 }) },
  { code: 'VALIDATION_FAILED', label: 'group name with whitespace', run: (d, x) => d.createGroup(x.name(), 'two words', { createStream: true }) },
  { code: 'VALIDATION_FAILED', label: 'leaseMs under 50', run: (d, x) => d.createGroup(x.name(), 'g', { createStream: true, leaseMs: 10 }) },
  { code: 'VALIDATION_FAILED', label: 'list streams with a match over 1024 characters', run: (d) => d.listStreams({ match: 'x'.repeat(1025) }) },
  { code: 'VALIDATION_FAILED', label: 'list streams with a bad cursor', run: (d) => d.listStreams({ cursor: 'next' }) },
  { code: 'INVALID_ID', label: 'ack of a malformed ID', run: async (d, x) => d.ack(x.name(), 'g', ['not-an-id']) },
  { code: 'INVALID_ID', label: 'range start malformed', run: (d, x) => d.read(x.name(), { start: '1-2-3' }) },
  {
    code: 'INVALID_ID',
    label: 'explicit publish ID 0-0',
    run: (d, x) => d.publish(x.name(), [{ id: '0-0', fields: f({ a: '1' }) }]),
  },
  { code: 'STREAM_NOT_FOUND', label: 'pull from a missing stream', run: (d, x) => d.pull(x.name(), 'g', 'c') },
  { code: 'STREAM_NOT_FOUND', label: 'describe a missing stream', run: (d, x) => d.streamInfo(x.name()) },
  {
    code: 'GROUP_NOT_FOUND',
    label: 'ack on a stream without the group',
    run: async (d, x) => {
      const s = x.name();
      await d.publish(s, [{ fields: f({ a: '1' }) }]);
      return d.ack(s, 'nope', ['1-0']);
    },
  },
  {
    code: 'CONSUMER_NOT_FOUND',
    label: 'delete a consumer the group does not have',
    run: async (d, x) => {
      const s = x.name();
      await setup(d, s, 0);
      return d.deleteConsumer(s, 'g', 'ghost');
    },
  },
  {
    code: 'GROUP_EXISTS',
    label: 'create a group twice',
    run: async (d, x) => {
      const s = x.name();
      await setup(d, s, 0);
      return d.createGroup(s, 'g');
    },
  },
  {
    code: 'NOT_A_STREAM',
    label: 'publish to a string key',
    run: async (d, x) => {
      const k = x.name();
      await x.redis.set(k, 'v');
      return d.publish(k, [{ fields: f({ a: '1' }) }]);
    },
  },
  {
    code: 'NOT_A_STREAM',
    label: 'pull from a string key',
    run: async (d, x) => {
      const k = x.name();
      await x.redis.set(k, 'v');
      return d.pull(k, 'g', 'c');
    },
  },
  {
    code: 'CONSUMER_HAS_PENDING',
    label: 'delete a consumer that owns messages',
    run: async (d, x) => {
      const s = x.name();
      await setup(d, s, 1);
      await d.pull(s, 'g', 'c');
      return d.deleteConsumer(s, 'g', 'c');
    },
  },
  {
    code: 'ID_TOO_SMALL',
    label: 'explicit ID not above the top',
    run: async (d, x) => {
      const s = x.name();
      await d.publish(s, [{ id: '10-0', fields: f({ a: '1' }) }]);
      return d.publish(s, [{ id: '9-5', fields: f({ a: '2' }) }]);
    },
  },
  {
    code: 'LEASES_DISABLED',
    label: 'nack on a leaseMs 0 group',
    run: async (d, x) => {
      const s = x.name();
      const ids = await setup(d, s, 1, { leaseMs: 0 });
      await d.pull(s, 'g', 'c');
      return d.nack(s, 'g', 'c', ids, 0);
    },
  },
  {
    code: 'LEASES_DISABLED',
    label: 'extend on a leaseMs 0 group',
    run: async (d, x) => {
      const s = x.name();
      await setup(d, s, 0, { leaseMs: 0 });
      return d.extend(s, 'g', 'c', ['1-0']);
    },
  },
  {
    code: 'IDEMPOTENCY_CONFLICT',
    label: 'same key, other body',
    run: async (d, x) => {
      const s = x.name();
      await d.publish(s, [{ fields: f({ a: '1' }) }], { idempotencyKey: 'k' });
      return d.publish(s, [{ fields: f({ a: '2' }) }], { idempotencyKey: 'k' });
    },
  },
  {
    code: 'PAYLOAD_TOO_LARGE',
    label: 'message over STREAMGATE_MAX_MESSAGE_BYTES',
    run: (d, x) => d.publish(x.name(), [{ fields: { big: Buffer.alloc(5000, 0x61) } }]),
  },
  { code: 'BACKEND_UNAVAILABLE', label: 'Redis unreachable', run: (_d, x) => x.down.read(x.name()) },
];

const TRANSPORTS: Array<[Transport, typeof makeRest]> = [
  ['rest', makeRest],
  ['grpc', makeGrpc],
];

/** Outcome of each scenario per transport, compared at the end. */
const outcomes: Record<Transport, Map<string, unknown>> = { rest: new Map(), grpc: new Map() };

/** IDs → `#n` and stream names → `<sn>` in order of appearance; Buffers → text or hex. */
function normalize(value: unknown, names: readonly string[]): unknown {
  const labels = new Map<string, string>();
  const str = (s: string): string => {
    if (/^\d+-\d+$/.test(s)) {
      if (!labels.has(s)) labels.set(s, `#${labels.size}`);
      return labels.get(s)!;
    }
    // Longest first: a name may be the prefix of another (`<s>:dlq`).
    return [...names]
      .map((n, i) => [n, i] as const)
      .sort((a, b) => b[0].length - a[0].length)
      .reduce((out, [n, i]) => out.split(n).join(`<s${i}>`), s);
  };
  const walk = (v: unknown): unknown => {
    if (Buffer.isBuffer(v)) return isUtf8(v) ? `utf8:${str(v.toString('utf8'))}` : `hex:${v.toString('hex')}`;
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [str(k), walk((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return walk(value);
}

let redis: Redis;
let downUrl: string;
beforeAll(async () => {
  redis = new Redis(redisUrl());
  // A port nobody listens on: Redis is simply not there.
  downUrl = `redis://127.0.0.1:${await freePort()}`;
});
afterAll(() => {
  redis.disconnect();
});

describe.each(TRANSPORTS)('over %s', (transport, make) => {
  let d: Driver;
  let down: Driver;
  beforeAll(async () => {
    d = await make(ENV);
    down = await make(ENV, downUrl);
  });
  afterAll(async () => {
    await d?.close();
    await down?.close();
  });
  const ctx = () => {
    const names: string[] = [];
    const x: Ctx = {
      name: () => {
        const n = uniq('x');
        names.push(n);
        return n;
      },
      redis,
      down,
    };
    return { x, names };
  };

  it.each(Object.keys(SCENARIOS))('%s', async (title) => {
    const { x, names } = ctx();
    const outcome = await SCENARIOS[title]!(d, x);
    outcomes[transport].set(title, normalize(outcome, names));
  });

  it.each(ERROR_CASES)('$code: $label', async ({ code, label, run }) => {
    const { x } = ctx();
    const got = await codeOf(run(d, x));
    expect(got).toBe(code);
    outcomes[transport].set(`${code}: ${label}`, got);
  });
});

describe('REST and gRPC give the same outcome', () => {
  const titles = [...Object.keys(SCENARIOS), ...ERROR_CASES.map((c) => `${c.code}: ${c.label}`)];
  it.each(titles)('%s', (title) => {
    expect(outcomes.rest.has(title), 'the REST run of this scenario did not finish').toBe(true);
    expect(outcomes.grpc.has(title), 'the gRPC run of this scenario did not finish').toBe(true);
    expect(outcomes.grpc.get(title)).toEqual(outcomes.rest.get(title));
  });
});
