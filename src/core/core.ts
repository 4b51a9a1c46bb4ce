import { Redis, type RedisOptions } from 'ioredis';
import { Backend } from './backend.js';
import type { Config } from './config.js';
import { ConsumeService } from './consume.js';
import { DeadLetterService } from './dead-letters.js';
import { GroupService } from './groups.js';
import { type CoreMetrics, createCoreMetrics } from './metrics.js';
import { PendingService } from './pending.js';
import { PolicyStore } from './policy.js';
import { PullSession, type PullSessionOptions, type PullSessionSink } from './pull-session.js';
import { Reaper, type ReaperLogger } from './reaper.js';
import { StreamService } from './streams.js';
import { StreamWatcher, type WatchStats } from './watcher.js';

/**
 * Everything the transports need, built once per process: one shared auto-pipelined
 * command connection, the watcher's blocking connection(s) shared by all waiting pulls,
 * and the services.
 */
export interface Core {
  readonly config: Config;
  readonly metrics: CoreMetrics;
  readonly streams: StreamService;
  readonly groups: GroupService;
  readonly consume: ConsumeService;
  readonly pending: PendingService;
  readonly deadLetters: DeadLetterService;
  /** Reaps idle consumers of groups with reapIdleMs every STREAMGATE_REAP_INTERVAL_MS; tick() runs a pass now. */
  readonly reaper: Reaper;
  /** A long-lived pull with flow control and lease renewal (gRPC StreamingPull). */
  openPullSession(options: PullSessionOptions, sink: PullSessionSink): PullSession;
  /** Waiting pulls, watched streams and the watcher's connections. */
  waitStats(): WatchStats;
  /** True when Redis answers PING. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const redisOptions: RedisOptions = {
  enableAutoPipelining: true,
  // Fail a command after one reconnect attempt rather than queueing it for long: callers
  // get BACKEND_UNAVAILABLE promptly while Redis is away.
  maxRetriesPerRequest: 1,
  connectTimeout: 5000,
  // Connect on first use, so building an app (e.g. to print the OpenAPI document) needs no Redis.
  lazyConnect: true,
};

const quiet: ReaperLogger = { info: () => undefined, warn: () => undefined };

export function createCore(config: Config, redisUrl: string, metrics = createCoreMetrics(), logger: ReaperLogger = quiet): Core {
  const redis = new Redis(redisUrl, redisOptions);
  redis.on('error', () => {
    // ioredis reconnects by itself; failed commands surface as BACKEND_UNAVAILABLE.
  });
  const backend = new Backend(redis, metrics);
  const policies = new PolicyStore(redis, config.policyDefaults);
  const watcher = new StreamWatcher(redis, redis, {
    connections: config.watchConnections,
    reclaimPollMs: config.reclaimPollMs,
  });
  const consume = new ConsumeService(backend, policies, watcher, metrics, config);
  metrics.observeWaiting(() => watcher.stats());
  const reaper = new Reaper(backend, metrics, logger, {
    intervalMs: config.reapIntervalMs,
    wake: (stream, group, released) => watcher.wakeMore(stream, group, released),
  });
  reaper.start();
  return {
    config,
    metrics,
    streams: new StreamService(backend, config),
    groups: new GroupService(backend, policies),
    consume,
    pending: new PendingService(backend, config),
    deadLetters: new DeadLetterService(backend, policies, config),
    reaper,
    openPullSession: (options, sink) => new PullSession(consume, config.limits, options, sink),
    waitStats: () => watcher.stats(),
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await reaper.stop();
      watcher.close();
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
