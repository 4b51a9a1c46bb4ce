import { type Client, type ServiceDefinition, type ServiceError, credentials, makeClientConstructor, status } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, type TestGrpc, testGrpc } from '../helpers/grpc.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { openPull, publish, setupStream, until } from '../grpc/streaming-support.js';

/**
 * gRPC while its Redis crashes and comes back: unary calls fail fast with UNAVAILABLE
 * (error-code BACKEND_UNAVAILABLE, outcome not_written), StreamingPull calls end with
 * UNAVAILABLE whether they were waiting for messages or holding some, health flips to
 * NOT_SERVING and back, and a StreamingPull opened after the restart receives what is
 * published (the watcher reconnected).
 */

let redis: TestRedis;
let g: TestGrpc;

beforeAll(async () => {
  redis = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
  g = await testGrpc({ STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: '1000' }, redis.url);
});

afterAll(async () => {
  await g?.close();
  await redis?.stop();
});

type Check = (req: { service: string }, cb: (err: ServiceError | null, res: { status: string }) => void) => void;
const HealthClient = makeClientConstructor(healthService as unknown as ServiceDefinition, 'grpc.health.v1.Health');

const health = (client: Client & { Check: Check }): Promise<string> =>
  new Promise((resolve) => client.Check({ service: '' }, (err, res) => resolve(err ? `error ${status[err.code]}` : res.status)));

/** `p`, or a clear failure after `ms` (instead of the test's own timeout). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Redis crashes and comes back', () => {
  it('StreamingPull calls end UNAVAILABLE, unary calls fail fast, health follows; all recovers', async () => {
    const hc = new HealthClient(g.server.address, credentials.createInsecure()) as unknown as Client & { Check: Check };
    try {
      expect(await health(hc)).toBe('SERVING');

      // One stream waiting for messages, one holding its only allowed message (reading nothing).
      const idle = await setupStream(g);
      const waiting = openPull(g.client, { stream: idle.s, group: 'g', consumer: 'w', maxOutstandingMessages: 10 });
      const busy = await setupStream(g, { n: 2 });
      const holding = openPull(g.client, { stream: busy.s, group: 'g', consumer: 'h', maxOutstandingMessages: 1 });
      await holding.until(() => holding.ids().length === 1, 2000, 'one message delivered');
      await until(() => g.core.waitStats().waiting === 1, 2000, 'the idle stream waits');

      await redis.kill('SIGKILL');
      const killedAt = performance.now();
      const [w, h] = await within(Promise.all([waiting.ended, holding.ended]), 2000, 'both streams end');
      const endedMs = performance.now() - killedAt;
      for (const s of [w, h]) {
        expect(s.code).toBe(status.UNAVAILABLE);
        expect(s.metadata.get('error-code')).toEqual(['BACKEND_UNAVAILABLE']);
      }
      expect(endedMs).toBeLessThan(1000);
      expect(g.server.activeStreams).toBe(0);

      // Unary calls: UNAVAILABLE at once, nothing written.
      const t0 = performance.now();
      for (const [method, request] of [
        ['Publish', { stream: busy.s, messages: [{ fields: { a: Buffer.from('1') } }], idempotencyKey: 'k1' }],
        ['Pull', { stream: busy.s, group: 'g', consumer: 'x', waitMs: 5000 }],
        ['GetStream', { stream: busy.s }],
        ['Ack', { stream: busy.s, group: 'g', ids: ['1-1'] }],
      ] as const) {
        const err = await g.call(method, request).then(
          () => null,
          (e: ServiceError) => e,
        );
        expect(err?.code, method).toBe(status.UNAVAILABLE);
        expect(errorCode(err), method).toBe('BACKEND_UNAVAILABLE');
        expect(err?.metadata.get('outcome'), method).toEqual(['not_written']);
      }
      const unaryMs = performance.now() - t0;
      expect(unaryMs).toBeLessThan(1000);
      await until(async () => (await health(hc)) === 'NOT_SERVING', 2000, 'NOT_SERVING');
      const notServingMs = performance.now() - killedAt;

      await redis.restart();
      const restartedAt = performance.now();
      await until(async () => (await health(hc)) === 'SERVING', 5000, 'SERVING again');
      const servingMs = performance.now() - restartedAt;
      console.info(
        `gRPC outage: StreamingPull ended ${endedMs.toFixed(0)} ms after Redis died, 4 unary calls failed in ${unaryMs.toFixed(1)} ms, ` +
          `NOT_SERVING after ${notServingMs.toFixed(0)} ms; SERVING ${servingMs.toFixed(0)} ms after Redis restarted`,
      );

      // A new StreamingPull is woken by a publish (the blocking watcher connection is back).
      const after = openPull(g.client, { stream: idle.s, group: 'g', consumer: 'w2', maxOutstandingMessages: 10 });
      await until(() => g.core.waitStats().waiting === 1, 2000, 'the new stream waits');
      const [id] = await publish(g, idle.s, 1);
      await after.until(() => after.ids().includes(id ?? ''), 2000, 'delivery after the restart');
      await after.cancel();
    } finally {
      hc.close();
    }
  }, 20_000);
});
