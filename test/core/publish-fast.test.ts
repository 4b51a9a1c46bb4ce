import { beforeAll, describe, expect, it } from 'vitest';
import type { PublishInput } from '../../src/core/streams.js';
import { BackendUnavailable, GatewayError } from '../../src/contract/errors.js';
import type { TextPair } from '../../src/contract/types.js';
import { commandCalls, privateRedis, uniq } from '../helpers/core.js';
import { fields } from './support.js';

/**
 * A publish of one message without Idempotency-Key or trim is one plain XADD (streams.ts);
 * every other publish runs publish-2.lua. A private Redis, so INFO commandstats counts this
 * file's commands only. Each answer of the fast path is compared with the script path's
 * answer to the same request, taken through a fresh Idempotency-Key on a twin stream.
 */

const own = privateRedis();
beforeAll(async () => {
  // Loads publish-2.lua, so that each script run below is one EVALSHA.
  await own.core.streams.publish(uniq(), { messages: [{ pairs: fields({ a: '1' }) }, { pairs: fields({ b: '2' }) }] });
});

const U64_MAX = '18446744073709551615';
const one = (id?: string, pairs: TextPair[] = fields({ n: '1' })) => ({ messages: [id === undefined ? { pairs } : { id, pairs }] });

/** The commands a publish sent, INFO and CONFIG left out. */
async function commandsOf(input: PublishInput, stream = uniq()): Promise<Record<string, number>> {
  await own.redis.config('RESETSTAT');
  await own.core.streams.publish(stream, input).catch(() => undefined);
  const calls = await commandCalls(own.redis);
  delete calls['info'];
  delete calls['config|resetstat'];
  return calls;
}

/** What a caller sees: the IDs, or the error's class, code, message, issues and outcome. */
async function answer(work: Promise<{ ids: string[]; replayed: boolean }>): Promise<unknown> {
  try {
    return { ok: await work };
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    const e = err as GatewayError;
    return {
      class: e.constructor.name,
      code: e.code,
      message: e.message,
      issues: e.issues,
      outcome: e instanceof BackendUnavailable ? e.outcome : undefined,
    };
  }
}

/**
 * The same single-message publish through the fast path and through the script, each on
 * its own stream prepared by `setup`: the answers, and then the streams, must be identical.
 */
async function bothPaths(setup: (s: string) => Promise<unknown>, id: string | undefined, pairs?: TextPair[]) {
  const [fast, script] = [uniq('fast'), uniq('script')];
  await setup(fast);
  await setup(script);
  const input = one(id, pairs);
  const a = await answer(own.core.streams.publish(fast, input));
  const b = await answer(own.core.streams.publish(script, { ...input, idempotencyKey: uniq('key') }));
  expect(a).toEqual(b);
  const type = await own.redis.type(fast);
  expect(type).toBe(await own.redis.type(script));
  if (type === 'stream') {
    expect(await own.redis.xrangeBuffer(fast, '-', '+')).toEqual(await own.redis.xrangeBuffer(script, '-', '+'));
    expect(await own.core.streams.info(fast)).toEqual(await own.core.streams.info(script));
  }
  return a;
}

const nothing = async () => undefined;
const withTop = (id: string) => (s: string) => own.redis.xadd(s, id, 'first', 'x');

describe('publish fast path: which path a publish takes', () => {
  it('one message without key or trim: one XADD, no script', async () => {
    expect(await commandsOf(one())).toEqual({ xadd: 1 });
    expect(await commandsOf(one('5-*'))).toEqual({ xadd: 1 });
    expect(await commandsOf(one('5-3'))).toEqual({ xadd: 1 });
  });

  it.each<[string, PublishInput]>([
    ['a batch', { messages: [{ pairs: fields({ a: '1' }) }, { pairs: fields({ b: '2' }) }] }],
    ['an Idempotency-Key', { ...one(), idempotencyKey: 'k1' }],
    ['a trim', { ...one(), trim: { maxLen: 10 } }],
  ])('%s: the script, no XADD of ours', async (_, input) => {
    const calls = await commandsOf(input);
    expect((calls['evalsha'] ?? 0) + (calls['eval'] ?? 0)).toBe(1);
    // XADD only from inside the script (Redis counts those calls too): as many as messages.
    expect(calls['xadd']).toBe(input.messages.length);
  });

  it('an ID Redis refuses: the XADD, then the script answers', async () => {
    const s = uniq();
    await own.redis.xadd(s, '10-0', 'first', 'x');
    const calls = await commandsOf(one('5-0'), s);
    expect((calls['evalsha'] ?? 0) + (calls['eval'] ?? 0)).toBe(1);
    expect(calls['xadd']).toBe(1);
  });
});

