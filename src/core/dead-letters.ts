import type { Fence } from './access/fence.js';
import type { Backend } from '../redis/backend.js';
import type { CoreConfig } from './config.js';
import { invalid } from '../contract/errors.js';
import { entryId, rangeBound } from '../contract/ids.js';
import { LimitChecks, entryBytes, termReason } from '../contract/limits.js';
import type { CoreMetrics } from './metrics.js';
import type { RangeReader } from './range-reader.js';
import type { PolicyStore } from './policy.js';
import type { Message, TermResult } from '../contract/types.js';
import type { TermReply } from '../redis/scripts.js';
import { termResult } from './per-id.js';
import { askDeadLetterType, deadLetterKey, moveHandedBack } from './dead-letter-move.js';

export interface DeadLetterPage {
  readonly messages: Message[];
  /**
   * Pass as `after` to continue; null when the dead-letter stream was read to its end. Set
   * when the listing stopped at `count`, at STREAMGATE_SCAN_LIMIT entries read, or after the
   * dead letter whose bytes reached STREAMGATE_MAX_RESPONSE_BYTES.
   */
  readonly next: string | null;
}

const PAGE = 100;

export interface TermOptions {
  /** Only entries this consumer holds are terminated; the others come back in notOwned. Absent: whoever holds them. */
  readonly consumer?: string;
  /** Written as the dead letter's x-reason; '' or absent: none. */
  readonly reason?: string;
}

/**
 * The dead letters of one group: terminating pending entries (dead-letter now), listing,
 * redriving. A dead-letter stream may be shared by several groups (and streams), so
 * listing shows only entries whose x-group and x-original-stream match.
 */
export class DeadLetterService {
  private readonly check: LimitChecks;

  constructor(
    private readonly backend: Backend,
    private readonly fence: Fence,
    private readonly policies: PolicyStore,
    private readonly config: CoreConfig,
    private readonly ranges: RangeReader,
    private readonly metrics: CoreMetrics,
  ) {
    this.check = new LimitChecks(config.limits);
  }

  /**
   * Terminates pending entries: each is moved to the group's dead-letter stream (whatever
   * maxDeliveries is) with the x-* fields of a dead letter and x-reason, and acked, in one
   * script (in two steps when the dead-letter stream is in another Cluster slot:
   * dead-letter-move.ts). Entries not pending are reported, never invented; one pending but
   * deleted from the stream is acked with nothing to copy (`deleted`).
   */
  async term(stream: string, group: string, ids: readonly string[], o: TermOptions = {}): Promise<TermResult> {
    this.fence.checkGroup(stream, group, o.consumer);
    const exact = this.check.ids(ids);
    const reason = termReason(o.reason ?? '');
    const { policies } = this;
    const run = async (deadLetter: string): Promise<TermReply> => {
      const key = deadLetterKey(this.backend, stream, deadLetter);
      return this.backend.scripts.term(stream, group, key, {
        consumer: o.consumer ?? '',
        reason,
        defaultDeadLetter: policies.defaults(stream).deadLetterStream,
        ids: exact,
        // Another Cluster slot: the dead-letter key's type asked first, as term-4 checks it always.
        deadLetterType: key === null ? await askDeadLetterType(this.backend, deadLetter) : undefined,
      });
    };
    const reply = await policies.withDeadLetter(this.fence, stream, group, 'term', run);
    if (reply.policyUnreadable) policies.unreadable.report(stream, group);
    await moveHandedBack(this.backend, this.fence, stream, group, reply.handedBack);
    const result = termResult(exact, reply.flags);
    if (result.count > 0) this.metrics.terminated.inc(result.count);
    return result;
  }

  async list(stream: string, group: string, q: { count: number; after?: string }): Promise<DeadLetterPage> {
    this.fence.checkGroup(stream, group);
    const count = this.check.count(q.count);
    // `after` = the largest ID would make an interval Redis refuses.
    let start = q.after === undefined ? '-' : rangeBound(`(${entryId(q.after, 'after')}`, 'start', 'after');
    const dlq = await this.deadLetterStreamOf(stream, group);
    const { limits } = this.config;
    const found: Message[] = [];
    let scanned = 0;
    let bytes = 0;
    while (found.length < count && scanned < this.config.scanLimit) {
      // Each page is bounded by the bytes still allowed too (RangeReader), so dead letters
      // of other groups read on the way cost no more than the reply.
      const budget = limits.maxResponseBytes - bytes;
      const page = await this.ranges.read(dlq, { start, end: '+', count: Math.min(PAGE, this.config.scanLimit - scanned), reverse: false, budget });
      for (const m of page.messages) {
        scanned++;
        start = `(${m.id}`;
        if (belongsTo(m, stream, group)) {
          found.push(m);
          bytes += entryBytes(m);
          if (found.length === count || bytes >= limits.maxResponseBytes) return { messages: found, next: m.id };
        }
      }
      if (page.messages.length === 0) return { messages: found, next: null };
    }
    return { messages: found, next: start.slice(1) };
  }

