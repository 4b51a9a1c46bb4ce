import type { Admission } from './admission.js';
import type { Cancellation } from '../contract/cancel.js';
import type { Fence } from './access/fence.js';
import type { Backend } from '../redis/backend.js';
import type { CoreConfig } from './config.js';
import { Coalescer } from './coalesce.js';
import { BackendUnavailable } from '../contract/errors.js';
import { entryId } from '../contract/ids.js';
import { LimitChecks, nonNegativeInt } from '../contract/limits.js';
import type { CoreMetrics } from './metrics.js';
import { NACK_DELAY_MAX_MS, type PolicyStore } from './policy.js';
import type { Message, PerIdResult } from '../contract/types.js';
import type { StreamWatcher } from '../redis/watcher.js';
import { perId } from './per-id.js';
import { deadLetterKey, moveHandedBack, pullHandingBack } from './dead-letter-move.js';
import type { LeaseWalk, PullReply } from '../redis/scripts.js';
import type { Tracing } from './tracing.js';

export interface PullInput {
  readonly consumer: string;
  readonly count: number;
  readonly waitMs: number;
  /** `>` (default): expired leases, then new messages. `0` or an ID: the consumer's own pending entries. */
  readonly from: string;
  /** New messages are not tracked as pending. No effect on a history read, as XREADGROUP's NOACK has none there. */
  readonly noAck: boolean;
  /**
   * New messages (`from` '>') as PackedMessages (contract/packed-message.ts): fields read
   * from the packed reply, no object per field. For the hot consumers that read them so
   * (PullSession, the REST pull); others get plain objects.
   */
  readonly packed?: boolean;
}

interface PullOnce {
  readonly messages: Message[];
  readonly topId: string;
  readonly leaseMs: number;
  /** Per ID of the acks the read carried. */
  readonly acked: readonly number[];
}

/** The acks a pull carries, and their result once done. */
interface Acks {
  readonly ids: readonly string[];
  result: PerIdResult;
}

const NO_IDS: readonly string[] = [];
const NOOP = (): void => undefined;
/** A pull's messages, the group's lease (0 for history reads) and the acks it carried. */
type Leased = { messages: Message[]; leaseMs: number; acked: PerIdResult };
/** Streams whose message size ConsumeService remembers (cleared when full: only an estimate). */
const ENTRY_BYTES_MAX = 10_000;
const NOTHING_ACKED: PerIdResult = { count: 0, notPending: [] };

/**
 * The verbs of at-least-once delivery: pull (with lease reclaim and dead-lettering), ack,
 * nack (release, optionally after a delay) and extend.
 */
export class ConsumeService {
  private readonly check: LimitChecks;
  private readonly leaseWalk: LeaseWalk;
  /**
   * Per stream, bytes per message of its last pull (packed reply ÷ messages): how many new
   * messages the next pull may read at once within STREAMGATE_MAX_RESPONSE_BYTES (one read
   * when they fit; else pull-5.lua reads and measures by chunks).
   */
  private readonly entryBytes = new Map<string, number>();

  constructor(
    private readonly backend: Backend,
    private readonly fence: Fence,
    private readonly policies: PolicyStore,
    private readonly watcher: StreamWatcher,
    private readonly metrics: CoreMetrics,
    config: CoreConfig,
    private readonly admission: Admission,
    /** null: tracing off (nothing per pull). */
    private readonly tracing: Tracing | null = null,
  ) {
    this.check = new LimitChecks(config.limits);
    this.leaseWalk = leaseWalkOf(config);
  }

  /**
   * Hands the consumer up to `count` messages: first those whose lease expired (or that
   * would exceed maxDeliveries: those go to the dead-letter stream instead), then new ones.
   * With `waitMs`, waits for messages to arrive, looking again for expired leases as it
   * waits. A group destroyed, or a stream deleted or turned into another type, while it
   * waits ends the wait with GROUP_NOT_FOUND, STREAM_NOT_FOUND or NOT_A_STREAM (within the
   * watcher's probe interval), as Redis ends a blocked XREADGROUP. If `signal` aborts after messages were leased (the client went away), their
   * leases are released at once so they are redelivered promptly. With `waiter` (the
   * caller's admission key), the time spent waiting counts as one waiting pull of that key:
   * RATE_LIMITED when it has STREAMGATE_MAX_WAITING_PER_KEY already.
   */
  async pull(stream: string, group: string, input: PullInput, signal?: Cancellation, waiter?: string): Promise<Message[]> {
    return (await this.pullLeased(stream, group, input, signal, waiter)).messages;
  }