describe('publish fast path: every answer is the script path answer', () => {
  it.each<[string, (s: string) => Promise<unknown>, string | undefined]>([
    ['explicit ID on a new stream', nothing, '7-3'],
    ['<ms>-* on a new stream', nothing, '7-*'],
    ['0-* on a new stream', nothing, '0-*'],
    ['explicit ID above the top', withTop('10-0'), '10-1'],
    ['<ms>-* at the top ms', withTop('10-4'), '10-*'],
    ['<ms>-* above the top ms', withTop('10-4'), '11-*'],
  ])('%s: the same ID', async (_, setup, id) => {
    const a = (await bothPaths(setup, id)) as { ok: { ids: string[]; replayed: boolean } };
    expect(a.ok.ids).toHaveLength(1);
  });

  it('automatic ID: a new entry with the fields given, not replayed', async () => {
    const s = uniq();
    const { ids, replayed } = await own.core.streams.publish(s, one());
    expect(replayed).toBe(false);
    expect(ids[0]).toMatch(/^\d+-0$/);
    expect(await own.redis.xrange(s, '-', '+')).toEqual([[ids[0], ['n', '1']]]);
  });

  it.each<[string, (s: string) => Promise<unknown>, string | undefined]>([
    ['explicit ID below the top', withTop('10-0'), '5-0'],
    ['explicit ID equal to the top', withTop('10-0'), '10-0'],
    ['<ms>-* below the top ms', withTop('10-0'), '9-*'],
    ['<ms>-* at a top whose sequence is the last one', withTop(`10-${U64_MAX}`), '10-*'],
    ['automatic ID after the last possible ID', withTop(`${U64_MAX}-${U64_MAX}`), undefined],
    ['explicit ID below a deleted top', (s) => own.redis.xadd(s, '10-0', 'a', '1').then(() => own.redis.xdel(s, '10-0')), '10-0'],
  ])('%s: the same ID_TOO_SMALL, and nothing written', async (_, setup, id) => {
    const a = (await bothPaths(setup, id)) as { code: string; message: string };
    expect(a.code).toBe('ID_TOO_SMALL');
    expect(a.message).toMatch(/^ID .* is not above /);
  });

  it('0-0: the same refusal, before Redis', async () => {
    const a = (await bothPaths(nothing, '0-0')) as { code: string };
    expect(a.code).toBe('INVALID_ID');
  });

  it('a key of another type: the same NOT_A_STREAM, the key untouched', async () => {
    const a = (await bothPaths((s) => own.redis.set(s, 'v'), undefined)) as { code: string; message: string };
    expect(a).toMatchObject({ code: 'NOT_A_STREAM', message: 'key exists and is not a stream' });
    const b = (await bothPaths((s) => own.redis.rpush(s, 'v'), '5-0')) as { code: string };
    expect(b.code).toBe('NOT_A_STREAM');
  });

  it('binary values and Unicode names: byte-exact on both paths', async () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const pairs: TextPair[] = [
      ['bin', every],
      ['ünïcödé 🚀', Buffer.from([0xff, 0xfe, 0x00, 0xc3])],
      ['empty', Buffer.alloc(0)],
      ['bin', Buffer.from('repeated name', 'utf8')],
    ];
    await bothPaths(nothing, '3-*', pairs);
    const s = uniq();
    const { ids } = await own.core.streams.publish(s, one(undefined, pairs));
    const [[id, flat]] = (await own.redis.xrangeBuffer(s, '-', '+')) as [[Buffer, Buffer[]]];
    expect(id.toString()).toBe(ids[0]);
    expect(flat).toEqual(pairs.flatMap(([n, v]) => [Buffer.from(n, 'utf8'), v]));
  });
});
