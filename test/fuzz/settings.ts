import type { Limits } from '../../src/runtime/config.js';

/**
 * Fixed seed and bounded runs, so a fuzz run is repeatable and fits the suite's time budget
 * on a busy 2-core machine. Override to explore: FUZZ_SEED=<n> (fast-check prints the seed
 * and the shrunk counterexample of a failure) and FUZZ_RUNS=<factor> (e.g. 10 for ten times
 * the cases).
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_205);

const factor = Number(process.env.FUZZ_RUNS ?? 1);

export const runs = (base: number): number => Math.max(1, Math.round(base * (Number.isFinite(factor) && factor > 0 ? factor : 1)));

/**
 * Limits small enough that generators reach both sides of each cheaply (a valid pull may
 * wait `STREAMGATE_MAX_WAIT_MS`; a body over the limit must be built and sent).
 */
export const FUZZ_ENV: Record<string, string> = {
  STREAMGATE_MAX_WAIT_MS: '100',
  STREAMGATE_MAX_BODY_BYTES: String(256 * 1024),
  STREAMGATE_MAX_MESSAGE_BYTES: String(64 * 1024),
};

/**
 * The contract's bounds of fields whose schema carries none (REST) or that proto cannot
 * express: integers are generated on both sides of each, by field name on either transport.
 */
export function edgesFor(name: string, limits: Limits): number[] {
  switch (name) {
    case 'count':
      return [limits.maxCount];
    case 'waitMs':
      return [limits.maxWaitMs];
    case 'leaseMs':
    case 'delayMs':
    case 'nackDelayMs':
      return [50, 43_200_000];
    case 'maxDeliveries':
      return [1000];
    case 'maxOutstandingMessages':
      return [1, 1000];
    case 'maxOutstandingBytes':
      return [1, 100 * 1024 * 1024];
    case 'maxLeaseExtensionMs':
      return [1, 600_000];
    case 'timestampMs':
    case 'timeMs':
      return [Date.now()];
    default:
      return [];
  }
}
