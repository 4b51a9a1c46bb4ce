import type { Backend } from './backend.js';
import { idBounds } from '../contract/ids.js';
import { keys } from './keys.js';
import { type PackableEntry, packEntries } from './pack.js';
import { arr, countedEntries, int, ints, str, strings } from './reply.js';
import type { GroupPolicy, Message } from '../contract/types.js';
import type { ScriptRunner } from './script-loader.js';
import { publishFailure } from './unavailable.js';
import { type ReapReply, type ReapingGroup, type StreamStats, parseGroupStats, parseReap, parseReapGroups } from './script-replies.js';
import { type DeadLetterMove, type TermReply, type TermScriptOptions, parseTerm, redriveAddScript, writeDeadLetters } from './dead-letter-moves.js';
import { type LeaseWalk, type PullOptions, type PullReply, parsePackedPull, parsePull } from './pull-reply.js';
import { type AutoClaimReply, type ClaimOptions, type ClaimReply, type RangeOptions, type RangeReply, parseAutoClaim, parseClaim, parseRange } from './read-replies.js';

export type { GroupStats, ReapReply, ReapResult, ReapingGroup, StreamStats } from './script-replies.js';
export type { DeadLetterMove, DeadLetterType, HandedBack, TermReply, TermScriptOptions } from './dead-letter-moves.js';
export type { LeaseWalk, PullOptions, PullReply } from './pull-reply.js';
export type { AutoClaimReply, ClaimOptions, ClaimReply, Claimed, RangeOptions, RangeReply } from './read-replies.js';

/**
 * One typed function per Lua script (lua/*.lua; each file's header is its contract): each
 * names the keys (keys.ts), builds ARGV, runs the script through Backend.call (the fence
 * check and the one mapping of failures to contract errors) and parses the reply. The
 * services never see KEYS, ARGV or a raw reply.
 */

/** Trimming as XADD/XTRIM take it, checked by the caller. */
export interface TrimArgs {
  readonly strategy: 'MAXLEN' | 'MINID';
  readonly op: '=' | '~';
  readonly threshold: string;
}

export interface PublishOptions {
  readonly trim: TrimArgs | null;
  /** With an Idempotency-Key: the key, and the hash that identifies the request. */
  readonly idempotency: { readonly key: string; readonly requestHash: string } | undefined;
  /** How long an Idempotency-Key's result is kept. */
  readonly ttlSec: number;
}

export interface PublishReply {
  readonly ids: string[];
  /** An Idempotency-Key matched an earlier publish: nothing new was written. */
  readonly replayed: boolean;
}

export interface CreateGroupOptions {
  /** `$`, `0` or an ID. */
  readonly start: string;
  readonly createStream: boolean;
  readonly entriesRead: number | undefined;
  /** Complete and validated. */
  readonly policy: GroupPolicy;
}

export interface ReapOptions {
  /** Owner of the released messages until the group's next pull takes them. */
  readonly reservedConsumer: string;
  /** Lease of a group without a stored policy. */
  readonly defaultLeaseMs: number;
  /** Most pending entries to release in this call. */
  readonly budget: number;
}

const nothing = (): void => undefined;

export class Scripts {
  constructor(
    private readonly backend: Backend,
    private readonly runner: ScriptRunner,
  ) {}

  /** pull-5: reclaim expired leases (dead-lettering past maxDeliveries), then read new messages, within `maxBytes`. */
  pull(stream: string, group: string, consumer: string, o: PullOptions): Promise<PullReply> {
    const d = o.defaults;
    return this.backend.call(
      'pull.lua',
      stream,
      () =>
        this.runner.runBuffer(
          'pull',
          // The policy hash as KEYS[3]: hand the dead letters back (pull-5.lua).
          [stream, keys.policy(stream), o.deadLetter ?? keys.policy(stream), keys.leaseCursor(stream, group), keys.nackDelays(stream)],
          [
            group,
            consumer,
            o.count,
            o.noAck ? '1' : '0',
            d.leaseMs,
            d.maxDeliveries,
            d.deadLetterStream,
            o.maxBytes,
            o.leaseWalk.step,
            o.leaseWalk.whole,
            o.firstChunk,
            o.deadLetterType?.stream ?? '',
            o.deadLetterType?.type ?? '',
            ...(o.ack ?? []),
          ],
        ),
      o.packed === true ? parsePackedPull : parsePull,
    );
  }

