import { credentials } from '@grpc/grpc-js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { loadProto } from '../../src/grpc/proto.js';
import { sleep, uniq } from '../helpers/core.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { openPull } from '../grpc/streaming-support.js';
import { type CliProcess, runCli } from '../runtime/cli-process.js';

/**
 * SIGTERM ends the gateway within STREAMGATE_SHUTDOWN_TIMEOUT_MS whatever Redis does:
 * crashed (connection refused) or stalled (SIGSTOP: connections open, nothing answers,
 * requests and lease releases hang until they are cut).
 */

const SHUTDOWN_MS = 1500;
/** Process exit after the shutdown: pino flush, handles closing. */
const EXIT_SLACK_MS = 700;

const gateways: CliProcess[] = [];
const servers: TestRedis[] = [];

afterEach(async () => {
  for (const r of servers.splice(0)) {
    try {
      process.kill(r.pid, 'SIGCONT'); // a stopped process would not act on SIGTERM
    } catch {
      // Already gone.
    }
    await r.stop();
  }
});
afterAll(() => gateways.forEach((g) => g.kill()));

interface Started {
  readonly gw: CliProcess;
  readonly httpUrl: string;
  readonly grpcAddress: string;
}

async function start(redisUrl: string): Promise<Started> {
  const gw = runCli([], {
    REDIS_URL: redisUrl,
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    STREAMGATE_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_MS),
  });
  gateways.push(gw);
  const rest = await gw.waitForLog((l) => l.msg === 'REST API listening');
  const grpc = await gw.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('gRPC listening'));
  return { gw, httpUrl: String(rest.url), grpcAddress: String(grpc.address) };
}

async function sigterm(gw: CliProcess): Promise<{ code: number | null; ms: number }> {
  const t0 = performance.now();
  gw.child.kill('SIGTERM');
  const code = await gw.waitForExit(SHUTDOWN_MS + 5000);
  return { code, ms: performance.now() - t0 };
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('graceful shutdown without a working Redis', () => {
  it('Redis crashed: the gateway logs it, answers 503, and exits 0 promptly on SIGTERM', { timeout: 30_000 }, async () => {
    const redis = await startRedis();
    servers.push(redis);
    const g = await start(redis.url);
    await redis.kill('SIGKILL');
    await g.gw.waitForLog((l) => l.msg?.startsWith('Redis connection lost') === true, 5000);
    const res = await fetch(`${g.httpUrl}/readyz`);
    expect(res.status).toBe(503);
    const { code, ms } = await sigterm(g.gw);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(SHUTDOWN_MS + EXIT_SLACK_MS);
    console.info(`shutdown with Redis crashed: exited ${ms.toFixed(0)} ms after SIGTERM`);
  });

  it('Redis stalled: a hanging request and a StreamingPull holding a message do not hold the exit', { timeout: 30_000 }, async () => {
    const redis = await startRedis();
    servers.push(redis);
    const g = await start(redis.url);
    const stream = uniq('stall');
    const created = await post(`${g.httpUrl}/v1/streams/${stream}/groups`, { group: 'g', createStream: true, start: '0' });
    expect(created.status).toBe(201);
    expect((await post(`${g.httpUrl}/v1/streams/${stream}/messages`, { fields: { a: '1' } })).status).toBe(201);

    const { grpc } = loadProto();
    const client = new grpc.streamgate.v1.StreamGateway(g.grpcAddress, credentials.createInsecure()) as unknown as StreamGatewayClient;
    try {
      const pull = openPull(client, { stream, group: 'g', consumer: 'c', maxOutstandingMessages: 1 });
      await pull.until(() => pull.ids().length === 1, 5000, 'the message delivered');

      process.kill(redis.pid, 'SIGSTOP');
      // Sent to a Redis that will not answer (the default command timeout is 5 s).
      const hanging = post(`${g.httpUrl}/v1/streams/${stream}/messages`, { fields: { b: '2' } }).then(
        (r) => r.status,
        () => 'cut',
      );
      await sleep(100);
      const { code, ms } = await sigterm(g.gw);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(SHUTDOWN_MS + EXIT_SLACK_MS);
      expect(await hanging).toBe('cut');
      const ended = await pull.ended;
      expect(ended.code).not.toBe(0);
      console.info(`shutdown with Redis stalled: exited ${ms.toFixed(0)} ms after SIGTERM (budget ${SHUTDOWN_MS} ms)`);
    } finally {
      client.close();
    }
  });
});
