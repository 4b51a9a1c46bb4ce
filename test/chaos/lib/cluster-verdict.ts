import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { keySlot } from '../../../src/redis/keys.js';
import type { Failover, SlotMove } from './cluster-faults.js';
import { type DoubleLease, describeDoubleLease } from './leases.js';
import { type Ledger, PUBLISHED_PREFIX, type StreamContents, type Verdict, firstOf } from './ledger.js';
import type { DeadLetter } from './redis-checks.js';
import { POISON_REASON, isPoison } from './worker-config.js';

/** What the cluster chaos concludes from the records and from Redis, per run. */

/** msgId → stream, from the producers' records (`<msgId> <entryId> <stream>`). */
export function publishedStreams(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(PUBLISHED_PREFIX)) continue;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const [msgId, , stream] = line.split(' ');
      if (msgId && stream) out.set(msgId, stream);
    }
  }
  return out;
}

export interface ClusterFacts {
  readonly ledger: Ledger;
  readonly verdict: Verdict;
  readonly streamOf: ReadonlyMap<string, string>;
  /** Every stream's contents, merged (message ids are unique across streams). */
  readonly contents: StreamContents;
  /** Every dead-letter stream's entries, with the stream they were found in. */
  readonly dead: readonly (DeadLetter & { readonly dlq: string })[];
  readonly doubleLeases: readonly DoubleLease[];
  readonly failover: Failover | null;
  /** Slots the killed master served when it was killed. */
  readonly killedSlots: ReadonlySet<number>;
}

export interface ClusterVerdict {
  /** Published with success and nowhere: not processed, not in its stream, not dead-lettered. */
  readonly lost: string[];
  /** Published with success, never processed, yet still somewhere: the gateway's fault, never Redis's. */
  readonly unprocessed: string[];
  /** Processed, but gone from the stream at the end (a failover lost the entry after its delivery). */
  readonly goneAfterProcessing: string[];
  /** Leased twice while the stream's master was failing over (its pull state not replicated). */
  readonly leasedTwiceInFailover: readonly DoubleLease[];
  /** Leased twice otherwise: never allowed. */
  readonly leasedTwice: readonly DoubleLease[];
  /** Dead letters that are not terminated poison messages of the group. */
  readonly wrongDeadLetters: string[];
  /** Poison messages dead-lettered more than once (a crash between the two steps, or a lost XACK). */
  readonly deadLetteredTwice: number;
  /** Poison messages processed (terminated) but in no dead-letter stream; split by whether a failover can explain it. */
  readonly deadLettersLostInFailover: string[];
  readonly deadLettersLost: string[];
}

export function judgeCluster(f: ClusterFacts, group: string): ClusterVerdict {
  const inDlq = new Map<string, number>();
  const wrongDeadLetters: string[] = [];
  for (const d of f.dead) {
    inDlq.set(d.msgId, (inDlq.get(d.msgId) ?? 0) + 1);
    const stream = f.streamOf.get(d.msgId);
    if (!isPoison(d.msgId) || d.reason !== POISON_REASON || d.group !== group || (stream !== undefined && d.dlq !== `${stream}:dlq`)) {
      wrongDeadLetters.push(`${d.dlq} ${d.entryId} (${d.msgId}, x-reason ${d.reason}, x-group ${d.group})`);
    }
  }
  const lost: string[] = [];
  const unprocessed: string[] = [];
  const goneAfterProcessing: string[] = [];
  for (const msgId of f.ledger.published.keys()) {
    const somewhere = f.contents.has(msgId) || inDlq.has(msgId);
    if (!f.ledger.processed.has(msgId)) (somewhere ? unprocessed : lost).push(msgId);
    else if (!f.contents.has(msgId)) goneAfterProcessing.push(msgId);
  }
  const onKilled = (stream: string) => f.killedSlots.has(keySlot(stream));
  const inFailover = (d: DoubleLease) =>
    f.failover !== null && onKilled(d.first.stream) && d.first.at <= f.failover.killedAt + f.failover.promotionMs && d.second.at >= f.failover.killedAt - f.failover.stallMs;
  const deadLettersLost: string[] = [];
  const deadLettersLostInFailover: string[] = [];
  for (const msgId of f.ledger.published.keys()) {
    if (!isPoison(msgId) || !f.ledger.processed.has(msgId) || inDlq.has(msgId)) continue;
    const stream = f.streamOf.get(msgId) ?? '?';
    (onKilled(`${stream}:dlq`) || onKilled(stream) ? deadLettersLostInFailover : deadLettersLost).push(msgId);
  }
  return {
    lost: lost.sort(),
    unprocessed: unprocessed.sort(),
    goneAfterProcessing: goneAfterProcessing.sort(),
    leasedTwiceInFailover: f.doubleLeases.filter(inFailover),
    leasedTwice: f.doubleLeases.filter((d) => !inFailover(d)),
    wrongDeadLetters,
    deadLetteredTwice: [...inDlq.values()].filter((n) => n > 1).length,
    deadLettersLostInFailover: deadLettersLostInFailover.sort(),
    deadLettersLost: deadLettersLost.sort(),
  };
}

