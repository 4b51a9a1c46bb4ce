import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandConnectionOptions } from '../../src/redis/connection.js';
import { ScriptRunner } from '../../src/redis/script-loader.js';
import { commandCalls, privateRedis, uniq } from '../helpers/core.js';

/**
 * How scripts reach Redis (script-loader.ts): as EVALSHA / EVAL, plain commands of the
 * auto-pipelined command connection, not ioredis's defineCommand (which made every
 * pipeline ioredis builds copy each script onto itself: a cost on every request, a single
 * XADD included). A private Redis, so INFO commandstats counts this file's commands only.
 */

const own = privateRedis();
let conn: Redis;
let runner: ScriptRunner;

beforeAll(async () => {
  conn = new Redis(own.server.url, commandConnectionOptions(5000));
  await conn.connect();
  runner = new ScriptRunner(conn);
});
afterAll(() => conn.disconnect());

/** range-1.lua over `stream`: its entries and cut flag. */
const range = (stream: string) => runner.runBuffer('range', [stream], ['-', '+', 10, '0', 1_000_000, 10]);

/** The EVAL and EVALSHA calls `work` sent (failed ones included: Redis counts a NOSCRIPT as a call). */
async function scriptCalls(work: () => Promise<unknown>): Promise<{ eval: number; evalsha: number; result: unknown }> {
  await own.redis.config('RESETSTAT');
  const result = await work().catch((err: unknown) => err);
  const calls = await commandCalls(own.redis);
  return { eval: calls['eval'] ?? 0, evalsha: calls['evalsha'] ?? 0, result };
}

describe('scripts on the command connection', () => {
  it('defines no ioredis command: the pipelines ioredis makes for auto-pipelining carry no script', () => {
    expect(Object.keys((conn as unknown as { scriptsSet: object }).scriptsSet)).toEqual([]);
    // A defined script is copied onto each pipeline as two methods, `<name>` and `<name>Buffer`.
    expect(Object.keys(conn.pipeline()).filter((k) => k.endsWith('Buffer'))).toEqual([]);
  });

  it('the first call sends the source (EVAL), later ones the SHA (EVALSHA)', async () => {
    const first = await scriptCalls(() => range(uniq()));
    expect(first).toEqual({ eval: 1, evalsha: 0, result: [[], 0] });
    const again = await scriptCalls(() => range(uniq()));
    expect(again).toEqual({ eval: 0, evalsha: 1, result: [[], 0] });
  });

  it('after SCRIPT FLUSH: NOSCRIPT, then the source once, and the answer as before', async () => {
    const stream = uniq();
    await own.redis.xadd(stream, '1-1', 'a', 'b');
    const before = await range(stream);
    await own.redis.script('FLUSH');
    const after = await scriptCalls(() => range(stream));
    expect(after).toEqual({ eval: 1, evalsha: 1, result: before });
    expect(await scriptCalls(() => range(stream))).toEqual({ eval: 0, evalsha: 1, result: before });
  });

  it("a script's own error is answered as it is, never run again", async () => {
    await range(uniq());
    const key = uniq();
    await own.redis.set(key, 'not a stream');
    const { eval: evals, evalsha, result } = await scriptCalls(() => range(key));
    expect({ evals, evalsha }).toEqual({ evals: 0, evalsha: 1 });
    expect(String(result)).toMatch(/WRONGTYPE/);
  });
});
