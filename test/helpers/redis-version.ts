import type { Redis } from 'ioredis';

/**
 * The version of the test Redis, for the few answers that differ between versions (Redis
 * 7.2 added `inactive` to XINFO CONSUMERS; 7.0, Debian's, has none, and the gateway answers
 * null). Tests state what each version gives instead of accepting either.
 */
export async function redisVersion(redis: Redis): Promise<[number, number]> {
  const m = /redis_version:(\d+)\.(\d+)/.exec(await redis.info('server'));
  if (!m) throw new Error('INFO server has no redis_version');
  return [Number(m[1]), Number(m[2])];
}

/** Redis reports `inactive` in XINFO CONSUMERS (7.2 and later). */
export async function reportsInactive(redis: Redis): Promise<boolean> {
  const [major, minor] = await redisVersion(redis);
  return major > 7 || (major === 7 && minor >= 2);
}
