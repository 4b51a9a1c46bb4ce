import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../src/core/core.js';
import { leaseWalkOf } from '../../src/core/consume.js';
import { type RedisAdapter, openRedis } from '../../src/redis/client.js';
import type { PullOptions } from '../../src/redis/scripts.js';
import { commandCalls, sleep, testConfig, uniq } from '../helpers/core.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { expectCode, pullOf, text } from './support.js';

/**
 * Dead-letter moves across Cluster slots, forced on one redis-server of this file's own
 * (crossSlotDeadLetters): a move cut short between its two steps (the first step run alone
 * through the adapter, as a gateway that stopped there would have) loses nothing and leaves
 * one duplicate dead letter, which redrive skips; a dead-letter stream in the stream's slot
 * keeps the one-script move, and so does a single Redis whatever the names.
 */

let server: TestRedis;
let redis: Redis;
/** Two-step moves forced (as against a Cluster). */
let core: Core;
/** A single Redis: one script per move, whatever the names. */
let single: Core;
/** The adapter alone: runs one step of a move without the other (a crash between them). */
let raw: RedisAdapter;

const LEASE = 200;
const config = testConfig();

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  core = createCore(config, server.url, { crossSlotDeadLetters: true });
  single = createCore(config, server.url);
  raw = openRedis(server.url, {
    commandTimeoutMs: 5000,
    guard: { assert: () => undefined },
    onError: () => undefined,
    watchConnections: 1,
    watchPollMs: 100,
    reclaimPollMs: 1000,
    leaseWalk: leaseWalkOf(config),
  });
});
afterAll(async () => {
  await core?.close();
  await single?.close();
  await raw?.close(100);
  redis?.disconnect();
  await server?.stop();
});

/** A stream with one message delivered to c1, its lease expired, maxDeliveries 1: due to be dead-lettered. */
async function poisoned(s: string, deadLetterStream?: string): Promise<string> {
  const id = await redis.xadd(s, '*', 'n', '0');
  await core.groups.create(s, { group: 'g', start: '0', leaseMs: LEASE, maxDeliveries: 1, deadLetterStream });
  expect((await core.consume.pull(s, 'g', pullOf('c1'))).map((m) => m.id)).toEqual([id]);
  await sleep(2 * LEASE);
  return id!;
}

function handBack(s: string): PullOptions {
  const defaults = { leaseMs: LEASE, maxDeliveries: 1, deadLetterStream: `${s}:dlq`, reapIdleMs: 0, minBackoffMs: 0, maxBackoffMs: 0 };
  // The dead-letter key's type, asked before a pull that hands back (not there yet).
  const deadLetterType = { stream: `${s}:dlq`, type: 'none' };
  return { count: 10, noAck: false, deadLetter: null, deadLetterType, defaults, maxBytes: 1 << 20, leaseWalk: leaseWalkOf(config), firstChunk: 10 };
}

/** The group's pending entries: ID, owner, idle, deliveries. */
const pendingOf = async (s: string): Promise<[string, string, number, number][]> => (await redis.xpending(s, 'g', '-', '+', 10)) as [string, string, number, number][];

const originals = async (dlq: string): Promise<string[]> => (await redis.xrange(dlq, '-', '+')).map(([, f]) => f[f.indexOf('x-original-id') + 1]!);

