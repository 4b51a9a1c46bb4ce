import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { WatchStats } from '../redis/watcher.js';

/**
 * Prometheus metrics of the core. Both transports add theirs to the same registry, which
 * /metrics serves. No label carries a stream, group or consumer name: those are unbounded.
 */
export interface CoreMetrics {
  readonly registry: Registry;
  readonly redisErrors: Counter<'code'>;
  /** Messages written by publishes (a replayed Idempotency-Key publish writes none). */
  readonly published: Counter;
  readonly delivered: Counter<'kind'>;
  /** Messages acknowledged (acks, pull-with-ack, StreamingPull acks): the count acted on. */
  readonly acked: Counter;
  /** Messages released by a nack (REST, gRPC, StreamingPull), not the releases of a closing StreamingPull. */
  readonly nacked: Counter;
  readonly deadLettered: Counter;
  /** Messages moved to a dead-letter stream by a term. */
  readonly terminated: Counter;
  /** Consumers deleted by the reaper (reapIdleMs). */
  readonly consumersReaped: Counter;
  /** Pending messages the reaper released for redelivery. */
  readonly reapReleased: Counter;
  /** Reads (pulls, group reads) that found a group's stored policy unreadable and used the defaults. */
  readonly unreadablePolicies: Counter;
  /** Reports the watcher's state in the waiting-pull gauges, read at each scrape. */
  observeWaiting(stats: () => WatchStats): void;
}

export function createCoreMetrics(registry = new Registry()): CoreMetrics {
  collectDefaultMetrics({ register: registry, prefix: 'streamgate_process_' });
  return {
    registry,
    redisErrors: new Counter({
      name: 'streamgate_redis_errors_total',
      help: 'Redis calls that failed, by the contract error code they became.',
      labelNames: ['code'],
      registers: [registry],
    }),
    published: new Counter({
      name: 'streamgate_messages_published_total',
      help: 'Messages written to streams by publishes (REST and gRPC alike).',
      registers: [registry],
    }),
    acked: new Counter({
      name: 'streamgate_messages_acked_total',
      help: 'Messages acknowledged (REST and gRPC alike, StreamingPull included): those that were pending.',
      registers: [registry],
    }),
    nacked: new Counter({
      name: 'streamgate_messages_nacked_total',
      help: 'Messages released by a nack (REST and gRPC alike, StreamingPull included): those the consumer held.',
      registers: [registry],
    }),
    delivered: new Counter({
      name: 'streamgate_messages_delivered_total',
      help: 'Messages handed to consumers by pulls: kind="new" first deliveries, kind="redelivery" after an expired lease.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'streamgate_messages_dead_lettered_total',
      help: 'Messages moved to a dead-letter stream after maxDeliveries.',
      registers: [registry],
    }),
    terminated: new Counter({
      name: 'streamgate_messages_terminated_total',
      help: 'Messages moved to a dead-letter stream by a term (REST term, gRPC Term, StreamingPull term_ids).',
      registers: [registry],
    }),
    consumersReaped: new Counter({
      name: 'streamgate_consumers_reaped_total',
      help: 'Consumers idle longer than their group reapIdleMs, deleted by this instance after releasing their pending messages.',
      registers: [registry],
    }),
    reapReleased: new Counter({
      name: 'streamgate_reaped_messages_released_total',
      help: 'Pending messages of reaped consumers released by this instance for redelivery to the group.',
      registers: [registry],
    }),
    unreadablePolicies: new Counter({
      name: 'streamgate_policy_unreadable_total',
      help: 'Reads of a group policy (pulls, group reads) that found the stored policy unreadable (a hand edit) and used the defaults for its unreadable fields.',
      registers: [registry],
    }),
    observeWaiting(stats) {
      new Gauge({
        name: 'streamgate_waiting_pulls',
        help: 'Pulls (long polls and idle StreamingPull reads) waiting for messages.',
        registers: [registry],
        collect() {
          this.set(stats().waiting);
        },
      });
      new Gauge({
        name: 'streamgate_watch_connections',
        help: 'Blocking Redis connections the waiting pulls share.',
        registers: [registry],
        collect() {
          this.set(stats().connections);
        },
      });
    },
  };
}
