import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeadLetter } from './redis-checks.js';
import { POISON_REASON, isPoison } from './worker-config.js';

/**
 * What the records say happened, and what it means. Producers' files list the messages
 * whose publish returned success (`<msgId> <entryId>`); consumers' files (one per process
 * incarnation) list every message processed (`P ...`, written before its ack) and every ack
 * confirmed (`A n`).
 */

export const PUBLISHED_PREFIX = 'published-';
export const PROCESSED_PREFIX = 'processed-';

export interface Incarnation {
  readonly file: string;
  /** Messages recorded as processed by this process. */
  readonly processed: number;
  /** Acks the gateway confirmed to it. */
  readonly acked: number;
}

export interface Ledger {
  /** msgId → entry id the publish returned. */
  readonly published: Map<string, string>;
  /** Message ids a producer recorded twice (must not happen: ids are unique per producer). */
  readonly publishedTwice: string[];
  /** msgId → times processed. */
  readonly processed: Map<string, number>;
  /** Entries processed whose `id` field was missing or not a chaos id. */
  readonly unreadable: string[];
  readonly deliveries: number;
  readonly maxDeliveryCount: number;
  readonly incarnations: Map<string, Incarnation>;
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);

export function readLedger(dir: string): Ledger {
  const published = new Map<string, string>();
  const publishedTwice: string[] = [];
  const processed = new Map<string, number>();
  const unreadable: string[] = [];
  const incarnations = new Map<string, Incarnation>();
  let deliveries = 0;
  let maxDeliveryCount = 0;

  for (const file of readdirSync(dir).sort()) {
    if (file.startsWith(PUBLISHED_PREFIX)) {
      for (const line of lines(join(dir, file))) {
        const [msgId, entryId] = line.split(' ');
        if (!msgId || !entryId) continue;
        if (published.has(msgId)) publishedTwice.push(msgId);
        published.set(msgId, entryId);
      }
    } else if (file.startsWith(PROCESSED_PREFIX)) {
      let n = 0;
      let acked = 0;
      for (const line of lines(join(dir, file))) {
        const parts = line.split(' ');
        if (parts[0] === 'A') {
          acked += Number(parts[1] ?? 0);
          continue;
        }
        if (parts[0] !== 'P') continue;
        const [, msgId, entryId, count] = parts;
        if (!msgId || !entryId) continue;
        n++;
        deliveries++;
        maxDeliveryCount = Math.max(maxDeliveryCount, Number(count ?? 0));
        if (!/^[a-z0-9-]+-\d{6}$/.test(msgId)) unreadable.push(`${entryId} (id field: ${msgId})`);
        processed.set(msgId, (processed.get(msgId) ?? 0) + 1);
      }
      incarnations.set(file, { file, processed: n, acked });
    }
  }
  return { published, publishedTwice, processed, unreadable, deliveries, maxDeliveryCount, incarnations };
}

/** The stream as Redis holds it at the end: chaos msgId → entry ids carrying it. */
export type StreamContents = Map<string, string[]>;

export interface Verdict {
  /** Published with success, never processed. */
  readonly missing: string[];
  /** Published with success but absent from the stream (lost by Redis or never written). */
  readonly notInStream: string[];
  /** Written more than once (an Idempotency-Key retry that was not safe). */
  readonly writtenTwice: string[];
  /** The publish reported an entry id the stream does not hold for that message. */
  readonly wrongEntryId: string[];
  /** In the stream, never reported published: batches abandoned at shutdown with an unknown outcome. */
  readonly unconfirmed: number;
  /** Deliveries beyond the first of each message processed. */
  readonly duplicates: number;
}

export function judge(ledger: Ledger, stream: StreamContents): Verdict {
  const missing: string[] = [];
  const notInStream: string[] = [];
  const wrongEntryId: string[] = [];
  for (const [msgId, entryId] of ledger.published) {
    if (!ledger.processed.has(msgId)) missing.push(msgId);
    const entries = stream.get(msgId);
    if (!entries) notInStream.push(msgId);
    else if (!entries.includes(entryId)) wrongEntryId.push(`${msgId}: publish said ${entryId}, stream has ${entries.join(',')}`);
  }
  const writtenTwice = [...stream].filter(([, ids]) => ids.length > 1).map(([m, ids]) => `${m} (${ids.join(', ')})`);
  const unconfirmed = [...stream.keys()].filter((m) => !ledger.published.has(m)).length;
  return {
    missing: missing.sort(),
    notInStream: notInStream.sort(),
    writtenTwice,
    wrongEntryId,
    unconfirmed,
    duplicates: ledger.deliveries - ledger.processed.size,
  };
}

/** The first `n` of a list and how many there are, for failure messages. */
export function firstOf(items: readonly string[], n = 50): string {
  if (items.length === 0) return '(none)';
  return `${items.length}: ${items.slice(0, n).join(' ')}${items.length > n ? ' ...' : ''}`;
}

/** The verdict's findings, each as a failure message (none: nothing lost, nothing doubled). */
export function verdictFailures(ledger: Ledger, verdict: Verdict): string[] {
  const out: string[] = [];
  if (verdict.missing.length > 0) out.push(`LOST (published with success, never processed) ${firstOf(verdict.missing)}`);
  if (verdict.notInStream.length > 0) out.push(`published with success but not in the stream ${firstOf(verdict.notInStream)}`);
  if (verdict.writtenTwice.length > 0) out.push(`written more than once despite the Idempotency-Key ${firstOf(verdict.writtenTwice)}`);
  if (verdict.wrongEntryId.length > 0) out.push(`a publish reported another entry id than the stream holds ${firstOf(verdict.wrongEntryId)}`);
  if (ledger.publishedTwice.length > 0) out.push(`a producer recorded an id twice ${firstOf(ledger.publishedTwice)}`);
  if (ledger.unreadable.length > 0) out.push(`processed entries without a chaos id ${firstOf(ledger.unreadable)}`);
  if (ledger.published.size === 0) out.push('nothing was published');
  return out;
}

/**
 * The dead-letter stream must hold exactly the poison messages published with success, each
 * once, terminated by a consumer (x-reason POISON_REASON, x-group `group`): a poison message
 * is processed and terminated, never lost; nothing else is ever dead-lettered.
 */
export function deadLetterFailures(ledger: Ledger, dead: readonly DeadLetter[], group: string): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  const wrong: string[] = [];
  for (const d of dead) {
    seen.set(d.msgId, (seen.get(d.msgId) ?? 0) + 1);
    if (!isPoison(d.msgId) || d.reason !== POISON_REASON || d.group !== group) wrong.push(`${d.entryId} (${d.msgId}, x-reason ${d.reason}, x-group ${d.group})`);
  }
  const twice = [...seen].filter(([, n]) => n > 1).map(([m, n]) => `${m} ×${n}`);
  const poison = [...ledger.published.keys()].filter(isPoison);
  const absent = poison.filter((m) => !seen.has(m)).sort();
  if (wrong.length > 0) out.push(`dead letters that are not terminated poison messages ${firstOf(wrong)}`);
  if (twice.length > 0) out.push(`poison messages dead-lettered more than once ${firstOf(twice)}`);
  if (absent.length > 0) out.push(`poison messages published with success but not in the dead-letter stream ${firstOf(absent)}`);
  if (poison.length === 0) out.push('no poison message was published');
  return out;
}
