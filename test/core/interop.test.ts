import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { TextPair, Message } from '../../src/contract/types.js';
import { uniq } from '../helpers/core.js';
import { pullOf } from './support.js';
import { withCore } from '../helpers/fixtures.js';

/**
 * Messages are the entries as they are in Redis: byte for byte, in Redis's field order,
 * repeated names included, both ways between the gateway and native clients.
 */

let core: Core;
let redis: Redis;
withCore((c, r) => {
  core = c;
  redis = r;
});

const b = (s: string) => Buffer.from(s, 'utf8');

/** Awkward entries: invalid UTF-8, empty values, unicode, repeated names, NULs, a large value. */
const AWKWARD: TextPair[][] = [
  [['bin', Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80])]],
  [['empty', Buffer.alloc(0)], ['also', b('')]],
  [['名前', b('値 ✓ 🚀')], ['emoji🙂', b('é')]],
  [['k', b('1')], ['k', b('2')], ['other', b('x')], ['k', b('3')]],
  [['nul', Buffer.from([0, 0, 0])], ['crlf', b('a\r\nb')], ['quote', b('"{}"')]],
  [['big', randomBytes(200_000)]],
  [['', b('empty name')]],
];

/** Flattens pairs to the [name, value, ...] buffers XADD takes and XRANGE returns. */
const flat = (pairs: readonly TextPair[]): Buffer[] => pairs.flatMap(([k, v]) => [b(k), v]);

/** A message as comparable data: id, field names, hex values. */
const shape = (m: Message) => ({ id: m.id, pairs: m.pairs?.map(([k, v]) => [k, v.toString('hex')]) ?? null });
const shapeOf = (id: string, pairs: readonly TextPair[]) => shape({ id, pairs });

async function nativeAdd(s: string, entries: TextPair[][]): Promise<string[]> {
  const ids: string[] = [];
  for (const pairs of entries) ids.push((await redis.xadd(s, '*', ...flat(pairs)))!);
  return ids;
}

/** Native XRANGE in Buffer mode, as comparable data. */
async function nativeRange(s: string) {
  const raw = (await redis.xrangeBuffer(s, '-', '+')) as unknown as [Buffer, Buffer[]][];
  return raw.map(([id, f]) => ({
    id: id.toString(),
    pairs: Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!.toString('utf8'), f[2 * i + 1]!.toString('hex')]),
  }));
}

describe('entries added by a native client', () => {
  it('come out of pull byte-exact, in Redis order', async () => {
    const s = uniq();
    await redis.xgroup('CREATE', s, 'g', '0', 'MKSTREAM');
    const ids = await nativeAdd(s, AWKWARD);
    const got = await core.consume.pull(s, 'g', pullOf('c'));
    expect(got.map(shape)).toEqual(AWKWARD.map((pairs, i) => shapeOf(ids[i]!, pairs)));
    expect(got.map(shape)).toEqual(await nativeRange(s));
    expect(got.every((m) => m.deliveryCount === 1)).toBe(true);
  });

  it('come out of read, history, claim, autoclaim and redelivery byte-exact', async () => {
    const s = uniq();
    await redis.xgroup('CREATE', s, 'g', '0', 'MKSTREAM');
    const ids = await nativeAdd(s, AWKWARD);
    const expected = AWKWARD.map((pairs, i) => shapeOf(ids[i]!, pairs));
    expect((await core.streams.read(s, { start: '-', end: '+', count: 100, reverse: false })).messages.map(shape)).toEqual(expected);
    expect((await core.streams.read(s, { start: '-', end: '+', count: 100, reverse: true })).messages.map(shape)).toEqual([...expected].reverse());
    await core.consume.pull(s, 'g', pullOf('c1'));
    expect((await core.consume.pull(s, 'g', pullOf('c1', { from: '0' }))).map(shape)).toEqual(expected);
    const claimed = await core.pending.claim(s, 'g', { consumer: 'c2', minIdleMs: 0, ids });
    expect('messages' in claimed && claimed.messages.map(shape)).toEqual(expected);
    const auto = await core.pending.autoclaim(s, 'g', { consumer: 'c3', minIdleMs: 0, start: '0', count: 100 });
    expect('messages' in auto.claimed && auto.claimed.messages.map(shape)).toEqual(expected);
    // Expire the leases server-side, then the lease reclaim hands them out again.
    await core.groups.updatePolicy(s, 'g', { leaseMs: 60_000 });
    for (const id of ids) await redis.xclaim(s, 'g', 'c3', 0, id, 'IDLE', 120_000, 'JUSTID');
    expect((await core.consume.pull(s, 'g', pullOf('c4'))).map(shape)).toEqual(expected);
  });

  it('keep their bytes through the dead-letter stream and back through redrive', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true, start: '0', leaseMs: 60_000, maxDeliveries: 1 });
    const ids = await nativeAdd(s, AWKWARD);
    await core.consume.pull(s, 'g', pullOf('c1'));
    for (const id of ids) await redis.xclaim(s, 'g', 'c1', 0, id, 'IDLE', 120_000, 'JUSTID');
    expect(await core.consume.pull(s, 'g', pullOf('c2'))).toEqual([]);
    const dead = await core.deadLetters.list(s, 'g', { count: 100 });
    expect(dead.messages.map((m) => shape(m).pairs!.slice(0, -5))).toEqual(AWKWARD.map((p) => shapeOf('', p).pairs));
    const { ids: newIds } = await core.deadLetters.redrive(s, 'g', {});
    const { messages: republished } = await core.streams.read(s, { start: `(${ids.at(-1)!}`, end: '+', count: 100, reverse: false });
    expect(republished.map(shape)).toEqual(AWKWARD.map((pairs, i) => shapeOf(newIds[i]!, pairs)));
  });
});

describe('entries published by the gateway', () => {
  it('are exactly the entries a native XRANGE shows', async () => {
    const s = uniq();
    const { ids } = await core.streams.publish(s, { messages: AWKWARD.map((pairs) => ({ pairs })) });
    expect(await nativeRange(s)).toEqual(AWKWARD.map((pairs, i) => shapeOf(ids[i]!, pairs)));
  });

  it('are read by a native consumer group like any other entry', async () => {
    const s = uniq();
    await redis.xgroup('CREATE', s, 'native', '$', 'MKSTREAM');
    const pairs: TextPair[] = [['a', b('1')], ['a', Buffer.from([0xff])]];
    const { ids } = await core.streams.publish(s, { messages: [{ pairs }] });
    const read = (await redis.callBuffer('XREADGROUP', 'GROUP', 'native', 'n', 'STREAMS', s, '>')) as [Buffer, [Buffer, Buffer[]][]][];
    const [id, f] = read[0]![1][0]!;
    expect(id.toString()).toBe(ids[0]);
    expect(f).toEqual(flat(pairs));
  });
});
