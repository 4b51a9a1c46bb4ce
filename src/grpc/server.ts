import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { withUndecodableRequests } from './decoding.js';
import { SERVICE_NAME, loadProto } from './proto.js';
import { streamGatewayHandlers } from './service.js';
import { ActiveStreams } from './streaming-pull.js';

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
}

export async function startGrpcServer(core: Core, opts: GrpcOptions): Promise<GrpcGateway> {
  const { definition, grpc } = loadProto();
  const server = new Server({
    'grpc.max_receive_message_length': core.config.limits.maxBodyBytes,
    // Long-lived StreamingPull calls: notice dead peers without waiting for TCP timeouts.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const active = new ActiveStreams();
  server.addService(withUndecodableRequests(grpc.streamgate.v1.StreamGateway.service), streamGatewayHandlers(core, opts.logger, active));

  // Health follows Redis: a gateway that cannot reach Redis should be taken out of rotation.
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  let serving: boolean | null = null;
  const check = async () => {
    const ok = await core.ping();
    if (ok === serving) return;
    serving = ok;
    const s = ok ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', s);
    health.setStatus(SERVICE_NAME, s);
    if (!ok) opts.logger.warn('Redis unreachable: gRPC health reports NOT_SERVING');
  };
  await check();
  const timer = setInterval(() => void check(), opts.healthIntervalMs ?? 1000);
  timer.unref();

  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${opts.port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );

  let stopping: Promise<void> | null = null;
  const shutdown = async (timeoutMs: number) => {
    clearInterval(timer);
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
    await active.endAll();
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
