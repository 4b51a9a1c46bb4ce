import { readdirSync, readFileSync } from 'node:fs';
import { Redis, ReplyError } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { mapRedisError } from '../../src/redis/redis-errors.js';
import { SCRIPT_NAMES, type ScriptArg, type ScriptName, scriptSource } from '../../src/redis/script-loader.js';
import { Scripts } from '../../src/redis/scripts.js';
import { evalScript, refused } from '../helpers/scripts.js';
import { redisUrl, sleep, uniq } from '../helpers/core.js';
import { packEntries } from '../../src/redis/pack.js';
import { unpackCountedEntries } from '../../src/redis/unpack.js';
import { compareIds, parseId } from '../../src/contract/ids.js';

/**
 * Every Lua script, called directly on the real server with EVAL (the source exactly as
 * script-loader.ts sends it, prelude included), for each of its results and errors.
 */

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

const run = (name: ScriptName, keyList: string[], ...args: ScriptArg[]): Promise<unknown> => evalScript(redis, name, keyList, ...args);

/** A byte budget no test entry reaches (the bounded reads: test/core/bounded-reads.test.ts). */
const BIG = 1_000_000_000;

/**
 * pull-5, its packed entries (one cmsgpack string) read back by unpack.ts into the flat
 * `{id, {name, value, ...}, deliveryCount, ...}` list they were packed from.
 */
async function runPull(keyList: string[], ...args: ScriptArg[]): Promise<unknown[]> {
  const r = (await redis.callBuffer('EVAL', scriptSource('pull'), keyList.length, ...keyList, ...args)) as unknown[];
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : v);
  if (text(r[0]) !== 'OK') return r.map(text);
  const flat = unpackCountedEntries(r[1] as Buffer).flatMap((m) => [
    m.id,
    m.pairs === null ? false : m.pairs.flatMap(([name, value]) => [name, value.toString('utf8')]),
    m.deliveryCount,
  ]);
  return ['OK', flat, ...r.slice(2).map(text)];
}


const policyJson = (leaseMs: number, maxDeliveries: number, deadLetterStream: string) =>
  JSON.stringify({ leaseMs, maxDeliveries, deadLetterStream });

const reapJson = (leaseMs: number, reapIdleMs: number) =>
  JSON.stringify({ leaseMs, maxDeliveries: 0, deadLetterStream: 'd', reapIdleMs });

/** A string key, for WRONGTYPE. */
async function stringKey(): Promise<string> {
  const k = uniq('str');
  await redis.set(k, 'not a stream');
  return k;
}

/** A stream with `n` entries `1-0`, `2-0`... (field i = n) and a group at 0. */
async function streamWithGroup(n = 3, group = 'g'): Promise<{ s: string; ids: string[] }> {
  const s = uniq();
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) ids.push((await redis.xadd(s, `${i}-0`, 'i', String(i)))!);
  await redis.xgroup('CREATE', s, group, '0');
  return { s, ids };
}

/** Delivers up to `count` new entries to `consumer` with a native XREADGROUP. */
async function deliver(s: string, group: string, consumer: string, count = 100): Promise<string[]> {
  const r = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', s, '>')) as
    | [string, [string, string[]][]][]
    | null;
  return r ? r[0]![1].map(([id]) => id) : [];
}

/** [consumer, idleMs, deliveries] of one pending entry, or null. */
async function pendingOf(s: string, group: string, id: string): Promise<[string, number, number] | null> {
  const r = (await redis.xpending(s, group, id, id, 1)) as [string, string, number, number][];
  return r[0] ? [r[0][1], r[0][2], r[0][3]] : null;
}

/** Makes an entry look delivered `deliveries` times, idle for `idleMs`, owned by `consumer`. */
const forcePending = (s: string, group: string, consumer: string, id: string, idleMs: number, deliveries: number) =>
  redis.xclaim(s, group, consumer, 0, id, 'IDLE', idleMs, 'RETRYCOUNT', deliveries, 'JUSTID');

describe('script files', () => {
  const dir = new URL('../../src/redis/lua/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.lua'));

  it.each(files)('%s states its contract: name, key count, KEYS, Returns', (file) => {
    const body = readFileSync(new URL(file, dir), 'utf8');
    const [, name, n] = /^(\w+)-(\d+)\.lua$/.exec(file)!;
    expect(body.startsWith(`--[[ ${name}-${n}:`)).toBe(true);
    const header = body.slice(0, body.indexOf(']]'));
    for (let k = 1; k <= Number(n); k++) expect(header).toContain(`KEYS[${k}]`);
    expect(header).not.toContain(`KEYS[${Number(n) + 1}]`);
    expect(header).toMatch(/Returns/);
    // The body never uses a key it did not declare.
    const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(Math.max(...used)).toBeLessThanOrEqual(Number(n));
  });

  it('every script has its one typed function in scripts.ts', () => {
    expect(files.map((f) => f.replace(/-\d+\.lua$/, '')).sort()).toEqual([...SCRIPT_NAMES].sort());
    for (const name of SCRIPT_NAMES) expect(typeof Scripts.prototype[name], name).toBe('function');
  });

  it('every error prefix a script raises is mapped to a contract code', () => {
    const prefixes = new Set<string>();
    for (const file of [...files, 'include/prelude.lua']) {
      const body = readFileSync(new URL(file, dir), 'utf8');
      for (const m of body.matchAll(/sg_fail\('([A-Z]+)'/g)) prefixes.add(m[1]!);
    }
    expect([...prefixes].sort()).toEqual(
      ['BADPOLICY', 'DLQTYPE', 'HASPENDING', 'IDEMCONFLICT', 'IDTOOSMALL', 'LEASESOFF', 'NOCONSUMER', 'NOGROUP', 'NOSTREAM', 'WRONGTYPE'].sort(),
    );
    for (const p of prefixes) {
      expect(mapRedisError(new ReplyError(`${p} something happened`))?.code, p).toBeDefined();
    }
  });
});

/** ack-2's ARGV after group and consumer: the IDs' bounds, then the IDs joined by spaces. */
const bounded = (...ids: string[]): string[] => {
  const sorted = [...ids].sort((a, b) => compareIds(parseId(a)!, parseId(b)!));
  return [sorted[0]!, sorted.at(-1)!, ids.join(' ')];
};

