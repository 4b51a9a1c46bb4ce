import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keySlot } from '../../src/redis/keys.js';
import { uniq } from '../helpers/core.js';
import { type TestApp } from '../helpers/http.js';
import { type TestCluster } from '../helpers/redis-cluster.js';
import { type ClusterGateway, clusterGateway } from './support.js';
import { sample, scrape } from '../metrics/support.js';

/**
 * Per-group metrics on a Redis Cluster (3 masters): the glob's streams are found on every
 * master, each stream's script runs in its slot, and a dead-letter stream in another slot
 * than its stream is read on its own master.
 */

let cluster: TestCluster;
let app: TestApp['app'];
let plain: Cluster;
let base: string;
const prefix = uniq('cgm');
const streams: string[] = [];

let gw: ClusterGateway;

beforeAll(async () => {
  gw = await clusterGateway({ STREAMGATE_METRICS_STREAMS: `${prefix}-*` });
  ({ cluster, app, plain } = gw);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const owners = new Set<number>();
  for (let i = 0; owners.size < 3 || streams.length < 6; i++) {
    const name = `${prefix}-${i}`;
    owners.add((await cluster.ownerOf(keySlot(name))).port);
    streams.push(name);
  }
  for (const [i, s] of streams.entries()) {
    for (let n = 0; n <= i; n++) await plain.xadd(s, '*', 'n', String(n));
    await plain.xgroup('CREATE', s, 'g', '0');
    await plain.xadd(`${s}:dlq`, '*', 'x', '1');
  }
}, 60_000);

afterAll(async () => {
  await gw?.close();
});

it('describes every matching stream, whichever master holds it', async () => {
  const text = await scrape(base);
  for (const [i, s] of streams.entries()) {
    expect(sample(text, 'streamgate_group_lag', { stream: s, group: 'g' }), s).toBe(i + 1);
    expect(sample(text, 'streamgate_stream_length', { stream: s })).toBe(i + 1);
    expect(sample(text, 'streamgate_group_dead_letter_length', { stream: s, group: 'g' })).toBe(1);
  }
  expect(sample(text, 'streamgate_metrics_groups')).toBe(streams.length);
});
