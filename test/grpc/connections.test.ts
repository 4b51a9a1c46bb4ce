import { type Client, type ServiceError, credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { loadProto } from '../../src/grpc/proto.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import { testCore } from '../helpers/core.js';

// STREAMGATE_MAX_CONNECTIONS caps gRPC connections as it caps REST ones (issue 11, row 3):
// a connection over the cap is closed when accepted, the ones open go on.
const MAX = 2;
let core: Core;
let server: GrpcGateway;
const clients: Client[] = [];

beforeAll(async () => {
  core = testCore();
  server = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), maxConnections: MAX });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.shutdown(2000);
  await core.close();
});

/** A client on a connection of its own (no subchannel shared with the others). */
function client(): StreamGatewayClient {
  const { grpc } = loadProto();
  const c = new grpc.streamgate.v1.StreamGateway(server.address, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.initial_reconnect_backoff_ms': 5000,
  });
  clients.push(c as unknown as Client);
  return c;
}

const listStreams = (c: StreamGatewayClient): Promise<ServiceError | null> =>
  new Promise((resolve) =>
    (c as unknown as { ListStreams(r: object, o: object, cb: (e: ServiceError | null) => void): void }).ListStreams({}, { deadline: Date.now() + 3000 }, (err) =>
      resolve(err),
    ),
  );

describe('gRPC connections (STREAMGATE_MAX_CONNECTIONS)', () => {
  it('a connection over the cap is refused; the connections open go on', async () => {
    const open = [client(), client()];
    for (const c of open) expect(await listStreams(c)).toBeNull();
    const over = await listStreams(client());
    expect(over).not.toBeNull();
    expect(over?.code).toBe(14); // UNAVAILABLE: the connection was closed before it could carry the call
    for (const c of open) expect(await listStreams(c)).toBeNull();
  });
});