/** What must hold in every run (with WAIT: also nothing lost). */
export function clusterFailures(f: ClusterFacts, v: ClusterVerdict, waitReplicas: number): string[] {
  const out: string[] = [];
  if (waitReplicas > 0 && v.lost.length > 0) out.push(`LOST with WAIT ${waitReplicas} (acknowledged, then nowhere) ${firstOf(v.lost)}`);
  if (waitReplicas > 0 && v.goneAfterProcessing.length > 0) out.push(`acknowledged with WAIT ${waitReplicas}, then gone from the stream ${firstOf(v.goneAfterProcessing)}`);
  if (v.unprocessed.length > 0) out.push(`published with success, in Redis, never processed ${firstOf(v.unprocessed)}`);
  if (v.leasedTwice.length > 0) out.push(`LEASED TWICE ${firstOf(v.leasedTwice.map(describeDoubleLease), 10)}`);
  if (v.wrongDeadLetters.length > 0) out.push(`dead letters that are not terminated poison messages ${firstOf(v.wrongDeadLetters)}`);
  if (v.deadLettersLost.length > 0) out.push(`poison messages terminated but in no dead-letter stream (no failover explains it) ${firstOf(v.deadLettersLost)}`);
  if (f.verdict.writtenTwice.length > 0) out.push(`written more than once despite the Idempotency-Key ${firstOf(f.verdict.writtenTwice)}`);
  if (f.verdict.wrongEntryId.length > 0) out.push(`a publish reported another entry id than the stream holds ${firstOf(f.verdict.wrongEntryId)}`);
  if (f.ledger.publishedTwice.length > 0) out.push(`a producer recorded an id twice ${firstOf(f.ledger.publishedTwice)}`);
  if (f.ledger.unreadable.length > 0) out.push(`processed entries without a chaos id ${firstOf(f.ledger.unreadable)}`);
  if (f.ledger.published.size === 0) out.push('nothing was published');
  if (![...f.ledger.published.keys()].some(isPoison)) out.push('no poison message was published');
  return out;
}

export interface RunFigures {
  readonly label: string;
  readonly seed: number;
  readonly loadSeconds: number;
  readonly published: number;
  readonly processedUnique: number;
  readonly deliveries: number;
  readonly duplicates: number;
  readonly moves: readonly SlotMove[];
  readonly consumerKills: number;
  readonly masterKills: number;
  readonly promotions: number;
  readonly failover: Failover | null;
  readonly lost: number;
  readonly goneAfterProcessing: number;
  readonly leasedTwice: number;
  readonly leasedTwiceInFailover: number;
  readonly deadLettered: number;
  readonly deadLetteredTwice: number;
  readonly deadLettersLostInFailover: number;
  readonly pendingAtEnd: number;
  readonly drainMs: number;
  readonly streams: string;
  /** How soon a waiting pull woke for a new message, per stream and gateway, after the load. */
  readonly wakes: string;
  readonly retries: string;
  readonly gatewayLog: string;
  readonly runDir: string;
}

