import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AccessControl } from '../core/access/access.js';
import { assertSafeExposure } from './exposure.js';
import type { Config } from './config.js';
import { CLOSE_BOUND_MS, type Core, createCore } from '../core/core.js';
import { type EmbeddedRedis, startEmbeddedRedis } from './embedded-redis.js';
import { messageOf } from '../contract/errors.js';
import { ServerTls, isTlsRedisUrl, redisTlsOptions } from './tls.js';
import { type GrpcGateway, startGrpcServer } from '../grpc/server.js';
import { buildHttpApp } from '../http/app.js';
import { scrubSecrets } from './logger.js';
import type { StartedTracing } from './tracing.js';

/** A running gateway: the servers, the core, and the embedded Redis when there is one. */
export interface Gateway {
  /** Base URL of the REST API, null when HTTP_PORT is off. */
  readonly httpUrl: string | null;
  /** host:port of the gRPC server, null when GRPC_PORT is off. */
  readonly grpcAddress: string | null;
  /** REDIS_URL, the embedded Redis's socket, or `sentinel:<name>@<host:port,...>` in Sentinel mode. */
  readonly redisUrl: string;
  /**
   * Re-reads the TLS certificate, key and client CA (SIGHUP): new connections of both
   * transports use them, open ones keep theirs. On an unusable file it logs the error and
   * keeps the current ones. False when TLS is off or the reload failed.
   */
  reloadTls(): boolean;
  /** API keys and fence in force; `reloadAccess(gateway.access, logger)` re-reads the keys file. */
  readonly access: AccessControl;
  /** Graceful and bounded; calling it again returns the same promise. */
  stop(): Promise<void>;
}

/**
 * What SIGHUP does: re-read the keys file and log the outcome. Connections are not touched:
 * the next request of a keep-alive connection or gRPC channel is checked against the new
 * keys. A bad file keeps the keys in force (logged at error), so an edit in progress never
 * locks everyone out and never stops the process.
 */
export function reloadAccess(access: AccessControl, logger: Logger): void {
  const outcome = access.reload();
  switch (outcome.status) {
    case 'reloaded':
      logger.info({ file: outcome.file, keys: outcome.keys }, 'API keys reloaded');
      break;
    case 'failed':
      logger.error({ file: outcome.file, error: outcome.error }, 'API keys file not reloaded: the previous keys stay in force');
      break;
    case 'disabled':
      logger.info('SIGHUP: no STREAMGATE_AUTH_FILE, nothing to reload');
      break;
  }
}

// Killing redis-server loses up to a second of AOF writes, so it gets this long to shut
// down cleanly even when the in-flight requests used up the whole shutdown budget.
const REDIS_STOP_FLOOR_MS = 5000;

