import type { Redis } from 'ioredis';
import { ReplyError } from 'ioredis';
import { expect } from 'vitest';
import type { ErrorCode } from '../../src/contract/errors.js';
import { mapRedisError } from '../../src/redis/redis-errors.js';
import { type ScriptArg, type ScriptName, scriptSource } from '../../src/redis/script-loader.js';

/** A Lua script called directly with EVAL: its source exactly as script-loader.ts sends it, prelude included. */
export const evalScript = (redis: Redis, name: ScriptName, keyList: string[], ...args: ScriptArg[]): Promise<unknown> =>
  redis.eval(scriptSource(name), keyList.length, ...keyList, ...args);

/** Asserts a script failed with the reply prefix, and that redis-errors.ts maps it to `code`. */
export async function refused(work: Promise<unknown>, prefix: string, code: ErrorCode): Promise<void> {
  const err: unknown = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected a ${prefix} reply`).toBeInstanceOf(ReplyError);
  expect((err as Error).message).toMatch(new RegExp(`^${prefix} `));
  expect(mapRedisError(err)?.code).toBe(code);
}
