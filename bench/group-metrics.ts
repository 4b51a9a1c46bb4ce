/**
 * Scrape time of /metrics with per-group metrics (STREAMGATE_METRICS_STREAMS) for 500
 * groups, over real HTTP on loopback, against a redis-server of its own: two layouts (100
 * streams × 5 groups, 500 streams × 1 group), each group with 2 consumers and pending
 * entries, and a dead-letter stream per stream. Prints the median and p90 of 30 scrapes,
 * and the same gateway without per-group metrics for comparison.
 *
 *   nice -n 15 npx tsx bench/group-metrics.ts
 */
import { Redis } from 'ioredis';
import { createCore } from '../src/core/core.js';
import { buildHttpApp } from '../src/http/app.js';
import { loadConfig } from '../src/runtime/config.js';
import { startRedis } from '../test/helpers/redis-server.js';

const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))]!;
const server = await startRedis();
const redis = new Redis(server.url);

async function layout(prefix: string, streams: number, groupsPer: number): Promise<void> {
  const p = redis.pipeline();
  for (let s = 0; s < streams; s++) {
    const name = `${prefix}-${String(s).padStart(4, '0')}`;
    for (let i = 0; i < 50; i++) p.xadd(name, '*', 'n', String(i));
    p.xadd(`${name}:dlq`, '*', 'x', '1');
    for (let g = 0; g < groupsPer; g++) {
      p.xgroup('CREATE', name, `g${g}`, '0');
      p.xreadgroup('GROUP', `g${g}`, 'c1', 'COUNT', 5, 'STREAMS', name, '>');
      p.xreadgroup('GROUP', `g${g}`, 'c2', 'COUNT', 5, 'STREAMS', name, '>');
    }
  }
  await p.exec();
}

async function measure(label: string, env: Record<string, string>): Promise<void> {
  const core = createCore(loadConfig({ STREAMGATE_REAP_INTERVAL_MS: '0', LOG_LEVEL: 'silent', ...env }), server.url);
  const app = await buildHttpApp({ core });
  const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/metrics`;
  for (let i = 0; i < 3; i++) await (await fetch(url)).text();
  const times: number[] = [];
  let body = '';
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    body = await (await fetch(url)).text();
    times.push(performance.now() - t0);
  }
  const groups = /^streamgate_metrics_groups (\d+)/m.exec(body)?.[1] ?? '-';
  console.log(`${label}: groups shown ${groups}, scrape median ${pct(times, 0.5).toFixed(1)} ms, p90 ${pct(times, 0.9).toFixed(1)} ms, ${(body.length / 1024).toFixed(0)} KiB`);
  await app.close();
  await core.close();
}

await layout('five', 100, 5);
await layout('one', 500, 1);
await measure('no per-group metrics', {});
await measure('100 streams x 5 groups (glob)', { STREAMGATE_METRICS_STREAMS: 'five-*' });
await measure('500 streams x 1 group (glob)', { STREAMGATE_METRICS_STREAMS: 'one-*' });
await measure('both layouts, cap 500 of 1000', { STREAMGATE_METRICS_STREAMS: 'five-*,one-*' });
redis.disconnect();
await server.stop();
