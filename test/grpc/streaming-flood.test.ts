import { Client, type ClientDuplexStream, Metadata, type ServiceError, credentials } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamingPullResponse__Output } from '../../src/grpc/generated/streamgate/v1/StreamingPullResponse.js';
import { loadProto } from '../../src/grpc/proto.js';
import { commandCalls, sleep } from '../helpers/core.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { type CliProcess, runCli } from '../runtime/cli-process.js';

/**
 * A client that writes StreamingPull requests as fast as it can (issue 11, row 4: 5000 nack
 * requests of 1000 IDs each raised the gateway's RSS from 141 to 642 MB, queued without a
 * bound). The gateway reads a call no faster than it handles it, so the requests back up on
 * the client (HTTP/2 flow control) and the gateway's RSS stays flat. A gateway process of
 * its own, for its RSS; no rate limit, so what bounds memory here is the per-call bound
 * alone (the rate is streaming-quotas.test.ts's). Bounded: 5000 requests, about 5 s.
 */

const REQUESTS = 5000;
const IDS = 1000;

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

let server: TestRedis;
let redis: Redis;
let gw: CliProcess;
let client: Client;
const method = loadProto().grpc.streamgate.v1.StreamGateway.service.StreamingPull;
const encode = (request: object): Buffer => method.requestSerialize(request);
const identity = (b: Buffer): Buffer => b;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  gw = runCli([], { REDIS_URL: server.url, HTTP_PORT: 'off', GRPC_PORT: '0', LOG_LEVEL: 'info', HOST: '127.0.0.1' });
  const line = await gw.waitForLog((l) => l.msg?.startsWith('gRPC listening') === true, 30_000);
  // Requests encoded once and written as bytes: the client spends no CPU per request, so the
  // flood is as fast as the gateway lets it be.
  client = new Client(String(line.address), credentials.createInsecure());
}, 40_000);
afterAll(async () => {
  client?.close();
  if (gw) {
    gw.child.kill('SIGTERM');
    await gw.waitForExit(10_000).catch(() => gw.kill());
  }
  redis?.disconnect();
  await server?.stop();
}, 20_000);

describe('a client flooding one StreamingPull with requests', () => {
  it("leaves the gateway's RSS flat: requests back up on the client, a few at a time reach Redis", async () => {
    await redis.xgroup('CREATE', 'flood', 'g', '0', 'MKSTREAM');
    const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(method.path, identity, identity, new Metadata());
    let results = 0;
    let failed: ServiceError | null = null;
    call.on('data', (r: Buffer) => (results += (method.responseDeserialize(r) as StreamingPullResponse__Output).ackResults.length));
    call.on('error', (err: ServiceError) => (failed = err));
    call.write(encode({ stream: 'flood', group: 'g', consumer: 'c', maxOutstandingMessages: 1 }));
    // Not pending: each is answered NOT_PENDING after its script call.
    const nack = encode({ nackIds: Array.from({ length: IDS }, (_, i) => `${1_733_500_000_000 + i}-0`) });
    // Warm: a few requests through, then the baseline.
    for (let i = 0; i < 3; i++) call.write(nack);
    const t = Date.now();
    while (results < 3 * IDS && Date.now() - t < 10_000) await sleep(20);
    expect(results).toBe(3 * IDS);
    await sleep(200);
    const baseline = rssMb(gw.pid);
    const before = (await commandCalls(redis)).evalsha ?? 0;

    // The flood: written at once (grpc-js buffers what the server does not take, here).
    let peak = baseline;
    let through = 0; // requests the client's HTTP/2 stream has handed to the gateway
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(gw.pid))), 25);
    try {
      for (let i = 0; i < REQUESTS; i++) call.write(nack, () => through++);
      await sleep(5000);
    } finally {
      clearInterval(sampler);
    }
    const handled = ((await commandCalls(redis)).evalsha ?? 0) - before;
    const taken = through;
    call.cancel();
    const grown = peak - baseline;
    console.log(
      `flood: ${REQUESTS} requests of ${IDS} IDs written; ${handled} handled in 5 s, ${taken} taken by the gateway; gateway RSS ${baseline.toFixed(0)} MB, peak +${grown.toFixed(0)} MB`,
    );
    expect(failed).toBeNull();
    // Unbounded, the gateway took all 5000 requests (5 million IDs) within these 5 s, handled a
    // quarter of them and grew by about 290 MB. Bounded, it takes a few requests more than it
    // has handled (about 25: those in hand, the read-ahead, the HTTP/2 window) and grows by
    // what handling costs (about 60 MB of garbage on a loaded machine).
    expect(handled).toBeGreaterThan(0);
    expect(taken - handled).toBeLessThan(500);
    expect(grown).toBeLessThan(150);
  }, 30_000);
});
