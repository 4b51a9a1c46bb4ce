import type { Backend } from '../redis/backend.js';
import { type Limits, entryBytes } from '../contract/limits.js';
import { LAST_ID } from '../contract/ids.js';
import type { Message } from '../contract/types.js';

/** A range read bounded by bytes: it stops after the entry whose bytes reach `budget`. */
export interface BoundedRange {
  /** Lower and upper bounds, whatever the direction (as XRANGE takes them). */
  readonly start: string;
  readonly end: string;
  readonly count: number;
  readonly reverse: boolean;
  readonly budget: number;
}

export interface BoundedPage {
  readonly messages: Message[];
  /** The budget ended the read before `count` entries: more may follow. */
  readonly cut: boolean;
}

/** Entries the first, plain XRANGE asks for at most: a page of the default size (100) in one round trip. */
const NATIVE_FIRST = 100;
/** How many times the budget the first XRANGE may fetch when every entry is as large as the message limit. */
const FIRST_OVER_BUDGET = 64;
/** Streams whose large entries are remembered (the oldest is forgotten first). */
const REMEMBERED = 1024;

/**
 * Range reads (XRANGE / XREVRANGE) that stop after the entry whose bytes (ID, field names,
 * values) reach a budget, so a huge count over big entries never brings them all into the
 * gateway. Two steps, the second only when needed:
 *
 * 1. A plain XRANGE of at most NATIVE_FIRST entries (fewer when the budget holds fewer
 *    entries of the message size limit × FIRST_OVER_BUDGET, or of the largest entry this
 *    stream was last seen with). The common read, a page of small entries, is this one
 *    round trip, as cheap for Redis as before (a Lua script copying entries costs Redis
 *    about 9 times an XRANGE).
 * 2. When that page did not reach the budget nor `count`, the rest is read by range-1.lua,
 *    which reads in chunks sized by the largest entry seen and stops at the budget in Redis.
 *
 * Step 1 is the only one that may fetch more than the reply holds: at most NATIVE_FIRST
 * entries, once per stream (a stream seen with large entries is read with a first page
 * that fits the budget).
 */
export class RangeReader {
  /** Largest entry of a stream's last read, for the streams whose entries are large. */
  private readonly largest = new Map<string, number>();

  constructor(
    private readonly backend: Backend,
    private readonly limits: Pick<Limits, 'maxMessageBytes'>,
  ) {}

  async read(stream: string, q: BoundedRange): Promise<BoundedPage> {
    const first = this.firstChunk(stream, q.count, q.budget);
    const page = await this.backend.commands.range(stream, q.start, q.end, first, q.reverse);
    let total = 0;
    let largest = 0;
    for (let i = 0; i < page.length; i++) {
      const size = entryBytes(page[i]!);
      total += size;
      if (size > largest) largest = size;
      if (total >= q.budget) {
        this.remember(stream, largest, q.budget);
        const whole = i + 1 === page.length;
        // The last entry of a short page is the last of the range: nothing more to say.
        return { messages: whole ? page : page.slice(0, i + 1), cut: i + 1 < q.count && !(whole && page.length < first) };
      }
    }
    const last = page.at(-1)?.id;
    // Read to the end of the range, or as many as asked, or nothing can follow.
    if (last === undefined || page.length < first || page.length === q.count || (!q.reverse && last === LAST_ID)) {
      this.remember(stream, largest, q.budget);
      return { messages: page, cut: false };
    }
    const left = q.budget - total;
    const rest = await this.backend.scripts.range(stream, {
      start: q.reverse ? q.start : `(${last}`,
      end: q.reverse ? `(${last}` : q.end,
      count: q.count - page.length,
      reverse: q.reverse,
      budget: left,
      firstChunk: Math.max(1, Math.floor(left / Math.max(1, largest))),
    });
    for (const m of rest.messages) largest = Math.max(largest, entryBytes(m));
    this.remember(stream, largest, q.budget);
    return { messages: rest.messages.length === 0 ? page : page.concat(rest.messages), cut: rest.cut };
  }

  private firstChunk(stream: string, count: number, budget: number): number {
    const bySizeLimit = Math.max(1, Math.floor((budget * FIRST_OVER_BUDGET) / this.limits.maxMessageBytes));
    const seen = this.largest.get(stream);
    const bySeen = seen === undefined ? NATIVE_FIRST : Math.max(1, Math.floor(budget / seen));
    return Math.min(count, NATIVE_FIRST, bySizeLimit, bySeen);
  }

  /**
   * Keeps the largest entry of a read (its plain page and what range-1.lua added) for a
   * stream whose first page of NATIVE_FIRST such entries would not fit the budget; forgets
   * the others.
   */
  private remember(stream: string, largest: number, budget: number): void {
    if (largest * NATIVE_FIRST <= budget) {
      this.largest.delete(stream);
      return;
    }
    this.largest.delete(stream);
    if (this.largest.size >= REMEMBERED) this.largest.delete(this.largest.keys().next().value!);
    this.largest.set(stream, largest);
  }
}
