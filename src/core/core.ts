import type { ConnectionOptions } from 'node:tls';
import { AccessControl } from './access/access.js';
import { Admission } from './admission.js';
import type { CoreConfig } from './config.js';
import { type ConnectionListener, DISCONNECT_TIMEOUT_MS } from '../redis/connection.js';
import { type SentinelTarget, openRedis } from '../redis/client.js';
import { ConsumeService, leaseWalkOf } from './consume.js';
import { DeadLetterService } from './dead-letters.js';
import { GroupService } from './groups.js';
import { type CoreMetrics, createCoreMetrics } from './metrics.js';
import { GroupMetrics, registerGroupMetrics } from './group-metrics.js';
import { PendingService } from './pending.js';
import { PolicyStore, UnreadablePolicies } from './policy.js';
import { RangeReader } from './range-reader.js';
import { OpenSessions } from './pull-sessions.js';
import { PullSession, type PullSessionOptions, type PullSessionSink } from './pull-session.js';
import { Reaper, type ReaperLogger } from './reaper.js';
import { StreamService } from './streams.js';
import type { Tracing } from './tracing.js';
import type { WatchStats } from '../redis/watcher.js';

/**
 * Everything the transports need, built once per process: one shared auto-pipelined
 * command connection, the watcher's blocking connection(s) shared by all waiting pulls,
 * and the services.
 */
export interface Core {
  readonly config: CoreConfig;
  readonly metrics: CoreMetrics;
  /** API keys and the keyspace fence: authenticate and authorize every call. */
  readonly access: AccessControl;
  readonly streams: StreamService;
  readonly groups: GroupService;
  readonly consume: ConsumeService;
  readonly pending: PendingService;
  readonly deadLetters: DeadLetterService;
  /** Reaps idle consumers of groups with reapIdleMs every STREAMGATE_REAP_INTERVAL_MS; tick() runs a pass now. */
  readonly reaper: Reaper;
  /**
   * A long-lived pull with flow control and lease renewal (gRPC StreamingPull). With
   * `waiter`, the session counts as one waiting pull of that key for its whole life
   * (RATE_LIMITED when the key has STREAMGATE_MAX_WAITING_PER_KEY already).
   */
  openPullSession(options: PullSessionOptions, sink: PullSessionSink, waiter?: string): PullSession;
  /** Per-key request rate and waiting pulls (both transports). */
  readonly admission: Admission;
  /** STREAMGATE_TRACING: the spans and their rules (tracing.ts); null when tracing is off. */
  readonly tracing: Tracing | null;
  /** Waiting pulls, watched streams and the watcher's connections. */
  waitStats(): WatchStats;
  /** True when Redis answers PING (within the command timeout, at most PING_TIMEOUT_MS). */
  ping(): Promise<boolean>;
  /** Calls `listener(up)` whenever the Redis connection is lost or restored; returns the unsubscribe function. */
  onConnectionChange(listener: ConnectionListener): () => void;
  /** Closes the connections; bounded (CLOSE_BOUND_MS) even when Redis is stalled. */
  close(): Promise<void>;
}

/** A readiness check that takes longer than this says "not ready" (probes have short timeouts). */
export const PING_TIMEOUT_MS = 1000;
/** Longest close() waits for Redis to answer QUIT. */
const QUIT_WAIT_MS = 300;
/** Longest close() may hold the process, even with Redis stalled: the reaper, QUIT, then the sockets. */
export const CLOSE_BOUND_MS = 2 * QUIT_WAIT_MS + DISCONNECT_TIMEOUT_MS;

export interface CoreOptions {
  readonly metrics?: CoreMetrics;
  /** Default: built from the config (reads STREAMGATE_AUTH_FILE; throws KeysFileError if bad). */
  readonly access?: AccessControl;
  /** Where the reaper logs what it reaped, and unreadable group policies are warned about; default: nowhere. */
  readonly logger?: ReaperLogger;
  /** TLS options of the Redis connection, for a rediss:// URL (the runtime reads the files). */
  readonly redisTls?: ConnectionOptions;
  /** Sentinel mode: the sentinels to ask for the primary (REDIS_URL then gives only password, db, TLS). */
  readonly redisSentinel?: SentinelTarget | null;
  /** Dead-letter moves across slots in two steps (RedisAdapterOptions.crossSlotDeadLetters); default: on a cluster. */
  readonly crossSlotDeadLetters?: boolean;
  /** Tracing on (tracing.ts `openTracing`, loaded by the runtime); absent or null: off. */
  readonly tracing?: Tracing | null;
}

