import type { Backend } from '../redis/backend.js';
import type { Fence } from './access/fence.js';
import type { PolicyDefaults } from './config.js';
import { invalid } from '../contract/errors.js';
import { nonNegativeInt } from '../contract/limits.js';
import { keys } from '../redis/keys.js';
import { NameRules } from '../contract/names.js';
import type { GroupPolicy } from '../contract/types.js';

const HINT_CACHE_MAX = 10_000;

/**
 * Group policies live in one Redis hash per stream (keys.policy), group name → JSON, so
 * every gateway instance agrees. A group without an entry (made by a native client) has
 * the configured defaults. Scripts read the hash themselves; this class serves reads
 * outside scripts and validates changes.
 */

export const LEASE_MIN_MS = 50;
export const LEASE_MAX_MS = 43_200_000;
export const MAX_DELIVERIES_MAX = 1000;
/** reapIdleMs is 0 (off) or from the smallest lease to 30 days, and never below the group's lease. */
export const REAP_IDLE_MIN_MS = LEASE_MIN_MS;
export const REAP_IDLE_MAX_MS = 2_592_000_000;
/** minBackoffMs and maxBackoffMs: 0 (off) to 12 h, min ≤ max. */
export const BACKOFF_MAX_MS = 43_200_000;
/** A nack's delayMs: 0 to 12 h, whatever the lease (a delay past the idle time is kept in keys.nackDelays). */
export const NACK_DELAY_MAX_MS = 43_200_000;

export type PolicyPatch = Partial<GroupPolicy>;

/** Throws VALIDATION_FAILED unless every given field is within the contract's limits. */
export function validatePolicyPatch(stream: string, patch: PolicyPatch, names: NameRules = new NameRules()): void {
  const { leaseMs, maxDeliveries, deadLetterStream, reapIdleMs, minBackoffMs, maxBackoffMs } = patch;
  if (leaseMs !== undefined) zeroOrRange(leaseMs, 'leaseMs', LEASE_MIN_MS, LEASE_MAX_MS);
  if (maxDeliveries !== undefined) nonNegativeInt(maxDeliveries, 'maxDeliveries', MAX_DELIVERIES_MAX);
  if (deadLetterStream !== undefined) {
    const problem = names.streamProblem(deadLetterStream);
    if (problem) throw invalid(`deadLetterStream ${problem}`, 'deadLetterStream');
    if (deadLetterStream === stream) {
      throw invalid('deadLetterStream must not be the stream itself', 'deadLetterStream');
    }
  }
  if (reapIdleMs !== undefined) {
    zeroOrRange(reapIdleMs, 'reapIdleMs', REAP_IDLE_MIN_MS, REAP_IDLE_MAX_MS);
    // Both given: the pair is checked here, before any existence check. Otherwise the
    // stored half is only known in Redis, where updatePolicy-3 checks the merged policy.
    if (leaseMs !== undefined) checkReapAgainstLease(reapIdleMs, leaseMs);
  }
  if (minBackoffMs !== undefined) nonNegativeInt(minBackoffMs, 'minBackoffMs', BACKOFF_MAX_MS);
  if (maxBackoffMs !== undefined) nonNegativeInt(maxBackoffMs, 'maxBackoffMs', BACKOFF_MAX_MS);
  // Both given: checked here; else updatePolicy-3 checks the merged pair (sg_check_backoff).
  if (minBackoffMs !== undefined && maxBackoffMs !== undefined) checkBackoff(minBackoffMs, maxBackoffMs);
}

/** 0 (off), or an integer from `min` to `max`. */
function zeroOrRange(value: number, path: string, min: number, max: number): void {
  if (!Number.isInteger(value) || (value !== 0 && (value < min || value > max))) {
    throw invalid(`${path} must be 0 or an integer from ${min} to ${max}`, path);
  }
}

/** minBackoffMs ≤ maxBackoffMs (same rule, same words, as sg_check_backoff in the Lua prelude). */
function checkBackoff(minBackoffMs: number, maxBackoffMs: number): void {
  if (minBackoffMs > maxBackoffMs) {
    throw invalid(`minBackoffMs (${minBackoffMs}) must not exceed maxBackoffMs (${maxBackoffMs})`, 'minBackoffMs');
  }
}

/**
 * Reaping releases a consumer's messages for redelivery by the lease walker, so it needs
 * leases; and a threshold below the lease could release a message whose lease is still
 * running. (Same rule, same words, as sg_check_reap in the Lua prelude.)
 */
