import { describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { privateRedis, uniq } from '../helpers/core.js';
import { expectCode, fields, pullOf } from '../core/support.js';

/**
 * The gateway's own keys (group policies, the reaper's registries, keys.ts) are not streams a
 * client may name, even with the default fence `*`: a client that created one of them as a
 * stream (a publish creates the key) would make every pull of the stream whose policy it
 * took fail, or stop consumer reaping for every stream. A private Redis: a regression must
 * not poison the shared one.
 */

const own = privateRedis();

const msg = [{ pairs: fields({ k: 'v' }) }];

describe('internal keys are outside every fence', () => {
  it('a policy hash cannot be created as a stream: pulls of its stream keep working', async () => {
    const s = uniq('victim');
    await own.redis.xgroup('CREATE', s, 'g', '$', 'MKSTREAM');
    await expectCode(own.core.streams.publish(keys.policy(s), { messages: msg }), 'PERMISSION_DENIED');
    expect(await own.redis.exists(keys.policy(s))).toBe(0);
    await own.core.streams.publish(s, { messages: msg });
    expect((await own.core.consume.pull(s, 'g', pullOf('c'))).length).toBe(1);
  });

  it('the reaper registries cannot be created as streams: groups that reap can still be created', async () => {
    const s = uniq('reaps');
    await expectCode(own.core.streams.publish(keys.reapSlots, { messages: msg }), 'PERMISSION_DENIED');
    await expectCode(own.core.streams.publish(keys.reapRegistry(s), { messages: msg }), 'PERMISSION_DENIED');
    expect(await own.redis.exists(keys.reapSlots, keys.reapRegistry(s))).toBe(0);
    const group = await own.core.groups.create(s, { group: 'g', createStream: true, leaseMs: 100, reapIdleMs: 200 });
    expect(group.reapIdleMs).toBe(200);
  });

  it('nor named as a dead-letter stream, read, or deleted', async () => {
    const s = uniq('dlq');
    await own.redis.xgroup('CREATE', s, 'g', '$', 'MKSTREAM');
    await expectCode(own.core.groups.create(s, { group: 'g2', deadLetterStream: keys.reapSlots, maxDeliveries: 1 }), 'PERMISSION_DENIED');
    await own.core.groups.create(s, { group: 'g3' });
    await expectCode(own.core.streams.info(keys.policy(s)), 'PERMISSION_DENIED');
    await expectCode(own.core.streams.delete(keys.policy(s)), 'PERMISSION_DENIED');
    expect(await own.redis.exists(keys.policy(s))).toBe(1);
  });
});