describe('a dead-letter move across slots cut short between its two steps', () => {
  it('after maxDeliveries: the entry stays pending (reserved), a later walk moves it again, redrive returns it once', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const id = await poisoned(s);
    // Step 1 alone: the pull hands the entry back, its dead letter is written, no ack follows.
    const reply = await raw.backend.scripts.pull(s, 'g', 'c2', handBack(s));
    if (reply.status !== 'OK' || reply.handedBack === null) throw new Error('nothing handed back');
    expect(reply.messages).toEqual([]);
    expect(reply.handedBack.deadLetterStream).toBe(dlq);
    expect(reply.handedBack.moves.map((m) => m.id)).toEqual([id]);
    await raw.backend.scripts.deadLetter(dlq, reply.handedBack.moves);
    expect(await originals(dlq)).toEqual([id]);
    // Still pending, same owner and delivery count, reserved for a lease: not delivered, not moved now.
    expect((await pendingOf(s)).map((p) => [p[0], p[1], p[3]])).toEqual([[id, 'c1', 1]]);
    expect(await core.consume.pull(s, 'g', pullOf('c3'))).toEqual([]);
    expect(await redis.xlen(dlq)).toBe(1);
    // A lease later, a walk moves it again: one duplicate dead letter, nothing pending.
    await sleep(2 * LEASE);
    expect(await core.consume.pull(s, 'g', pullOf('c3'))).toEqual([]);
    expect(await originals(dlq)).toEqual([id, id]);
    expect(await redis.xpending(s, 'g', '-', '+', 10)).toEqual([]);
    const listed = await core.deadLetters.list(s, 'g', { count: 10 });
    expect(listed.messages.map(text)[1]).toEqual({
      n: '0',
      'x-original-id': id,
      'x-original-stream': s,
      'x-group': 'g',
      'x-deliveries': '1',
      'x-last-consumer': 'c1',
    });
    // Redrive returns it once; the duplicate is deleted with it.
    const redriven = await core.deadLetters.redrive(s, 'g', {});
    expect(redriven.redriven).toBe(1);
    expect(await redis.xlen(dlq)).toBe(0);
    expect((await redis.xrange(s, '-', '+')).map(([, f]) => f)).toEqual([
      ['n', '0'],
      ['n', '0'],
    ]);
    expect(await core.deadLetters.redrive(s, 'g', {})).toEqual({ redriven: 0, ids: [] });
  });

  it('term: the entry stays pending until a term moves it again; redrive returns it once', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const id = await redis.xadd(s, '*', 'n', '0');
    await core.groups.create(s, { group: 'g', start: '0', leaseMs: 60_000 });
    await core.consume.pull(s, 'g', pullOf('c1'));
    const deadLetterType = { stream: dlq, type: 'none' };
    const term = await raw.backend.scripts.term(s, 'g', null, { consumer: '', reason: 'bad', defaultDeadLetter: dlq, ids: [id!, id!], deadLetterType });
    if (term.status !== 'OK' || term.handedBack === null) throw new Error('nothing handed back');
    expect(term.flags).toEqual([1, 0]);
    await raw.backend.scripts.deadLetter(dlq, term.handedBack.moves);
    expect((await pendingOf(s)).map((p) => p[0])).toEqual([id]);
    expect(await core.deadLetters.term(s, 'g', [id!], { reason: 'bad' })).toEqual({ count: 1, notPending: [], deleted: [] });
    expect(await originals(dlq)).toEqual([id, id]);
    expect(await redis.xpending(s, 'g', '-', '+', 10)).toEqual([]);
    expect((await core.deadLetters.redrive(s, 'g', {})).redriven).toBe(1);
    expect(await redis.xlen(s)).toBe(2);
  });

  it('redrive cut short after republishing: the next redrive deletes the dead letter without republishing', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    await poisoned(s);
    expect(await core.consume.pull(s, 'g', pullOf('c2'))).toEqual([]);
    const letters = (await core.deadLetters.list(s, 'g', { count: 10 })).messages;
    expect(letters).toHaveLength(1);
    // Step 1 of the redrive alone: republished, the dead letter not deleted.
    const added = await raw.backend.scripts.redriveAdd(s, 'g', 60_000, letters);
    expect(added).toHaveLength(1);
    expect(await redis.xlen(s)).toBe(2);
    expect(await core.deadLetters.redrive(s, 'g', {})).toEqual({ redriven: 0, ids: [] });
    expect(await redis.xlen(dlq)).toBe(0);
    expect(await redis.xlen(s)).toBe(2);
  });

  it('a first step that fails (the key made another type after the pull) leaves the entry pending: moved once the key is fixed', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const id = await poisoned(s);
    // The pull asked the key's type (none) and handed the entry back; the key changes type
    // before the first step, which fails: nothing written, nothing acked.
    const reply = await raw.backend.scripts.pull(s, 'g', 'c2', handBack(s));
    if (reply.status !== 'OK' || reply.handedBack === null) throw new Error('nothing handed back');
    await redis.set(dlq, 'v');
    await expectCode(raw.backend.scripts.deadLetter(dlq, reply.handedBack.moves), 'NOT_A_STREAM');
    expect((await pendingOf(s)).map((p) => p[0])).toEqual([id]);
    await redis.del(dlq);
    await sleep(2 * LEASE);
    expect(await core.consume.pull(s, 'g', pullOf('c2'))).toEqual([]);
    expect(await originals(dlq)).toEqual([id]);
    expect(await redis.xpending(s, 'g', '-', '+', 10)).toEqual([]);
  });
});