describe('ack-2', () => {
  it('NOSTREAM, WRONGTYPE, NOGROUP where XACK alone would answer 0', async () => {
    await refused(run('ack', [uniq(), 'd'], 'g', '', '1-0'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    await refused(run('ack', [await stringKey(), 'd'], 'g', '', '1-0'), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s } = await streamWithGroup();
    await refused(run('ack', [s, keys.nackDelays(s)], 'nope', '', '1-0'), 'NOGROUP', 'GROUP_NOT_FOUND');
  });

  it('answers 1 or 0 per ID', async () => {
    const { s, ids } = await streamWithGroup(3);
    await deliver(s, 'g', 'c', 2);
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', '', ...bounded(ids[0]!, ids[0]!, ids[2]!, '9-0', ids[1]!))).toEqual([1, 0, 0, 0, 1]);
    expect(await redis.xpending(s, 'g')).toEqual([0, null, null, null]);
  });
});

describe('ack-2 with a consumer', () => {
  it('NOSTREAM, WRONGTYPE, NOGROUP', async () => {
    await refused(run('ack', [uniq(), 'd'], 'g', 'c', '1-0'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    await refused(run('ack', [await stringKey(), 'd'], 'g', 'c', '1-0'), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s } = await streamWithGroup();
    await refused(run('ack', [s, keys.nackDelays(s)], 'nope', 'c', '1-0'), 'NOGROUP', 'GROUP_NOT_FOUND');
  });

  it("acks only the consumer's own pending entries: 1, 0, or 2 (another consumer's) per ID", async () => {
    const { s, ids } = await streamWithGroup(3);
    await deliver(s, 'g', 'c', 2);
    await deliver(s, 'g', 'other', 1);
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', 'c', ...bounded(ids[0]!, ids[0]!, ids[2]!, '9-0', ids[1]!))).toEqual([1, 0, 2, 0, 1]);
    // Another consumer's entry is left pending.
    expect(await redis.xpending(s, 'g')).toEqual([1, ids[2], ids[2], [['other', '1']]]);
  });

  it('a few IDs far apart over a long pending list (the per-ID walk): only those are acked', async () => {
    const { s, ids } = await streamWithGroup(300);
    await deliver(s, 'g', 'c', 300);
    const first = ids[0]!;
    const last = ids[299]!;
    for (const consumer of ['c', '']) {
      expect(await run('ack', [s, keys.nackDelays(s)], 'g', consumer, ...bounded(last, '9999-0', first))).toEqual(consumer === 'c' ? [1, 0, 1] : [0, 0, 0]);
    }
    expect((await redis.xpending(s, 'g'))[0]).toBe(298);
    // The walk answers 2 for another consumer's entry, and leaves it.
    await forcePending(s, 'g', 'other', ids[150]!, 0, 1);
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', 'c', ...bounded(ids[1]!, ids[150]!, ids[298]!))).toEqual([1, 2, 1]);
    expect((await pendingOf(s, 'g', ids[150]!))?.[0]).toBe('other');
  });

  it('more than 1,000 IDs in one call (XACK in slices), in any order', async () => {
    const { s, ids } = await streamWithGroup(1500);
    await deliver(s, 'g', 'c', 1500);
    const shuffled = [...ids].reverse();
    const r = (await run('ack', [s, keys.nackDelays(s)], 'g', 'c', ...bounded(...shuffled))) as number[];
    expect(r).toHaveLength(1500);
    expect(r.every((x) => x === 1)).toBe(true);
    expect(await redis.xpending(s, 'g')).toEqual([0, null, null, null]);
  });

  it("an ID pending for another consumer inside the batch's range is left alone", async () => {
    const { s, ids } = await streamWithGroup(5);
    await deliver(s, 'g', 'c', 2);
    await deliver(s, 'g', 'other', 1);
    await deliver(s, 'g', 'c', 2);
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', 'c', ...bounded(ids[0]!, ids[2]!, ids[4]!))).toEqual([1, 2, 1]);
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', '', ...bounded(ids[2]!, ids[1]!, ids[3]!))).toEqual([1, 1, 1]);
    expect(await redis.xpending(s, 'g')).toEqual([0, null, null, null]);
  });
});

describe('setLease-3', () => {
  const leaseArgs = (g: string, consumer: string, delay: string | number, defLease: number, ...ids: string[]) => [
    g,
    consumer,
    delay,
    defLease,
    ...ids,
  ];

  it('NOSTREAM, WRONGTYPE, NOGROUP', async () => {
    await refused(run('setLease', [uniq(), 'p', 'd'], ...leaseArgs('g', 'c', '', 1000, '1-0')), 'NOSTREAM', 'STREAM_NOT_FOUND');
    const str = await stringKey();
    await refused(run('setLease', [str, keys.policy(str), 'd'], ...leaseArgs('g', 'c', '', 1000, '1-0')), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s } = await streamWithGroup();
    await refused(run('setLease', [s, keys.policy(s), keys.nackDelays(s)], ...leaseArgs('nope', 'c', '', 1000, '1-0')), 'NOGROUP', 'GROUP_NOT_FOUND');
  });

  it('LEASESOFF when the lease is 0: from the defaults, or from a stored policy over defaults', async () => {
    const { s, ids } = await streamWithGroup();
    await deliver(s, 'g', 'c');
    await refused(run('setLease', [s, keys.policy(s), keys.nackDelays(s)], ...leaseArgs('g', 'c', '', 0, ids[0]!)), 'LEASESOFF', 'LEASES_DISABLED');
    await redis.hset(keys.policy(s), 'g', policyJson(0, 0, `${s}:dlq`));
    await refused(run('setLease', [s, keys.policy(s), keys.nackDelays(s)], ...leaseArgs('g', 'c', 0, 30_000, ids[0]!)), 'LEASESOFF', 'LEASES_DISABLED');
  });

  it('changes only the consumer’s own entries, and never the delivery count', async () => {
    const { s, ids } = await streamWithGroup(2);
    await deliver(s, 'g', 'c1', 1);
    await deliver(s, 'g', 'c2', 1);
    await forcePending(s, 'g', 'c1', ids[0]!, 5000, 1);
    await forcePending(s, 'g', 'c2', ids[1]!, 5000, 1);
    // c2 extends both: only its own changes (2: another consumer's).
    expect(await run('setLease', [s, keys.policy(s), keys.nackDelays(s)], ...leaseArgs('g', 'c2', '', 10_000, ids[0]!, ids[1]!, '9-0'))).toEqual([2, 1, 0]);
    const [owner0, idle0, count0] = (await pendingOf(s, 'g', ids[0]!))!;
    expect([owner0, count0]).toEqual(['c1', 1]);
    expect(idle0).toBeGreaterThanOrEqual(5000);
    const [owner1, idle1, count1] = (await pendingOf(s, 'g', ids[1]!))!;
    expect([owner1, count1]).toEqual(['c2', 1]);
    expect(idle1).toBeLessThan(1000);
  });

  it('release sets the idle time to leaseMs - delayMs', async () => {
    const { s, ids } = await streamWithGroup(1);
    await deliver(s, 'g', 'c');
    expect(await run('setLease', [s, keys.policy(s), keys.nackDelays(s)], ...leaseArgs('g', 'c', 0, 10_000, ids[0]!))).toEqual([1]);
    const [, idleNow, countNow] = (await pendingOf(s, 'g', ids[0]!))!;
    expect(idleNow).toBeGreaterThanOrEqual(10_000);
    expect(idleNow).toBeLessThan(11_000);
    expect(countNow).toBe(1);
    expect(await run('setLease', [s, keys.policy(s), keys.nackDelays(s)], ...leaseArgs('g', 'c', 4000, 10_000, ids[0]!))).toEqual([1]);
    const [, idleLater] = (await pendingOf(s, 'g', ids[0]!))!;
    expect(idleLater).toBeGreaterThanOrEqual(6000);
    expect(idleLater).toBeLessThan(7000);
  });

  it('answers 0 for an entry deleted from the stream', async () => {
    const { s, ids } = await streamWithGroup(1);
    await deliver(s, 'g', 'c');
    await redis.xdel(s, ids[0]!);
    expect(await run('setLease', [s, keys.policy(s), keys.nackDelays(s)], ...leaseArgs('g', 'c', '', 10_000, ids[0]!))).toEqual([0]);
  });
});

describe('pull-5', () => {
  const pullArgs = (g: string, c: string, count: number, noAck = false, def: [number, number, string] = [30_000, 0, 'dlq']) => [
    g,
    c,
    count,
    noAck ? '1' : '0',
    ...def,
    2 * 1_048_576,
    256,
    1024,
    count,
    // No dead-letter key's type asked (only handing back: the two-step tests).
    '',
    '',
  ];
  const keysOf = (s: string, dlq = `${s}:dlq`) => [s, keys.policy(s), dlq, keys.leaseCursor(s, 'g'), keys.nackDelays(s)];

  it('NOSTREAM, WRONGTYPE, NOGROUP (with and without leases)', async () => {
    const missing = uniq();
    await refused(runPull(keysOf(missing), ...pullArgs('g', 'c', 1)), 'NOSTREAM', 'STREAM_NOT_FOUND');
    const str = await stringKey();
    await refused(runPull(keysOf(str), ...pullArgs('g', 'c', 1)), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s } = await streamWithGroup();
    await refused(runPull(keysOf(s), ...pullArgs('nope', 'c', 1)), 'NOGROUP', 'GROUP_NOT_FOUND');
    await refused(runPull(keysOf(s), ...pullArgs('nope', 'c', 1, false, [0, 0, 'x'])), 'NOGROUP', 'GROUP_NOT_FOUND');
  });

  it('delivers new entries with deliveryCount 1 and the lease; topId only when nothing came', async () => {
    const { s } = await streamWithGroup(2);
    const r = (await runPull(keysOf(s), ...pullArgs('g', 'c', 5, false, [1234, 0, 'x']))) as unknown[];
    expect(r).toEqual(['OK', ['1-0', ['i', '1'], 1, '2-0', ['i', '2'], 1], 0, '0-0', 1234, [], 0]);
    const empty = (await runPull(keysOf(s), ...pullArgs('g', 'c', 5, false, [1234, 0, 'x']))) as unknown[];
    expect(empty).toEqual(['OK', [], 0, '2-0', 1234, [], 0]);
    const s2 = uniq();
    await redis.xgroup('CREATE', s2, 'g', '$', 'MKSTREAM');
    expect(await runPull(keysOf(s2), ...pullArgs('g', 'c', 5))).toEqual(['OK', [], 0, '0-0', 30_000, [], 0]);
  });

  it('a stored policy wins over the defaults', async () => {
    const { s } = await streamWithGroup(1);
    await redis.hset(keys.policy(s), 'g', policyJson(777, 0, 'elsewhere'));
    const r = (await runPull(keysOf(s), ...pullArgs('g', 'c', 5, false, [30_000, 0, 'x']))) as unknown[];
    expect(r[4]).toBe(777);
  });

  it("answers 'DLQ' with the group's dead-letter stream when KEYS[3] differs, changing nothing", async () => {
    const { s, ids } = await streamWithGroup(2);
    await deliver(s, 'g', 'old', 1);
    await forcePending(s, 'g', 'old', ids[0]!, 60_000, 5);
    const custom = uniq('dlq');
    await redis.hset(keys.policy(s), 'g', policyJson(1000, 3, custom));
    const before = await redis.xinfo('GROUPS', s);
    const r = (await runPull(keysOf(s, `${s}:dlq`), ...pullArgs('g', 'c', 5))) as unknown[];
    expect(r).toEqual(['DLQ', custom, 0, '0-0', 1000, [], 0]);
    expect(await redis.xinfo('GROUPS', s)).toEqual(before);
    expect(await pendingOf(s, 'g', ids[0]!)).toEqual(['old', expect.any(Number), 5]);
    expect(await redis.exists(custom, `${s}:dlq`)).toBe(0);
    // Same call with the right key: the poison entry is dead-lettered, the next one delivered.
    const ok = (await runPull(keysOf(s, custom), ...pullArgs('g', 'c', 5))) as unknown[];
    expect(ok[0]).toBe('OK');
    expect(ok[2]).toBe(1);
    expect(await redis.xlen(custom)).toBe(1);
  });

  it('without maxDeliveries any KEYS[3] is accepted', async () => {
    const { s } = await streamWithGroup(1);
    await redis.hset(keys.policy(s), 'g', policyJson(1000, 0, uniq('dlq')));
    const r = (await runPull(keysOf(s, uniq('other')), ...pullArgs('g', 'c', 5))) as unknown[];
    expect(r[0]).toBe('OK');
  });

  it('reclaims an expired lease for the caller with deliveryCount + 1, before new entries', async () => {
    const { s, ids } = await streamWithGroup(3);
    await deliver(s, 'g', 'c1', 2);
    await forcePending(s, 'g', 'c1', ids[1]!, 1500, 1); // expired (lease 1000)
    await forcePending(s, 'g', 'c1', ids[0]!, 200, 1); // still leased
    const r = (await runPull(keysOf(s), ...pullArgs('g', 'c2', 5, false, [1000, 0, 'x']))) as unknown[];
    expect(r).toEqual(['OK', [ids[1], ['i', '2'], 2, ids[2], ['i', '3'], 1], 0, '0-0', 1000, [], 0]);
    expect(await pendingOf(s, 'g', ids[1]!)).toEqual(['c2', expect.any(Number), 2]);
    expect(await pendingOf(s, 'g', ids[0]!)).toEqual(['c1', expect.any(Number), 1]);
  });

  it('dead-letters entries at maxDeliveries, walking past them to fill the count', async () => {
    const { s, ids } = await streamWithGroup(7);
    await deliver(s, 'g', 'old', 6);
    for (let i = 0; i < 5; i++) await forcePending(s, 'g', `old${i}`, ids[i]!, 5000, 2); // poison
    await forcePending(s, 'g', 'old', ids[5]!, 5000, 1); // expired, one delivery left
    const dlq = uniq('dlq');
    await redis.hset(keys.policy(s), 'g', policyJson(1000, 2, dlq));
    const r = (await runPull(keysOf(s, dlq), ...pullArgs('g', 'c', 1))) as unknown[];
    expect(r).toEqual(['OK', [ids[5], ['i', '6'], 2], 5, '0-0', 1000, [], 0]);
    const dead = await redis.xrange(dlq, '-', '+');
    expect(dead.map(([, f]) => f)).toEqual(
      [0, 1, 2, 3, 4].map((i) => [
        'i', String(i + 1),
        'x-original-id', ids[i],
        'x-original-stream', s,
        'x-group', 'g',
        'x-deliveries', '2',
        'x-last-consumer', `old${i}`,
      ]),
    );
    // Acked in the group, still in the stream.
    expect((await redis.xpending(s, 'g'))[0]).toBe(1);
    expect(await redis.xlen(s)).toBe(7);
  });

  it('acks a poison entry deleted from the stream without a dead letter', async () => {
    const { s, ids } = await streamWithGroup(1);
    await deliver(s, 'g', 'old');
    await forcePending(s, 'g', 'old', ids[0]!, 5000, 3);
    await redis.xdel(s, ids[0]!);
    const dlq = uniq('dlq');
    await redis.hset(keys.policy(s), 'g', policyJson(1000, 2, dlq));
    const r = (await runPull(keysOf(s, dlq), ...pullArgs('g', 'c', 5))) as unknown[];
    expect(r.slice(0, 3)).toEqual(['OK', [], 0]);
    expect(await redis.exists(dlq)).toBe(0);
    expect((await redis.xpending(s, 'g'))[0]).toBe(0);
  });

  it('NOACK reads new entries only, untracked, and reclaims nothing', async () => {
    const { s, ids } = await streamWithGroup(2);
    await deliver(s, 'g', 'c1', 1);
    await forcePending(s, 'g', 'c1', ids[0]!, 5000, 1);
    const r = (await runPull(keysOf(s), ...pullArgs('g', 'c2', 5, true, [1000, 0, 'x']))) as unknown[];
    expect(r).toEqual(['OK', [ids[1], ['i', '2'], 1], 0, '0-0', 1000, [], 0]);
    expect(await redis.xpending(s, 'g')).toEqual([1, ids[0], ids[0], [['c1', '1']]]);
  });

  it('acks the IDs it carries first (whoever holds them, a repeat once), then reads; NOGROUP and DLQ ack nothing, DLQTYPE after the acks', async () => {
    const { s, ids } = await streamWithGroup(4);
    await deliver(s, 'g', 'other', 2);
    const r = await runPull(keysOf(s), ...pullArgs('g', 'c', 1, false, [30_000, 0, 'x']), ids[0]!, ids[1]!, ids[0]!, '9-9');
    expect(r).toEqual(['OK', [ids[2], ['i', '3'], 1], 0, '0-0', 30_000, [1, 1, 0, 0], 0]);
    expect((await redis.xpending(s, 'g'))[0]).toBe(1);
    // A missing group: refused before any ack (XACK alone would answer 0 and go on).
    await refused(runPull(keysOf(s), ...pullArgs('nope', 'c', 1), ids[2]!), 'NOGROUP', 'GROUP_NOT_FOUND');
    // The group dead-letters elsewhere: 'DLQ' (call again with that key), nothing acked.
    const dlq = uniq('dlq');
    await redis.hset(keys.policy(s), 'g', policyJson(30_000, 3, dlq));
    expect(await runPull(keysOf(s, `${s}:dlq`), ...pullArgs('g', 'c', 1), ids[2]!)).toEqual(['DLQ', dlq, 0, '0-0', 30_000, [], 0]);
    expect((await redis.xpending(s, 'g'))[0]).toBe(1);
    // The dead-letter key holds another type: the pull fails after the acks, which stand.
    await redis.set(dlq, 'v');
    await refused(runPull(keysOf(s, dlq), ...pullArgs('g', 'c', 1), ids[2]!), 'DLQTYPE', 'NOT_A_STREAM');
    expect((await redis.xpending(s, 'g'))[0]).toBe(0);
  });

  /** ARGV with the walk and budget given: [budget, step, whole, firstChunk]. */
  const walkArgs = (c: string, count: number, budget: number, step: number, whole: number, noAck = false) => [
    'g',
    c,
    count,
    noAck ? '1' : '0',
    1000,
    0,
    'x',
    budget,
    step,
    whole,
    count,
    '',
    '',
  ];
  const idsOf = (r: unknown[]) => (r[1] as unknown[]).filter((_, i) => i % 3 === 0);

  it('a pending list longer than the full walk is walked one step per call from the stored cursor, wrapping around', async () => {
    const { s, ids } = await streamWithGroup(10);
    await deliver(s, 'g', 'old');
    await forcePending(s, 'g', 'old', ids[1]!, 999_999, 1);
    await forcePending(s, 'g', 'old', ids[8]!, 999_999, 1);
    const cursor = keys.leaseCursor(s, 'g');
    const step = () => runPull(keysOf(s), ...walkArgs('c', 5, 1_000_000, 3, 4));
    expect(idsOf(await step())).toEqual([ids[1]]);
    expect(await redis.get(cursor)).toBe(ids[2]);
    expect(idsOf(await step())).toEqual([]);
    expect(await redis.get(cursor)).toBe(ids[5]);
    expect(idsOf(await step())).toEqual([ids[8]]);
    expect(await redis.get(cursor)).toBe(ids[8]);
    // The last entry, then from the start again.
    expect(idsOf(await step())).toEqual([]);
    expect(await redis.get(cursor)).toBe(ids[1]);
    expect(await redis.pttl(cursor)).toBeGreaterThan(0);
  });

  it('an expired entry left for lack of count is the first one the next step looks at', async () => {
    const { s, ids } = await streamWithGroup(10);
    await deliver(s, 'g', 'old');
    for (const i of [0, 1]) await forcePending(s, 'g', 'old', ids[i]!, 999_999, 1);
    expect(idsOf(await runPull(keysOf(s), ...walkArgs('c', 1, 1_000_000, 3, 4)))).toEqual([ids[0]]);
    expect(await redis.get(keys.leaseCursor(s, 'g'))).toBe(ids[0]);
    expect(idsOf(await runPull(keysOf(s), ...walkArgs('c', 1, 1_000_000, 3, 4)))).toEqual([ids[1]]);
  });

  it('reclaimed entries count against the byte budget: one that does not fit stays with its owner, unchanged', async () => {
    const { s, ids } = await streamWithGroup(3);
    await deliver(s, 'g', 'old');
    for (const id of ids) await forcePending(s, 'g', 'old', id, 999_999, 1);
    // Each entry is 5 bytes (its ID 'n-0', 'i' and its digit): a budget of 7 takes one.
    const r = await runPull(keysOf(s), ...walkArgs('c', 5, 7, 256, 1024));
    expect(r[1]).toEqual([ids[0], ['i', '1'], 2]);
    expect((await pendingOf(s, 'g', ids[1]!))?.[0]).toBe('old');
    expect((await pendingOf(s, 'g', ids[1]!))?.[2]).toBe(1);
    expect(idsOf(await runPull(keysOf(s), ...walkArgs('c', 5, 10, 256, 1024)))).toEqual([ids[1], ids[2]]);
  });

  it('new entries past the budget are given back (NOACK too): not pending, read by the next call, the group counters exact', async () => {
    const { s, ids } = await streamWithGroup(5);
    const first = await runPull(keysOf(s), ...walkArgs('c', 5, 10, 256, 1024));
    expect(idsOf(first)).toEqual([ids[0], ids[1]]);
    expect((await redis.xpending(s, 'g'))[0]).toBe(2);
    const group = async () => {
      const [g] = (await redis.xinfo('GROUPS', s)) as unknown[][];
      const at = (k: string) => g![g!.indexOf(k) + 1];
      return [at('last-delivered-id'), at('entries-read'), at('lag')];
    };
    expect(await group()).toEqual([ids[1], 2, 3]);
    // Budget 1: the first entry goes whatever its size, the rest stays.
    expect(idsOf(await runPull(keysOf(s), ...walkArgs('n', 5, 1, 256, 1024, true)))).toEqual([ids[2]]);
    expect((await redis.xpending(s, 'g'))[0]).toBe(2);
    expect(await group()).toEqual([ids[2], 3, 2]);
    expect(idsOf(await runPull(keysOf(s), ...walkArgs('c', 5, 100, 256, 1024)))).toEqual([ids[3], ids[4]]);
    expect(await group()).toEqual([ids[4], 5, 0]);
  });

  it('with lease 0 never reclaims', async () => {
    const { s, ids } = await streamWithGroup(1);
    await deliver(s, 'g', 'c1');
    await forcePending(s, 'g', 'c1', ids[0]!, 999_999, 1);
    const r = (await runPull(keysOf(s), ...pullArgs('g', 'c2', 5, false, [0, 0, 'x']))) as unknown[];
    expect(r).toEqual(['OK', [], 0, ids[0], 0, [], 0]);
  });
});

describe('history-1', () => {
  it('NOSTREAM, WRONGTYPE, NOGROUP', async () => {
    await refused(run('history', [uniq()], 'g', 'c', 10, '0', BIG), 'NOSTREAM', 'STREAM_NOT_FOUND');
    await refused(run('history', [await stringKey()], 'g', 'c', 10, '0', BIG), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s } = await streamWithGroup();
    await refused(run('history', [s], 'nope', 'c', 10, '0', BIG), 'NOGROUP', 'GROUP_NOT_FOUND');
  });

  it("returns the consumer's own pending entries after an ID, a deleted one with nil fields", async () => {
    const { s, ids } = await streamWithGroup(4);
    await deliver(s, 'g', 'c', 3);
    await deliver(s, 'g', 'other', 1);
    await redis.xdel(s, ids[1]!);
    // A history read counts as a delivery in Redis, except for deleted entries.
    expect(await run('history', [s], 'g', 'c', 10, '0', BIG)).toEqual([ids[0], ['i', '1'], 2, ids[1], null, 1, ids[2], ['i', '3'], 2]);
    expect(await run('history', [s], 'g', 'c', 1, ids[0]!, BIG)).toEqual([ids[1], null, 1]);
    expect(await run('history', [s], 'g', 'other', 10, '0', BIG)).toEqual([ids[3], ['i', '4'], 2]);
    expect(await run('history', [s], 'g', 'nobody', 10, '0', BIG)).toEqual([]);
  });
});

describe('createGroup-3', () => {
  const policy = policyJson(500, 2, 'd');
  const ck = (s: string) => [s, keys.policy(s), keys.reapRegistry(s)];

  it('NOSTREAM without MKSTREAM, and then nothing is written', async () => {
    const s = uniq();
    await refused(run('createGroup', ck(s), 'g', '$', '0', '', reapJson(500, 1000)), 'NOSTREAM', 'STREAM_NOT_FOUND');
    expect(await redis.exists(s, keys.policy(s))).toBe(0);
    expect(await redis.sismember(keys.reapRegistry(s), s)).toBe(0);
  });

  it('WRONGTYPE on another key type; no policy written', async () => {
    const str = await stringKey();
    await refused(run('createGroup', ck(str), 'g', '$', '1', '', policy), 'WRONGTYPE', 'NOT_A_STREAM');
    expect(await redis.exists(keys.policy(str))).toBe(0);
  });

  it('creates group (MKSTREAM, ENTRIESREAD) and policy together; BUSYGROUP keeps the first policy', async () => {
    const s = uniq();
    expect(await run('createGroup', ck(s), 'g', '$', '1', '', policy)).toBe(1);
    expect(await redis.hget(keys.policy(s), 'g')).toBe(policy);
    await refused(run('createGroup', ck(s), 'g', '0', '1', '', policyJson(1, 1, 'x')), 'BUSYGROUP', 'GROUP_EXISTS');
    expect(await redis.hget(keys.policy(s), 'g')).toBe(policy);
    const { s: s2 } = await streamWithGroup(3, 'other');
    expect(await run('createGroup', ck(s2), 'g2', '2-0', '0', '2', policy)).toBe(1);
    const info = (await redis.xinfo('GROUPS', s2)) as unknown[][];
    const g2 = info.find((g) => g[1] === 'g2')!;
    expect(g2).toEqual(expect.arrayContaining(['last-delivered-id', '2-0', 'entries-read', 2, 'lag', 1]));
  });

  it('registers the stream for the reaper in the same step when the policy reaps, only then', async () => {
    const s = uniq();
    await run('createGroup', ck(s), 'plain', '$', '1', '', policy);
    expect(await redis.sismember(keys.reapRegistry(s), s)).toBe(0);
    await run('createGroup', ck(s), 'reaps', '$', '1', '', reapJson(500, 1000));
    expect(await redis.sismember(keys.reapRegistry(s), s)).toBe(1);
  });
});

describe('destroyGroup-3', () => {
  it('NOSTREAM, WRONGTYPE, NOGROUP', async () => {
    await refused(run('destroyGroup', [uniq(), 'p', 'd'], 'g'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    const str = await stringKey();
    await refused(run('destroyGroup', [str, keys.policy(str), 'd'], 'g'), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s } = await streamWithGroup();
    await refused(run('destroyGroup', [s, keys.policy(s), keys.nackDelays(s)], 'nope'), 'NOGROUP', 'GROUP_NOT_FOUND');
  });

  it("removes the group and its policy, not the other groups' policies", async () => {
    const { s } = await streamWithGroup(1, 'g');
    await redis.xgroup('CREATE', s, 'h', '0');
    await redis.hset(keys.policy(s), 'g', policyJson(100, 0, 'x'), 'h', policyJson(200, 0, 'y'));
    expect(await run('destroyGroup', [s, keys.policy(s), keys.nackDelays(s)], 'g')).toBe(1);
    expect(await redis.hgetall(keys.policy(s))).toEqual({ h: policyJson(200, 0, 'y') });
    expect(((await redis.xinfo('GROUPS', s)) as unknown[][]).map((g) => g[1])).toEqual(['h']);
  });
});

describe('updatePolicy-3', () => {
  const defaults = (s: string) => policyJson(30_000, 0, `${s}:dlq`);
  const uk = (s: string) => [s, keys.policy(s), keys.reapRegistry(s)];

  it('NOSTREAM, WRONGTYPE, NOGROUP', async () => {
    await refused(run('updatePolicy', [uniq(), 'p', 'r'], 'g', '{}', '{}'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    const str = await stringKey();
    await refused(run('updatePolicy', uk(str), 'g', '{}', '{}'), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s } = await streamWithGroup();
    await refused(run('updatePolicy', uk(s), 'nope', defaults(s), '{}'), 'NOGROUP', 'GROUP_NOT_FOUND');
    expect(await redis.exists(keys.policy(s))).toBe(0);
  });

  it('merges into the defaults for a native group, then into the stored policy', async () => {
    const { s } = await streamWithGroup();
    const first = JSON.parse(String(await run('updatePolicy', uk(s), 'g', defaults(s), '{"maxDeliveries":4}')));
    expect(first).toEqual({ leaseMs: 30_000, maxDeliveries: 4, deadLetterStream: `${s}:dlq` });
    const second = JSON.parse(String(await run('updatePolicy', uk(s), 'g', policyJson(1, 1, 'ignored'), '{"leaseMs":250}')));
    expect(second).toEqual({ leaseMs: 250, maxDeliveries: 4, deadLetterStream: `${s}:dlq` });
    expect(JSON.parse((await redis.hget(keys.policy(s), 'g'))!)).toEqual(second);
  });

  it('BADPOLICY when the merged reapIdleMs is below the merged lease or leases are off; nothing written', async () => {
    const { s } = await streamWithGroup();
    await redis.hset(keys.policy(s), 'g', reapJson(1000, 5000));
    await refused(run('updatePolicy', uk(s), 'g', defaults(s), '{"leaseMs":6000}'), 'BADPOLICY', 'VALIDATION_FAILED');
    await refused(run('updatePolicy', uk(s), 'g', defaults(s), '{"leaseMs":0}'), 'BADPOLICY', 'VALIDATION_FAILED');
    await refused(run('updatePolicy', uk(s), 'g', defaults(s), '{"reapIdleMs":999}'), 'BADPOLICY', 'VALIDATION_FAILED');
    expect(await redis.hget(keys.policy(s), 'g')).toBe(reapJson(1000, 5000));
    // Both together, consistent: accepted.
    const ok = JSON.parse(String(await run('updatePolicy', uk(s), 'g', defaults(s), '{"leaseMs":0,"reapIdleMs":0}')));
    expect(ok).toMatchObject({ leaseMs: 0, reapIdleMs: 0 });
  });

  it('registers the stream when the merged policy reaps, in the same step', async () => {
    const { s } = await streamWithGroup();
    await run('updatePolicy', uk(s), 'g', defaults(s), '{"maxDeliveries":1}');
    expect(await redis.sismember(keys.reapRegistry(s), s)).toBe(0);
    await run('updatePolicy', uk(s), 'g', defaults(s), '{"reapIdleMs":60000}');
    expect(await redis.sismember(keys.reapRegistry(s), s)).toBe(1);
  });
});

describe('deleteStream-3', () => {
  it('NOSTREAM; WRONGTYPE leaves the other key alone; deletes stream and policies', async () => {
    await refused(run('deleteStream', [uniq(), 'p', 'd']), 'NOSTREAM', 'STREAM_NOT_FOUND');
    const str = await stringKey();
    await refused(run('deleteStream', [str, keys.policy(str), 'd']), 'WRONGTYPE', 'NOT_A_STREAM');
    expect(await redis.get(str)).toBe('not a stream');
    const { s } = await streamWithGroup();
    await redis.hset(keys.policy(s), 'g', policyJson(100, 0, 'x'));
    expect(await run('deleteStream', [s, keys.policy(s), keys.nackDelays(s)])).toBe(1);
    expect(await redis.exists(s, keys.policy(s))).toBe(0);
  });
});

describe('deleteConsumer-1', () => {
  it('NOSTREAM, WRONGTYPE, NOGROUP, NOCONSUMER', async () => {
    await refused(run('deleteConsumer', [uniq()], 'g', 'c', '0'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    await refused(run('deleteConsumer', [await stringKey()], 'g', 'c', '0'), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s } = await streamWithGroup();
    await refused(run('deleteConsumer', [s], 'nope', 'c', '0'), 'NOGROUP', 'GROUP_NOT_FOUND');
    await refused(run('deleteConsumer', [s], 'g', 'nobody', '1'), 'NOCONSUMER', 'CONSUMER_NOT_FOUND');
  });

  it('HASPENDING unless forced; forced drops and counts the pending entries', async () => {
    const { s } = await streamWithGroup(3);
    await deliver(s, 'g', 'busy', 2);
    await redis.xgroup('CREATECONSUMER', s, 'g', 'idle');
    await refused(run('deleteConsumer', [s], 'g', 'busy', '0'), 'HASPENDING', 'CONSUMER_HAS_PENDING');
    expect((await redis.xpending(s, 'g'))[0]).toBe(2);
    expect(await run('deleteConsumer', [s], 'g', 'idle', '0')).toBe(0);
    expect(await run('deleteConsumer', [s], 'g', 'busy', '1')).toBe(2);
    expect(await redis.xpending(s, 'g')).toEqual([0, null, null, null]);
    expect(await redis.xinfo('CONSUMERS', s, 'g')).toEqual([]);
  });
});

describe('publish-2', () => {
  /** ARGV for publish: one message per [id, ...flat pairs], packed as the script reads them. */
  const pub = (hash: string, trim: [string, string, string] | null, ...msgs: [string, ...string[]][]): ScriptArg[] => [
    hash,
    3600,
    ...(trim ?? ['', '', '']),
    packEntries(
      msgs.map(([id, ...flat]) => ({ id, pairs: Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i] ?? '', flat[2 * i + 1] ?? ''] as const) })),
    ),
  ];
  const keysOf = (s: string, idem = 'k') => [s, idem === '' ? keys.policy(s) : keys.idempotency(s, idem)];

  it('writes a batch and answers OK with the IDs', async () => {
    const s = uniq();
    const r = (await run('publish', keysOf(s, ''), ...pub('', null, ['5-1', 'a', '1'], ['5-*', 'b', '2'], ['7-*', 'c', '3'], ['*', 'd', '4']))) as [string, string[]];
    expect(r[0]).toBe('OK');
    expect(r[1].slice(0, 3)).toEqual(['5-1', '5-2', '7-0']);
    expect((await redis.xrange(s, '-', '+')).map(([id, f]) => [id, f])).toEqual([
      ['5-1', ['a', '1']],
      ['5-2', ['b', '2']],
      ['7-0', ['c', '3']],
      [r[1][3], ['d', '4']],
    ]);
  });

  it('WRONGTYPE', async () => {
    const str = await stringKey();
    await refused(run('publish', keysOf(str, ''), ...pub('', null, ['*', 'a', '1'])), 'WRONGTYPE', 'NOT_A_STREAM');
  });

  it('IDTOOSMALL before anything is written: explicit IDs not above the top, or not increasing', async () => {
    const s = uniq();
    await redis.xadd(s, '10-5', 'x', 'y');
    for (const msgs of [
      [['10-5', 'a', '1']],
      [['10-6', 'a', '1'], ['10-6', 'b', '2']],
      [['11-0', 'a', '1'], ['10-9', 'b', '2']],
      [['9-*', 'a', '1']],
      [['11-0', 'a', '1'], ['11-*', 'b', '1'], ['11-1', 'c', '1']],
    ] as [string, ...string[]][][]) {
      await refused(run('publish', keysOf(s, ''), ...pub('', null, ...msgs)), 'IDTOOSMALL', 'ID_TOO_SMALL');
    }
    expect(await redis.xrange(s, '-', '+')).toEqual([['10-5', ['x', 'y']]]);
  });

  it('IDTOOSMALL for <ms>-* at a full sequence', async () => {
    const s = uniq();
    await redis.xadd(s, '10-18446744073709551615', 'x', 'y');
    await refused(run('publish', keysOf(s, ''), ...pub('', null, ['10-*', 'a', '1'])), 'IDTOOSMALL', 'ID_TOO_SMALL');
    expect(await redis.xlen(s)).toBe(1);
  });

  it('IDTOOSMALL for an explicit ID after an automatic one leaves the stream exactly as it was', async () => {
    const s = uniq();
    await redis.xadd(s, '10-5', 'x', 'y');
    const before = await redis.xinfo('STREAM', s);
    await refused(
      run('publish', keysOf(s, ''), ...pub('', null, ['*', 'a', '1'], ['11-0', 'b', '2'], ['*', 'c', '3'])),
      'IDTOOSMALL',
      'ID_TOO_SMALL',
    );
    expect(await redis.xinfo('STREAM', s)).toEqual(before);
    // And a new stream is not created at all.
    const fresh = uniq();
    await refused(run('publish', keysOf(fresh, ''), ...pub('', null, ['*', 'a', '1'], ['5-0', 'b', '2'])), 'IDTOOSMALL', 'ID_TOO_SMALL');
    expect(await redis.exists(fresh)).toBe(0);
  });

  it('an automatic ID followed by an explicit one gets the ID Redis would give', async () => {
    const s = uniq();
    const future = `${Date.now() + 3_600_000}`;
    const t0 = Date.now();
    const r = (await run('publish', keysOf(s, ''), ...pub('', null, ['*', 'a', '1'], [`${future}-*`, 'b', '2']))) as [string, string[]];
    const [ms, seq] = r[1][0]!.split('-').map(Number);
    expect(seq).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(t0 - 1000);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1000);
    expect(r[1][1]).toBe(`${future}-0`);
    // Behind the clock (top ID in the future), '*' takes the next sequence, as XADD does.
    const r2 = (await run('publish', keysOf(s, ''), ...pub('', null, ['*', 'c', '3'], [`${future}-*`, 'd', '4']))) as [string, string[]];
    expect(r2[1]).toEqual([`${future}-1`, `${future}-2`]);
  });

  it('REPLAY: the same Idempotency-Key and hash answers the first IDs and writes nothing', async () => {
    const s = uniq();
    const first = (await run('publish', keysOf(s, 'k1'), ...pub('h1', null, ['*', 'a', '1']))) as [string, string[]];
    expect(first[0]).toBe('OK');
    expect(await redis.ttl(keys.idempotency(s, 'k1'))).toBeGreaterThan(3500);
    const again = await run('publish', keysOf(s, 'k1'), ...pub('h1', null, ['*', 'a', '1']));
    expect(again).toEqual(['REPLAY', first[1]]);
    expect(await redis.xlen(s)).toBe(1);
  });

  it('IDEMCONFLICT: the same key with another hash, nothing written', async () => {
    const s = uniq();
    await run('publish', keysOf(s, 'k1'), ...pub('h1', null, ['*', 'a', '1']));
    await refused(run('publish', keysOf(s, 'k1'), ...pub('h2', null, ['*', 'a', '2'])), 'IDEMCONFLICT', 'IDEMPOTENCY_CONFLICT');
    expect(await redis.xlen(s)).toBe(1);
  });

  it('trims after adding', async () => {
    const s = uniq();
    for (let i = 1; i <= 5; i++) await redis.xadd(s, `${i}-0`, 'i', String(i));
    await run('publish', keysOf(s, ''), ...pub('', ['MAXLEN', '=', '3'], ['6-0', 'i', '6']));
    expect((await redis.xrange(s, '-', '+')).map(([id]) => id)).toEqual(['4-0', '5-0', '6-0']);
    await run('publish', keysOf(s, ''), ...pub('', ['MINID', '=', '6'], ['7-0', 'i', '7']));
    expect((await redis.xrange(s, '-', '+')).map(([id]) => id)).toEqual(['6-0', '7-0']);
  });
});

describe('redrive-3', () => {
  // Each dead letter of its own original entry (the same x-original-id twice is a duplicate).
  let original = 0;
  const dlqEntry = async (dlq: string, source: string, group: string, ...flat: string[]): Promise<string> =>
    (await redis.xadd(dlq, '*', ...flat, 'x-original-id', `${++original}-0`, 'x-original-stream', source, 'x-group', group, 'x-deliveries', '3', 'x-last-consumer', 'c'))!;

  const KEEP = 60_000;

  it('answers nothing when the dead-letter stream does not exist; WRONGTYPE when it is not a stream', async () => {
    const s = uniq();
    expect(await run('redrive', [s, `${s}:dlq`, keys.redriven(s)], 'g', 100, 10, KEEP)).toEqual([[], []]);
    const str = await stringKey();
    await refused(run('redrive', [s, str, keys.redriven(s)], 'g', 100, 10, KEEP), 'WRONGTYPE', 'NOT_A_STREAM');
  });

  it("takes only the group's own dead letters of this stream, oldest first, up to count", async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const mine1 = await dlqEntry(dlq, s, 'g', 'a', '1');
    await dlqEntry(dlq, s, 'h', 'a', 'other group');
    await dlqEntry(dlq, 'another-stream', 'g', 'a', 'other stream');
    await redis.xadd(dlq, '*', 'a', 'foreign entry');
    const mine2 = await dlqEntry(dlq, s, 'g', 'a', '2', 'x-custom', 'kept');
    const mine3 = await dlqEntry(dlq, s, 'g', 'a', '3');
    const [from, to] = (await run('redrive', [s, dlq, keys.redriven(s)], 'g', 100, 2, KEEP)) as [string[], string[]];
    expect(from).toEqual([mine1, mine2]);
    expect(to).toHaveLength(2);
    expect(await redis.xrange(s, '-', '+')).toEqual([
      [to[0], ['a', '1']],
      [to[1], ['a', '2', 'x-custom', 'kept']],
    ]);
    expect((await redis.xrange(dlq, '-', '+')).map(([id]) => id)).not.toContain(mine1);
    expect(await redis.xlen(dlq)).toBe(4);
    const [from2] = (await run('redrive', [s, dlq, keys.redriven(s)], 'g', 100, 10, KEEP)) as [string[], string[]];
    expect(from2).toEqual([mine3]);
  });

  it('by IDs: takes the named ones that are the group’s; stops at the scan limit otherwise', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const other = await dlqEntry(dlq, s, 'h', 'a', '0');
    const mine = await dlqEntry(dlq, s, 'g', 'a', '1');
    const [from] = (await run('redrive', [s, dlq, keys.redriven(s)], 'g', 100, 10, KEEP, other, mine, '1-0')) as [string[], string[]];
    expect(from).toEqual([mine]);
    expect((await redis.xrange(dlq, '-', '+')).map(([id]) => id)).toEqual([other]);
    // The scan limit bounds how far a count-redrive looks for the group's entries.
    for (let i = 0; i < 5; i++) await dlqEntry(dlq, s, 'h', 'a', String(i));
    await dlqEntry(dlq, s, 'g', 'a', 'late');
    expect(await run('redrive', [s, dlq, keys.redriven(s)], 'g', 3, 10, KEEP)).toEqual([[], []]);
    const [late] = (await run('redrive', [s, dlq, keys.redriven(s)], 'g', 100, 10, KEEP)) as [string[], string[]];
    expect(late).toHaveLength(1);
  });

  it('a duplicate (same x-original-id) is deleted, not republished: in the same call and in a later one', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const letter = ['a', '1', 'x-original-id', '5-0', 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '1', 'x-last-consumer', 'c'];
    const first = await redis.xadd(dlq, '*', ...letter);
    await redis.xadd(dlq, '*', ...letter);
    // Another group's letter of the same entry is its own.
    const h = await redis.xadd(dlq, '*', ...letter.slice(0, 7), 'h', ...letter.slice(8));
    const [from, to] = (await run('redrive', [s, dlq, keys.redriven(s)], 'g', 100, 10, KEEP)) as [string[], string[]];
    expect(from).toEqual([first]);
    expect(await redis.xlen(s)).toBe(1);
    expect((await redis.xrange(dlq, '-', '+')).map(([id]) => id)).toEqual([h]);
    const late = await redis.xadd(dlq, '*', ...letter);
    expect(await run('redrive', [s, dlq, keys.redriven(s)], 'g', 100, 10, KEEP, late!)).toEqual([[], []]);
    expect(await redis.xlen(dlq)).toBe(1);
    expect(await redis.xlen(s)).toBe(1);
    expect(to).toHaveLength(1);
  });
});

describe('trim-1', () => {
  it('NOSTREAM, WRONGTYPE', async () => {
    await refused(run('trim', [uniq()], 'MAXLEN', '=', '0', '0'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    await refused(run('trim', [await stringKey()], 'MAXLEN', '=', '0', '0'), 'WRONGTYPE', 'NOT_A_STREAM');
  });

  it('reports trimmed, cut and the floor (lowest ID some group still needs)', async () => {
    const { s, ids } = await streamWithGroup(6, 'g');
    // No groups needing anything yet below 1-0: the floor is the first undelivered ID.
    expect(await run('trim', [s], 'MAXLEN', '=', '6', '1')).toEqual([0, 0, '0-1']);
    await deliver(s, 'g', 'c', 4);
    await redis.xack(s, 'g', ids[0]!, ids[2]!); // pending: 2-0, 4-0
    expect(await run('trim', [s], 'MAXLEN', '=', '6', '1')).toEqual([0, 0, ids[1]]);
    await redis.xgroup('CREATE', s, 'late', '3-0'); // needs 3-0+
    await redis.xack(s, 'g', ids[1]!);
    expect(await run('trim', [s], 'MAXLEN', '=', '6', '1')).toEqual([0, 0, '3-1']);
    // Plain: cuts into what `g` (pending 4-0) and `late` still need.
    expect(await run('trim', [s], 'MAXLEN', '=', '1', '0')).toEqual([5, 1, '3-1']);
    const bare = uniq();
    await redis.xadd(bare, '1-0', 'a', '1');
    expect(await run('trim', [bare], 'MAXLEN', '=', '0', '1')).toEqual([1, 0, '']);
  });
});

describe('claim-1 and autoclaim-1', () => {
  it('NOSTREAM, WRONGTYPE, NOGROUP', async () => {
    const str = await stringKey();
    const { s } = await streamWithGroup();
    await refused(run('claim', [uniq()], 'g', '0', BIG, 1, 'c', 0, '1-0'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    await refused(run('claim', [str], 'g', '0', BIG, 1, 'c', 0, '1-0'), 'WRONGTYPE', 'NOT_A_STREAM');
    await refused(run('claim', [s], 'nope', '0', BIG, 1, 'c', 0, '1-0'), 'NOGROUP', 'GROUP_NOT_FOUND');
    await refused(run('autoclaim', [uniq()], 'g', 'c', 0, '0-0', 10, '0', BIG), 'NOSTREAM', 'STREAM_NOT_FOUND');
    await refused(run('autoclaim', [str], 'g', 'c', 0, '0-0', 10, '0', BIG), 'WRONGTYPE', 'NOT_A_STREAM');
    await refused(run('autoclaim', [s], 'nope', 'c', 0, '0-0', 10, '0', BIG), 'NOGROUP', 'GROUP_NOT_FOUND');
  });

  it('claim adds the delivery count Redis keeps; JUSTID answers IDs and keeps the count', async () => {
    const { s, ids } = await streamWithGroup(2);
    await deliver(s, 'g', 'c1');
    expect(await run('claim', [s], 'g', '0', BIG, 1, 'c2', 0, ids[0]!)).toEqual([[ids[0], ['i', '1'], 2], []]);
    expect(await run('claim', [s], 'g', '1', BIG, 1, 'c2', 0, ids[1]!, 'JUSTID')).toEqual([[ids[1]], []]);
    expect(await pendingOf(s, 'g', ids[1]!)).toEqual(['c2', expect.any(Number), 1]);
    expect(await run('claim', [s], 'g', '0', BIG, 1, 'c2', 60_000, ids[0]!)).toEqual([[], []]);
  });

  it('autoclaim answers cursor, entries with counts, deleted IDs', async () => {
    const { s, ids } = await streamWithGroup(3);
    await deliver(s, 'g', 'c1');
    await redis.xdel(s, ids[1]!);
    expect(await run('autoclaim', [s], 'g', 'c2', 0, '0-0', 10, '0', BIG)).toEqual([
      '0-0',
      [ids[0], ['i', '1'], 2, ids[2], ['i', '3'], 2],
      [ids[1]],
    ]);
    expect(await run('autoclaim', [s], 'g', 'c3', 0, '0-0', 1, '1', BIG)).toEqual([ids[2], [ids[0]], []]);
  });
});

describe('reapGroups-3', () => {
  const rk = (s: string) => [s, keys.policy(s), keys.reapRegistry(s)];
  const registered = (s: string) => redis.sismember(keys.reapRegistry(s), s);

  it('answers the groups that reap with leases on, and keeps the stream registered', async () => {
    const { s } = await streamWithGroup();
    await redis.hset(keys.policy(s), 'a', reapJson(100, 500), 'b', reapJson(100, 0), 'c', reapJson(0, 500), 'd', '{broken');
    await redis.sadd(keys.reapRegistry(s), s);
    expect(await run('reapGroups', rk(s))).toEqual(['a', 100, 500]);
    expect(await registered(s)).toBe(1);
  });

  it('unregisters a stream without a reaping group, and a key that is no longer a stream', async () => {
    const { s } = await streamWithGroup();
    await redis.hset(keys.policy(s), 'a', reapJson(100, 0));
    await redis.sadd(keys.reapRegistry(s), s);
    expect(await run('reapGroups', rk(s))).toEqual([]);
    expect(await registered(s)).toBe(0);
    const gone = uniq();
    await redis.hset(keys.policy(gone), 'a', reapJson(100, 500));
    await redis.sadd(keys.reapRegistry(gone), gone);
    expect(await run('reapGroups', rk(gone))).toEqual([]);
    expect(await registered(gone)).toBe(0);
    expect(await redis.hget(keys.policy(gone), 'a')).toBe(reapJson(100, 500));
  });
});

describe('reap-2', () => {
  const RESERVED = 'streamgate released';
  const LEASE = 50;
  const REAP = 100;
  /** Past the reap threshold, with room for a slow machine. */
  const IDLE = REAP + 60;
  const reap = (s: string, budget: number, ...consumers: string[]) =>
    run('reap', [s, keys.policy(s)], 'g', RESERVED, 0, budget, ...consumers);
  const consumerNames = async (s: string) =>
    ((await redis.xinfo('CONSUMERS', s, 'g')) as unknown[][]).map((c) => c[1]).sort();

  async function reaping(n: number): Promise<{ s: string; ids: string[] }> {
    const made = await streamWithGroup(n);
    await redis.hset(keys.policy(made.s), 'g', reapJson(LEASE, REAP));
    return made;
  }

  it('OFF unless the group reaps now; NOSTREAM, WRONGTYPE, NOGROUP', async () => {
    const { s } = await streamWithGroup();
    expect(await reap(s, 10, 'c')).toEqual(['OFF', []]);
    await redis.hset(keys.policy(s), 'g', reapJson(LEASE, 0));
    expect(await reap(s, 10, 'c')).toEqual(['OFF', []]);
    await redis.hset(keys.policy(s), 'g', reapJson(0, REAP));
    expect(await reap(s, 10, 'c')).toEqual(['OFF', []]);
    await refused(run('reap', [uniq(), 'p'], 'g', RESERVED, 0, 10, 'c'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    const str = await stringKey();
    await refused(run('reap', [str, keys.policy(str)], 'g', RESERVED, 0, 10, 'c'), 'WRONGTYPE', 'NOT_A_STREAM');
    await redis.hset(keys.policy(s), 'nope', reapJson(LEASE, REAP));
    await refused(run('reap', [s, keys.policy(s)], 'nope', RESERVED, 0, 10, 'c'), 'NOGROUP', 'GROUP_NOT_FOUND');
  });

  it('moves an idle consumer\'s entries to the reserved consumer (counts kept, lease expired), then deletes it', async () => {
    const { s, ids } = await reaping(3);
    await deliver(s, 'g', 'gone', 2);
    await forcePending(s, 'g', 'gone', ids[0]!, 0, 4);
    await deliver(s, 'g', 'alive', 1);
    await sleep(IDLE);
    // `alive` extends its lease (XCLAIM JUSTID, as the gateway's extend does): active again.
    await redis.xclaim(s, 'g', 'alive', 0, ids[2]!, 'JUSTID');
    expect(await reap(s, 100, 'gone', 'alive', 'nobody')).toEqual([
      'OK',
      ['gone', 'reaped', 2, 0, 'alive', 'kept', 0, 0, 'nobody', 'absent', 0, 0],
    ]);
    expect(await consumerNames(s)).toEqual(['alive', RESERVED]);
    const [o0, idle0, n0] = (await pendingOf(s, 'g', ids[0]!))!;
    const [o1, idle1, n1] = (await pendingOf(s, 'g', ids[1]!))!;
    expect([o0, n0, o1, n1]).toEqual([RESERVED, 4, RESERVED, 1]);
    // Idle kept (≥ the lease): the group's next pull redelivers them.
    expect(Math.min(idle0, idle1)).toBeGreaterThanOrEqual(REAP);
    expect((await pendingOf(s, 'g', ids[2]!))!.slice(0, 1)).toEqual(['alive']);
    expect((await redis.xpending(s, 'g'))[0]).toBe(3);
  });

  it('a consumer with nothing pending is deleted; the reserved consumer is deleted only once empty', async () => {
    const { s, ids } = await reaping(1);
    await redis.xgroup('CREATECONSUMER', s, 'g', 'empty');
    await deliver(s, 'g', RESERVED);
    await sleep(IDLE);
    expect(await reap(s, 10, 'empty', RESERVED)).toEqual(['OK', ['empty', 'reaped', 0, 0, RESERVED, 'kept', 0, 0]]);
    expect(await consumerNames(s)).toEqual([RESERVED]);
    await redis.xack(s, 'g', ids[0]!);
    expect(await reap(s, 10, RESERVED)).toEqual(['OK', [RESERVED, 'cleared', 0, 0]]);
    expect(await consumerNames(s)).toEqual([]);
  });

  it('the reserved consumer is kept when a consumer reaped before it in the same call released entries to it', async () => {
    const { s, ids } = await reaping(2);
    await deliver(s, 'g', RESERVED, 1);
    await redis.xack(s, 'g', ids[0]!);
    await deliver(s, 'g', 'gone');
    await sleep(IDLE);
    // Listed empty, but holding `gone`'s entry by the time its turn comes.
    expect(await reap(s, 10, 'gone', RESERVED)).toEqual(['OK', ['gone', 'reaped', 1, 0, RESERVED, 'kept', 0, 0]]);
    expect(await pendingOf(s, 'g', ids[1]!)).toEqual([RESERVED, expect.any(Number), 1]);
  });

  it('the budget bounds one call: partial, without making the consumer look active; later calls finish', async () => {
    const { s } = await reaping(5);
    await deliver(s, 'g', 'gone');
    await sleep(IDLE);
    expect(await reap(s, 2, 'gone')).toEqual(['OK', ['gone', 'partial', 2, 0]]);
    expect(await reap(s, 2, 'gone')).toEqual(['OK', ['gone', 'partial', 2, 0]]);
    expect(await reap(s, 2, 'gone')).toEqual(['OK', ['gone', 'reaped', 1, 0]]);
    expect(await consumerNames(s)).toEqual([RESERVED]);
    expect((await redis.xpending(s, 'g'))[0]).toBe(5);
  });

  it('an entry deleted from the stream leaves the pending list, as a pull would drop it', async () => {
    const { s, ids } = await reaping(2);
    await deliver(s, 'g', 'gone');
    await redis.xdel(s, ids[0]!);
    await sleep(IDLE);
    expect(await reap(s, 10, 'gone')).toEqual(['OK', ['gone', 'reaped', 1, 1]]);
    expect((await redis.xpending(s, 'g'))[0]).toBe(1);
  });

  it('the threshold is never below the lease, even in a hand-edited policy', async () => {
    const { s } = await streamWithGroup(1);
    await redis.hset(keys.policy(s), 'g', reapJson(10 * REAP, REAP));
    await deliver(s, 'g', 'holder');
    await sleep(IDLE);
    expect(await reap(s, 10, 'holder')).toEqual(['OK', ['holder', 'kept', 0, 0]]);
  });
});
