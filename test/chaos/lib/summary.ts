import type { ChaosOptions } from './options.js';
import type { Ledger, Verdict } from './ledger.js';
import type { GroupState } from './redis-checks.js';
import type { WorkerStats } from './worker-config.js';

/** Everything the run measured, for the summary block. */
export interface RunFacts {
  readonly options: ChaosOptions;
  readonly loadSeconds: number;
  readonly publishedBy: Record<'rest' | 'grpc' | 'probe', number>;
  readonly streamEntries: number;
  readonly consumerKills: Record<'rest' | 'grpc', number>;
  /** Kills that hit a process holding processed, unacked messages. */
  readonly killedMidBatch: number;
  /** Messages recorded as processed and not (yet) confirmed acked by the killed processes. */
  readonly unackedAtKills: number;
  readonly gatewayRestarts: string[];
  readonly redisRestarts: string[];
  readonly publishedAfterRedis: number | null;
  readonly drainMs: number;
  /** One line per gateway: how fast a waiting pull woke after the load (watcher alive). */
  readonly wakeProbes: readonly string[];
  readonly endState: GroupState | null;
  readonly pendingAtEnd: number;
  readonly deadLetters: number;
  readonly stats: readonly WorkerStats[];
  readonly gatewayLogLines: string;
  readonly runDir: string;
}

const pct = (n: number, of: number) => (of === 0 ? '0.00' : ((100 * n) / of).toFixed(2));

function sumRetries(stats: readonly WorkerStats[]): string {
  const all: Record<string, number> = {};
  for (const s of stats) for (const [k, v] of Object.entries(s.retries)) all[k] = (all[k] ?? 0) + v;
  const entries = Object.entries(all).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

export function summary(f: RunFacts, ledger: Ledger, verdict: Verdict): string {
  const producers = f.stats.filter((s) => s.role === 'producer');
  const consumers = f.stats.filter((s) => s.role === 'consumer');
  const published = ledger.published.size;
  const unique = ledger.processed.size;
  const rows: [string, string][] = [
    ['seed', `${f.options.seed} (CHAOS_SEED=${f.options.seed} replays this schedule)`],
    ['load', `${f.loadSeconds.toFixed(1)} s; lease ${f.options.leaseMs} ms, maxDeliveries ${f.options.maxDeliveries}`],
    [
      'published (success)',
      `${published} (REST ${f.publishedBy.rest}, gRPC ${f.publishedBy.grpc}, wake probes ${f.publishedBy.probe}) in ${producers.reduce((n, s) => n + s.calls, 0)} calls, ` +
        `${producers.reduce((n, s) => n + s.replays, 0)} answered as idempotent replays`,
    ],
    ['entries in the stream', `${f.streamEntries} (${verdict.unconfirmed} never confirmed: batches abandoned at stop)`],
    ['processed (unique)', `${unique}`],
    ['deliveries processed', `${ledger.deliveries}; duplicates ${verdict.duplicates} (${pct(verdict.duplicates, unique)} %), highest deliveryCount ${ledger.maxDeliveryCount}`],
    ['MISSING', `${verdict.missing.length}`],
    ['pending at the end', `${f.pendingAtEnd}${f.endState ? `; lag ${f.endState.lag ?? 'n/a'}, last delivered ${f.endState.lastDeliveredId} / last id ${f.endState.lastGeneratedId}` : ''}`],
    ['dead-letter stream', `${f.deadLetters} entries (the poison messages, terminated)`],
    ['written twice', `${verdict.writtenTwice.length}`],
    [
      'consumer SIGKILLs',
      `${f.consumerKills.rest + f.consumerKills.grpc} (REST ${f.consumerKills.rest}, gRPC ${f.consumerKills.grpc}), ` +
        `${f.killedMidBatch} of them mid-batch; ${f.unackedAtKills} messages processed and not acked in their hands`,
    ],
    ['gateway restarts', f.gatewayRestarts.length === 0 ? '0' : `${f.gatewayRestarts.length}: ${f.gatewayRestarts.join('; ')}`],
    ['Redis restarts', f.redisRestarts.length === 0 ? '0' : `${f.redisRestarts.length}: ${f.redisRestarts.join('; ')}`],
    ['published after Redis', f.publishedAfterRedis === null ? 'n/a' : `${f.publishedAfterRedis} messages`],
    ['waiting pull wakes', f.wakeProbes.join('; ')],
    ['drain', `${(f.drainMs / 1000).toFixed(1)} s`],
    ['producer retries', sumRetries(producers)],
    ['consumer retries', `${sumRetries(consumers)} (processes that stopped gracefully)`],
    ['gateway log', f.gatewayLogLines],
    ['run directory', f.runDir],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['', '=== chaos summary ===', ...rows.map(([k, v]) => `  ${k.padEnd(width)} : ${v}`), '=== end of chaos summary ===', ''].join('\n');
}
