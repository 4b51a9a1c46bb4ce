import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type Client,
  type ClientDuplexStream,
  type ServiceDefinition,
  type ServiceError,
  credentials,
  loadPackageDefinition,
  makeClientConstructor,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Core, createCore } from '../../src/core/core.js';
import type { PullSession } from '../../src/core/pull-session.js';
import { SERVICE_NAME } from '../../src/grpc/proto.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import { sleep, testConfig } from '../helpers/core.js';
import { type TestGrpc, errorCode, testGrpc } from '../helpers/grpc.js';
import { type TestRedis, startRedis } from '../helpers/redis-server.js';
import { type OpenPull, openPull, pullOther, setupStream, until } from './streaming-support.js';

/**
 * The gRPC server around StreamingPull: graceful shutdown (streams end with a retryable
 * status after their leases are released, no renewal timer left), health that follows
 * Redis, and reflection.
 */

let g: TestGrpc;
beforeAll(async () => {
  g = await testGrpc();
});
afterAll(async () => {
  await g.close();
});

describe('graceful shutdown with streams open', () => {
  it('ends each stream UNAVAILABLE / SHUTTING_DOWN, releases outstanding messages at once, leaves no renewal', async () => {
    // A server of its own (shut down here) on the shared Redis; `g` plays the other consumer.
    const sg = await testGrpc();
    const streams: OpenPull[] = [];
    try {
      const opened = vi.spyOn(sg.core, 'openPullSession');
      const renewals = vi.spyOn(sg.core.consume, 'extend');
      // Long leases: only a release makes these available to another consumer soon.
      const long = await setupStream(g, { n: 6, leaseMs: 10_000 });
      // A short lease, renewed every ~50 ms while open: shows that renewal stops.
      const short = await setupStream(g, { n: 1, leaseMs: 200 });
      for (const consumer of ['a', 'b']) {
        streams.push(openPull(sg.client, { stream: long.s, group: 'g', consumer, maxOutstandingMessages: 2 }));
      }
      streams.push(openPull(sg.client, { stream: short.s, group: 'g', consumer: 'c', maxOutstandingMessages: 5 }));
      await until(() => streams.every((p) => p.ids().length === (p === streams[2] ? 1 : 2)), 5000, 'deliveries');
      await until(() => renewals.mock.calls.length > 0, 2000, 'a renewal of the short lease');
      expect(sg.server.activeStreams).toBe(3);

      const t0 = Date.now();
      await sg.server.shutdown(2000);
      const shutdownMs = Date.now() - t0;
      expect(shutdownMs).toBeLessThan(1000);
      expect(sg.server.activeStreams).toBe(0);

      const ends = await Promise.all(streams.map((p) => p.ended));
      for (const end of ends) {
        expect(end.code).toBe(status.UNAVAILABLE);
        expect(errorCode(end)).toBe('SHUTTING_DOWN');
      }

      // Released at once: another consumer (on another server) gets all four held messages
      // of the long-lease group, and the short-lease one, right away.
      const got = await pullOther(g, long.s, 'other', 10);
      const sinceShutdown = Date.now() - t0;
      const held = streams.slice(0, 2).flatMap((p) => p.ids());
      expect(got.filter((m) => held.includes(m.id)).map((m) => m.deliveryCount)).toEqual([2, 2, 2, 2]);
      expect(got.map((m) => m.id).sort()).toEqual([...long.ids].sort());
      expect(await pullOther(g, short.s, 'other')).toEqual([{ id: short.ids[0], deliveryCount: 2 }]);
      expect(sinceShutdown).toBeLessThan(1500);

      // Every session closed with no timer, and nothing renews after shutdown.
      const sessions = opened.mock.results.map((r) => r.value as PullSession);
      expect(sessions).toHaveLength(3);
      for (const s of sessions) {
        expect(s.outstandingCount).toBe(0);
        expect((s as unknown as { renewTimer: unknown }).renewTimer).toBeNull();
      }
      const renewed = renewals.mock.calls.length;
      await sleep(300); // six renewal intervals of the short lease (~50 ms): time must pass to show none comes
      expect(renewals.mock.calls.length).toBe(renewed);
      console.info(`shutdown: ${shutdownMs} ms with 3 streams; released messages pulled ${sinceShutdown} ms after it began`);
    } finally {
      for (const p of streams) if (!p.isEnded()) await p.cancel();
      await sg.close();
    }
  });
});

