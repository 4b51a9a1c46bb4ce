import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot, keys } from '../../src/redis/keys.js';
import { type ScriptArg, type ScriptName, scriptSource } from '../../src/redis/script-loader.js';
import { sleep, uniq } from '../helpers/core.js';
import { type TestCluster, startCluster } from '../helpers/redis-cluster.js';

/**
 * The dead-letter scripts on a real Redis Cluster (3 masters, started by this file, stopped
 * by PID), driven through ioredis's Cluster client as the core sequences them: a
 * dead-letter stream in another slot cannot be written by the pull's script (CROSSSLOT), so
 * the pull hands the entry back, deadLetter-1 writes it in its slot, ack-2 acks it; redrive
 * across slots republishes (redriveAdd-2) then deletes. A `{tag}:dlq` keeps the one-script
 * move and redrive.
 */

let cluster: TestCluster;
let c: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ masters: 3, replicas: 0 });
  await cluster.settled();
  const [host, port] = cluster.nodes[0]!.url.replace('redis://', '').split(':');
  c = new Cluster([{ host: host!, port: Number(port) }]);
}, 60_000);
afterAll(async () => {
  c?.disconnect();
  await cluster?.stop();
});

const run = (name: ScriptName, keyList: string[], ...args: ScriptArg[]): Promise<unknown> =>
  c.eval(scriptSource(name), keyList.length, ...keyList, ...args) as Promise<unknown>;

const LEASE = 200;

/** One message delivered to c1, its lease expired, the group without a stored policy (the defaults below). */
async function poisoned(s: string): Promise<string> {
  const id = (await c.xadd(s, '*', 'n', '0'))!;
  await c.xgroup('CREATE', s, 'g', '0');
  await c.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 1, 'STREAMS', s, '>');
  await sleep(2 * LEASE);
  return id;
}

/**
 * pull-5 with maxDeliveries 1 and the dead-letter stream `dlq` by default; `deadLetterKey` is
 * its KEYS[3]. Handing back, the caller tells the type it asked of `dlq` (none: not there yet).
 */
const pull = (s: string, dlq: string, deadLetterKey: string): Promise<unknown> =>
  run('pull', [s, keys.policy(s), deadLetterKey, keys.leaseCursor(s, 'g'), keys.nackDelays(s)], 'g', 'c2', 10, '0', LEASE, 1, dlq, 1 << 20, 100, 400, 10, dlq, 'none');

describe('dead letters on a Redis Cluster', () => {
  it('another slot: the one-script move is refused (CROSSSLOT); handed back, written, then acked', async () => {
    const s = uniq();
    const dlq = `${s}:dlq`;
    expect(keySlot(dlq)).not.toBe(keySlot(s));
    const id = await poisoned(s);
    await expect(pull(s, dlq, dlq)).rejects.toThrow(/CROSSSLOT/);
    const reply = (await pull(s, dlq, keys.policy(s))) as unknown[];
    expect(reply[0]).toBe('OK');
    expect(reply[7]).toBe(dlq);
    const moves = reply[8] as unknown[];
    expect(moves[0]).toBe(id);
    const fields = moves[1] as string[];
    expect(fields.filter((_, i) => i % 2 === 0)).toEqual(['n', 'x-original-id', 'x-original-stream', 'x-group', 'x-deliveries', 'x-last-consumer']);
    // Handed back, not acked: still pending until the second step.
    expect(((await c.xpending(s, 'g')) as unknown[])[0]).toBe(1);
    const written = (await run('deadLetter', [dlq], fields.length, ...fields)) as string[];
    expect(written).toHaveLength(1);
    expect(await run('ack', [s, keys.nackDelays(s)], 'g', '', '', '', id)).toEqual([1]);
    expect(((await c.xpending(s, 'g')) as unknown[])[0]).toBe(0);
    const letter = ((await c.xrange(dlq, '-', '+')) as [string, string[]][])[0]![1];
    expect(letter).toEqual(fields);
    expect(letter[letter.indexOf('x-original-id') + 1]).toBe(id);

    // Redrive across slots: republished in the source's slot (remembered), then deleted;
    // the same dead letter again (a redrive cut short) is not republished.
    expect(await run('redriveAdd', [s, keys.redriven(s)], 'g', 60_000, letter.length, ...letter)).toEqual([expect.stringMatching(/^\d+-\d+$/)]);
    expect(await run('redriveAdd', [s, keys.redriven(s)], 'g', 60_000, letter.length, ...letter)).toEqual(['']);
    await c.xdel(dlq, written[0]!);
    expect((await c.xrange(s, '-', '+')).map(([, f]) => f)).toEqual([
      ['n', '0'],
      ['n', '0'],
    ]);
  });

  it('a dead-letter stream with the stream’s hash tag: one script for the move and for redrive', async () => {
    const s = `{${uniq()}}`;
    const dlq = `${s}:dlq`;
    expect(keySlot(dlq)).toBe(keySlot(s));
    const id = await poisoned(s);
    const reply = (await pull(s, dlq, dlq)) as unknown[];
    expect(reply.slice(0, 3)).toEqual(['OK', expect.anything(), 1]);
    expect(reply).toHaveLength(7);
    expect(((await c.xpending(s, 'g')) as unknown[])[0]).toBe(0);
    const letter = ((await c.xrange(dlq, '-', '+')) as [string, string[]][])[0]![1];
    expect(letter[letter.indexOf('x-original-id') + 1]).toBe(id);
    const [from, to] = (await run('redrive', [s, dlq, keys.redriven(s)], 'g', 100, 10, 60_000)) as [string[], string[]];
    expect([from.length, to.length]).toEqual([1, 1]);
    expect(await c.xlen(dlq)).toBe(0);
  });
});
