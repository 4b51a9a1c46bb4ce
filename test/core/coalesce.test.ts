import { describe, expect, it, vi } from 'vitest';
import { BackendUnavailable } from '../../src/contract/errors.js';
import type { Backend } from '../../src/redis/backend.js';
import { notConnected } from '../../src/redis/unavailable.js';
import { commandCalls, privateRedis } from '../helpers/core.js';
import { until } from '../helpers/wait.js';
import { fields, pullOf } from './support.js';

/** Acks from concurrent requests coalesce into one script call; each request keeps its own results. */
describe('ack coalescing, and pulls carrying acks', () => {
  // A server of its own: command counts here are this test's alone.
  const own = privateRedis();
  /** Script runs so far: ioredis sends EVALSHA, and EVAL once when the server does not know the script yet. */
  const scriptCalls = async (): Promise<number> => {
    const calls = await commandCalls(own.redis);
    return (calls['evalsha'] ?? 0) + (calls['eval'] ?? 0);
  };

  it('50 concurrent ack requests on one group make one script call, each answered for its own IDs', async () => {
    await own.core.groups.create('s', { group: 'g', createStream: true, start: '0' });
    await own.core.streams.publish('s', { messages: Array.from({ length: 100 }, (_, i) => ({ pairs: fields({ i: String(i) }) })) });
    const ids = (await own.core.consume.pull('s', 'g', pullOf('c', { count: 100 }))).map((m) => m.id);
    const before = await scriptCalls();
    // Request k acks ids[2k] and ids[2k+1]; the last also repeats one already acked.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, k) => own.core.consume.ack('s', 'g', k === 49 ? [ids[98]!, ids[99]!, ids[0]!] : [ids[2 * k]!, ids[2 * k + 1]!])),
    );
    expect((await scriptCalls()) - before).toBe(1);
    expect(results.slice(0, 49)).toEqual(results.slice(0, 49).map(() => ({ count: 2, notPending: [] })));
    expect(results[49]).toEqual({ count: 2, notPending: [ids[0]] });
    expect((await own.core.pending.summary('s', 'g')).count).toBe(0);
  });

  it('an error reaches every request of the batch', async () => {
    const failures = await Promise.allSettled([1, 2, 3].map(() => own.core.consume.ack('s', 'nope', ['1-0'])));
    expect(failures.map((f) => f.status === 'rejected' && (f.reason as { code: string }).code)).toEqual([
      'GROUP_NOT_FOUND',
      'GROUP_NOT_FOUND',
      'GROUP_NOT_FOUND',
    ]);
  });

  it('a pull carrying acks makes one script call (acks, then the read), apart from concurrent acks; the pull alone when the list is empty', async () => {
    await own.core.groups.create('p', { group: 'g', createStream: true, start: '0' });
    const published = await own.core.streams.publish('p', { messages: Array.from({ length: 6 }, (_, i) => ({ pairs: fields({ i: String(i) }) })) });
    const ids = (await own.core.consume.pull('p', 'g', pullOf('c', { count: 4 }))).map((m) => m.id);
    let before = await scriptCalls();
    const [pulled, acked] = await Promise.all([
      own.core.consume.pullAcking('p', 'g', pullOf('c', { count: 1 }), [ids[0]!, ids[1]!, '1-0', ids[0]!]),
      own.core.consume.ack('p', 'g', [ids[2]!]),
    ]);
    expect((await scriptCalls()) - before, 'pull-5 with the acks, ack-2 for the ack request').toBe(2);
    // A repeated ID is acked once, as the ack route answers it.
    expect(pulled.acked).toEqual({ count: 2, notPending: ['1-0', ids[0]] });
    expect(pulled.messages.map((m) => m.id)).toEqual([published.ids[4]]);
    expect(acked).toEqual({ count: 1, notPending: [] });
    before = await scriptCalls();
    const empty = await own.core.consume.pullAcking('p', 'g', pullOf('c', { count: 1 }), []);
    expect((await scriptCalls()) - before, 'the pull alone').toBe(1);
    expect(empty.acked).toEqual({ count: 0, notPending: [] });
    expect(empty.messages).toHaveLength(1);
  });

  it('acks ride on the first read only: a pull that fails later (not_written) says `unknown`, the acks stand', async () => {
    await own.core.groups.create('u', { group: 'g', createStream: true, start: '0' });
    await own.core.streams.publish('u', { messages: [{ pairs: fields({ i: '0' }) }] });
    const [id] = (await own.core.consume.pull('u', 'g', pullOf('c', { count: 1 }))).map((m) => m.id);
    const { scripts } = (own.core.consume as unknown as { backend: Backend }).backend;
    const pull = scripts.pull.bind(scripts);
    const seen: (readonly string[] | undefined)[] = [];
    // The first read (carrying the ack) runs; every later one fails before anything is sent.
    const stub = vi.spyOn(scripts, 'pull').mockImplementation((...args) => {
      seen.push(args[3].ack);
      return seen.length === 1 ? pull(...args) : Promise.reject(notConnected());
    });
    try {
      // Nothing to read: the pull waits, a publish wakes it, its next read fails.
      const waiting = own.core.consume.pullAcking('u', 'g', pullOf('c', { waitMs: 5000 }), [id!]).catch((e: unknown) => e);
      await until(() => seen.length === 1);
      await own.core.streams.publish('u', { messages: [{ pairs: fields({ i: '1' }) }] });
      const err = await waiting;
      expect(err).toBeInstanceOf(BackendUnavailable);
      expect((err as BackendUnavailable).outcome).toBe('unknown');
      expect((err as Error).message).toMatch(/acks of this request were done/);
      expect(seen[0]).toEqual([id]);
      expect(seen.slice(1).every((a) => a === undefined || a.length === 0), 'no read after the first carries the acks').toBe(true);
      // The read carrying the acks fails before anything is sent: nothing changed, not_written stands.
      seen.length = 1;
      const none = await own.core.consume.pullAcking('u', 'g', pullOf('c'), [id!]).catch((e: unknown) => e);
      expect((none as BackendUnavailable).outcome).toBe('not_written');
    } finally {
      stub.mockRestore();
    }
    expect((await own.core.pending.summary('u', 'g')).count).toBe(0);
    const retry = await own.core.consume.pullAcking('u', 'g', pullOf('c'), [id!]);
    expect(retry.acked).toEqual({ count: 0, notPending: [id] });
    expect(retry.messages).toHaveLength(1);
  });
});