type Check = (req: { service: string }, cb: (err: ServiceError | null, res: { status: string }) => void) => void;
type HealthClient = Client & { Check: Check };
const HealthClient = makeClientConstructor(healthService as unknown as ServiceDefinition, 'grpc.health.v1.Health');

function healthClient(address: string): HealthClient {
  return new HealthClient(address, credentials.createInsecure()) as unknown as HealthClient;
}

/** The status Health/Check reports for `service` ('' = the whole server), or the error's code name. */
const check = (client: HealthClient, service: string): Promise<string> =>
  new Promise((resolve) =>
    client.Check({ service }, (err, res) => resolve(err ? `error ${status[err.code]}` : res.status)),
  );

describe('health', () => {
  it('SERVING for the server and the service with Redis up; NOT_FOUND for another service', async () => {
    const client = healthClient(g.server.address);
    try {
      expect(await check(client, '')).toBe('SERVING');
      expect(await check(client, SERVICE_NAME)).toBe('SERVING');
      expect(await check(client, 'no.Such')).toBe('error NOT_FOUND');
    } finally {
      client.close();
    }
  });

  describe('follows its own Redis', () => {
    let own: TestRedis | null = null;
    let again: TestRedis | null = null;
    let core: Core | null = null;
    let server: GrpcGateway | null = null;
    afterAll(async () => {
      await server?.shutdown(1000);
      await core?.close();
      await own?.stop();
      await again?.stop();
    });

    it('NOT_SERVING within ~2 s of Redis stopping; SERVING again after it restarts on the same port', async () => {
      own = await startRedis();
      core = createCore(testConfig(), own.url);
      server = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
      const client = healthClient(server.address);
      try {
        expect(await check(client, '')).toBe('SERVING');
        const t0 = Date.now();
        await own.stop();
        await until(async () => (await check(client, '')) === 'NOT_SERVING', 5000, 'NOT_SERVING');
        const downMs = Date.now() - t0;
        expect(await check(client, SERVICE_NAME)).toBe('NOT_SERVING');
        expect(downMs).toBeLessThan(2500);

        // The same port again (a later --port wins over the helper's own).
        const t1 = Date.now();
        again = await startRedis(['--port', String(own.port)]);
        await until(async () => (await check(client, SERVICE_NAME)) === 'SERVING', 10_000, 'SERVING again');
        const upMs = Date.now() - t1;
        expect(await check(client, '')).toBe('SERVING');
        console.info(`health: NOT_SERVING ${downMs} ms after Redis stopped; SERVING ${upMs} ms after it restarted`);
      } finally {
        client.close();
      }
    }, 30_000);
  });
});

interface ReflectionAnswer {
  listServicesResponse?: { service: { name: string }[] };
}
type ReflectionCall = ClientDuplexStream<{ listServices: string }, ReflectionAnswer>;

describe('reflection', () => {
  const protoRoot = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '../proto');

  for (const version of ['v1', 'v1alpha'] as const) {
    it(`${version} list_services names streamgate.v1.StreamGateway`, async () => {
      const def = loadSync(`grpc/reflection/${version}/reflection.proto`, { includeDirs: [protoRoot], keepCase: false });
      const pkg = loadPackageDefinition(def) as unknown as {
        grpc: { reflection: Record<string, { ServerReflection: new (address: string, creds: unknown) => Client }> };
      };
      const Reflection = pkg.grpc.reflection[version]!.ServerReflection;
      const client = new Reflection(g.server.address, credentials.createInsecure()) as Client & {
        ServerReflectionInfo(): ReflectionCall;
      };
      try {
        const call = client.ServerReflectionInfo();
        const answer = new Promise<string[]>((resolve, reject) => {
          call.on('data', (r: ReflectionAnswer) => resolve((r.listServicesResponse?.service ?? []).map((s) => s.name)));
          call.on('error', reject);
        });
        call.write({ listServices: '*' });
        const names = await answer;
        call.end();
        expect(names).toContain(SERVICE_NAME);
      } finally {
        client.close();
      }
    });
  }
});
