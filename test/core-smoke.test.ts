import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../src/core/core.js';
import { redisUrl, sleep, testCore, uniq } from './helpers/core.js';

const f = (pairs: Record<string, string>) => Object.entries(pairs).map(([k, v]) => [k, Buffer.from(v)] as const);

describe('core smoke', () => {
  let core: Core;
  let redis: Redis;
  beforeAll(() => {
    core = testCore();
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await core.close();
    redis.disconnect();
  });

  it('publishes, pulls, leases, redelivers, dead-letters', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', start: '0', createStream: true, leaseMs: 200, maxDeliveries: 2 });
    const { ids } = await core.streams.publish(s, { messages: [{ pairs: f({ a: '1' }) }, { pairs: f({ b: '2' }) }] });
    expect(ids).toHaveLength(2);
    const first = await core.consume.pull(s, 'g', { consumer: 'c1', count: 10, waitMs: 0, from: '>', noAck: false });
    expect(first.map((m) => m.deliveryCount)).toEqual([1, 1]);
    const none = await core.consume.pull(s, 'g', { consumer: 'c2', count: 10, waitMs: 0, from: '>', noAck: false });
    expect(none).toEqual([]);
    await core.consume.ack(s, 'g', [ids[0]!]);
    await sleep(250);
    const again = await core.consume.pull(s, 'g', { consumer: 'c2', count: 10, waitMs: 0, from: '>', noAck: false });
    expect(again.map((m) => [m.id, m.deliveryCount])).toEqual([[ids[1], 2]]);
    await sleep(250);
    const dead = await core.consume.pull(s, 'g', { consumer: 'c3', count: 10, waitMs: 0, from: '>', noAck: false });
    expect(dead).toEqual([]);
    const dl = await redis.xrange(`${s}:dlq`, '-', '+');
    expect(dl).toHaveLength(1);
    expect(dl[0]![1]).toEqual(['b', '2', 'x-original-id', ids[1], 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '2', 'x-last-consumer', 'c2']);
    const list = await core.deadLetters.list(s, 'g', { count: 10 });
    expect(list.messages).toHaveLength(1);
    const r = await core.deadLetters.redrive(s, 'g', {});
    expect(r.redriven).toBe(1);
    expect(await redis.xlen(`${s}:dlq`)).toBe(0);
    const info = await core.streams.info(s);
    expect(info.length).toBe(3);
    const groups = await core.groups.list(s);
    expect(groups[0]).toMatchObject({ name: 'g', leaseMs: 200, maxDeliveries: 2 });
  });

  it('waits for a message', async () => {
    const s = uniq();
    await core.groups.create(s, { group: 'g', createStream: true });
    const t0 = Date.now();
    const p = core.consume.pull(s, 'g', { consumer: 'c', count: 1, waitMs: 3000, from: '>', noAck: false });
    await sleep(100);
    await core.streams.publish(s, { messages: [{ pairs: f({ x: 'y' }) }] });
    const got = await p;
    expect(got).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