const quiet: ReaperLogger = { info: () => undefined, warn: () => undefined };

export function createCore(config: CoreConfig, redisUrl: string | undefined, options: CoreOptions = {}): Core {
  const metrics = options.metrics ?? createCoreMetrics();
  const access = options.access ?? AccessControl.fromConfig(config);
  const logger = options.logger ?? quiet;
  const { fence } = access;
  const tracing = options.tracing ?? null;
  const redis = openRedis(redisUrl, {
    commandTimeoutMs: config.redisCommandTimeoutMs,
    cluster: config.redisCluster,
    tls: options.redisTls,
    sentinel: options.redisSentinel ?? null,
    guard: fence,
    onError: (code) => metrics.redisErrors.inc({ code }),
    watchConnections: config.watchConnections,
    watchPollMs: config.watchPollMs,
    reclaimPollMs: config.reclaimPollMs,
    leaseWalk: leaseWalkOf(config),
    // A cluster moves dead letters in two steps when the dead-letter stream is in another slot.
    crossSlotDeadLetters: options.crossSlotDeadLetters ?? config.redisCluster,
    tracer: tracing?.redisCall,
  });
  const { backend, watcher } = redis;
  const policies = new PolicyStore(backend, config.policyDefaults, new UnreadablePolicies(logger, metrics.unreadablePolicies));
  const subscribe = (listener: ConnectionListener) => redis.subscribe(listener);
  const openSessions = new OpenSessions(subscribe);
  const admission = new Admission(config.limits);
  const ranges = new RangeReader(backend, config.limits);
  const consume = new ConsumeService(backend, fence, policies, watcher, metrics, config, admission, tracing);
  const deadLetters = new DeadLetterService(backend, fence, policies, config, ranges, metrics);
  metrics.observeWaiting(() => watcher.stats());
  const gm = config.groupMetrics;
  if (gm !== undefined && gm.streams.length > 0) {
    registerGroupMetrics(metrics.registry, new GroupMetrics(backend, fence, policies, gm, logger));
  }
  const reaper = new Reaper(backend, fence, metrics, logger, {
    intervalMs: config.reapIntervalMs,
    wake: (stream, group, released) => watcher.wakeMore(stream, group, released),
  });
  reaper.start();
  return {
    config,
    metrics,
    access,
    streams: new StreamService(backend, fence, config, ranges, tracing, metrics),
    groups: new GroupService(backend, fence, policies),
    consume,
    pending: new PendingService(backend, fence, config),
    deadLetters,
    reaper,
    admission,
    tracing,
    openPullSession: (options, sink, waiter) => {
      const release = waiter === undefined ? undefined : admission.wait(waiter);
      try {
        return new PullSession(consume, deadLetters, config.limits, options, sink, openSessions, release);
      } catch (err) {
        release?.();
        throw err;
      }
    },
    waitStats: () => watcher.stats(),
    ping: () => redis.ping(Math.min(PING_TIMEOUT_MS, config.redisCommandTimeoutMs)),
    onConnectionChange: subscribe,
    async close() {
      // A pass under way stops between scripts; each script is atomic, so cutting the wait
      // short (a stalled Redis) leaves nothing half-done, and shutdown stays bounded.
      let stopTimer: NodeJS.Timeout | undefined;
      await Promise.race([reaper.stop(), new Promise<void>((r) => (stopTimer = setTimeout(r, QUIT_WAIT_MS)))]);
      clearTimeout(stopTimer);
      await redis.close(Math.min(QUIT_WAIT_MS, config.redisCommandTimeoutMs));
    },
  };
}