  /** leaseProbe-4: whether the group has an entry due for redelivery (looking as far as a pull would). */
  leaseProbe(stream: string, group: string, leaseMs: number, walk: LeaseWalk): Promise<boolean> {
    return this.backend.call(
      'leaseProbe.lua',
      stream,
      () =>
        this.runner.run(
          'leaseProbe',
          [stream, keys.leaseCursor(stream, group), keys.policy(stream), keys.nackDelays(stream)],
          [group, leaseMs, walk.step, walk.whole],
        ),
      (reply) => int(reply) === 1,
    );
  }

  /**
   * history-1: the consumer's own pending entries after `after` ('0': all), stopping after the
   * entry whose bytes reach `budget`.
   */
  history(stream: string, group: string, consumer: string, count: number, after: string, budget: number): Promise<Message[]> {
    return this.backend.call('history.lua', stream, () => this.runner.runBuffer('history', [stream], [group, consumer, count, after, budget]), countedEntries);
  }

  /** range-1: XRANGE / XREVRANGE stopping after the entry whose bytes reach `o.budget`; values byte-exact. */
  range(stream: string, o: RangeOptions): Promise<RangeReply> {
    return this.backend.call(
      'range.lua',
      stream,
      () => this.runner.runBuffer('range', [stream], [o.start, o.end, o.count, o.reverse ? '1' : '0', o.budget, o.firstChunk]),
      parseRange,
    );
  }

  /**
   * ack-2: per ID, 1 when it was pending (for `consumer`, unless that is '': anyone's) and
   * is now acked, else 0. The IDs go as one argument, joined by spaces: ioredis writes each
   * argument as several strings, about 300 bytes of garbage per ID over a 500-ID ack.
   */
  ack(stream: string, group: string, consumer: string, ids: readonly string[]): Promise<number[]> {
    // Only the consumer's ack reads the pending range (ack-2.lua); the other needs no bounds.
    const [lo, hi] = consumer === '' ? ['', ''] : idBounds(ids);
    return this.backend.call('ack.lua', stream, () => this.runner.run('ack', [stream, keys.nackDelays(stream)], [group, consumer, lo, hi, ids.join(' ')]), ints);
  }

  /**
   * setLease-3: release (nack: eligible again after `delayMs`, or with 0 after the group's
   * backoff) or, with `delayMs` null, extend the consumer's own leases; per ID, 1 when its
   * lease was changed, else 0.
   */
  setLease(
    stream: string,
    group: string,
    consumer: string,
    ids: readonly string[],
    delayMs: number | null,
    defaultLeaseMs: number,
  ): Promise<number[]> {
    return this.backend.call(
      'setLease.lua',
      stream,
      () =>
        this.runner.run(
          'setLease',
          [stream, keys.policy(stream), keys.nackDelays(stream)],
          [group, consumer, delayMs === null ? '' : delayMs, defaultLeaseMs, ...ids],
        ),
      ints,
    );
  }

  /**
   * term-4: moves the pending entries `ids` (held by `consumer`, unless that is '': anyone's)
   * to the group's dead-letter stream, `deadLetter` as the caller believes it, and acks them;
   * with `deadLetter` null, hands them back instead (another Cluster slot, see term-4.lua).
   */
  term(
    stream: string,
    group: string,
    deadLetter: string | null,
    o: TermScriptOptions,
  ): Promise<TermReply> {
    const t = o.deadLetterType;
    return this.backend.call(
      'term.lua',
      stream,
      () =>
        this.runner.runBuffer(
          'term',
          [stream, keys.policy(stream), deadLetter ?? keys.policy(stream), keys.nackDelays(stream)],
          [group, o.consumer, o.reason, o.defaultDeadLetter, t?.stream ?? '', t?.type ?? '', ...o.ids],
        ),
      parseTerm,
    );
  }

