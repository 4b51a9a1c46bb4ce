import type { Random } from './random.js';

/** The faults of a run, drawn from the seed before the load starts, in time order. */
export type ChaosEvent =
  | { readonly atMs: number; readonly kind: 'kill-consumer'; readonly downMs: number }
  | { readonly atMs: number; readonly kind: 'kill-gateway'; readonly gateway: number; readonly downMs: number }
  | { readonly atMs: number; readonly kind: 'restart-redis'; readonly downMs: number };

/**
 * Consumer kills anywhere in the load (which consumer is drawn when the kill happens, among
 * those running); one gateway SIGKILL in the first half and one Redis restart in the second,
 * so that each outage's recovery can be told apart in the logs; the load runs on for at
 * least a fifth of the time after the last infrastructure fault.
 */
export function chaosSchedule(random: Random, seconds: number, consumerKills: number): ChaosEvent[] {
  const ms = seconds * 1000;
  const between = (lo: number, hi: number) => Math.round(lo + random.next() * (hi - lo));
  const events: ChaosEvent[] = [];
  for (let i = 0; i < consumerKills; i++) {
    events.push({ atMs: between(2000, ms - 3000), kind: 'kill-consumer', downMs: between(100, 1500) });
  }
  events.push({ atMs: between(0.2 * ms, 0.4 * ms), kind: 'kill-gateway', gateway: random.int(0, 1), downMs: between(500, 2000) });
  events.push({ atMs: between(0.55 * ms, 0.75 * ms), kind: 'restart-redis', downMs: between(1000, 3000) });
  return events.sort((a, b) => a.atMs - b.atMs);
}
