import { type Client, type Metadata, type ServiceError, credentials } from '@grpc/grpc-js';
import pino from 'pino';
import type { Core } from '../../src/core/core.js';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { loadProto } from '../../src/grpc/proto.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import { testCore } from './core.js';

export interface TestGrpc {
  readonly core: Core;
  readonly server: GrpcGateway;
  readonly client: StreamGatewayClient;
  /** Calls a unary RPC and resolves with its response (rejects with the ServiceError). */
  call<Res>(method: keyof StreamGatewayClient & string, request: object): Promise<Res>;
  close(): Promise<void>;
}

/** A gRPC server on 127.0.0.1:0 over the test Redis, and a real grpc-js client for it. */
export async function testGrpc(env: Record<string, string> = {}, redisUrl?: string): Promise<TestGrpc> {
  const core = testCore(env, redisUrl);
  const server = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  const { grpc } = loadProto();
  const client = new grpc.streamgate.v1.StreamGateway(server.address, credentials.createInsecure());
  return {
    core,
    server,
    client,
    call<Res>(method: string, request: object): Promise<Res> {
      const fn = (client as unknown as Record<string, (req: object, cb: (err: ServiceError | null, res: Res) => void) => void>)[
        method
      ];
      if (!fn) throw new Error(`no RPC ${method}`);
      return new Promise((resolve, reject) => fn.call(client, request, (err, res) => (err ? reject(err) : resolve(res))));
    },
    async close() {
      (client as unknown as Client).close();
      await server.shutdown(2000);
      await core.close();
    },
  };
}

/** The contract code a failed call carried in its trailing metadata. */
export const errorCode = (err: unknown): string | undefined =>
  ((err as { metadata?: Metadata }).metadata?.get('error-code')[0] as string | undefined) ?? undefined;
