import { expect } from 'vitest';
import { keys } from '../../../src/redis/keys.js';
import { type Table, codeOf, f, publishIds, setup, stringKey } from './support.js';

/** Listing, describing and deleting streams. */
export const STREAMS: Table = {
  async 'list streams: walk the cursor with a pattern, streams only'(d, x) {
    const prefix = x.name();
    const names = ['a', 'b', 'c'].map((n) => `${prefix}:${n}`);
    for (const n of names) await d.publish(n, [{ fields: f({ n }) }]);
    await x.redis.set(`${prefix}:string`, 'v');
    const found: string[] = [];
    let cursor = '0';
    let steps = 0;
    do {
      const page = await d.listStreams({ match: `${prefix}:*`, cursor, count: 10 });
      expect(page.cursor).toMatch(/^\d+$/);
      found.push(...page.streams);
      cursor = page.cursor;
      steps++;
    } while (cursor !== '0' && steps < 100_000);
    expect(cursor, 'SCAN never finished').toBe('0');
    // SCAN may return a key twice; the set of names is what counts.
    const set = [...new Set(found)].sort();
    expect(set).toEqual(names);
    // A pattern of exactly 1024 characters is allowed (1025 is not: the error table).
    const long = await d.listStreams({ match: `${prefix}*`.padEnd(1024, '?'), count: 10 });
    expect(long.cursor).toMatch(/^\d+$/);
    return { found: set };
  },

  async 'describe a stream: length, first and last IDs, counters after a delete'(d, x) {
    const s = x.name();
    await publishIds(d, s, ['1-0', '2-0', '3-0']);
    await d.createGroup(s, 'g1');
    await d.createGroup(s, 'g2');
    await d.deleteMessage(s, '3-0');
    const info = await d.streamInfo(s);
    expect(info).toEqual({
      length: 2,
      firstId: '1-0',
      lastId: '2-0',
      lastGeneratedId: '3-0',
      groups: 2,
      entriesAdded: 3,
      maxDeletedEntryId: '3-0',
    });
    return info;
  },

  async 'describe an empty stream: null IDs, counters 0'(d, x) {
    const s = x.name();
    await d.createGroup(s, 'g', { createStream: true });
    const info = await d.streamInfo(s);
    expect(info).toEqual({
      length: 0,
      firstId: null,
      lastId: null,
      lastGeneratedId: '0-0',
      groups: 1,
      entriesAdded: 0,
      maxDeletedEntryId: '0-0',
    });
    return info;
  },

  async 'delete a stream with its groups and their policies'(d, x) {
    const s = x.name();
    await setup(d, s, 2, { leaseMs: 1000, maxDeliveries: 3 });
    expect(await x.redis.hexists(keys.policy(s), 'g')).toBe(1);
    await d.deleteStream(s);
    expect([await x.redis.exists(s), await x.redis.exists(keys.policy(s))]).toEqual([0, 0]);
    const gone = await codeOf(d.streamInfo(s));
    expect(gone).toBe('STREAM_NOT_FOUND');
    // A group of the same name made again (by a native client) has the default policy.
    await x.redis.xgroup('CREATE', s, 'g', '$', 'MKSTREAM');
    const again = await d.group(s, 'g');
    expect(again).toMatchObject({ leaseMs: 30000, maxDeliveries: 0, deadLetterStream: `${s}:dlq` });
    return { gone, again };
  },

  async 'refused operations on a missing stream create nothing'(d, x) {
    const s = x.name();
    const codes = [
      await codeOf(d.createGroup(s, 'g')),
      await codeOf(d.createConsumer(s, 'g', 'c')),
      await codeOf(d.pull(s, 'g', 'c', { waitMs: 100 })),
      await codeOf(d.deadLetters(s, 'g')),
      await codeOf(d.redrive(s, 'g')),
      await codeOf(d.trim(s, { maxLen: 0 })),
    ];
    expect(codes).toEqual(Array(6).fill('STREAM_NOT_FOUND'));
    expect([await x.redis.exists(s), await x.redis.exists(`${s}:dlq`)]).toEqual([0, 0]);
    return codes;
  },

  async 'stream names: 512 bytes at most, no control characters'(d, x) {
    const codes = {
      at512: await codeOf(d.streamInfo('x'.repeat(512))),
      over512: await codeOf(d.streamInfo('x'.repeat(513))),
      multibyte: await codeOf(d.streamInfo('é'.repeat(257))),
      control: await codeOf(d.streamInfo('bad\u0001name')),
    };
    expect(codes).toEqual({ at512: 'STREAM_NOT_FOUND', over512: 'VALIDATION_FAILED', multibyte: 'VALIDATION_FAILED', control: 'VALIDATION_FAILED' });
    // Keys of any other type: a string, a list, a hash.
    const k = await stringKey(x);
    const list = x.name();
    const hash = x.name();
    await x.redis.rpush(list, 'x');
    await x.redis.hset(hash, 'a', 'b');
    const others = [await codeOf(d.streamInfo(k)), await codeOf(d.streamInfo(list)), await codeOf(d.read(hash))];
    expect(others).toEqual(['NOT_A_STREAM', 'NOT_A_STREAM', 'NOT_A_STREAM']);
    return codes;
  },
};
