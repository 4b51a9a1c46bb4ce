/**
 * The chaos run's knobs, from the environment (all optional). The defaults fit CI: about a
 * minute of load, two to three minutes in all on a busy 2-core machine.
 */
export interface ChaosOptions {
  /** CHAOS_SECONDS: how long producers publish while the faults happen. */
  readonly seconds: number;
  /** CHAOS_SEED: the schedule's seed (printed; set it to replay the same schedule). */
  readonly seed: number;
  /** CHAOS_CONSUMER_KILLS: SIGKILLs of consumer processes during the load. */
  readonly consumerKills: number;
  /** CHAOS_PRODUCERS / CHAOS_CONSUMERS: processes per transport (REST and gRPC each). */
  readonly producersPerTransport: number;
  readonly consumersPerTransport: number;
  /** CHAOS_LEASE_MS: the group's lease; a killed consumer's messages come back after it. */
  readonly leaseMs: number;
  /** CHAOS_MAX_DELIVERIES: the group's maxDeliveries (the dead-letter stream must stay empty). */
  readonly maxDeliveries: number;
  /** CHAOS_MIN_BACKOFF_MS / CHAOS_MAX_BACKOFF_MS: the group's retry backoff (0: off). */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** CHAOS_DRAIN_SECONDS: after the load, how long consumers get to empty the group. */
  readonly drainSeconds: number;
  /** CHAOS_KEEP=1: keep the run directory (records, logs) even when the run passes. */
  readonly keep: boolean;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in ${min}..${max}, got ${raw}`);
  return v;
}

/** A yes/no knob: '1' or 'true'. */
const flag = (env: NodeJS.ProcessEnv, name: string): boolean => env[name] === '1' || env[name] === 'true';

export function chaosOptions(env: NodeJS.ProcessEnv = process.env): ChaosOptions {
  const seconds = num(env, 'CHAOS_SECONDS', 60, 10, 3600);
  return {
    seconds,
    seed: num(env, 'CHAOS_SEED', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1),
    consumerKills: num(env, 'CHAOS_CONSUMER_KILLS', Math.max(3, Math.round(seconds / 6)), 0, 10_000),
    producersPerTransport: num(env, 'CHAOS_PRODUCERS', 2, 1, 16),
    consumersPerTransport: num(env, 'CHAOS_CONSUMERS', 2, 1, 16),
    leaseMs: num(env, 'CHAOS_LEASE_MS', 2000, 100, 60_000),
    maxDeliveries: num(env, 'CHAOS_MAX_DELIVERIES', 20, 0, 1000),
    minBackoffMs: num(env, 'CHAOS_MIN_BACKOFF_MS', 100, 0, 60_000),
    maxBackoffMs: num(env, 'CHAOS_MAX_BACKOFF_MS', 400, 0, 60_000),
    drainSeconds: num(env, 'CHAOS_DRAIN_SECONDS', 60, 5, 3600),
    keep: flag(env, 'CHAOS_KEEP'),
  };
}

/** The whole test's budget: load, drain, and room for starting and stopping everything. */
export const chaosTimeoutMs = (o: ChaosOptions) => (o.seconds + o.drainSeconds + 150) * 1000;

/**
 * The cluster chaos (cluster.chaos.ts): the shared knobs above (seed, processes, lease, policy,
 * drain), and its own, since it runs twice (without and with WAIT) in CI's budget.
 */
export interface ClusterChaosOptions extends ChaosOptions {
  /** CHAOS_CLUSTER_SECONDS: load per run (default 30). */
  readonly seconds: number;
  /** CHAOS_CLUSTER_CONSUMER_KILLS: consumer SIGKILLs per run (default 3). */
  readonly consumerKills: number;
  /** CHAOS_CLUSTER_STREAMS: streams spread over the 3 masters (default 6, each with its group and `<stream>:dlq`). */
  readonly streams: number;
  /** CHAOS_CLUSTER_STALL_MS: how long the killed master's replica lags before the kill (0: not at all). */
  readonly stallMs: number;
  /** CHAOS_LEASE_MARGIN_MS: tolerance of the leased-twice check (lib/leases.ts). */
  readonly leaseMarginMs: number;
  /** CHAOS_STRICT_WAKE=1: a waiting pull on the failed-over stream that does not wake fails the run too (default: reported). */
  readonly strictWake: boolean;
}

export function clusterChaosOptions(env: NodeJS.ProcessEnv = process.env): ClusterChaosOptions {
  const seconds = num(env, 'CHAOS_CLUSTER_SECONDS', 30, 15, 3600);
  return {
    ...chaosOptions(env),
    seconds,
    consumerKills: num(env, 'CHAOS_CLUSTER_CONSUMER_KILLS', 3, 0, 10_000),
    drainSeconds: num(env, 'CHAOS_DRAIN_SECONDS', 45, 5, 3600),
    streams: num(env, 'CHAOS_CLUSTER_STREAMS', 6, 3, 60),
    stallMs: num(env, 'CHAOS_CLUSTER_STALL_MS', 300, 0, 800),
    leaseMarginMs: num(env, 'CHAOS_LEASE_MARGIN_MS', 500, 0, 60_000),
    strictWake: flag(env, 'CHAOS_STRICT_WAKE'),
  };
}

/** One run's budget (the cluster chaos has two). */
export const clusterRunTimeoutMs = (o: ClusterChaosOptions) => (o.seconds + o.drainSeconds + 120) * 1000;
