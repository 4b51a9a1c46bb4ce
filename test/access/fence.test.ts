import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { keys } from '../../src/redis/keys.js';
import { expectCode } from '../core/support.js';
import { redisUrl, testCore, uniq } from '../helpers/core.js';
import { type Driver, makeGrpc, makeRest, type Transport } from '../transports/driver.js';
import { type AuthGateway, CALLS, codeOf, fingerprint, listAll, prepared, withAuthGateway } from './support.js';

/**
 * STREAMGATE_STREAMS: nothing outside it is read, written, listed or deleted, through any
 * route or RPC, whoever asks (auth is off here: the anonymous caller may do everything
 * else), and the refusal comes before any Redis call.
 */

const IN = `fence-in-${randomBytes(4).toString('hex')}-`;
const OUT = `fence-out-${randomBytes(4).toString('hex')}-`;
const FENCE = { STREAMGATE_STREAMS: `${IN}*` };

let gw: AuthGateway;
let redis: Redis;
withAuthGateway(
  () => FENCE,
  (g) => (gw = g),
);
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

describe.each(['rest', 'grpc'] as Transport[])('fence over %s', (transport) => {
  const d = (): Driver => gw.driver(transport);

  it.each(Object.keys(CALLS) as Array<keyof typeof CALLS>)('%s on a stream outside is PERMISSION_DENIED and changes nothing', async (op) => {
    const { stream, id } = await prepared(redis, OUT);
    const before = await fingerprint(redis, stream);
    expect(await codeOf(CALLS[op](d(), stream, id))).toBe('PERMISSION_DENIED');
    expect(await fingerprint(redis, stream)).toEqual(before);
    // Inside, the same call is fine.
    const inside = await prepared(redis, IN);
    expect(await codeOf(CALLS[op](d(), inside.stream, inside.id))).toBeNull();
  });

  it('a key of another type outside the fence is refused, not inspected, and left alone', async () => {
    const key = `${OUT}${uniq('str')}`;
    await redis.set(key, 'precious');
    expect(await codeOf(d().publish(key, [{ fields: { k: Buffer.from('v') } }]))).toBe('PERMISSION_DENIED');
    expect(await codeOf(d().deleteStream(key))).toBe('PERMISSION_DENIED');
    expect(await redis.get(key)).toBe('precious');
    // Inside, the same key type is NOT_A_STREAM, as before.
    const inside = `${IN}${uniq('str')}`;
    await redis.set(inside, 'x');
    expect(await codeOf(d().publish(inside, [{ fields: { k: Buffer.from('v') } }]))).toBe('NOT_A_STREAM');
  });

  it('ListStreams shows only streams inside, whatever `match` says', async () => {
    const inside = `${IN}${uniq('ls')}`;
    const outside = `${OUT}${uniq('ls')}`;
    await redis.xadd(inside, '*', 'k', 'v');
    await redis.xadd(outside, '*', 'k', 'v');
    const everything = await listAll(d());
    expect(everything).toContain(inside);
    expect(everything.every((s) => s.startsWith(IN))).toBe(true);
    expect(await listAll(d(), '*')).not.toContain(outside);
    expect(await listAll(d(), `${OUT}*`)).toEqual([]);
    expect(await listAll(d(), inside)).toEqual([inside]);
  });

  it('a deadLetterStream outside the fence is refused in a policy', async () => {
    const { stream } = await prepared(redis, IN);
    const outsideDlq = `${OUT}${uniq('dlq')}`;
    expect(await codeOf(d().createGroup(stream, 'g2', { deadLetterStream: outsideDlq, maxDeliveries: 3 }))).toBe('PERMISSION_DENIED');
    expect(await codeOf(d().updateGroup(stream, 'g', { deadLetterStream: outsideDlq }))).toBe('PERMISSION_DENIED');
    expect(await redis.hget(keys.policy(stream), 'g')).toBeNull();
    expect(await redis.exists(outsideDlq)).toBe(0);
    const insideDlq = `${IN}${uniq('dlq')}`;
    expect((await d().updateGroup(stream, 'g', { deadLetterStream: insideDlq })).deadLetterStream).toBe(insideDlq);
  });

  it('a stored policy pointing outside (set behind the gateway) stops dead-lettering there', async () => {
    const { stream } = await prepared(redis, IN);
    const outsideDlq = `${OUT}${uniq('dlq')}`;
    // The message pending for c1 has had its one delivery: the next pull would dead-letter it.
    await redis.hset(keys.policy(stream), 'g', JSON.stringify({ leaseMs: 50, maxDeliveries: 1, deadLetterStream: outsideDlq }));
    await new Promise((r) => setTimeout(r, 80));
    expect(await codeOf(d().pull(stream, 'g', 'c2'))).toBe('PERMISSION_DENIED');
    expect(await codeOf(d().deadLetters(stream, 'g'))).toBe('PERMISSION_DENIED');
    expect(await codeOf(d().redrive(stream, 'g'))).toBe('PERMISSION_DENIED');
    expect(await redis.exists(outsideDlq)).toBe(0);
    expect((await redis.xpending(stream, 'g'))[0], 'still pending, not dead-lettered').toBe(1);
  });

  it('internal keys (policy, idempotency) are the gateway’s own and work inside the fence', async () => {
    const stream = `${IN}${uniq('idem')}`;
    const first = await d().publish(stream, [{ fields: { k: Buffer.from('v') } }], { idempotencyKey: 'once' });
    const again = await d().publish(stream, [{ fields: { k: Buffer.from('v') } }], { idempotencyKey: 'once' });
    expect(again).toEqual({ ids: first.ids, replayed: true });
    await d().createGroup(stream, 'g', { leaseMs: 1000 });
    expect(await redis.hget(keys.policy(stream), 'g')).not.toBeNull();
  });
});

