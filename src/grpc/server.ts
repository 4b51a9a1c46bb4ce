import { Server } from '@grpc/grpc-js';
import type { Server as NetServer } from 'node:net';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { type TlsSource, grpcServerCredentials } from './credentials.js';
import { withPublishCodec } from './publish-codec.js';
import { withPullEncoding } from './pull-encoding.js';
import { withPullRequestCodec } from './pull-request-codec.js';
import { withUndecodableRequests } from './decoding.js';
import { SERVICE_NAME, loadProto } from './proto.js';
import { contractStatusCodes } from './status.js';
import { capConnections } from '../core/connection-cap.js';
import { streamGatewayHandlers } from './service.js';
import { ActiveStreams } from './streaming-pull.js';
import { createGrpcMetrics } from './metrics.js';

export interface GrpcGateway {
  /** host:port the server is bound to (the chosen port when asked for 0). */
  readonly address: string;
  readonly port: number;
  /** Open StreamingPull calls. */
  readonly activeStreams: number;
  /**
   * Graceful and bounded: reports NOT_SERVING, ends every StreamingPull with a retryable
   * UNAVAILABLE after releasing its leases, lets unary calls finish, then forces the rest.
   */
  shutdown(timeoutMs: number): Promise<void>;
}

export interface GrpcOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  /** How often health looks at Redis (PING). */
  readonly healthIntervalMs?: number;
  /** Serve TLS with it (and follow its reloads); absent: plaintext. */
  readonly tls?: TlsSource | undefined;
  /** Most open connections (STREAMGATE_MAX_CONNECTIONS, as the REST server's); 0 or absent: no cap. */
  readonly maxConnections?: number;
}

export async function startGrpcServer(core: Core, opts: GrpcOptions): Promise<GrpcGateway> {
  const { definition, grpc } = loadProto();
  // Every method of every service served (StreamGateway, health, reflection): the only method labels.
  const methods = Object.values(definition).flatMap((d) => Object.values(d as Record<string, { path?: unknown }>).map((m) => m.path));
  const metrics = core.config.benchDisable.has('metrics')
    ? undefined
    : createGrpcMetrics(core.metrics.registry, methods.filter((p): p is string => typeof p === 'string'));
  const server = new Server({
    'grpc.max_receive_message_length': core.config.limits.maxBodyBytes,
    // Long-lived StreamingPull calls: notice dead peers without waiting for TCP timeouts.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    // No channelz service is served (it would need grpc-js's admin service): its per-call
    // and per-message bookkeeping (call trackers, a Date.now() per message) is work for nobody.
    'grpc.enable_channelz': 0,
    // Statuses grpc-js sends by itself (a message over the receive limit) carry the contract's error-code too.
    interceptors: metrics ? [contractStatusCodes, metrics.interceptor] : [contractStatusCodes],
  });
  const active = new ActiveStreams(metrics);
  metrics?.observeStreams(() => ({ open: active.size, outstanding: active.outstanding() }));
  server.addService(withUndecodableRequests(withPullRequestCodec(withPullEncoding(withPublishCodec(grpc.streamgate.v1.StreamGateway.service)))), streamGatewayHandlers(core, opts.logger, active));

  // Health follows Redis: a gateway that cannot reach Redis should be taken out of rotation.
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  let serving: boolean | null = null;
  let stopped = false;
  const set = (ok: boolean) => {
    if (ok === serving || stopped) return;
    serving = ok;
    const s = ok ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', s);
    health.setStatus(SERVICE_NAME, s);
    if (!ok) opts.logger.warn('Redis unreachable: gRPC health reports NOT_SERVING');
  };
  const check = async () => set(await core.ping());
  await check();
  const timer = setInterval(() => void check(), opts.healthIntervalMs ?? 1000);
  timer.unref();
  // A lost connection is known at once, without waiting for the next PING; a restored one
  // is confirmed by a PING first.
  const unsubscribe = core.onConnectionChange((up) => (up ? void check() : set(false)));

  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const creds = grpcServerCredentials(opts.tls);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${opts.port}`, creds.credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );

  capGrpcConnections(server, opts.maxConnections ?? 0, opts.logger);

  let stopping: Promise<void> | null = null;
  const shutdown = async (timeoutMs: number) => {
    clearInterval(timer);
    creds.release();
    unsubscribe();
    stopped = true;
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(SERVICE_NAME, 'NOT_SERVING');
    // Stop accepting first, so no StreamingPull can open after the others were ended (it
    // would be cut by forceShutdown below without its leases released).
    let force: NodeJS.Timeout | undefined;
    const drained = new Promise<void>((resolve) => {
      force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, timeoutMs);
      server.tryShutdown(() => resolve());
    });
    // Ending a stream releases its leases through Redis, which may be stalled: the
    // deadline wins over that too (the leases then expire as usual).
    await Promise.race([active.endAll(), drained]);
    await drained;
    clearTimeout(force);
  };

  return {
    address: `${host}:${port}`,
    port,
    get activeStreams() {
      return active.size;
    },
    shutdown: (timeoutMs) => (stopping ??= shutdown(timeoutMs)),
  };
}

/**
 * Caps the open gRPC connections as the REST server's are (node:net's maxConnections: one
 * over the cap is closed when accepted, before any byte is read; refusals logged at most
 * every 10 s). grpc-js has no option for it, so it is set on the HTTP/2 servers grpc-js made,
 * which it keeps in its private `http2Servers`: test/grpc/connections.test.ts fails if an
 * upgrade moves them, rather than a deployment losing its cap without a word.
 */
function capGrpcConnections(server: Server, max: number, logger: Logger): void {
  if (max <= 0) return;
  const servers = (server as unknown as { http2Servers?: Map<NetServer, unknown> }).http2Servers;
  if (!(servers instanceof Map)) {
    logger.warn('grpc-js keeps its HTTP/2 servers elsewhere: STREAMGATE_MAX_CONNECTIONS does not cap gRPC connections');
    return;
  }
  capConnections(servers.keys(), max, 'gRPC', logger);
}
