import type { Fence } from './access/fence.js';
import type { Backend } from '../redis/backend.js';
import type { CoreConfig } from './config.js';
import { entryId, nextAfter, rangeBound } from '../contract/ids.js';
import { LimitChecks, nonNegativeInt } from '../contract/limits.js';
import type { AutoClaimReply, ClaimReply } from '../redis/scripts.js';
import type { PendingEntry, PendingSummary } from '../contract/types.js';

/** The claimed messages, or only their IDs with justId. */
export type { Claimed } from '../redis/scripts.js';

export interface PendingQuery {
  readonly start: string;
  readonly end: string;
  readonly count: number;
  readonly consumer?: string;
  readonly minIdleMs?: number;
}

export interface ClaimInput {
  readonly consumer: string;
  readonly minIdleMs: number;
  readonly ids: readonly string[];
  readonly idleMs?: number;
  readonly timeMs?: number;
  readonly retryCount?: number;
  readonly force?: boolean;
  readonly justId?: boolean;
}

export interface AutoClaimInput {
  readonly consumer: string;
  readonly minIdleMs: number;
  readonly start: string;
  readonly count: number;
  readonly justId?: boolean;
}

/**
 * The claimed messages, or only their IDs with justId; `untried`: the IDs of the request not
 * tried because the reply reached STREAMGATE_MAX_RESPONSE_BYTES (claim them in another call).
 */
export type ClaimResult = ClaimReply;

/** A page of pending entries. */
export interface PendingPage {
  readonly entries: PendingEntry[];
  /**
   * The last ID returned when the listing stopped at `count` or at STREAMGATE_MAX_RESPONSE_BYTES
   * (continue with `start` = `(<next>`); null when the range has nothing more.
   */
  readonly next: string | null;
}

/** Bytes a pending entry counts against the budget: its ID, its consumer, and 16 for its two numbers. */
const pendingEntryBytes = (e: PendingEntry): number => e.id.length + Buffer.byteLength(e.consumer, 'utf8') + 16;

export type AutoClaimResult = AutoClaimReply;

/**
 * Pending inspection and explicit claims: exactly what Redis does, no lease rules; each reply
 * stops at STREAMGATE_MAX_RESPONSE_BYTES and says where to continue.
 */
export class PendingService {
  private readonly check: LimitChecks;
  /** STREAMGATE_MAX_RESPONSE_BYTES: listings and claims stop after the entry that reaches it. */
  private readonly budget: number;

  constructor(
    private readonly backend: Backend,
    private readonly fence: Fence,
    config: CoreConfig,
  ) {
    this.check = new LimitChecks(config.limits);
    this.budget = config.limits.maxResponseBytes;
  }

  async summary(stream: string, group: string): Promise<PendingSummary> {
    this.fence.checkGroup(stream, group);
    return this.backend.commands.pendingSummary(stream, group);
  }

  /**
   * XPENDING's extended form, stopping after `count` entries or after the entry whose bytes
   * (ID, consumer name, 16 for the numbers) reach STREAMGATE_MAX_RESPONSE_BYTES. Redis answers
   * at most `count` entries of that size (no message data), so the budget applies here.
   */
  async entries(stream: string, group: string, q: PendingQuery): Promise<PendingPage> {
    this.fence.checkGroup(stream, group, q.consumer);
    const minIdleMs = q.minIdleMs === undefined ? undefined : nonNegativeInt(q.minIdleMs, 'minIdleMs');
    const start = rangeBound(q.start, 'start');
    const end = rangeBound(q.end, 'end');
    const count = this.check.count(q.count);
    const found = await this.backend.commands.pendingEntries(stream, group, { minIdleMs, start, end, count, consumer: q.consumer });
    let bytes = 0;
    let kept = found.length;
    for (let i = 0; i < found.length; i++) {
      bytes += pendingEntryBytes(found[i]!);
      if (bytes >= this.budget && i + 1 < found.length) {
        kept = i + 1;
        break;
      }
    }
    const entries = kept === found.length ? found : found.slice(0, kept);
    return { entries, next: nextAfter(entries.at(-1)?.id, kept < found.length || found.length === count) };
  }

  async claim(stream: string, group: string, input: ClaimInput): Promise<ClaimResult> {
    this.fence.checkGroup(stream, group, input.consumer);
    const ids = this.check.ids(input.ids);
    const minIdleMs = nonNegativeInt(input.minIdleMs, 'minIdleMs');
    const optional = (value: number | undefined, path: string) => (value === undefined ? undefined : nonNegativeInt(value, path));
    const options = {
      idleMs: optional(input.idleMs, 'idleMs'),
      timeMs: optional(input.timeMs, 'timeMs'),
      retryCount: optional(input.retryCount, 'retryCount'),
      force: input.force,
      justId: input.justId,
    };
    return this.backend.scripts.claim(stream, group, input.consumer, minIdleMs, ids, options, this.budget);
  }

  async autoclaim(stream: string, group: string, input: AutoClaimInput): Promise<AutoClaimResult> {
    this.fence.checkGroup(stream, group, input.consumer);
    const start = entryId(input.start, 'start');
    return this.backend.scripts.autoclaim(stream, group, input.consumer, {
      minIdleMs: nonNegativeInt(input.minIdleMs, 'minIdleMs'),
      start,
      count: this.check.count(input.count),
      justId: Boolean(input.justId),
      budget: this.budget,
    });
  }
}