describe('one script per move', () => {
  /** Scripts run by the pull that dead-letters (EVALSHA calls), and where the dead letter went. */
  async function scriptsOfMove(c: Core, s: string, dlq: string): Promise<number> {
    await redis.config('RESETSTAT');
    expect(await c.consume.pull(s, 'g', pullOf('c2'))).toEqual([]);
    const calls = await commandCalls(redis);
    // A connection's first run of a script may be an EVAL (then EVALSHA).
    const scripts = (calls.evalsha ?? 0) + (calls.eval ?? 0);
    expect(await redis.xlen(dlq)).toBe(1);
    expect(await redis.xpending(s, 'g', '-', '+', 10)).toEqual([]);
    return scripts;
  }

  it('a dead-letter stream with the stream’s hash tag keeps the one-script move', async () => {
    const s = `{${uniq()}}`;
    await poisoned(s, `${s}:dlq`);
    expect(await scriptsOfMove(core, s, `${s}:dlq`)).toBe(1);
  });

  it('another slot: two steps (the pull, the dead letters, the ack) against a Cluster, one script on a single Redis', async () => {
    const a = uniq();
    await poisoned(a);
    expect(await scriptsOfMove(core, a, `${a}:dlq`)).toBe(3);
    const b = uniq();
    await poisoned(b);
    expect(await scriptsOfMove(single, b, `${b}:dlq`)).toBe(1);
  });
});

