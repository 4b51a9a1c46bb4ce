import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { redisUrl, uniq } from '../helpers/core.js';
import { reportsInactive } from '../helpers/redis-version.js';
import { type Driver, TRANSPORTS, type Transport, makeGrpc, makeRest } from './driver.js';
import { DEAD_LETTERS } from './scenarios/dead-letters.js';
import { DEAD_LETTERS_ACROSS_SLOTS } from './scenarios/dead-letters-across-slots.js';
import { DEAD_LETTER_TYPE } from './scenarios/dead-letter-type.js';
import type { Ctx, Table } from './scenarios/support.js';
import { TERM_OWNED } from './scenarios/term-owned.js';

/**
 * The dead-letter scenarios of the table, on REST and gRPC, with the two-step move across
 * Cluster slots forced on the single test Redis (crossSlotDeadLetters): every `<s>:dlq`
 * hashes to another slot than `<s>`, so pull's lease walk and term hand the dead letters
 * back and the core writes them, then acks; redrive reads, republishes, then deletes. The
 * same answers as the one-script moves; a `{tag}:dlq` stays one script.
 */

const ENV = { STREAMGATE_MAX_MESSAGE_BYTES: '4096' };
const SCENARIOS: Table = { ...DEAD_LETTERS, ...TERM_OWNED, ...DEAD_LETTERS_ACROSS_SLOTS, ...DEAD_LETTER_TYPE };
const make: Record<Transport, typeof makeRest> = { rest: makeRest, grpc: makeGrpc };
const drivers = {} as Record<Transport, { d: Driver; down: Driver }>;
let redis: Redis;
let redis72 = false;

beforeAll(async () => {
  redis = new Redis(redisUrl());
  redis72 = await reportsInactive(redis);
  const downUrl = `redis://127.0.0.1:${await freePort()}`;
  const options = { crossSlotDeadLetters: true };
  for (const t of TRANSPORTS) drivers[t] = { d: await make[t](ENV, undefined, options), down: await make[t](ENV, downUrl, options) };
});
afterAll(async () => {
  for (const { d, down } of Object.values(drivers)) {
    await d.close();
    await down.close();
  }
  redis?.disconnect();
});

describe.each(TRANSPORTS)('two-step dead-letter moves over %s', (transport) => {
  it.each(Object.keys(SCENARIOS))('%s', async (title) => {
    const x: Ctx = { name: () => uniq('x'), redis, down: drivers[transport].down, redis72 };
    await SCENARIOS[title]!(drivers[transport].d, x);
  });
});
