import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { keys } from '../../src/redis/keys.js';
import { uniq } from '../helpers/core.js';
import { withCore } from '../helpers/fixtures.js';
import { expectCode, fields, pullOf } from './support.js';

/**
 * DeadLetterService.term as the core runs it: the dead-letter stream learnt from the stored
 * policy and held to the fence, the metric, the unreadable-policy report. (The contract on
 * both transports: test/transports/scenarios/term-owned.ts; the script: term-script.test.ts.)
 */

let core: Core;
let redis: Redis;
// Only `in-*` streams: a dead-letter stream elsewhere is outside the fence.
withCore(
  (c, r) => {
    core = c;
    redis = r;
  },
  { STREAMGATE_STREAMS: 'in-*' },
);

async function pending(n: number): Promise<{ s: string; ids: string[] }> {
  const s = uniq('in-t');
  await core.groups.create(s, { group: 'g', createStream: true, start: '0' });
  const { ids } = await core.streams.publish(s, { messages: Array.from({ length: n }, (_, i) => ({ pairs: fields({ n: String(i) }) })) });
  await core.consume.pull(s, 'g', pullOf('c'));
  return { s, ids };
}

const counter = async (name: 'terminated' | 'unreadablePolicies'): Promise<number> => (await core.metrics[name].get()).values[0]?.value ?? 0;

describe('term in the core', () => {
  it('counts terminated messages in streamgate_messages_terminated_total, not the deleted nor the not pending', async () => {
    const { s, ids } = await pending(3);
    await redis.xdel(s, ids[2]!);
    const before = await counter('terminated');
    const r = await core.deadLetters.term(s, 'g', [ids[0]!, ids[1]!, ids[2]!, '1-0'], { reason: 'r' });
    expect(r).toEqual({ count: 2, notPending: ['1-0'], deleted: [ids[2]] });
    expect((await counter('terminated')) - before).toBe(2);
  });

  it('a stored dead-letter stream outside the fence: PERMISSION_DENIED, nothing changed; inside, it is used', async () => {
    const { s, ids } = await pending(1);
    // Written behind the gateway (updateGroup would refuse it).
    await redis.hset(keys.policy(s), 'g', JSON.stringify({ leaseMs: 30000, maxDeliveries: 0, deadLetterStream: 'out-dlq' }));
    await expectCode(core.deadLetters.term(s, 'g', [ids[0]!]), 'PERMISSION_DENIED');
    expect(((await redis.xpending(s, 'g')) as [number])[0]).toBe(1);
    expect(await redis.exists('out-dlq')).toBe(0);
    const inside = uniq('in-dlq');
    await core.groups.updatePolicy(s, 'g', { deadLetterStream: inside });
    expect((await core.deadLetters.term(s, 'g', [ids[0]!])).count).toBe(1);
    expect(await redis.xlen(inside)).toBe(1);
  });

  it('an unreadable stored policy: the default dead-letter stream, and the read is reported', async () => {
    const { s, ids } = await pending(1);
    await redis.hset(keys.policy(s), 'g', '[1, 2]');
    const before = await counter('unreadablePolicies');
    expect((await core.deadLetters.term(s, 'g', [ids[0]!])).count).toBe(1);
    expect(await redis.xlen(`${s}:dlq`)).toBe(1);
    expect((await counter('unreadablePolicies')) - before).toBeGreaterThanOrEqual(1);
  });
});