  /**
   * claim-1: XCLAIM, with each claimed entry's delivery count (or the IDs, with justId),
   * stopping after the entry whose bytes reach `budget` (the IDs after it untried).
   */
  claim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    ids: readonly string[],
    o: ClaimOptions,
    budget: number,
  ): Promise<ClaimReply> {
    const args: (string | number)[] = [group, o.justId ? '1' : '0', budget, ids.length, consumer, minIdleMs, ...ids];
    if (o.idleMs !== undefined) args.push('IDLE', o.idleMs);
    if (o.timeMs !== undefined) args.push('TIME', o.timeMs);
    if (o.retryCount !== undefined) args.push('RETRYCOUNT', o.retryCount);
    if (o.force) args.push('FORCE');
    if (o.justId) args.push('JUSTID');
    return this.backend.call('claim.lua', stream, () => this.runner.runBuffer('claim', [stream], args), (reply) => parseClaim(reply, o.justId === true));
  }

  /**
   * autoclaim-1: XAUTOCLAIM, with each claimed entry's delivery count (or the IDs, with
   * justId), stopping after the entry whose bytes reach `o.budget` (`next` continues after it).
   */
  autoclaim(
    stream: string,
    group: string,
    consumer: string,
    o: { readonly minIdleMs: number; readonly start: string; readonly count: number; readonly justId: boolean; readonly budget: number },
  ): Promise<AutoClaimReply> {
    return this.backend.call(
      'autoclaim.lua',
      stream,
      () => this.runner.runBuffer('autoclaim', [stream], [group, consumer, o.minIdleMs, o.start, o.count, o.justId ? '1' : '0', o.budget]),
      (reply) => parseAutoClaim(reply, o.justId),
    );
  }

  /**
   * publish-2: a batch of messages, all or nothing, with optional trimming and
   * Idempotency-Key replay. A write whose outcome is unknown says what a retry may do.
   */
  publish(stream: string, messages: readonly PackableEntry[], o: PublishOptions): Promise<PublishReply> {
    const { trim, idempotency } = o;
    const args = [
      idempotency === undefined ? '' : idempotency.requestHash,
      o.ttlSec,
      trim?.strategy ?? '',
      trim?.op ?? '',
      trim?.threshold ?? '',
      packEntries(messages),
    ];
    // Without an Idempotency-Key the script ignores KEYS[2]: any key of the stream's slot.
    const record = idempotency === undefined ? keys.policy(stream) : keys.idempotency(stream, idempotency.key);
    return this.backend.call('publish.lua', stream, () => this.runner.run('publish', [stream, record], args), parsePublish).catch(publishFailure);
  }

  /**
   * trim-1: `cut` is true when a plain trim removed entries some group had not received
   * or acknowledged; a safe trim never does.
   */
  trim(stream: string, t: TrimArgs, safe: boolean): Promise<{ trimmed: number; cut: boolean }> {
    return this.backend.call(
      'trim.lua',
      stream,
      () => this.runner.run('trim', [stream], [t.strategy, t.op, t.threshold, safe ? '1' : '0']),
      (reply) => {
        const [trimmed, cut] = arr(reply);
        return { trimmed: int(trimmed), cut: int(cut) === 1 };
      },
    );
  }

  /** deleteStream-3: the stream, the policies of its groups and their nack delays. */
  deleteStream(stream: string): Promise<void> {
    return this.backend.call('deleteStream.lua', stream, () => this.runner.run('deleteStream', [stream, keys.policy(stream), keys.nackDelays(stream)], []), nothing);
  }

  /**
   * redrive-3: dead letters of the group back to `stream` as new entries (the `ids` given,
   * else the oldest `count`, reading at most `scanLimit` dead letters); their new IDs. A
   * dead letter whose x-original-id was redriven in the last `keepMs` is deleted instead.
   */
  redrive(
    stream: string,
    deadLetter: string,
    group: string,
    o: { readonly scanLimit: number; readonly count: number; readonly keepMs: number; readonly ids: readonly string[] },
  ): Promise<string[]> {
    return this.backend.call(
      'redrive.lua',
      stream,
      () => this.runner.run('redrive', [stream, deadLetter, keys.redriven(stream)], [group, o.scanLimit, o.count, o.keepMs, ...o.ids]),
      (reply) => strings(arr(reply)[1]),
    );
  }

  /** deadLetter-1: step 1 of a move across Cluster slots (dead-letter-moves.ts); the new IDs. */
  deadLetter(deadLetter: string, moves: readonly DeadLetterMove[]): Promise<string[]> {
    return writeDeadLetters(this.backend, this.runner, deadLetter, moves);
  }

  /** redriveAdd-2: step 1 of a redrive across Cluster slots (dead-letter-moves.ts). */
  redriveAdd(stream: string, group: string, keepMs: number, letters: readonly Message[]): Promise<(string | null)[]> {
    return redriveAddScript(this.backend, this.runner, stream, group, keepMs, letters);
  }

  /** createGroup-3: the group and its policy, registered for reaping when it reaps. */
  createGroup(stream: string, group: string, o: CreateGroupOptions): Promise<void> {
    return this.backend.call(
      'createGroup.lua',
      stream,
      () =>
        this.runner.run(
          'createGroup',
          [stream, keys.policy(stream), keys.reapRegistry(stream)],
          [group, o.start, o.createStream ? '1' : '0', o.entriesRead === undefined ? '' : String(o.entriesRead), storedPolicy(o.policy)],
        ),
      nothing,
    );
  }

  /** updatePolicy-3: merges `changes` into the stored policy (else `defaults`); the new policy's JSON. */
  updatePolicy(stream: string, group: string, defaults: GroupPolicy, changes: Partial<GroupPolicy>): Promise<string> {
    return this.backend.call(
      'updatePolicy.lua',
      stream,
      () =>
        this.runner.run(
          'updatePolicy',
          [stream, keys.policy(stream), keys.reapRegistry(stream)],
          [group, storedPolicy(defaults), JSON.stringify(changes)],
        ),
      str,
    );
  }

  /** destroyGroup-3: the group, its stored policy and its nack delays. */
  destroyGroup(stream: string, group: string): Promise<void> {
    return this.backend.call('destroyGroup.lua', stream, () => this.runner.run('destroyGroup', [stream, keys.policy(stream), keys.nackDelays(stream)], [group]), nothing);
  }

  /** deleteConsumer-1: refused while it has pending entries unless `force`; the entries dropped. */
  deleteConsumer(stream: string, group: string, consumer: string, force: boolean): Promise<number> {
    return this.backend.call('deleteConsumer.lua', stream, () => this.runner.run('deleteConsumer', [stream], [group, consumer, force ? '1' : '0']), int);
  }

  /** reapGroups-3: the stream's groups that reap (unregistering the stream when none does). */
  reapGroups(stream: string): Promise<ReapingGroup[]> {
    return this.backend.call(
      'reapGroups.lua',
      stream,
      () => this.runner.run('reapGroups', [stream, keys.policy(stream), keys.reapRegistry(stream)], []),
      parseReapGroups,
    );
  }

  /** groupStats-2: the stream's length and, for its first `maxGroups` groups, what /metrics shows; null: not a stream. */
  groupStats(stream: string, staleMs: number, maxGroups: number): Promise<StreamStats | null> {
    return this.backend.call('groupStats.lua', stream, () => this.runner.run('groupStats', [stream, keys.policy(stream)], [staleMs, maxGroups]), parseGroupStats);
  }

  /** reap-2: releases the pending messages of idle `consumers` of the group, then deletes them. */
  reap(stream: string, group: string, consumers: readonly string[], o: ReapOptions): Promise<ReapReply> {
    return this.backend.call(
      'reap.lua',
      stream,
      () =>
        this.runner.run('reap', [stream, keys.policy(stream)], [group, o.reservedConsumer, o.defaultLeaseMs, o.budget, ...consumers]),
      parseReap,
    );
  }
}

/**
 * A policy as stored: the retry backoff fields only when backoff is on (or they were set by
 * a patch), so a group without backoff keeps the stored form it had before they existed.
 * Absent, they read as 0 (sg_policy, readStoredPolicy).
 */
function storedPolicy(policy: GroupPolicy): string {
  if (policy.minBackoffMs !== 0 || policy.maxBackoffMs !== 0) return JSON.stringify(policy);
  const { minBackoffMs: _min, maxBackoffMs: _max, ...rest } = policy;
  return JSON.stringify(rest);
}

function parsePublish(raw: unknown): PublishReply {
  const [status, ids] = arr(raw);
  return { ids: strings(ids), replayed: str(status) === 'REPLAY' };
}