describe('the same answers as one script: a dead-letter key of another type', () => {
  /** The code a call failed with, or 'OK'. */
  const outcome = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
      return 'OK';
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    }
  };

  /**
   * Two messages delivered to c1 whose leases expired (due to be dead-lettered, maxDeliveries
   * 1), a third never delivered; then the dead-letter key made a string. A pull acking the
   * second is refused after its ack, the first left as it was (not marked: still due), the
   * third not delivered.
   */
  async function refusedPull(c: Core): Promise<unknown> {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const [a, b] = [await redis.xadd(s, '*', 'n', '1'), await redis.xadd(s, '*', 'n', '2')];
    await c.groups.create(s, { group: 'g', start: '0', leaseMs: LEASE, maxDeliveries: 1 });
    expect((await c.consume.pull(s, 'g', pullOf('c1'))).map((m) => m.id)).toEqual([a, b]);
    await redis.xadd(s, '*', 'n', '3');
    await sleep(2 * LEASE);
    await redis.set(dlq, 'v');
    const code = await outcome(c.consume.pullAcking(s, 'g', pullOf('c2'), [b!]));
    const label = (id: string): string => (id === a ? 'a' : id === b ? 'b' : id);
    const pending = (await pendingOf(s)).map(([id, owner, idle, n]) => [label(id), owner, idle >= 2 * LEASE, n]);
    // Fixed: the first is due at once (no lease of a move running), so it is moved now.
    await redis.del(dlq);
    const next = await c.consume.pull(s, 'g', pullOf('c2'));
    return { code, pending, next: next.map(text), dead: (await originals(dlq)).map(label) };
  }

  it('pull: refused (NOT_A_STREAM) after its acks, before anything else changes, as one script', async () => {
    const expected = { code: 'NOT_A_STREAM', pending: [['a', 'c1', true, 1]], next: [{ n: '3' }], dead: ['a'] };
    expect(await refusedPull(core)).toEqual(expected);
    expect(await refusedPull(single)).toEqual(expected);
  });

  it('pull of a group that does not dead-letter: the key is not looked at; term: refused whatever is pending, NOGROUP first', async () => {
    const answers = async (c: Core): Promise<string[]> => {
      const s = uniq();
      const id = await redis.xadd(s, '*', 'n', '1');
      await c.groups.create(s, { group: 'g', start: '0', leaseMs: 60_000 });
      await redis.set(`${s}:dlq`, 'v');
      const pulled = await c.consume.pull(s, 'g', pullOf('c1'));
      return [
        pulled.map((m) => m.id).join() === id ? 'OK' : 'nothing',
        await outcome(c.deadLetters.term(s, 'g', ['1-0'])),
        await outcome(c.deadLetters.term(s, 'g', [id!])),
        await outcome(c.deadLetters.term(s, 'nope', [id!])),
        String((await pendingOf(s)).length),
      ];
    };
    const expected = ['OK', 'NOT_A_STREAM', 'NOT_A_STREAM', 'GROUP_NOT_FOUND', '1'];
    expect(await answers(core)).toEqual(expected);
    expect(await answers(single)).toEqual(expected);
  });

  it('a group that starts or stops dead-lettering between two pulls: the next pull answers as one script', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const ids = [await redis.xadd(s, '*', 'n', '1'), await redis.xadd(s, '*', 'n', '2'), await redis.xadd(s, '*', 'n', '3')];
    await core.groups.create(s, { group: 'g', start: '0', leaseMs: 60_000 });
    await redis.set(dlq, 'v');
    // maxDeliveries 0: the key is not looked at.
    expect((await core.consume.pull(s, 'g', pullOf('c', { count: 1 }))).map((m) => m.id)).toEqual([ids[0]]);
    // Dead-letters now (as another gateway would set it): refused, the ack it carries standing.
    await core.groups.updatePolicy(s, 'g', { maxDeliveries: 1 });
    await expectCode(core.consume.pullAcking(s, 'g', pullOf('c', { count: 1 }), [ids[0]!]), 'NOT_A_STREAM');
    expect(await redis.xpending(s, 'g', '-', '+', 10)).toEqual([]);
    // No longer: pulls as usual.
    await core.groups.updatePolicy(s, 'g', { maxDeliveries: 0 });
    expect((await core.consume.pull(s, 'g', pullOf('c', { count: 1 }))).map((m) => m.id)).toEqual([ids[1]]);
  });

  it('what it costs: one TYPE per pull of a group that dead-letters across slots; none otherwise, none on a single Redis', async () => {
    // TYPE sent by a client (a round trip), not by a script (MONITOR tells them apart).
    const typesOfPulls = async (c: Core, maxDeliveries: number): Promise<number> => {
      const s = uniq();
      await redis.xadd(s, '*', 'n', '1');
      await c.groups.create(s, { group: 'g', start: '0', leaseMs: 60_000, maxDeliveries });
      await c.consume.pull(s, 'g', pullOf('c1'));
      const monitor = await redis.monitor();
      let types = 0;
      let marked: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (marked = resolve));
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        const name = args[0]?.toLowerCase();
        if (source !== 'lua' && name === 'type' && args[1] === `${s}:dlq`) types++;
        // MONITOR shows commands in the order Redis ran them: this PING comes after the pulls'.
        if (name === 'ping' && args[1] === s) marked();
      });
      for (let i = 0; i < 3; i++) await c.consume.pull(s, 'g', pullOf('c1'));
      await redis.ping(s);
      await done;
      monitor.disconnect();
      return types;
    };
    expect(await typesOfPulls(core, 1)).toBe(3);
    expect(await typesOfPulls(core, 0)).toBe(0);
    expect(await typesOfPulls(single, 1)).toBe(0);
  });
});