  /**
   * pull, acking `ack` first (a REST worker acks its previous batch in the same request):
   * every part of the request is checked before anything is done, then the IDs are acked as
   * `ack` does (whoever holds them, a per-ID result) in the same script call as the first
   * read (one round trip), then the pull waits if asked. An error found before anything
   * changed (no group, a dead-letter stream outside the fence...) acks nothing; a pull
   * failing after the acks leaves them done (acks are idempotent: a retry answers them
   * notPending). No acks at all when `ack` is empty.
   */
  async pullAcking(
    stream: string,
    group: string,
    input: PullInput,
    ack: readonly string[],
    signal?: Cancellation,
    waiter?: string,
  ): Promise<{ acked: PerIdResult; messages: Message[] }> {
    const { acked, messages } = await this.pullLeased(stream, group, input, signal, waiter, ack);
    return { acked, messages };
  }

  /**
   * pull (acking `ack` first: pullAcking), also telling the group's lease (0 for history
   * reads), for callers that renew leases. Every delivery passes here (REST pull, gRPC
   * Pull, StreamingPull): with tracing on, messages delivered make a receive span linked to
   * their publish spans (tracing.ts).
   */
  pullLeased(
    stream: string,
    group: string,
    input: PullInput,
    signal?: Cancellation,
    waiter?: string,
    ack: readonly string[] = [],
  ): Promise<Leased> {
    const tracing = this.tracing;
    if (tracing === null) return this.leased(stream, group, input, signal, waiter, ack);
    const startedAt = Date.now();
    return this.leased(stream, group, input, signal, waiter, ack).then((r) => {
      tracing.received(stream, group, r.messages, startedAt);
      return r;
    });
  }

  private leased(stream: string, group: string, input: PullInput, signal: Cancellation | undefined, waiter: string | undefined, ack: readonly string[]): Promise<Leased> {
    let count: number, waitMs: number, from: string, acks: Acks;
    try {
      this.fence.checkGroup(stream, group, input.consumer);
      count = this.check.count(input.count);
      waitMs = this.check.waitMs(input.waitMs);
      from = input.from === '>' ? '>' : entryId(input.from, 'from');
      acks = { ids: ack.length === 0 ? NO_IDS : this.check.ids(ack, 'ack', 0), result: NOTHING_ACKED };
    } catch (err) {
      return Promise.reject(err);
    }
    // Everything checked. New messages with no acks and no waiting-pull slot to hold
    // (StreamingPull's reads): no async frame but the wait's own (10,000 waiting calls).
    if (from === '>' && acks.ids.length === 0 && waiter === undefined) {
      return this.pullOrWait(stream, group, input, count, Date.now() + waitMs, signal, acks, NOOP);
    }
    return this.leasedAcking(stream, group, input, count, waitMs, from, signal, waiter, acks);
  }

  /** Every other pull: acks first (history reads) or with the first read, a waiting-pull slot while it waits. */
  // prettier-ignore
  private async leasedAcking(stream: string, group: string, input: PullInput, count: number, waitMs: number, from: string,
    signal: Cancellation | undefined, waiter: string | undefined, acks: Acks): Promise<Leased> {
    // Taken when the pull first has to wait, held until it answers.
    let releaseSlot: (() => void) | undefined;
    try {
      // History reads ack first, then read; new messages carry the acks in their first
      // read. Either way the acks are done before any wait, so they count at once.
      if (from !== '>') {
        if (acks.ids.length > 0) acks.result = await this.ackExact(stream, group, acks.ids);
        return { messages: await this.history(stream, group, input.consumer, count, from), leaseMs: 0, acked: acks.result };
      }
      return await this.pullOrWait(stream, group, input, count, Date.now() + waitMs, signal, acks, () => {
        if (waiter !== undefined) releaseSlot ??= this.admission.wait(waiter);
      });
    } catch (err) {
      throw acks.result.count > 0 ? acksStand(err) : err;
    } finally {
      releaseSlot?.();
    }
  }

