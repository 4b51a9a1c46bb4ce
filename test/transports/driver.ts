import { type Client, type ServiceError, credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { type CoreOptions, createCore } from '../../src/core/core.js';
import { loadProto } from '../../src/grpc/proto.js';
import { startGrpcServer } from '../../src/grpc/server.js';
import { buildHttpApp } from '../../src/http/app.js';
import { redisUrl as testRedisUrl, testConfig } from '../helpers/core.js';
import { testGrpc } from '../helpers/grpc.js';
import { testApp } from '../helpers/http.js';
import { waitingPulls } from '../helpers/wait.js';
import type { Driver } from './driver/types.js';
import { grpcDriver } from './driver/grpc.js';
import { restDriver } from './driver/rest.js';

/**
 * A transport-neutral driver of the gateway (not a test file itself): the same verbs over
 * REST (driver/rest.ts: inject into the fastify app, values base64, every answer checked
 * against the OpenAPI document) and over gRPC (driver/grpc.ts: a real grpc-js client), each
 * answering plain values in one shape (driver/types.ts). A failure throws ContractError
 * with the contract's code, after checking that the transport carried it with the status
 * docs/api.md gives it (HTTP status + problem+json; gRPC status + `error-code` metadata).
 */

export * from './driver/types.js';
export { type Injector, httpInjector, restDriver } from './driver/rest.js';
export { grpcDriver } from './driver/grpc.js';

type Json = any;

/** The REST driver over the test Redis (testApp), or over `redisUrl` when given; `options` for the Core. */
export async function makeRest(env: Record<string, string>, redisUrl?: string, options?: CoreOptions): Promise<Driver> {
  if (redisUrl === undefined && options === undefined) {
    const t = await testApp(env);
    return { ...restDriver(t.app, () => t.close()), waitingPulls: async () => waitingPulls(t.core) };
  }
  const core = createCore(testConfig(env), redisUrl ?? testRedisUrl(), options);
  const app = await buildHttpApp({ core });
  const d = restDriver(app, async () => {
    await app.close();
    await core.close();
  });
  return { ...d, waitingPulls: async () => waitingPulls(core) };
}

/** The gRPC driver over the test Redis (testGrpc), or over `redisUrl` when given; `options` for the Core. */
export async function makeGrpc(env: Record<string, string>, redisUrl?: string, options?: CoreOptions): Promise<Driver> {
  if (redisUrl === undefined && options === undefined) {
    const g = await testGrpc(env);
    return { ...grpcDriver((method, request) => g.call(method as never, request), () => g.close()), waitingPulls: async () => waitingPulls(g.core) };
  }
  const core = createCore(testConfig(env), redisUrl ?? testRedisUrl(), options);
  const server = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  const client = new (loadProto().grpc.streamgate.v1.StreamGateway)(server.address, credentials.createInsecure());
  const call = (method: string, request: object) =>
    new Promise<Json>((resolve, reject) => {
      const fn = (client as unknown as Record<string, (req: object, cb: (err: ServiceError | null, res: Json) => void) => void>)[method];
      if (!fn) throw new Error(`no RPC ${method}`);
      fn.call(client, request, (err, res) => (err ? reject(err) : resolve(res)));
    });
  const d = grpcDriver(call, async () => {
    (client as unknown as Client).close();
    await server.shutdown(2000);
    await core.close();
  });
  return { ...d, waitingPulls: async () => waitingPulls(core) };
}
