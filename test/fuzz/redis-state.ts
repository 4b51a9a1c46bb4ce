import type { Redis } from 'ioredis';
import type { Core } from '../../src/core/core.js';
import type { ErrorCode } from '../../src/contract/errors.js';
import { isGatewayKey, keys } from '../../src/redis/keys.js';
import { redisUrl } from '../helpers/core.js';

/**
 * What the fuzzers' Redis holds before each property: streams with groups, pending entries
 * (some with expired leases, one about to be dead-lettered, one deleted), a dead letter,
 * and a key of every other Redis type under names the generators use. Each fuzz file has
 * its own logical database, so it may flush it freely and hostile names it publishes to
 * (`*`, `../`) never meet another test file's keys.
 */

export const fuzzRedisUrl = (db: number): string => `${redisUrl()}/${db}`;

/** A key of each other type, by name; the generators address them as streams. */
export const OTHER_TYPES = {
  'a-string': 'string',
  'a-list': 'list',
  'a-hash': 'hash',
  'a-set': 'set',
  'a-zset': 'zset',
  '{tag}a-hash': 'hash',
} as const;

export const OTHER_TYPE_NAMES = Object.keys(OTHER_TYPES);

/** Keys that are not streams, addressed as streams by the generators (the policy hash of `live` too, while it exists). */
export const NOT_STREAMS = new Set<string>([...OTHER_TYPE_NAMES, keys.policy('live')]);

/** What a request about a key of another type may answer: its own mistake first, else NOT_A_STREAM. */
export const ON_OTHER_TYPES = new Set<ErrorCode>(['VALIDATION_FAILED', 'INVALID_ID', 'PAYLOAD_TOO_LARGE', 'NOT_A_STREAM']);

/**
 * Whether `code` is a right answer to a request about `name`, a key of another type: one of
 * ON_OTHER_TYPES, or PERMISSION_DENIED for a key of the gateway itself (the policy hash),
 * which the fence refuses before Redis is asked.
 */
export const refusesOtherType = (name: string, code: ErrorCode | null): boolean =>
  code !== null && (ON_OTHER_TYPES.has(code) || (isGatewayKey(name) && code === 'PERMISSION_DENIED'));

/** A stream whose stored group policies are not a hash, and whose dead-letter stream is a list. */
export const POISONED = 'poisoned';

export const KNOWN = {
  streams: ['live', '{t}live', POISONED, 'live:dlq', 'missing', keys.policy('live'), ...OTHER_TYPE_NAMES],
  groups: ['g', 'g0', 'native', 'missing'],
  consumers: ['c', 'c2', 'new'],
} as const;

export async function seed(core: Core, redis: Redis): Promise<void> {
  await redis.flushdb();
  await redis.set('a-string', Buffer.from([0x00, 0xff, 0x41]));
  await redis.rpush('a-list', 'a', 'b');
  await redis.hset('a-hash', 'field', 'value');
  await redis.hset('{tag}a-hash', 'f', 'v');
  await redis.sadd('a-set', 'm1', 'm2');
  await redis.zadd('a-zset', 1, 'one', 2, 'two');

  for (const stream of ['live', '{t}live']) {
    for (let i = 1; i <= 5; i++) await redis.xadd(stream, `${i}-0`, 'n', String(i));
    await redis.xadd(stream, '6-0', 'bin', Buffer.from([0xff, 0xfe]), '7', 'numeric-name');
    await redis.xadd(stream, '8-0', 'dup', 'a', 'dup', 'b');
    await core.groups.create(stream, { group: 'g', start: '0', leaseMs: 60_000, maxDeliveries: 2 });
    await core.groups.create(stream, { group: 'g0', start: '0', leaseMs: 0 });
    await redis.xgroup('CREATE', stream, 'native', '0');
    await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 2, 'STREAMS', stream, '>');
    await redis.xreadgroup('GROUP', 'g', 'c2', 'COUNT', 1, 'STREAMS', stream, '>');
    await redis.xreadgroup('GROUP', 'g0', 'c', 'COUNT', 1, 'STREAMS', stream, '>');
    // 1-0: lease long expired, delivered twice: the next pull of g dead-letters it.
    await redis.xclaim(stream, 'g', 'c', 0, '1-0', 'IDLE', 3_600_000, 'RETRYCOUNT', 2);
    // 3-0: lease expired once: the next pull of g redelivers it.
    await redis.xclaim(stream, 'g', 'c2', 0, '3-0', 'IDLE', 3_600_000);
    // 2-0: deleted while pending.
    await redis.xdel(stream, '2-0');
    const dlq = keys.defaultDeadLetter(stream);
    await redis.xadd(dlq, '9-0', 'n', '9', 'x-original-id', '9-0', 'x-original-stream', stream, 'x-group', 'g', 'x-deliveries', '2', 'x-last-consumer', 'c');
  }

  await redis.xadd(POISONED, '1-0', 'n', '1');
  await redis.xgroup('CREATE', POISONED, 'g', '0');
  await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', POISONED, '>');
  await redis.set(keys.policy(POISONED), 'not a hash');
  await redis.rpush(keys.defaultDeadLetter(POISONED), 'not a stream');
}

export interface KeySnapshot {
  readonly type: string;
  readonly dump: string | null;
}

/**
 * Type and serialized value of every other-type key, the poisoned stream's dead-letter list
 * included. (Its policy key is the gateway's own: deleting the stream deletes it.)
 */
export async function snapshotOthers(redis: Redis): Promise<Record<string, KeySnapshot>> {
  const out: Record<string, KeySnapshot> = {};
  for (const name of [...OTHER_TYPE_NAMES, keys.defaultDeadLetter(POISONED)]) {
    const dump = await redis.dumpBuffer(name);
    out[name] = { type: await redis.type(name), dump: dump ? dump.toString('base64') : null };
  }
  return out;
}

/** Keys the gateway derives for a stream (policy, idempotency records) that exist for other-type keys: none may. */
export async function derivedKeysOfOthers(redis: Redis): Promise<string[]> {
  const found: string[] = [];
  for (const name of OTHER_TYPE_NAMES) {
    if ((await redis.exists(keys.policy(name))) > 0) found.push(keys.policy(name));
    const idem = (await redis.keys(`${keys.idempotency(name, '').replace(/[*?[\]\\]/g, '\\$&')}*`)) as string[];
    found.push(...idem);
  }
  return found;
}
