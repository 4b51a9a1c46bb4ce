import { Writable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { type ChannelCredentials, type Client, type ServiceError, credentials } from '@grpc/grpc-js';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { loadConfig } from '../../src/runtime/config.js';
import { loadProto } from '../../src/grpc/proto.js';
import { type Gateway, startGateway } from '../../src/runtime/main.js';
import type { KeyPair, TestPki } from './certs.js';

/** The gateway in-process, through startGateway and loadConfig (the real code path), its logs kept. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly logs: ReadonlyArray<Record<string, unknown>>;
  /** REST port (the gateway's URL may say localhost or 127.0.0.1). */
  readonly httpPort: number;
  stop(): Promise<void>;
}

export async function startTestGateway(env: Record<string, string>): Promise<TestGateway> {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    HOST: '127.0.0.1',
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    LOG_LEVEL: 'info',
    STREAMGATE_SHUTDOWN_TIMEOUT_MS: '2000',
    ...env,
  });
  const gateway = await startGateway(config, pino({ level: config.logLevel }, sink));
  const httpPort = gateway.httpUrl ? Number(new URL(gateway.httpUrl).port) : 0;
  return { gateway, logs, httpPort, stop: () => gateway.stop() };
}

export interface HttpsClientOptions {
  readonly ca?: Buffer;
  readonly identity?: { readonly cert: Buffer; readonly key: Buffer };
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One request on a fresh connection (so each sees the server's current certificate). */
export async function httpCall(
  url: string,
  opts: HttpsClientOptions & { readonly method?: 'GET' | 'POST'; readonly json?: unknown } = {},
): Promise<HttpAnswer> {
  const agent = new Agent({
    connect: { ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.identity ?? {}), timeout: 5000 },
  });
  try {
    const res = await request(url, {
      dispatcher: agent,
      method: opts.method ?? 'GET',
      headersTimeout: 5000,
      bodyTimeout: 5000,
      ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.statusCode, body: await res.body.text() };
  } finally {
    await agent.close();
  }
}

export const pkiIdentity = (pki: TestPki, pair: KeyPair) => ({ cert: pki.read(pair.cert), key: pki.read(pair.key) });

export function grpcTlsCredentials(pki: TestPki, ca: string, client?: KeyPair): ChannelCredentials {
  return client
    ? credentials.createSsl(pki.read(ca), pki.read(client.key), pki.read(client.cert))
    : credentials.createSsl(pki.read(ca));
}

/** One ListStreams call on a new channel; resolves with the response or the ServiceError. */
export async function grpcListStreams(address: string, creds: ChannelCredentials): Promise<{ ok: true } | { ok: false; error: ServiceError }> {
  const { grpc } = loadProto();
  // By name: grpc-js would otherwise send the IP as TLS server name, which Node warns about.
  const client = new grpc.streamgate.v1.StreamGateway(address.replace(/^127\.0\.0\.1:/, 'localhost:'), creds);
  try {
    return await new Promise((resolve) =>
      client.ListStreams({}, { deadline: Date.now() + 5000 }, (err: ServiceError | null) =>
        resolve(err ? { ok: false, error: err } : { ok: true }),
      ),
    );
  } finally {
    (client as unknown as Client).close();
  }
}

/** CN of the certificate a TLS server presents to a new connection (ALPN h2 for gRPC). */
export function peerCommonName(port: number, ca: Buffer, alpn: 'h2' | 'http/1.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, ALPNProtocols: [alpn], timeout: 5000 }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.end();
      resolve(String(cn));
    });
    socket.once('error', reject);
    socket.once('timeout', () => socket.destroy(new Error('TLS connect timed out')));
  });
}
