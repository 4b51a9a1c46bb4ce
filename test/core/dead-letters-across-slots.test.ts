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
  return { count: 10, noAck: false, deadLetter: null, defaults, maxBytes: 1 << 20, leaseWalk: leaseWalkOf(config), firstChunk: 10 };
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
    const term = await raw.backend.scripts.term(s, 'g', null, { consumer: '', reason: 'bad', defaultDeadLetter: dlq, ids: [id!, id!] });
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

  it('a first step that fails (the dead-letter key of another type) leaves the entry pending: moved once the key is fixed', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    const id = await poisoned(s);
    await redis.set(dlq, 'v');
    await expectCode(core.consume.pull(s, 'g', pullOf('c2')), 'NOT_A_STREAM');
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