  private async pullOrWait(
    stream: string,
    group: string,
    input: PullInput,
    count: number,
    deadline: number,
    signal: Cancellation | undefined,
    acks: Acks,
    beforeWait: () => void,
  ): Promise<Leased> {
    let woken = false;
    // The acks ride on the first read only.
    let ack = acks.ids;
    for (;;) {
      // A client already gone takes nothing: a read would count a delivery (toward
      // maxDeliveries) for messages no one receives. Its acks are still done.
      if (signal?.aborted) {
        if (ack.length > 0) acks.result = await this.ackExact(stream, group, ack);
        return { messages: [], leaseMs: 0, acked: acks.result };
      }
      const once = await this.pullOnce(stream, group, input.consumer, count, input.noAck, ack, input.packed === true);
      if (ack.length > 0) acks.result = this.countAcks(perId(ack, once.acked));
      ack = NO_IDS;
      if (once.messages.length > 0) {
        // A full batch may have left more behind: the next waiter of the group looks too.
        if (woken && once.messages.length === count) this.watcher.wakeMore(stream, group);
        if (signal?.aborted && !input.noAck && once.leaseMs > 0) {
          await this.release(stream, group, input.consumer, once.messages.map((m) => m.id));
          return { messages: [], leaseMs: once.leaseMs, acked: acks.result };
        }
        return { messages: once.messages, leaseMs: once.leaseMs, acked: acks.result };
      }
      const left = deadline - Date.now();
      if (left <= 0) return { messages: [], leaseMs: once.leaseMs, acked: acks.result };
      beforeWait();
      // Woken and found nothing (another consumer was faster): wait again, keeping our turn.
      const reason = await this.watcher.wait(
        { stream, group, afterId: once.topId, leaseMs: once.leaseMs, timeoutMs: left, front: woken },
        signal,
      );
      if (reason !== 'woken') return { messages: [], leaseMs: once.leaseMs, acked: acks.result };
      woken = true;
    }
  }

  private async pullOnce(
    stream: string,
    group: string,
    consumer: string,
    count: number,
    noAck: boolean,
    ack: readonly string[],
    packed: boolean,
  ): Promise<PullOnce> {
    const defaults = this.policies.defaults(stream);
    const { leaseWalk } = this;
    const { maxResponseBytes: maxBytes, maxMessageBytes } = this.check.limits;
    // Unknown (first pull of the stream here): as large as a message may be.
    const perEntry = this.entryBytes.get(stream) ?? maxMessageBytes;
    const firstChunk = perEntry * count <= maxBytes ? count : Math.max(1, Math.floor(maxBytes / perEntry));
    const { policies, backend } = this;
    const run = (deadLetter: string): Promise<PullReply> => {
      const o = { count, noAck, deadLetter: deadLetterKey(backend, stream, deadLetter), defaults, ack, packed, maxBytes, leaseWalk, firstChunk };
      // Another Cluster slot: the dead-letter key's type may be asked first (dead-letter-move.ts).
      return o.deadLetter === null ? pullHandingBack(backend, policies, stream, group, consumer, deadLetter, o) : backend.scripts.pull(stream, group, consumer, o);
    };
    const reply = await policies.withDeadLetter(this.fence, stream, group, 'pull', run);
    if (reply.policyUnreadable) policies.unreadable.report(stream, group);
    const { messages } = reply;
    let { deadLettered } = reply;
    // Handed back (a dead-letter stream in another Cluster slot): moved in two steps now. A
    // failure fails the pull (as in one script), the entries left pending; the acks stand.
    if (reply.handedBack !== null) {
      try {
        deadLettered += await moveHandedBack(this.backend, this.fence, stream, group, reply.handedBack);
      } catch (err) {
        throw reply.acked.includes(1) ? acksStand(err) : err;
      }
    }
    if (messages.length > 0) {
      if (this.entryBytes.size >= ENTRY_BYTES_MAX && !this.entryBytes.has(stream)) this.entryBytes.clear();
      this.entryBytes.set(stream, Math.ceil(reply.packedBytes / messages.length));
    }
    if (deadLettered > 0) this.metrics.deadLettered.inc(deadLettered);
    let redelivered = 0;
    for (const m of messages) if ((m.deliveryCount ?? 1) > 1) redelivered++;
    if (redelivered > 0) this.metrics.delivered.inc({ kind: 'redelivery' }, redelivered);
    if (messages.length > redelivered) this.metrics.delivered.inc({ kind: 'new' }, messages.length - redelivered);
    return { messages, topId: reply.topId, leaseMs: reply.leaseMs, acked: reply.acked };
  }

  /**
   * A history read stops after `count` entries or after the entry whose bytes reach
   * STREAMGATE_MAX_RESPONSE_BYTES (in Redis: history-1.lua): continue with `from` = its last ID.
   */
  private history(stream: string, group: string, consumer: string, count: number, from: string): Promise<Message[]> {
    return this.backend.scripts.history(stream, group, consumer, count, from, this.check.limits.maxResponseBytes);
  }

