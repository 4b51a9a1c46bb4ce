import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, sleep, uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { startRedis } from '../helpers/redis-server.js';
import { sample, scrape, seriesWith } from './support.js';

/**
 * Per-group metrics (STREAMGATE_METRICS_*), scraped over real HTTP from a gateway whose
 * groups were put in a known state: each figure is checked against that state.
 */

const prefix = uniq('gm');
let t: TestApp;
let redis: Redis;
let base: string;

beforeAll(async () => {
  t = await testApp({
    STREAMGATE_METRICS_STREAMS: `${prefix}-*,${prefix}.literal`,
    STREAMGATE_METRICS_MAX_GROUPS: '6',
    STREAMGATE_METRICS_STALE_CONSUMER_MS: '1000',
    STREAMGATE_DEFAULT_LEASE_MS: '60000',
  });
  base = await t.listen();
  redis = new Redis(redisUrl());
});

afterAll(async () => {
  await t?.close();
  redis?.disconnect();
});

const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ pairs: [['n', String(i)] as const] }));

describe('per-group metrics on /metrics', () => {
  it('reports lag, pending, oldest pending idle, consumers, stale consumers, dead-letter and stream length', async () => {
    const s = `${prefix}-a`;
    const dlq = `${prefix}-a-dead`;
    await t.core.groups.create(s, { group: 'g', start: '0', createStream: true, deadLetterStream: dlq });
    await t.core.streams.publish(s, { messages: fields(5) });
    await t.core.streams.publish(dlq, { messages: fields(2) });
    // c1 takes 2 and goes quiet (stale once idle > 1 s); c2 takes 1 and keeps being seen;
    // c3 goes quiet holding nothing (idle, not stale).
    await t.core.consume.pull(s, 'g', { consumer: 'c1', count: 2, waitMs: 0, from: '>', noAck: false });
    await redis.xgroup('CREATECONSUMER', s, 'g', 'c3');
    await sleep(1300);
    await t.core.consume.pull(s, 'g', { consumer: 'c2', count: 1, waitMs: 0, from: '>', noAck: false });

    const text = await scrape(base);
    const l = { stream: s, group: 'g' };
    expect(sample(text, 'streamgate_group_lag', l)).toBe(2);
    expect(sample(text, 'streamgate_group_pending', l)).toBe(3);
    expect(sample(text, 'streamgate_group_oldest_pending_idle_seconds', l)).toBeGreaterThanOrEqual(1.3);
    expect(sample(text, 'streamgate_group_oldest_pending_idle_seconds', l)).toBeLessThan(30);
    expect(sample(text, 'streamgate_group_consumers', l)).toBe(3);
    expect(sample(text, 'streamgate_group_stale_consumers', l)).toBe(1);
    expect(sample(text, 'streamgate_group_dead_letter_length', l)).toBe(2);
    expect(sample(text, 'streamgate_stream_length', { stream: s })).toBe(5);
  });

  it('leaves the lag out when Redis reports it null, and reads the default dead-letter stream', async () => {
    const s = `${prefix}-b`;
    await t.core.groups.create(s, { group: 'g', start: '0', createStream: true });
    const { ids } = await t.core.streams.publish(s, { messages: fields(3) });
    await t.core.streams.publish(`${s}:dlq`, { messages: fields(1) });
    // An entry deleted above the group's position: Redis 7.0 can no longer count the lag.
    await redis.xdel(s, ids[1]!);
    const text = await scrape(base);
    const l = { stream: s, group: 'g' };
    expect((await redis.call('XINFO', 'GROUPS', s)) as unknown[]).toBeTruthy();
    expect(sample(text, 'streamgate_group_lag', l)).toBeUndefined();
    expect(sample(text, 'streamgate_group_pending', l)).toBe(0);
    expect(sample(text, 'streamgate_group_oldest_pending_idle_seconds', l)).toBe(0);
    expect(sample(text, 'streamgate_group_consumers', l)).toBe(0);
    expect(sample(text, 'streamgate_group_dead_letter_length', l)).toBe(1);
  });

  it('describes only the streams STREAMGATE_METRICS_STREAMS names (globs and plain names)', async () => {
    const literal = `${prefix}.literal`;
    const outside = `other-${prefix}`;
    for (const s of [literal, outside]) await t.core.groups.create(s, { group: 'g', start: '0', createStream: true });
    const text = await scrape(base);
    expect(sample(text, 'streamgate_group_pending', { stream: literal, group: 'g' })).toBe(0);
    expect(seriesWith(text, 'streamgate_group_pending', 'stream', outside)).toEqual([]);
  });

  it('stops at STREAMGATE_METRICS_MAX_GROUPS, in stream-name order, and says so', async () => {
    let text = await scrape(base);
    expect(sample(text, 'streamgate_metrics_groups_capped')).toBe(0);
    const shownBefore = sample(text, 'streamgate_metrics_groups')!;
    expect(shownBefore).toBe(3);
    const s = `${prefix}-z`;
    for (const g of ['g1', 'g2', 'g3', 'g4', 'g5']) await t.core.groups.create(s, { group: g, start: '0', createStream: true });
    text = await scrape(base);
    expect(sample(text, 'streamgate_metrics_groups')).toBe(6);
    expect(sample(text, 'streamgate_metrics_groups_capped')).toBe(1);
    // Streams in name order (-a, -b, -z, .literal): -z's first groups fill the cap, .literal is not read.
    expect(seriesWith(text, 'streamgate_group_pending', 'stream', s).length).toBe(4);
    expect(seriesWith(text, 'streamgate_group_pending', 'stream', `${prefix}.literal`)).toEqual([]);
    expect(sample(text, 'streamgate_metrics_groups_read_seconds')).toBeGreaterThan(0);
  });
});

describe('per-group metrics with Redis away', () => {
  it('answer /metrics without them, log nothing fatal and count the failed read', async () => {
    const own = await startRedis();
    const app = await testApp({ STREAMGATE_METRICS_STREAMS: 'away-*', STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: '500' }, own.url);
    try {
      const url = await app.listen();
      await app.core.groups.create('away-1', { group: 'g', start: '0', createStream: true });
      let text = await scrape(url);
      expect(sample(text, 'streamgate_group_pending', { stream: 'away-1', group: 'g' })).toBe(0);
      await own.kill();
      const t0 = Date.now();
      text = await scrape(url);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(seriesWith(text, 'streamgate_group_pending', 'stream', 'away-1')).toEqual([]);
      expect(sample(text, 'streamgate_metrics_group_read_errors_total')).toBe(1);
      expect(sample(text, 'streamgate_metrics_groups')).toBe(0);
    } finally {
      await app.close();
      await own.stop();
    }
  });
});
