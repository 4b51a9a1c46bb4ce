// The load generator's clients: the fixed payload, undici pools for REST, grpc-js for gRPC.
import { type ChannelOptions, type Client, type ServiceError, credentials } from '@grpc/grpc-js';
import { Pool } from 'undici';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { loadProto } from '../../src/grpc/proto.js';

/** The fixed message: 4 fields, 150 bytes of names and values (about what an order event is). */
export const PAYLOAD: Readonly<Record<string, string>> = {
  orderId: 'ord-2024-000001234567',
  customer: 'customer-000042@example.com',
  amount: '1299.99 EUR',
  note: 'priority shipping; gift wrap; leave at the front desk if nobody answers the d',
};
export const PAYLOAD_PAIRS: readonly string[] = Object.entries(PAYLOAD).flat();
export const PAYLOAD_BYTES = PAYLOAD_PAIRS.reduce((n, s) => n + Buffer.byteLength(s), 0);
export const PAYLOAD_BUFFERS: Readonly<Record<string, Buffer>> = Object.fromEntries(
  Object.entries(PAYLOAD).map(([k, v]) => [k, Buffer.from(v)]),
);

const enc = encodeURIComponent;
export const paths = {
  publish: (stream: string) => `/v1/streams/${enc(stream)}/messages`,
  pull: (stream: string, group: string) => `/v1/streams/${enc(stream)}/groups/${enc(group)}/pull`,
  ack: (stream: string, group: string) => `/v1/streams/${enc(stream)}/groups/${enc(group)}/ack`,
};

/** A keep-alive pool of `connections` HTTP/1.1 connections (no pipelining: one request per connection). */
export function httpPool(baseUrl: string, connections: number): Pool {
  return new Pool(baseUrl, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    // Long polls wait up to 60 s for their answer.
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
    connectTimeout: 30_000,
  });
}

export interface JsonReply<T> {
  readonly status: number;
  readonly body: T;
}

export async function postJson<T>(pool: Pool, path: string, body: string, signal?: AbortSignal): Promise<JsonReply<T>> {
  const res = await pool.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    ...(signal ? { signal } : {}),
  });
  return { status: res.statusCode, body: (await res.body.json()) as T };
}

/** A gRPC client on a channel of its own (its own HTTP/2 connection, not shared through the global subchannel pool). */
export function grpcClient(address: string, options: ChannelOptions = {}): StreamGatewayClient {
  const { grpc } = loadProto();
  return new grpc.streamgate.v1.StreamGateway(address, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    ...options,
  });
}

export function closeGrpc(client: StreamGatewayClient): void {
  (client as unknown as Client).close();
}

/** A unary call as a promise. */
export function unary<Req, Res>(
  client: StreamGatewayClient,
  method: 'Publish' | 'Pull' | 'Ack',
  request: Req,
): Promise<Res> {
  const fn = (client as unknown as Record<string, (req: Req, cb: (err: ServiceError | null, res: Res) => void) => void>)[method];
  if (!fn) throw new Error(`no RPC ${method}`);
  return new Promise((resolve, reject) => fn.call(client, request, (err, res) => (err ? reject(err) : resolve(res))));
}

/**
 * A unary call whose request is already encoded (sent as these bytes), as the REST side
 * sends a body serialized once: the load generator then pays no protobuf encoding per call.
 * The reply is decoded by the method's own deserializer.
 */
export function unaryEncoded<Res>(client: StreamGatewayClient, method: 'Publish', request: Buffer): Promise<Res> {
  const m = encodedMethods.get(method) ?? lookUp(method);
  return new Promise((resolve, reject) =>
    (client as unknown as Client).makeUnaryRequest<Buffer, Res>(
      m.path,
      (b) => b,
      (b) => m.responseDeserialize(b) as Res,
      request,
      (err, res) => (err || res === undefined ? reject(err ?? new Error('no reply')) : resolve(res)),
    ),
  );
}

interface EncodedMethod {
  readonly path: string;
  responseDeserialize(b: Buffer): unknown;
}

/** The methods' definitions, looked up once (loading the proto is far too slow per call). */
const encodedMethods = new Map<string, EncodedMethod>();

function lookUp(method: string): EncodedMethod {
  const { definition } = loadProto();
  const m = (definition['streamgate.v1.StreamGateway'] as unknown as Record<string, EncodedMethod>)[method];
  if (!m) throw new Error(`no RPC ${method}`);
  encodedMethods.set(method, m);
  return m;
}