const pct = (n: number, of: number) => (of === 0 ? '0.00' : ((100 * n) / of).toFixed(2));

export function clusterSummary(r: RunFigures): string {
  const rows: [string, string][] = [
    ['run', r.label],
    ['seed', `${r.seed} (CHAOS_SEED=${r.seed} replays this schedule)`],
    ['load', `${r.loadSeconds.toFixed(1)} s over ${r.streams}`],
    ['published (success)', `${r.published}`],
    ['processed (unique)', `${r.processedUnique}`],
    ['deliveries processed', `${r.deliveries}; duplicates ${r.duplicates} (${pct(r.duplicates, r.processedUnique)} %)`],
    [
      'moves',
      r.moves.length === 0
        ? '0'
        : r.moves.map((m) => `slot ${m.slot} ${m.from} → ${m.to}: ${m.keys} keys moved in ${m.ms} ms, ${m.pendingBefore} pending on its stream`).join('; '),
    ],
    ['consumer SIGKILLs', `${r.consumerKills}`],
    ['master SIGKILLs', `${r.masterKills}`],
    [
      'promotions',
      r.failover
        ? `${r.promotions}: ${r.failover.killed} → ${r.failover.promoted} in ${r.failover.promotionMs} ms (replica lagging ${r.failover.stallMs} ms before the kill); killed node back as a replica ${r.failover.rejoinMs} ms after its restart`
        : `${r.promotions}`,
    ],
    ['LOST (acknowledged, nowhere)', `${r.lost}`],
    ['acknowledged, then gone', `${r.goneAfterProcessing} more acknowledged publishes gone from Redis, processed before the failover lost their entry`],
    ['leased twice', `${r.leasedTwice}; while the master failed over: ${r.leasedTwiceInFailover}`],
    ['dead-lettered', `${r.deadLettered} entries; ${r.deadLetteredTwice} messages twice; ${r.deadLettersLostInFailover} terminated ones lost by the failover`],
    ['pending at the end', `${r.pendingAtEnd}`],
    ['waiting pull wakes', r.wakes],
    ['drain', `${(r.drainMs / 1000).toFixed(1)} s`],
    ['retries', r.retries],
    ['gateway log', r.gatewayLog],
    ['run directory', r.runDir],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['', '=== cluster chaos summary ===', ...rows.map(([k, v]) => `  ${k.padEnd(width)} : ${v}`), '=== end of cluster chaos summary ===', ''].join('\n');
}

/** The figures of every run side by side (printed once both have run). */
export function clusterFigures(runs: readonly RunFigures[]): string {
  const head = 'run                 published processed duplicates    moves(slots/keys) kills(consumer/master) promotions lost(+gone) leased-twice dead-lettered';
  const lines = runs.map(
    (r) =>
      `${r.label.padEnd(19)} ${String(r.published).padStart(9)} ${String(r.processedUnique).padStart(9)} ` +
      `${`${r.duplicates} (${pct(r.duplicates, r.processedUnique)} %)`.padStart(14)} ` +
      `${`${r.moves.length}/${r.moves.reduce((n, m) => n + m.keys, 0)}`.padStart(20)} ` +
      `${`${r.consumerKills}/${r.masterKills}`.padStart(22)} ${String(r.promotions).padStart(10)} ${`${r.lost} (+${r.goneAfterProcessing})`.padStart(11)} ` +
      `${`${r.leasedTwice}+${r.leasedTwiceInFailover}`.padStart(12)} ${String(r.deadLettered).padStart(13)}`,
  );
  return ['', '=== cluster chaos figures ===', head, ...lines, '(lost: acknowledged and nowhere; +gone: acknowledged, processed, then gone from Redis; leased-twice: outside + during the failover)', '=== end of cluster chaos figures ===', ''].join('\n');
}