  async redrive(stream: string, group: string, q: { ids?: readonly string[]; count?: number }): Promise<{ redriven: number; ids: string[] }> {
    this.fence.checkGroup(stream, group);
    if (q.ids !== undefined && q.count !== undefined) throw invalid('give ids or count, not both', 'ids');
    const ids = q.ids === undefined ? [] : this.check.ids(q.ids);
    const count = q.count === undefined ? this.config.limits.maxBatch : this.check.count(q.count);
    const dlq = await this.deadLetterStreamOf(stream, group);
    // A redriven x-original-id is remembered as long as an Idempotency-Key's result.
    const keepMs = this.config.idempotencyTtlSec * 1000;
    const added =
      deadLetterKey(this.backend, stream, dlq) === null
        ? await this.redriveAcrossSlots(stream, group, dlq, keepMs, count, ids)
        : await this.backend.scripts.redrive(stream, dlq, group, { scanLimit: this.config.scanLimit, count, keepMs, ids });
    return { redriven: added.length, ids: added };
  }

  /**
   * Redrive when the dead-letter stream is in another Cluster slot: the dead letters are read
   * here, republished in the source's slot (redriveAdd-2, each x-original-id remembered),
   * then deleted: a failure between the two leaves a dead letter whose original is
   * remembered, which the next redrive deletes without republishing. Same choice of dead
   * letters as redrive-3: the `ids` given, else the oldest `count` of the group within
   * STREAMGATE_SCAN_LIMIT read; duplicates are deleted and not counted.
   */
  private async redriveAcrossSlots(stream: string, group: string, dlq: string, keepMs: number, count: number, ids: readonly string[]): Promise<string[]> {
    const { scripts, commands } = this.backend;
    const added: string[] = [];
    const take = async (letters: Message[]): Promise<void> => {
      const results = await scripts.redriveAdd(stream, group, keepMs, letters);
      for (let i = 0; i < letters.length; i++) {
        const r = results[i];
        if (r === null || r === undefined) continue;
        if (r !== '') added.push(r);
        await commands.deleteEntry(dlq, letters[i]!.id);
      }
    };
    if (ids.length > 0) {
      const letters: Message[] = [];
      for (const id of ids) {
        const [m] = await commands.range(dlq, id, id, 1);
        if (m && belongsTo(m, stream, group)) letters.push(m);
      }
      if (letters.length > 0) await take(letters);
      return added;
    }
    let start = '-';
    let scanned = 0;
    while (added.length < count && scanned < this.config.scanLimit) {
      const page = await commands.range(dlq, start, '+', Math.min(PAGE, this.config.scanLimit - scanned));
      if (page.length === 0) break;
      let i = 0;
      while (i < page.length && added.length < count) {
        const chunk: Message[] = [];
        while (i < page.length && chunk.length < count - added.length) {
          const m = page[i++]!;
          if (belongsTo(m, stream, group)) chunk.push(m);
        }
        if (chunk.length > 0) await take(chunk);
      }
      scanned += i;
      start = `(${page[i - 1]!.id}`;
    }
    return added;
  }

  /** The group's dead-letter stream, once the group is known to exist; refused outside the fence. */
  private async deadLetterStreamOf(stream: string, group: string): Promise<string> {
    await this.backend.assertGroup(stream, group);
    const dlq = (await this.policies.get(stream, group)).deadLetterStream;
    this.fence.assert(dlq, 'deadLetterStream');
    return dlq;
  }
}

function belongsTo(m: Message, stream: string, group: string): boolean {
  if (!m.pairs) return false;
  let g: string | undefined;
  let s: string | undefined;
  for (const [name, value] of m.pairs) {
    if (name === 'x-group') g = value.toString('utf8');
    else if (name === 'x-original-stream') s = value.toString('utf8');
  }
  return g === group && s === stream;
}

