// StreamingPull delivery rate against direct XREADGROUP + XACK, in the same run.
//
//   npx tsx bench/streaming-pull.ts [messages=50000] [runs=3]
//
// Starts its own redis-server and, as a separate process, a gateway (REST off, gRPC on a
// free port). This process is the client in both cases, so the direct baseline and the
// gateway are driven by the same code path on the same core: the gateway's figure pays
// for its own process, as it would in production. Prints medians of the runs and the ratio.
import { type ChildProcess, spawn } from 'node:child_process';
import { credentials } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { freePort } from '../src/runtime/embedded-redis.js';
import type { StreamingPullResponse__Output } from '../src/grpc/generated/streamgate/v1/StreamingPullResponse.js';
import { loadProto } from '../src/grpc/proto.js';
import { startRedis } from '../test/helpers/redis-server.js';

const MESSAGES = Number(process.argv[2] ?? 50_000);
const RUNS = Number(process.argv[3] ?? 3);
const BATCH = 100;
const CREDIT = 1000;
const PAYLOAD = { orderId: '1234567890', customer: 'c-42', amount: '99.99', note: 'x'.repeat(40) };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function fill(redis: Redis, stream: string): Promise<void> {
  await redis.del(stream);
  for (let i = 0; i < MESSAGES; i += 1000) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(MESSAGES, i + 1000); j++) p.xadd(stream, '*', ...Object.entries(PAYLOAD).flat());
    await p.exec();
  }
  await redis.xgroup('CREATE', stream, 'g', '0');
}

async function direct(redis: Redis, stream: string): Promise<number> {
  const t0 = performance.now();
  let done = 0;
  while (done < MESSAGES) {
    const r = (await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', BATCH, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
    const entries = r?.[0]?.[1] ?? [];
    if (entries.length === 0) break;
    await redis.xack(stream, 'g', ...entries.map(([id]) => id));
    done += entries.length;
  }
  if (done !== MESSAGES) throw new Error(`direct consumed ${done} of ${MESSAGES}`);
  return MESSAGES / ((performance.now() - t0) / 1000);
}

async function streamingPull(address: string, stream: string): Promise<number> {
  const { grpc } = loadProto();
  const client = new grpc.streamgate.v1.StreamGateway(address, credentials.createInsecure());
  const t0 = performance.now();
  let received = 0;
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    const call = client.StreamingPull();
    call.on('error', (err) => (acked >= MESSAGES ? resolve() : reject(err)));
    call.on('data', (r: StreamingPullResponse__Output) => {
      if (r.messages.length > 0) {
        received += r.messages.length;
        call.write({ ackIds: r.messages.map((m) => m.id) });
      }
      acked += r.ackResults.filter((a) => a.status === 'ACK_STATUS_OK').length;
      if (acked >= MESSAGES) {
        call.cancel();
        resolve();
      }
    });
    call.write({ stream, group: 'g', consumer: 'c', maxOutstandingMessages: CREDIT });
  });
  client.close();
  if (received !== MESSAGES) throw new Error(`StreamingPull received ${received} of ${MESSAGES}`);
  return MESSAGES / ((performance.now() - t0) / 1000);
}

async function startGateway(redisUrl: string): Promise<{ address: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), '--import', 'tsx', 'src/cli.ts'], {
    env: { ...process.env, REDIS_URL: redisUrl, HTTP_PORT: 'off', GRPC_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const address = `127.0.0.1:${port}`;
  const { grpc } = loadProto();
  const probe = new grpc.streamgate.v1.StreamGateway(address, credentials.createInsecure());
  await new Promise<void>((resolve, reject) => probe.waitForReady(Date.now() + 20_000, (err) => (err ? reject(err) : resolve())));
  probe.close();
  return { address, child };
}

const redisServer = await startRedis();
const redis = new Redis(redisServer.url);
const gateway = await startGateway(redisServer.url);
try {
  const directRates: number[] = [];
  const gatewayRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await fill(redis, 'bench-direct');
    directRates.push(await direct(redis, 'bench-direct'));
    await fill(redis, 'bench-sp');
    gatewayRates.push(await streamingPull(gateway.address, 'bench-sp'));
    console.log(`run ${run + 1}: direct ${directRates.at(-1)?.toFixed(0)} msg/s, StreamingPull ${gatewayRates.at(-1)?.toFixed(0)} msg/s`);
  }
  const d = median(directRates);
  const g = median(gatewayRates);
  console.log(`\nconsume ${MESSAGES} messages (${RUNS} runs, medians; client in this process, gateway in its own):`);
  console.log(`  direct XREADGROUP COUNT ${BATCH} + XACK : ${d.toFixed(0)} msg/s`);
  console.log(`  gRPC StreamingPull (credit ${CREDIT})    : ${g.toFixed(0)} msg/s`);
  console.log(`  ratio gateway/direct                  : ${(g / d).toFixed(2)}`);
} finally {
  gateway.child.kill('SIGTERM');
  redis.disconnect();
  await redisServer.stop();
}