export async function startGateway(config: Config, logger: Logger): Promise<Gateway> {
  let embedded: EmbeddedRedis | undefined;
  let core: Core | undefined;
  let app: FastifyInstance | undefined;
  let grpc: GrpcGateway | undefined;
  let traced: StartedTracing | undefined;

  // Also used when startup fails half-way, so it closes whatever exists by then.
  const shutdown = async (): Promise<void> => {
    const deadline = Date.now() + config.shutdownTimeoutMs;
    const left = () => Math.max(0, deadline - Date.now());
    // The servers get the budget less what closing the core may take after them, so that
    // the whole stays within STREAMGATE_SHUTDOWN_TIMEOUT_MS even when Redis is stalled
    // (requests waiting on it are then cut at the servers' deadline).
    const servers = Math.max(0, left() - Math.min(CLOSE_BOUND_MS, config.shutdownTimeoutMs / 2));
    // Both servers stop before the core: StreamingPull calls release their leases first.
    await Promise.all([app ? closeHttp(app, servers, logger) : undefined, grpc?.shutdown(servers)]);
    await core?.close();
    // The spans of the last requests go out before the process ends (bounded like the rest).
    if (traced) await settles(traced.shutdown(), Math.max(left(), 1000), logger, 'flushing the tracing spans');
    if (embedded) await embedded.stop(Math.max(left(), REDIS_STOP_FLOOR_MS));
  };

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= shutdown());

  try {
    // Both refusals come before anything starts: a gateway must not come up half-secured.
    assertSafeExposure(config);
    const access = AccessControl.fromConfig(config);
    if (access.enabled) logger.info({ file: access.file, keys: access.keyCount }, 'API keys loaded');
    else logger.warn({ host: config.host }, 'no STREAMGATE_AUTH_FILE: API keys are off, every caller may do everything');
    if (!access.fence.allowsAll) logger.info({ streams: access.fence.patterns }, 'keyspace fence');
    // Read before anything starts, so a bad file fails startup with its path and nothing to undo.
    const tls = config.tls ? new ServerTls(config.tls) : undefined;
    const reloadTls = (): boolean => {
      if (!tls) {
        logger.debug('TLS is off: no certificates to reload');
        return false;
      }
      try {
        tls.reload();
        logger.info({ cert: tls.files.certFile }, 'TLS certificates reloaded');
        return true;
      } catch (err) {
        logger.error(`TLS reload failed, keeping the current certificates: ${messageOf(err)}`);
        return false;
      }
    };

    let redisUrl = config.redisUrl;
    const sentinel = config.redisSentinel;
    if (sentinel) {
      const at = sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
      logger.info({ sentinels: at, name: sentinel.name, url: redisUrl === undefined ? undefined : scrubSecrets(redisUrl) }, 'using the Redis primary named by Sentinel');
    } else if (redisUrl === undefined) {
      embedded = await startEmbeddedRedis({
        bin: config.redisServerBin,
        dataDir: config.dataDir,
        timeoutMs: config.redisStartTimeoutMs,
        fsync: config.embeddedFsync,
        logger,
      });
      redisUrl = embedded.socket;
    } else {
      logger.info({ url: scrubSecrets(redisUrl) }, 'using Redis at REDIS_URL');
    }
    // Only with a rediss:// REDIS_URL (config.ts), with or without Sentinel.
    if (config.redisTls.insecure) {
      logger.warn('STREAMGATE_REDIS_TLS_INSECURE: the Redis server certificate is not verified (anyone on the path can impersonate it)');
    }
    // Read here, so a bad file fails startup with its variable and path.
    const redisTls = redisUrl !== undefined && isTlsRedisUrl(redisUrl) ? redisTlsOptions(config.redisTls) : undefined;
    // Tracing on: the OpenTelemetry SDK, imported here only (off: nothing of it is loaded).
    if (config.tracing) traced = await (await import('./tracing.js')).startTracing(config.traceField, logger);
    const tracing = traced?.tracing ?? null;
    const liveCore = createCore(config, redisUrl, { access, logger, redisTls, redisSentinel: sentinel, tracing });
    core = liveCore;
    // Not awaited: an external Redis that is down should not stop the gateway from starting
    // (/readyz reports it), but the operator should hear about it at once.
    void liveCore.ping().then((ok) => {
      if (!ok && !stopped) logger.warn('Redis is not reachable yet: /readyz answers 503 until it is');
    });
    let everUp = false;
    liveCore.onConnectionChange((up) => {
      if (stopped) return;
      if (!up) logger.warn('Redis connection lost: requests answer 503 BACKEND_UNAVAILABLE until it is back');
      else if (everUp) logger.info('Redis connection restored');
      everUp ||= up;
    });

    let httpUrl: string | null = null;
    if (config.httpPort !== null) {
      app = await buildHttpApp({ core: liveCore, logger, tls, connections: config.httpConnections });
      await app.listen({ host: config.host, port: config.httpPort });
      httpUrl = baseUrl(config.host, app, tls !== undefined);
      logger.info({ url: httpUrl, ...tlsFields(tls) }, 'REST API listening');
      logger.info({ url: `${httpUrl}/docs` }, 'API docs (Swagger UI)');
    }

    let grpcAddress: string | null = null;
    if (config.grpcPort !== null) {
      grpc = await startGrpcServer(liveCore, { host: config.host, port: config.grpcPort, logger, tls, maxConnections: config.httpConnections.maxConnections });
      grpcAddress = grpc.address;
      logger.info(
        { address: grpcAddress, service: 'streamgate.v1.StreamGateway', tls: tls !== undefined, ...tlsFields(tls) },
        'gRPC listening (health and reflection included)',
      );
    }

    const urls = startupUrls(httpUrl, grpcAddress);
    logger.info(urls, `Streamgate ready: ${describeUrls(urls)}`);
    const target = sentinel ? `sentinel:${sentinel.name}@${sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}` : redisUrl;
    return { httpUrl, grpcAddress, redisUrl: target ?? '', access, reloadTls, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Stop accepting, let in-flight requests finish, cut the connections left at the deadline. */
async function closeHttp(app: FastifyInstance, budgetMs: number, logger: Logger): Promise<void> {
  const closed = app.close();
  if (await settles(closed, budgetMs, logger, 'closing the HTTP server')) return;
  logger.warn({ timeoutMs: budgetMs }, 'in-flight requests did not finish in time: closing their connections');
  app.server.closeAllConnections();
  await settles(closed, 1000, logger, 'closing the HTTP server');
}

/** True when `p` settled within `ms`; a rejection is logged, since shutdown must go on. */
async function settles(p: Promise<unknown>, ms: number, logger: Logger, what: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = p.then(
    () => true as const,
    (err: unknown) => {
      logger.warn({ err }, `error while ${what}`);
      return true as const;
    },
  );
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function baseUrl(host: string, app: FastifyInstance, https: boolean): string {
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  // A wildcard bind is reachable on loopback; the wildcard itself is not a usable address.
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `${https ? 'https' : 'http'}://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** Where to find each part of a started gateway (null: that server is off). */
export function startupUrls(httpUrl: string | null, grpcAddress: string | null): Record<string, string | null> {
  return {
    rest: httpUrl,
    docs: httpUrl && `${httpUrl}/docs`,
    console: httpUrl && `${httpUrl}/console`,
    metrics: httpUrl && `${httpUrl}/metrics`,
    grpc: grpcAddress,
  };
}

function describeUrls(urls: Record<string, string | null>): string {
  const names: Record<string, string> = { rest: 'REST', docs: 'docs', console: 'console', metrics: 'metrics', grpc: 'gRPC' };
  const on = Object.entries(urls).filter(([, u]) => u !== null).map(([k, u]) => `${names[k]} ${u}`);
  return on.length > 0 ? on.join(', ') : 'no server (HTTP_PORT and GRPC_PORT are off)';
}

/** Whether clients must present a certificate, logged beside each TLS listener. */
function tlsFields(tls: ServerTls | undefined): { clientCertificates?: 'required' | 'not requested' } {
  if (!tls) return {};
  return { clientCertificates: tls.requireClientCert ? 'required' : 'not requested' };
}

/**
 * The process around the gateway: starts it, stops it once on SIGTERM/SIGINT (exit 0), exits
 * at once on a second signal (exit 1), and turns a startup failure into one fatal log line.
 */
export async function runMain(
  config: Config,
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): Promise<void> {
  let gateway: Gateway | undefined;
  let stopping = false;

  // Exiting naturally, once everything is closed, lets pino's asynchronous writes land in
  // order (process.exit would cut in); the unref'd timer only fires for a handle left open.
  const exitWhenIdle = (code: number) => {
    process.exitCode = code;
    setTimeout(() => exit(code), 1000).unref();
  };

  const finish = async (g: Gateway) => {
    try {
      await g.stop();
      logger.info('stopped');
      exitWhenIdle(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      exitWhenIdle(1);
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // During startup there is nothing to stop yet: startup finishes, then stops (below).
    if (gateway) void finish(gateway);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // SIGHUP reloads the keys file and the TLS certificates, never terminates (Node's default).
  process.on('SIGHUP', () => {
    if (gateway && !stopping) {
      reloadAccess(gateway.access, logger);
      gateway.reloadTls();
    } else logger.warn('SIGHUP ignored: the gateway is starting or stopping');
  });

  try {
    gateway = await startGateway(config, logger);
  } catch (err) {
    // The message is meant for the operator (e.g. how to install redis-server); the stack
    // is for developers, at debug level.
    logger.debug({ err }, 'startup failure');
    logger.fatal(messageOf(err));
    exitWhenIdle(1);
    return;
  }
  if (stopping) await finish(gateway);
}
