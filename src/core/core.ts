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

export function createCore(config: Config, redisUrl: string, metrics = createCoreMetrics()): Core {
  const redis = new Redis(redisUrl, redisOptions);
  redis.on('error', () => {
    // ioredis reconnects by itself; failed commands surface as BACKEND_UNAVAILABLE.
  });
  const backend = new Backend(redis, metrics);
  const policies = new PolicyStore(backend, config.policyDefaults);
  const watcher = new StreamWatcher(redis, redis, {
    connections: config.watchConnections,
    reclaimPollMs: config.reclaimPollMs,
  });
  const consume = new ConsumeService(backend, policies, watcher, metrics, config);
  metrics.observeWaiting(() => watcher.stats());
  return {
    config,
    metrics,
    streams: new StreamService(backend, config),
    groups: new GroupService(backend, policies),
    consume,
    pending: new PendingService(backend, config),
    deadLetters: new DeadLetterService(backend, policies, config),
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
      watcher.close();
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
