/**
 * What tracing costs the hot paths, in-process (issue 14): gateway CPU per publish (one
 * message: the XADD fast path) and per pull (count 10, acking the previous batch), through
 * the core as the transports call it, with STREAMGATE_TRACING off (the default) or on.
 *
 *   nice -n 15 npx tsx bench/tracing-cost.ts [off|on] [ops=20000]
 *
 * `on` registers a tracer provider that samples everything into a no-op processor (the cost
 * of making the spans, not of exporting them). Starts its own redis-server (no persistence);
 * prints one JSON line: operations per second and CPU microseconds per operation (user +
 * system of this process, so Redis's time is not counted).
 */
import { createCore } from '../src/core/core.js';
import { loadConfig } from '../src/runtime/config.js';
import { startRedis } from '../test/helpers/redis-server.js';

const MODE = process.argv[2] ?? 'off';
const OPS = Number(process.argv[3] ?? 20_000);
const CONCURRENCY = 32;

async function measure(ops: number, op: (i: number) => Promise<unknown>): Promise<{ opsPerSec: number; cpuUsPerOp: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ops) await op(next++);
    }),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu);
  return { opsPerSec: Math.round((ops / ms) * 1000), cpuUsPerOp: Number(((used.user + used.system) / ops).toFixed(1)) };
}

async function main(): Promise<void> {
  let tracing = null;
  if (MODE === 'on') {
    const { node, tracing: sdk } = await import('@opentelemetry/sdk-node');
    const provider = new node.NodeTracerProvider({ spanProcessors: [new sdk.NoopSpanProcessor()] });
    provider.register();
    tracing = await (await import('../src/core/tracing.js')).openTracing('traceparent');
  }
  const server = await startRedis();
  const core = createCore(loadConfig({ LOG_LEVEL: 'silent', STREAMGATE_REAP_INTERVAL_MS: '0' }), server.url, tracing ? { tracing } : {});
  try {
    const stream = 'cost';
    await core.groups.create(stream, { group: 'g', start: '0', createStream: true, leaseMs: 600_000 });
    const body = Buffer.alloc(100, 'x');
    // Warm-up (JIT, scripts loaded), then the measured runs.
    await measure(2000, () => core.streams.publish(stream, { messages: [{ pairs: [['body', body]] }] }));
    const publish = await measure(OPS, () => core.streams.publish(stream, { messages: [{ pairs: [['body', body]] }] }));
    const pull = async (i: number) => {
      const consumer = `c${i % CONCURRENCY}`;
      return core.consume.pullAcking(stream, 'g', { consumer, count: 10, waitMs: 0, from: '>', noAck: false, packed: true }, []);
    };
    await measure(200, pull);
    const pulls = Math.floor(OPS / 10) - 200 - 200;
    const pulled = await measure(pulls, pull);
    process.stdout.write(`${JSON.stringify({ tracing: MODE, publish, pull: pulled })}\n`);
  } finally {
    await core.close();
    await server.stop();
  }
}

await main();
