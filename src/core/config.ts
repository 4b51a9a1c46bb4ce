import type { Limits } from '../contract/limits.js';

/** Lease and maxDeliveries of groups without a stored policy. */
export interface PolicyDefaults {
  readonly leaseMs: number;
  readonly maxDeliveries: number;
}

/**
 * Per-request features a benchmark may turn off, one at a time, to measure what each costs
 * (STREAMGATE_BENCH_DISABLE, `npm run bench -- --ablate`). For benchmarks only, never for
 * production: the default is none, which changes nothing.
 */
export const BENCH_FEATURES = ['metrics', 'auth', 'rate-limit', 'validation', 'request-log', 'fence'] as const;
export type BenchFeature = (typeof BENCH_FEATURES)[number];

/** Per-group metrics on /metrics (STREAMGATE_METRICS_*; core/group-metrics.ts). */
export interface GroupMetricsConfig {
  /** Stream-name globs whose groups are described; empty: none (the default). */
  readonly streams: readonly string[];
  /** Most groups one scrape describes. */
  readonly maxGroups: number;
  /** A consumer idle longer than this while holding pending entries is stale. */
  readonly staleConsumerMs: number;
}

/**
 * What the core reads of the configuration. The runtime's `Config` (runtime/config.ts)
 * extends it, so the core never depends on how the configuration is loaded.
 */
export interface CoreConfig {
  readonly policyDefaults: PolicyDefaults;
  readonly limits: Limits;
  readonly idempotencyTtlSec: number;
  readonly reclaimPollMs: number;
  /**
   * Pending entries a pull looks at for expired leases in a long pending list (more than
   * 4 × this many: a shorter one is looked at whole), resuming where the last one stopped.
   */
  readonly leaseWalk: number;
  readonly watchConnections: number;
  /** Redis Cluster: longest a watcher connection reading several slots blocks per round. */
  readonly watchPollMs: number;
  readonly scanLimit: number;
  /** 0: this instance never reaps. */
  readonly reapIntervalMs: number;
  readonly redisCommandTimeoutMs: number;
  /**
   * STREAMGATE_PUBLISH_WAIT_REPLICAS / _TIMEOUT_MS: a publish is answered only once WAIT
   * confirms `replicas` replicas have it (absent or 0: no wait).
   */
  readonly publishWait?: { readonly replicas: number; readonly timeoutMs: number };
  /** The Redis URL is one or more seed nodes of a Redis Cluster (STREAMGATE_REDIS_CLUSTER). */
  readonly redisCluster: boolean;
  /** API keys file; undefined: auth off. */
  readonly authFile: string | undefined;
  /** The keyspace fence: stream-name globs. */
  readonly streams: readonly string[];
  /** Log request bodies (the transports read it through Core.config). */
  readonly logBodies: boolean;
  /** Features turned off for a benchmark (STREAMGATE_BENCH_DISABLE); empty unless benchmarking. */
  readonly benchDisable: ReadonlySet<BenchFeature>;
  /** Absent or no streams: no per-group metrics. */
  readonly groupMetrics?: GroupMetricsConfig;
}
