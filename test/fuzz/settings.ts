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