function checkReapAgainstLease(reapIdleMs: number, leaseMs: number): void {
  if (reapIdleMs === 0) return;
  if (leaseMs === 0) {
    throw invalid('reapIdleMs needs leases: it must be 0 when leaseMs is 0', 'reapIdleMs');
  }
  if (reapIdleMs < leaseMs) {
    throw invalid(`reapIdleMs (${reapIdleMs}) must be 0 or at least leaseMs (${leaseMs})`, 'reapIdleMs');
  }
}

/** A stored count field: a non-negative safe integer (the same test as sg_policy in the Lua prelude). */
const storedCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * A stored policy as every script reads it (sg_policy in the Lua prelude): each field that
 * is absent or unreadable is the default's; `unreadable` when the JSON is not an object or
 * a field present has the wrong type (a hand edit). Never throws.
 */
export function readStoredPolicy(json: string, fallback: GroupPolicy): { policy: GroupPolicy; unreadable: boolean } {
  let p: unknown;
  try {
    p = JSON.parse(json);
  } catch {
    return { policy: fallback, unreadable: true };
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return { policy: fallback, unreadable: true };
  const o = p as Partial<Record<keyof GroupPolicy, unknown>>;
  let unreadable = false;
  const count = (v: unknown, d: number): number => {
    if (v === undefined) return d;
    if (storedCount(v)) return v;
    unreadable = true;
    return d;
  };
  const leaseMs = count(o.leaseMs, fallback.leaseMs);
  const maxDeliveries = count(o.maxDeliveries, fallback.maxDeliveries);
  // Policies stored before reaping existed have no field: off.
  const reapIdleMs = count(o.reapIdleMs, fallback.reapIdleMs);
  // Policies stored before retry backoff existed have neither field: off.
  const minBackoffMs = count(o.minBackoffMs, fallback.minBackoffMs);
  const maxBackoffMs = count(o.maxBackoffMs, fallback.maxBackoffMs);
  let deadLetterStream = fallback.deadLetterStream;
  if (o.deadLetterStream !== undefined) {
    if (typeof o.deadLetterStream === 'string' && o.deadLetterStream !== '') deadLetterStream = o.deadLetterStream;
    else unreadable = true;
  }
  return { policy: { leaseMs, maxDeliveries, deadLetterStream, reapIdleMs, minBackoffMs, maxBackoffMs }, unreadable };
}

export interface PolicyLogger {
  warn(obj: object, msg: string): void;
}

/** Shortest time between two warnings about the same group's unreadable policy. */
const UNREADABLE_WARN_INTERVAL_MS = 60_000;

/**
 * Tells about unreadable stored policies: a metric at every read that found one, a warning
 * at most once per group per UNREADABLE_WARN_INTERVAL_MS (a pull-heavy group would flood
 * the log otherwise).
 */
export class UnreadablePolicies {
  private readonly warned = new Map<string, number>();

  constructor(
    private readonly logger: PolicyLogger,
    private readonly counter: { inc(): void } | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  report(stream: string, group: string): void {
    this.counter?.inc();
    const key = `${stream}\u0000${group}`;
    const t = this.now();
    const last = this.warned.get(key);
    if (last !== undefined && t - last < UNREADABLE_WARN_INTERVAL_MS) return;
    if (this.warned.size >= HINT_CACHE_MAX) this.warned.clear();
    this.warned.set(key, t);
    this.logger.warn(
      { stream, group, policyKey: keys.policy(stream) },
      'the stored policy of this group cannot be read (hand-edited?): its unreadable fields are the defaults; update the group policy to repair it',
    );
  }
}


export class PolicyStore {
  /** Last known dead-letter stream per group, so a pull passes the right key first time. */
  private readonly deadLetterHints = new Map<string, string>();
  /** Groups whose pulls ask their dead-letter key's type first (asksDeadLetterType). */
  private readonly typeAsked = new Set<string>();

  /**
   * Reads go through the Backend like every other Redis call, so a policy hash that is not a
   * hash (WRONGTYPE) or Redis being away becomes a contract error, never an internal one.
   */
  constructor(
    private readonly backend: Backend,
    private readonly defaultsConfig: PolicyDefaults,
    readonly unreadable: UnreadablePolicies = new UnreadablePolicies({ warn: () => undefined }, undefined),
  ) {}

  defaults(stream: string): GroupPolicy {
    // Reaping is opt-in per group: a group without a stored policy is never reaped.
    return {
      leaseMs: this.defaultsConfig.leaseMs,
      maxDeliveries: this.defaultsConfig.maxDeliveries,
      deadLetterStream: keys.defaultDeadLetter(stream),
      reapIdleMs: 0,
      minBackoffMs: 0,
      maxBackoffMs: 0,
    };
  }

  /** A full policy for a new group: given fields over the defaults. */
  complete(stream: string, patch: PolicyPatch, names?: NameRules): GroupPolicy {
    validatePolicyPatch(stream, patch, names);
    const d = this.defaults(stream);
    const policy = {
      leaseMs: patch.leaseMs ?? d.leaseMs,
      maxDeliveries: patch.maxDeliveries ?? d.maxDeliveries,
      deadLetterStream: patch.deadLetterStream ?? d.deadLetterStream,
      reapIdleMs: patch.reapIdleMs ?? d.reapIdleMs,
      minBackoffMs: patch.minBackoffMs ?? d.minBackoffMs,
      maxBackoffMs: patch.maxBackoffMs ?? d.maxBackoffMs,
    };
    checkReapAgainstLease(policy.reapIdleMs, policy.leaseMs);
    checkBackoff(policy.minBackoffMs, policy.maxBackoffMs);
    return policy;
  }

  async get(stream: string, group: string): Promise<GroupPolicy> {
    const raw = await this.backend.commands.policy(stream, group);
    const policy = raw === null ? this.defaults(stream) : this.read(stream, group, raw);
    this.remember(stream, group, policy.deadLetterStream);
    return policy;
  }

  async all(stream: string): Promise<Map<string, GroupPolicy>> {
    const raw = await this.backend.commands.policies(stream);
    const out = new Map<string, GroupPolicy>();
    for (const [group, json] of Object.entries(raw)) out.set(group, this.read(stream, group, json));
    return out;
  }

  /** A policy just written by updatePolicy-3 (readable: it wrote it). */
  parse(stream: string, json: string): GroupPolicy {
    return readStoredPolicy(json, this.defaults(stream)).policy;
  }

  /** A stored policy of `group`, reporting it when unreadable. */
  read(stream: string, group: string, json: string): GroupPolicy {
    const { policy, unreadable } = readStoredPolicy(json, this.defaults(stream));
    if (unreadable) this.unreadable.report(stream, group);
    return policy;
  }

  /**
   * Whether a pull of the group asks its dead-letter key's type first (another Cluster slot:
   * askDeadLetterType): as the group's last pull found (it dead-letters), else no. A wrong
   * guess costs a round trip, never an answer: the script answers 'DLQ' when not asked.
   */
  asksDeadLetterType(stream: string, group: string): boolean {
    return this.typeAsked.has(`${stream}\u0000${group}`);
  }

  rememberAsks(stream: string, group: string, asks: boolean): void {
    const key = `${stream}\u0000${group}`;
    if (!asks) this.typeAsked.delete(key);
    else if (!this.typeAsked.has(key)) {
      if (this.typeAsked.size >= HINT_CACHE_MAX) this.typeAsked.clear();
      this.typeAsked.add(key);
    }
  }

  deadLetterHint(stream: string, group: string): string {
    return this.deadLetterHints.get(`${stream}\u0000${group}`) ?? keys.defaultDeadLetter(stream);
  }

  remember(stream: string, group: string, deadLetterStream: string): void {
    if (this.deadLetterHints.size >= HINT_CACHE_MAX) this.deadLetterHints.clear();
    this.deadLetterHints.set(`${stream}\u0000${group}`, deadLetterStream);
  }

  /**
   * Runs a script that may write to the group's dead-letter stream (pull-5, term-4) with its
   * remembered name. A key outside the fence is never even named to Redis: the stream itself
   * stands in (never a dead-letter stream; the script ignores it when it writes none, else
   * answers DLQ). On DLQ (the name changed, or was never seen) the real name is checked
   * against the fence, remembered, and the script runs again once; DLQ again (a policy update
   * racing this `verb`) is a fault, not retried.
   */
  async withDeadLetter<R extends { readonly status: string }>(
    fence: Fence,
    stream: string,
    group: string,
    verb: string,
    run: (deadLetter: string) => Promise<R>,
  ): Promise<Exclude<R, DeadLetterMoved>> {
    const hint = this.deadLetterHint(stream, group);
    const first = await run(fence.allows(hint) ? hint : stream);
    if (!isMoved(first)) return first as Exclude<R, DeadLetterMoved>;
    const actual = first.deadLetterStream;
    fence.assertDeadLetter(actual, group);
    this.remember(stream, group, actual);
    const again = await run(actual);
    if (isMoved(again)) throw new Error(`the dead-letter stream of the group changed during the ${verb}`);
    return again as Exclude<R, DeadLetterMoved>;
  }
}

/** A script's answer that the group's dead-letter stream is not the key it was given. */
interface DeadLetterMoved {
  readonly status: 'DLQ';
  readonly deadLetterStream: string;
}

const isMoved = (reply: { readonly status: string }): reply is DeadLetterMoved => reply.status === 'DLQ';
