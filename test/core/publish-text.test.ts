import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { InputPair } from '../../src/contract/limits.js';
import type { TextPair } from '../../src/contract/types.js';
import { redisUrl, testCore, uniq } from '../helpers/core.js';
import { expectCode } from './support.js';

/**
 * A publish may carry values as text (REST keeps JSON strings down to the packer): stored
 * as their UTF-8 bytes, exactly as the same values given as Buffers, counted in UTF-8
 * bytes by the size limit, and a lone surrogate is refused, never stored as U+FFFD.
 */

let core: Core;
let small: Core;
let redis: Redis;
beforeAll(() => {
  core = testCore({ STREAMGATE_IDEMPOTENCY_TTL_SEC: '600' });
  small = testCore({ STREAMGATE_MAX_MESSAGE_BYTES: '100' });
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  await core.close();
  await small.close();
  redis.disconnect();
});

const asBuffers = (pairs: readonly (readonly [string, string])[]): TextPair[] => pairs.map(([n, v]) => [n, Buffer.from(v, 'utf8')]);

describe('publish with text values', () => {
  it('stores the same bytes as Buffer values, batch (script) and single (XADD) alike', async () => {
    const value = fc.string({ unit: 'grapheme', maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 5 }), value), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }), async (batch) => {
        const [a, b] = [uniq(), uniq()];
        await core.streams.publish(a, { messages: batch.map((pairs) => ({ pairs })) });
        await core.streams.publish(b, { messages: batch.map((pairs) => ({ pairs: asBuffers(pairs) })) });
        const read = async (s: string) => (await redis.xrangeBuffer(s, '-', '+')).map(([, f]) => f.map((x) => x.toString('hex')));
        expect(await read(a)).toEqual(await read(b));
        expect(await read(a)).toEqual(batch.map((pairs) => pairs.flatMap(([n, v]) => [Buffer.from(n).toString('hex'), Buffer.from(v).toString('hex')])));
      }),
      { numRuns: 40 },
    );
  });

  it('counts UTF-8 bytes against the size limit: exactly the limit passes, one byte more is PAYLOAD_TOO_LARGE', async () => {
    const s = uniq();
    // 'k' + 'é' × 49 + 'x' = 1 + 98 + 1 = 100 bytes.
    const at: InputPair[] = [['k', `${'é'.repeat(49)}x`]];
    await small.streams.publish(s, { messages: [{ pairs: [['a', '1']] }, { pairs: at }] });
    const over: InputPair[] = [['k', `${'é'.repeat(49)}xy`]];
    const err = await expectCode(small.streams.publish(s, { messages: [{ pairs: [['a', '1']] }, { pairs: over }] }), 'PAYLOAD_TOO_LARGE');
    expect(err.message).toContain('messages[1] is 101 bytes');
    // 4-byte characters (a surrogate pair is 2 UTF-16 units, 4 bytes).
    await small.streams.publish(s, { messages: [{ pairs: [['k', `${'😀'.repeat(24)}abc`]] }] });
    await expectCode(small.streams.publish(s, { messages: [{ pairs: [['k', '😀'.repeat(25)]] }] }), 'PAYLOAD_TOO_LARGE');
    expect(await redis.xlen(s)).toBe(3);
  });

  it('refuses a lone surrogate in a text value (VALIDATION_FAILED) and writes nothing', async () => {
    const s = uniq();
    for (const bad of ['x\ud800', '\udc00', 'a\udfffb']) {
      await expectCode(core.streams.publish(s, { messages: [{ pairs: [['a', '1']] }, { pairs: [['v', bad]] }] }), 'VALIDATION_FAILED');
      await expectCode(core.streams.publish(s, { messages: [{ pairs: [['v', bad]] }] }), 'VALIDATION_FAILED');
    }
    expect(await redis.exists(s)).toBe(0);
  });

  it('identifies a request by its bytes: text and Buffer values replay each other under one Idempotency-Key', async () => {
    const s = uniq();
    const pairs: [string, string][] = [['a', 'é1'], ['b', '😀']];
    const first = await core.streams.publish(s, { messages: [{ pairs }, { pairs }], idempotencyKey: 'k' });
    const again = await core.streams.publish(s, { messages: [{ pairs: asBuffers(pairs) }, { pairs: asBuffers(pairs) }], idempotencyKey: 'k' });
    expect(again).toEqual({ ids: first.ids, replayed: true });
    await expectCode(core.streams.publish(s, { messages: [{ pairs: [['a', 'é2'], ['b', '😀']] }, { pairs }], idempotencyKey: 'k' }), 'IDEMPOTENCY_CONFLICT');
  });
});
