// `npx tsx bench/big-read.ts`: reads that ask for far more bytes than a reply should hold,
// against the gateway as its own process (tsx), and the normal small read beside them.
//
//   npx tsx bench/big-read.ts                       420 entries of ~1 MiB, count=420 (REST utf8, base64, gRPC)
//   npx tsx bench/big-read.ts --entries 100 --small-only
//
// For each big read it prints the status, the time, the bytes received, the gateway's peak
// RSS (sampled every 20 ms from /proc) and the slowest /healthz answer seen meanwhile. For the
// normal read (100 entries of ~200 bytes, count=100) it prints the mean latency and the Redis
// time per call (INFO commandstats of XRANGE and EVALSHA). Run it under `nice -n 15`.
import { parseArgs } from 'node:util';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { request } from 'undici';
import { loadProto } from '../src/grpc/proto.js';
import { installCleanupHandlers, stopAll } from './lib/procs.js';
import { prepareGateway, startGateway } from './lib/gateway.js';
import { benchClient, startBenchRedis } from './lib/redis.js';

const { values: opts } = parseArgs({
  options: {
    entries: { type: 'string', default: '420' },
    'small-only': { type: 'boolean', default: false },
    'max-response-bytes': { type: 'string' },
  },
});

installCleanupHandlers();
const ENTRIES = Number(opts.entries);
const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const redis = await startBenchRedis();
  const admin = benchClient(redis.url);
  const env: Record<string, string> = { STREAMGATE_MAX_COUNT: '100000' };
  if (opts['max-response-bytes']) env.STREAMGATE_MAX_RESPONSE_BYTES = opts['max-response-bytes'];
  const gw = await startGateway({ redisUrl: redis.url, command: prepareGateway('tsx', () => undefined), label: 'big-read', env });
  try {
    // Normal case: 100 small entries.
    for (let i = 0; i < 100; i++) await admin.xadd('small', '*', 'orderId', String(i), 'body', 'x'.repeat(180));
    await admin.config('RESETSTAT');
    const N = 300;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const res = await request(`${gw.httpUrl}/v1/streams/small/messages?count=100`);
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`small read: ${res.statusCode}`);
    }
    const ms = (performance.now() - t0) / N;
    const stats = await admin.info('commandstats');
    const usec = (cmd: string) => {
      const m = new RegExp(`cmdstat_${cmd}:calls=(\\d+),usec=(\\d+)`).exec(stats);
      return m ? `${m[1]} calls, ${(Number(m[2]) / Number(m[1])).toFixed(1)} µs/call` : 'none';
    };
    console.log(`small read count=100 (100 × ~200 B): ${ms.toFixed(2)} ms per request; Redis xrange ${usec('xrange')}, evalsha ${usec('evalsha')}, xinfo ${usec('xinfo')}, exists ${usec('exists')}`);
    if (opts['small-only']) return;

    const value = Buffer.alloc(MiB - 64, 'a');
    for (let i = 0; i < ENTRIES; i++) await admin.xadd('big', '*', 'v', value);
    console.log(`stream big: ${ENTRIES} entries of 1 MiB`);

    const watch = (run: () => Promise<{ status: string; bytes: number }>) => async (label: string) => {
      let peak = gw.rssMb();
      let slowest = 0;
      let stop = false;
      const sampler = setInterval(() => (peak = Math.max(peak, gw.rssMb())), 20);
      const health = (async () => {
        while (!stop) {
          const t = performance.now();
          try {
            const r = await request(`${gw.httpUrl}/healthz`, { headersTimeout: 60_000 });
            await r.body.dump();
          } catch {
            // counted by its time
          }
          slowest = Math.max(slowest, performance.now() - t);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const t = performance.now();
      const { status, bytes } = await run();
      const elapsed = performance.now() - t;
      stop = true;
      await health;
      clearInterval(sampler);
      console.log(
        `${label}: ${status} in ${(elapsed / 1000).toFixed(2)} s, ${(bytes / MiB).toFixed(1)} MiB received, gateway RSS peak ${peak.toFixed(0)} MB (at rest ${gw.rssAtStartMb.toFixed(0)} MB), slowest /healthz ${slowest.toFixed(0)} ms`,
      );
      await new Promise((r) => setTimeout(r, 1500));
    };

    const rest = (encoding: string) =>
      watch(async () => {
        const res = await request(`${gw.httpUrl}/v1/streams/big/messages?count=${ENTRIES}&encoding=${encoding}`, {
          headersTimeout: 120_000,
          bodyTimeout: 120_000,
        });
        let bytes = 0;
        let head = '';
        for await (const chunk of res.body) {
          if (head.length < 300) head += chunk.toString('utf8', 0, 300);
          bytes += (chunk as Buffer).length;
        }
        const next = /"next":("[^"]*"|null)/.exec(head.length < 300 ? head : '') ?? null;
        const count = res.statusCode === 200 ? ` ` : ` ${head.slice(0, 160)}`;
        return { status: `HTTP ${res.statusCode}${count}${next ? `next=${next[1]}` : ''}`, bytes };
      });
    await rest('base64')(`REST GET count=${ENTRIES} encoding=base64`);
    await rest('utf8')(`REST GET count=${ENTRIES} encoding=utf8`);

    const { grpc } = loadProto();
    for (const limit of [4 * MiB, 1024 * MiB]) {
      const client = new grpc.streamgate.v1.StreamGateway(gw.grpcAddress, credentials.createInsecure(), {
        'grpc.max_receive_message_length': limit,
      });
      await watch(
        () =>
          new Promise((resolve) => {
            client.ReadRange({ stream: 'big', count: ENTRIES }, new Metadata(), { deadline: Date.now() + 120_000 }, (err: ServiceError | null, r?: { messages: { fields: Record<string, Buffer> }[]; next?: string }) => {
              if (err) return resolve({ status: `gRPC ${err.code} ${err.details.slice(0, 120)}`, bytes: 0 });
              let bytes = 0;
              for (const m of r!.messages) for (const v of Object.values(m.fields)) bytes += v.length;
              resolve({ status: `gRPC OK ${r!.messages.length} messages${r!.next ? ` next=${r!.next}` : ''}`, bytes });
            });
          }),
      )(`gRPC ReadRange count=${ENTRIES} (client receive limit ${limit / MiB} MiB)`);
      client.close();
    }
  } finally {
    admin.disconnect();
    await gw.stop();
    await redis.stop();
  }
}

main()
  .then(() => stopAll())
  .catch(async (err) => {
    console.error(err);
    await stopAll();
    process.exit(1);
  });