  /**
   * Makes messages leased to `consumer` eligible again at once (nack, delay 0), in batches
   * the limits allow. Best effort: unreleased leases expire as usual, so nothing is lost.
   */
  async release(stream: string, group: string, consumer: string, ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += this.check.limits.maxBatch) {
      try {
        await this.releaseNow(stream, group, consumer, ids.slice(i, i + this.check.limits.maxBatch), 0);
      } catch {
        // Not released: the leases expire as usual, so nothing is lost, only delayed.
      }
    }
  }

  /**
   * Acks `ids` for the group, whoever holds them; with `consumer`, only those it holds (the
   * others, held by another consumer, come back in notOwned, as ackOwn answers them).
   */
  async ack(stream: string, group: string, ids: readonly string[], consumer?: string): Promise<PerIdResult> {
    if (consumer !== undefined) return this.ackOwn(stream, group, consumer, ids);
    this.fence.checkGroup(stream, group);
    return this.ackExact(stream, group, this.check.ids(ids));
  }

  private async ackExact(stream: string, group: string, exact: readonly string[]): Promise<PerIdResult> {
    return this.countAcks(perId(exact, await this.acks.add(`${stream}\u0000${group}`, exact)));
  }

  /** Acks of one group from concurrent requests, as one ack-2 call (see Coalescer). */
  private readonly acks = new Coalescer<string, number>(async (key, ids) => {
    const [stream = '', group = ''] = key.split('\u0000');
    return this.backend.scripts.ack(stream, group, '', ids);
  });

  /**
   * Acks only the consumer's own pending entries (StreamingPull, and an ack naming its
   * consumer): an entry whose lease expired and went to another consumer is reported not
   * pending (and not owned), instead of being acked under its new holder.
   */
  async ackOwn(stream: string, group: string, consumer: string, ids: readonly string[]): Promise<PerIdResult> {
    this.fence.checkGroup(stream, group, consumer);
    const exact = this.check.ids(ids);
    return this.countAcks(perId(exact, await this.backend.scripts.ack(stream, group, consumer, exact)));
  }

  /** One counter step per call (both transports pass here), not per message. */
  private countAcks(result: PerIdResult): PerIdResult {
    if (result.count > 0) this.metrics.acked.inc(result.count);
    return result;
  }

  /**
   * Releases the consumer's own leases; the messages become eligible again after `delayMs`,
   * or, with 0, after the group's retry backoff (at once when it has none).
   */
  async nack(stream: string, group: string, consumer: string, ids: readonly string[], delayMs: number): Promise<PerIdResult> {
    const result = await this.releaseNow(stream, group, consumer, ids, delayMs);
    if (result.count > 0) this.metrics.nacked.inc(result.count);
    return result;
  }

  /** nack without counting it (release: a closing StreamingPull gives its messages back). */
  private async releaseNow(stream: string, group: string, consumer: string, ids: readonly string[], delayMs: number): Promise<PerIdResult> {
    // Up to 12 h whatever the lease: a delay the idle time cannot express is kept by setLease-3
    // in keys.nackDelays. Refused here, before any existence check.
    const result = await this.setLease(stream, group, consumer, ids, nonNegativeInt(delayMs, 'delayMs', NACK_DELAY_MAX_MS));
    // Released now: waiting consumers of the group need not wait for the next lease probe.
    if (delayMs === 0 && result.count > 0) this.watcher.wakeMore(stream, group, result.count);
    return result;
  }

  /** Restarts the lease clock of the consumer's own messages. */
  async extend(stream: string, group: string, consumer: string, ids: readonly string[]): Promise<PerIdResult> {
    return this.setLease(stream, group, consumer, ids, null);
  }

  private async setLease(
    stream: string,
    group: string,
    consumer: string,
    ids: readonly string[],
    delayMs: number | null,
  ): Promise<PerIdResult> {
    this.fence.checkGroup(stream, group, consumer);
    const exact = this.check.ids(ids);
    const flags = await this.backend.scripts.setLease(stream, group, consumer, exact, delayMs, this.policies.defaults(stream).leaseMs);
    return perId(exact, flags);
  }
}

/**
 * The lease walk of pulls and of the waiting pulls' probe: a pending list of up to 4 steps
 * is walked whole (filtered inside Redis, that costs about as much as one step looked at
 * entry by entry in Lua), a longer one a step per call.
 */
export function leaseWalkOf(config: Pick<CoreConfig, 'leaseWalk'>): LeaseWalk {
  return { step: config.leaseWalk, whole: 4 * config.leaseWalk };
}

/**
 * The error of a pull that failed after its acks were done. The acks stand, so an outcome
 * `not_written` ("nothing changed") would be untrue: it becomes `unknown`, saying why.
 */
function acksStand(err: unknown): unknown {
  if (!(err instanceof BackendUnavailable) || err.outcome !== 'not_written') return err;
  return new BackendUnavailable(
    'unknown',
    'Redis became unavailable after the acks of this request were done, before its pull: the acks stand (a retry answers them notPending), nothing was pulled',
    { cause: err },
  );
}
