import type { Backend } from '../redis/backend.js';
import type { Config } from '../runtime/config.js';
import { entryId, rangeBound } from '../contract/ids.js';
import { LimitChecks, nonNegativeInt } from '../contract/limits.js';
import { arr, countedEntries, int, str, strOrNull } from '../redis/reply.js';
import type { Message, PendingEntry, PendingSummary } from '../contract/types.js';

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

export type ClaimResult = { readonly messages: Message[] } | { readonly ids: string[] };

export interface AutoClaimResult {
  readonly next: string;
  readonly claimed: ClaimResult;
  readonly deletedIds: string[];
}

/** Pending inspection and explicit claims: exactly what Redis does, no lease rules. */
export class PendingService {
  private readonly check: LimitChecks;

  constructor(
    private readonly backend: Backend,
    config: Config,
  ) {
    this.check = new LimitChecks(config.limits);
  }

  async summary(stream: string, group: string): Promise<PendingSummary> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    const raw = await this.backend.call(stream, () => this.backend.redis.call('XPENDING', stream, group));
    const [count, minId, maxId, consumers] = arr(raw);
    return {
      count: int(count),
      minId: strOrNull(minId),
      maxId: strOrNull(maxId),
      consumers: consumers ? arr(consumers).map((c) => ({ name: str(arr(c)[0]), count: int(arr(c)[1]) })) : [],
    };
  }

  async entries(stream: string, group: string, q: PendingQuery): Promise<PendingEntry[]> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    if (q.consumer !== undefined) this.backend.names.consumer(q.consumer);
    const args: (string | number)[] = [];
    if (q.minIdleMs !== undefined) args.push('IDLE', nonNegativeInt(q.minIdleMs, 'minIdleMs'));
    args.push(rangeBound(q.start, 'start'), rangeBound(q.end, 'end'), this.check.count(q.count));
    if (q.consumer !== undefined) args.push(q.consumer);
    const raw = await this.backend.call(stream, () => this.backend.redis.call('XPENDING', stream, group, ...args));
    return arr(raw).map((e) => {
      const [id, consumer, idle, deliveries] = arr(e);
      return { id: str(id), consumer: str(consumer), idleMs: int(idle), deliveryCount: int(deliveries) };
    });
  }

  async claim(stream: string, group: string, input: ClaimInput): Promise<ClaimResult> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    this.backend.names.consumer(input.consumer);
    const ids = this.check.ids(input.ids);
    const args: (string | number)[] = [input.consumer, nonNegativeInt(input.minIdleMs, 'minIdleMs'), ...ids];
    if (input.idleMs !== undefined) args.push('IDLE', nonNegativeInt(input.idleMs, 'idleMs'));
    if (input.timeMs !== undefined) args.push('TIME', nonNegativeInt(input.timeMs, 'timeMs'));
    if (input.retryCount !== undefined) args.push('RETRYCOUNT', nonNegativeInt(input.retryCount, 'retryCount'));
    if (input.force) args.push('FORCE');
    if (input.justId) args.push('JUSTID');
    const reply = await this.backend.call(stream, () =>
      this.backend.scripts.runBuffer('claim', [stream], [group, input.justId ? '1' : '0', ...args]),
    );
    return input.justId ? { ids: arr(reply).map(str) } : { messages: countedEntries(reply) };
  }

  async autoclaim(stream: string, group: string, input: AutoClaimInput): Promise<AutoClaimResult> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    this.backend.names.consumer(input.consumer);
    const start = entryId(input.start, 'start');
    const reply = await this.backend.call(stream, () =>
      this.backend.scripts.runBuffer(
        'autoclaim',
        [stream],
        [
          group,
          input.consumer,
          nonNegativeInt(input.minIdleMs, 'minIdleMs'),
          start,
          this.check.count(input.count),
          input.justId ? '1' : '0',
        ],
      ),
    );
    const [next, claimed, deleted] = arr(reply);
    return {
      next: str(next),
      claimed: input.justId ? { ids: arr(claimed).map(str) } : { messages: countedEntries(claimed) },
      deletedIds: arr(deleted).map(str),
    };
  }
}