describe('the refusal comes before any Redis call', () => {
  let down: Record<Transport, Driver>;
  beforeAll(async () => {
    // Nothing listens there: any Redis call would fail with BACKEND_UNAVAILABLE instead.
    const url = `redis://127.0.0.1:${await freePort()}`;
    down = { rest: await makeRest(FENCE, url), grpc: await makeGrpc(FENCE, url) };
  });
  afterAll(async () => {
    await down.rest.close();
    await down.grpc.close();
  });

  it.each(['rest', 'grpc'] as Transport[])('every operation on an outside stream over %s', async (transport) => {
    for (const [op, call] of Object.entries(CALLS)) {
      expect(await codeOf(call(down[transport], `${OUT}x`, '1-1')), op).toBe('PERMISSION_DENIED');
    }
    expect(await codeOf(CALLS.publish(down[transport], `${IN}x`, '1-1'))).toBe('BACKEND_UNAVAILABLE');
  });
});

describe('in the core, whatever transport', () => {
  let core: Core;
  beforeAll(() => {
    // One-character names: the default dead-letter stream `<stream>:dlq` falls outside.
    core = testCore({ STREAMGATE_STREAMS: `${IN}?` });
  });
  afterAll(() => core.close());

  it('a group that would dead-letter into the default `<stream>:dlq` outside the fence is refused', async () => {
    const stream = `${IN}a`;
    await redis.del(stream, keys.policy(stream));
    await expectCode(core.groups.create(stream, { group: 'g', createStream: true, maxDeliveries: 2 }), 'PERMISSION_DENIED');
    expect(await redis.exists(stream)).toBe(0);
    // Without dead-lettering the default is never used: allowed, and pulls never name it.
    await core.groups.create(stream, { group: 'g', createStream: true });
    await core.streams.publish(stream, { messages: [{ pairs: [['k', Buffer.from('v')]] }] });
    expect(await core.consume.pull(stream, 'g', { consumer: 'c', count: 1, waitMs: 0, from: '>', noAck: false })).toHaveLength(1);
    expect(await redis.exists(`${stream}:dlq`)).toBe(0);
  });

  it('the backend refuses an outside stream even if a service forgot to check', async () => {
    const backend = (core.streams as unknown as { backend: { call(what: string, s: string, fn: () => Promise<unknown>): Promise<unknown> } }).backend;
    let ran = false;
    const result = backend.call('XLEN', `${OUT}z`, async () => {
      ran = true;
    });
    await expectCode(result, 'PERMISSION_DENIED');
    expect(ran).toBe(false);
  });
});
