import type { Fence } from './access/fence.js';
import type { Backend } from '../redis/backend.js';
import type { CoreConfig } from './config.js';
import { entryId, rangeBound } from '../contract/ids.js';
import { LimitChecks, nonNegativeInt } from '../contract/limits.js';
import type { AutoClaimReply, ClaimReply } from '../redis/scripts.js';
import type { PendingEntry, PendingSummary } from '../contract/types.js';

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

/** The claimed messages, or only their IDs with justId. */
export type ClaimResult = ClaimReply;

export type AutoClaimResult = AutoClaimReply;

/** Pending inspection and explicit claims: exactly what Redis does, no lease rules. */
export class PendingService {
  private readonly check: LimitChecks;

  constructor(
    private readonly backend: Backend,
    private readonly fence: Fence,
    config: CoreConfig,
  ) {
    this.check = new LimitChecks(config.limits);
  }

  async summary(stream: string, group: string): Promise<PendingSummary> {
    this.fence.check(stream);
    this.fence.names.group(group);
    return this.backend.commands.pendingSummary(stream, group);
  }

  async entries(stream: string, group: string, q: PendingQuery): Promise<PendingEntry[]> {
    this.fence.check(stream);
    this.fence.names.group(group);
    if (q.consumer !== undefined) this.fence.names.consumer(q.consumer);
    const minIdleMs = q.minIdleMs === undefined ? undefined : nonNegativeInt(q.minIdleMs, 'minIdleMs');
    const start = rangeBound(q.start, 'start');
    const end = rangeBound(q.end, 'end');
    const count = this.check.count(q.count);
    return this.backend.commands.pendingEntries(stream, group, { minIdleMs, start, end, count, consumer: q.consumer });
  }

  async claim(stream: string, group: string, input: ClaimInput): Promise<ClaimResult> {
    this.fence.check(stream);
    this.fence.names.group(group);
    this.fence.names.consumer(input.consumer);
    const ids = this.check.ids(input.ids);
    const minIdleMs = nonNegativeInt(input.minIdleMs, 'minIdleMs');
    const optional = (value: number | undefined, path: string) => (value === undefined ? undefined : nonNegativeInt(value, path));
    return this.backend.scripts.claim(stream, group, input.consumer, minIdleMs, ids, {
      idleMs: optional(input.idleMs, 'idleMs'),
      timeMs: optional(input.timeMs, 'timeMs'),
      retryCount: optional(input.retryCount, 'retryCount'),
      force: input.force,
      justId: input.justId,
    });
  }

  async autoclaim(stream: string, group: string, input: AutoClaimInput): Promise<AutoClaimResult> {
    this.fence.check(stream);
    this.fence.names.group(group);
    this.fence.names.consumer(input.consumer);
    const start = entryId(input.start, 'start');
    return this.backend.scripts.autoclaim(stream, group, input.consumer, {
      minIdleMs: nonNegativeInt(input.minIdleMs, 'minIdleMs'),
      start,
      count: this.check.count(input.count),
      justId: Boolean(input.justId),
    });
  }
}
