import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import type { ScriptArg } from '../../src/redis/script-loader.js';
import { evalScript, refused } from '../helpers/scripts.js';
import { redisUrl, uniq } from '../helpers/core.js';

/**
 * term-4 called directly on the real server with EVAL (the source as script-loader.ts sends
 * it, prelude included): each per-ID result, each error, and the dead letter it writes; and
 * redrive-3 taking a terminated entry's x-reason off with the x-* fields.
 */

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

const eval_ = (name: 'term' | 'redrive', keyList: string[], ...args: ScriptArg[]): Promise<unknown> => evalScript(redis, name, keyList, ...args);

/** term-4 on stream `s` with the dead-letter stream `dlq` passed and the default `<s>:dlq`. */
const term = (s: string, dlq: string, consumer: string, reason: string, ...ids: string[]) =>
  eval_('term', [s, keys.policy(s), dlq, keys.nackDelays(s)], 'g', consumer, reason, `${s}:dlq`, '', '', ...ids);


/** A stream with entries `1-0`..`n-0` (field i), group g at 0, the first `c1` of them delivered to c1, the rest to c2. */
async function delivered(n: number, c1: number): Promise<{ s: string; ids: string[] }> {
  const s = uniq();
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) ids.push((await redis.xadd(s, `${i}-0`, 'i', String(i)))!);
  await redis.xgroup('CREATE', s, 'g', '0');
  await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', c1, 'STREAMS', s, '>');
  if (n > c1) await redis.xreadgroup('GROUP', 'g', 'c2', 'COUNT', n - c1, 'STREAMS', s, '>');
  return { s, ids };
}

const owners = async (s: string): Promise<[string, string, number][]> =>
  ((await redis.xpending(s, 'g', '-', '+', 100)) as [string, string, number, number][]).map(([id, c, , n]) => [id, c, n]);

describe('term-4', () => {
  it('NOSTREAM, WRONGTYPE, NOGROUP, DLQTYPE, before anything changes', async () => {
    const none = uniq();
    await refused(term(none, `${none}:dlq`, '', '', '1-0'), 'NOSTREAM', 'STREAM_NOT_FOUND');
    const str = uniq('str');
    await redis.set(str, 'v');
    await refused(term(str, `${str}:dlq`, '', '', '1-0'), 'WRONGTYPE', 'NOT_A_STREAM');
    const { s, ids } = await delivered(1, 1);
    await refused(eval_('term', [s, keys.policy(s), `${s}:dlq`, keys.nackDelays(s)], 'nope', '', '', `${s}:dlq`, '', '', ids[0]!), 'NOGROUP', 'GROUP_NOT_FOUND');
    await redis.set(`${s}:dlq`, 'v');
    await refused(term(s, `${s}:dlq`, '', '', ids[0]!), 'DLQTYPE', 'NOT_A_STREAM');
    expect(await owners(s)).toEqual([[ids[0], 'c1', 1]]);
  });

  it("answers DLQ with the group's dead-letter stream when another was passed, changing nothing", async () => {
    const { s, ids } = await delivered(1, 1);
    const dlq = uniq('dlq');
    await redis.hset(keys.policy(s), 'g', JSON.stringify({ leaseMs: 1000, maxDeliveries: 0, deadLetterStream: dlq }));
    expect(await term(s, `${s}:dlq`, '', 'r', ids[0]!)).toEqual(['DLQ', dlq]);
    expect(await owners(s)).toEqual([[ids[0], 'c1', 1]]);
    expect(await redis.exists(dlq, `${s}:dlq`)).toBe(0);
    expect(await term(s, dlq, '', 'r', ids[0]!)).toEqual(['OK', [1], 0]);
    expect(await redis.xlen(dlq)).toBe(1);
  });

  it('per ID: 1 dead-lettered and acked, 0 not pending (or repeated), 2 another consumer’s, 3 deleted from the stream (acked)', async () => {
    const { s, ids } = await delivered(4, 3);
    // Delivered twice to c1 (a history read counts).
    await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 1, 'STREAMS', s, '0');
    await redis.xdel(s, ids[2]!);
    const reply = await term(s, `${s}:dlq`, 'c1', 'bad input', ids[0]!, '9-0', ids[3]!, ids[2]!, ids[0]!, ids[1]!);
    expect(reply).toEqual(['OK', [1, 0, 2, 3, 0, 1], 0]);
    expect(await owners(s)).toEqual([[ids[3], 'c2', 1]]);
    const dead = await redis.xrange(`${s}:dlq`, '-', '+');
    expect(dead.map(([, f]) => f)).toEqual([
      ['i', '1', 'x-original-id', ids[0], 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '2', 'x-last-consumer', 'c1', 'x-reason', 'bad input'],
      ['i', '2', 'x-original-id', ids[1], 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '1', 'x-last-consumer', 'c1', 'x-reason', 'bad input'],
    ]);
    // The source entries stay.
    expect(await redis.xlen(s)).toBe(3);
  });

  it("without a consumer, whoever holds it; without a reason, no x-reason; an unreadable policy's defaults are used and said", async () => {
    const { s, ids } = await delivered(2, 1);
    await redis.hset(keys.policy(s), 'g', '{not json');
    expect(await term(s, `${s}:dlq`, '', '', ids[1]!)).toEqual(['OK', [1], 1]);
    const dead = await redis.xrange(`${s}:dlq`, '-', '+');
    expect(dead.map(([, f]) => f)).toHaveLength(1);
    expect(dead[0]?.[1]).toEqual(['i', '2', 'x-original-id', ids[1], 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '1', 'x-last-consumer', 'c2']);
    expect(await owners(s)).toEqual([[ids[0], 'c1', 1]]);
  });
});

describe('redrive-3 after term-4', () => {
  it('takes x-reason off with the five x-* fields; an original field named x-reason stays', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    await redis.xadd(s, '1-0', 'a', '1');
    await redis.xadd(s, '2-0', 'a', '2', 'x-reason', 'mine');
    await redis.xgroup('CREATE', s, 'g', '0');
    await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 2, 'STREAMS', s, '>');
    expect(await term(s, dlq, '', 'why', '1-0')).toEqual(['OK', [1], 0]);
    expect(await term(s, dlq, '', '', '2-0')).toEqual(['OK', [1], 0]);
    const [from, to] = (await eval_('redrive', [s, dlq, keys.redriven(s)], 'g', 100, 10, 60_000)) as [string[], string[]];
    expect(from).toHaveLength(2);
    expect(await redis.xrange(s, '(2-0', '+')).toEqual([
      [to[0], ['a', '1']],
      [to[1], ['a', '2', 'x-reason', 'mine']],
    ]);
    expect(await redis.xlen(dlq)).toBe(0);
  });
});
