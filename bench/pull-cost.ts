/**
 * Redis time per pull (INFO commandstats, usec_per_call of the pull script's EVALSHA), with
 * a small pending list and with a large one (issue 11: at most 0.5 ms at 200k pending).
 *
 *   nice -n 15 npx tsx bench/pull-cost.ts [pending=200000] [pulls=500]
 *
 * Starts its own redis-server (no persistence) and a Core on it; prints one line per case.
 */
import { Redis } from 'ioredis';
import { createCore } from '../src/core/core.js';
import { loadConfig } from '../src/runtime/config.js';
import { startRedis } from '../test/helpers/redis-server.js';

const PENDING = Number(process.argv[2] ?? 200_000);
const PULLS = Number(process.argv[3] ?? 500);

async function scriptUsec(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  const m = /^cmdstat_evalsha:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/m.exec(info);
  return m ? Number(m[1]) : NaN;
}

async function fill(redis: Redis, stream: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 10_000) {
    await redis.eval(
      "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'n', tostring(i), 'body', 'x') end return 1",
      1,
      stream,
      Math.min(10_000, n - i),
    );
  }
}

async function main(): Promise<void> {
  const server = await startRedis();
  const redis = new Redis(server.url);
  const core = createCore(loadConfig({ LOG_LEVEL: 'silent', STREAMGATE_REAP_INTERVAL_MS: '0' }), server.url);
  try {
    const cases: { name: string; stream: string; count: number; ack: boolean }[] = [];
    // Small pending list: a worker acking each batch with its next pull (count 10 and 100).
    for (const count of [1, 10, 100]) {
      const stream = `small-${count}`;
      await fill(redis, stream, PULLS * count + 1000);
      await core.groups.create(stream, { group: 'g', start: '0', leaseMs: 600_000 });
      cases.push({ name: `small pending list, count ${count}, acking`, stream, count, ack: true });
    }
    // Large pending list of unexpired leases: PENDING delivered, not acked; then new ones.
    const big = 'big';
    await fill(redis, big, PENDING + PULLS * 10 + 1000);
    await core.groups.create(big, { group: 'g', start: '0', leaseMs: 600_000 });
    await redis.eval(
      "for i = 1, tonumber(ARGV[1]) / 10000 do redis.call('XREADGROUP', 'GROUP', 'g', 'holder', 'COUNT', 10000, 'STREAMS', KEYS[1], '>') end return 1",
      1,
      big,
      PENDING,
    );
    cases.push({ name: `${PENDING} pending, count 10, new messages`, stream: big, count: 10, ack: false });
    const idle = 'big-idle';
    await fill(redis, idle, PENDING);
    await core.groups.create(idle, { group: 'g', start: '0', leaseMs: 600_000 });
    await redis.eval(
      "for i = 1, tonumber(ARGV[1]) / 10000 do redis.call('XREADGROUP', 'GROUP', 'g', 'holder', 'COUNT', 10000, 'STREAMS', KEYS[1], '>') end return 1",
      1,
      idle,
      PENDING,
    );
    cases.push({ name: `${PENDING} pending, count 10, nothing new (empty pull)`, stream: idle, count: 10, ack: false });

    for (const c of cases) {
      await redis.config('RESETSTAT');
      let ack: string[] = [];
      let got = 0;
      for (let i = 0; i < PULLS; i++) {
        const input = { consumer: 'c', count: c.count, waitMs: 0, from: '>', noAck: false };
        const { messages } = await core.consume.pullAcking(c.stream, 'g', input, ack);
        got += messages.length;
        ack = c.ack ? messages.map((m) => m.id) : [];
      }
      console.log(`${c.name}: ${(await scriptUsec(redis)).toFixed(1)} µs of Redis time per pull (${PULLS} pulls, ${got} messages)`);
    }
  } finally {
    await core.close();
    redis.disconnect();
    await server.stop();
  }
}

await main();
