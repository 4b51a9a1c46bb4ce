import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../src/runtime/config.js';
import { type Core, createCore } from '../../src/core/core.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import { buildHttpApp } from '../../src/http/app.js';
import { GrpcWire } from './grpc-wire.js';
import { HttpWire } from './http-wire.js';
import { fuzzRedisUrl } from './redis-state.js';
import type { Tally } from './tally.js';

/**
 * Per-file fixtures of the fuzz files: a Core on the file's own logical database `db`, a real
 * server on it, and a native Redis client there. After the file: the tally's line is printed,
 * everything is closed and the database flushed. `use` receives them once ready.
 */

interface Served<S> {
  readonly served: S;
  close(): Promise<void>;
}

export interface FuzzDb {
  readonly core: Core;
  readonly redis: Redis;
}

function withFuzzServer<S>(
  db: number,
  config: Config,
  tally: Tally,
  serve: (core: Core) => Promise<Served<S>>,
  use: (f: FuzzDb & S) => void,
): void {
  let core: Core | undefined;
  let server: Served<S> | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    core = createCore(config, fuzzRedisUrl(db));
    server = await serve(core);
    redis = new Redis(fuzzRedisUrl(db));
    use({ ...server.served, core, redis });
  });
  afterAll(async () => {
    console.log(tally.summary());
    await server?.close();
    await core?.close();
    await redis?.flushdb();
    redis?.disconnect();
  });
}

/** The gRPC server on 127.0.0.1:0, and a client sending request bytes as they are. */
export const withFuzzGrpc = (db: number, config: Config, tally: Tally, use: (f: FuzzDb & { server: GrpcGateway; wire: GrpcWire }) => void): void =>
  withFuzzServer(
    db,
    config,
    tally,
    async (core) => {
      const server = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
      const wire = new GrpcWire(server.address);
      return {
        served: { server, wire },
        async close() {
          wire.close();
          await server.shutdown(2000);
        },
      };
    },
    use,
  );

/** The REST app listening on 127.0.0.1:0 (`port`), and a keep-alive client sending requests as they are. */
export const withFuzzRest = (db: number, config: Config, tally: Tally, use: (f: FuzzDb & { app: FastifyInstance; port: number; wire: HttpWire }) => void): void =>
  withFuzzServer(
    db,
    config,
    tally,
    async (core) => {
      const app = await buildHttpApp({ core });
      const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
      const wire = new HttpWire(url);
      return {
        served: { app, port: Number(url.port), wire },
        async close() {
          wire.close();
          await app.close();
        },
      };
    },
    use,
  );
