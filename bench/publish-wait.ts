/**
 * What STREAMGATE_PUBLISH_WAIT_REPLICAS costs per publish on loopback: a primary and one
 * replica of its own (no persistence), a Core on the primary, single-message publishes
 * (the XADD fast path) with N=0 and N=1: sequential latency (median, p99) and the rate
 * with 32 publishes in flight (they share WAITs).
 *
 *   nice -n 15 npx tsx bench/publish-wait.ts [0|1|both]
 */
import { Redis } from 'ioredis';
import { createCore } from '../src/core/core.js';
import { loadConfig } from '../src/runtime/config.js';
import { startRedis } from '../test/helpers/redis-server.js';

const pct = (a: number[], p: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]!; };
const mode = process.argv[2] ?? 'both';
const primary = await startRedis(['--repl-diskless-sync-delay', '0']);
const replica = await startRedis(['--replicaof', '127.0.0.1', String(primary.port)]);
const d = new Redis(primary.url);
while (!/slave0:.*state=online/.test(await d.info('replication'))) await new Promise((r) => setTimeout(r, 50));
const run = async (replicas: number) => {
  const core = createCore(loadConfig({ STREAMGATE_PUBLISH_WAIT_REPLICAS: String(replicas), STREAMGATE_REAP_INTERVAL_MS: '0' }), primary.url);
  await core.ping();
  const pairs = [['n', '1']] as const;
  for (let i = 0; i < 2000; i++) await core.streams.publish('warm', { messages: [{ pairs: pairs as never }] });
  const seq: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t0 = performance.now();
    await core.streams.publish('seq', { messages: [{ pairs: pairs as never }] });
    seq.push((performance.now() - t0) * 1000);
  }
  const t0 = performance.now();
  let n = 0;
  await Promise.all(Array.from({ length: 32 }, async () => { while (n < 20000) { n++; await core.streams.publish('conc', { messages: [{ pairs: pairs as never }] }); } }));
  const rate = 20000 / ((performance.now() - t0) / 1000);
  console.log(`N=${replicas}: sequential median ${pct(seq, 0.5).toFixed(0)} µs, p99 ${pct(seq, 0.99).toFixed(0)} µs; 32 in flight: ${rate.toFixed(0)} publishes/s`);
  await core.close();
};
if (mode !== '1') await run(0);
if (mode !== '0') await run(1);
d.disconnect();
await replica.stop();
await primary.stop();
