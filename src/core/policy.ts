import type { Backend } from './backend.js';
import type { PolicyDefaults } from './config.js';
import { invalid } from './errors.js';
import { keys } from './keys.js';
import { streamNameProblem } from './names.js';
import type { GroupPolicy } from './types.js';

/**
 * Group policies live in one Redis hash per stream (keys.policy), group name → JSON, so
 * every gateway instance agrees. A group without an entry (made by a native client) has
 * the configured defaults. Scripts read the hash themselves; this class serves reads
 * outside scripts and validates changes.
 */

export const LEASE_MIN_MS = 50;
export const LEASE_MAX_MS = 43_200_000;
export const MAX_DELIVERIES_MAX = 1000;

export type PolicyPatch = Partial<GroupPolicy>;

/** Throws VALIDATION_FAILED unless every given field is within the contract's limits. */
export function validatePolicyPatch(stream: string, patch: PolicyPatch): void {
  const { leaseMs, maxDeliveries, deadLetterStream } = patch;
  if (leaseMs !== undefined) {
    if (!Number.isInteger(leaseMs) || (leaseMs !== 0 && (leaseMs < LEASE_MIN_MS || leaseMs > LEASE_MAX_MS))) {
      throw invalid(`leaseMs must be 0 or an integer from ${LEASE_MIN_MS} to ${LEASE_MAX_MS}`, 'leaseMs');
    }
  }
  if (maxDeliveries !== undefined) {
    if (!Number.isInteger(maxDeliveries) || maxDeliveries < 0 || maxDeliveries > MAX_DELIVERIES_MAX) {
      throw invalid(`maxDeliveries must be an integer from 0 to ${MAX_DELIVERIES_MAX}`, 'maxDeliveries');
    }
  }
  if (deadLetterStream !== undefined) {
    const problem = streamNameProblem(deadLetterStream);
    if (problem) throw invalid(`deadLetterStream ${problem}`, 'deadLetterStream');
    if (deadLetterStream === stream) {
      throw invalid('deadLetterStream must not be the stream itself', 'deadLetterStream');
    }
  }
}

function parseStored(json: string, fallback: GroupPolicy): GroupPolicy {
  try {
    const p = JSON.parse(json) as Partial<Record<keyof GroupPolicy, unknown>>;
    return {
      leaseMs: typeof p.leaseMs === 'number' ? p.leaseMs : fallback.leaseMs,
      maxDeliveries: typeof p.maxDeliveries === 'number' ? p.maxDeliveries : fallback.maxDeliveries,
      deadLetterStream: typeof p.deadLetterStream === 'string' ? p.deadLetterStream : fallback.deadLetterStream,
    };
  } catch {
    // A hand-edited, unreadable policy must not make the group unusable: serve the defaults.
    return fallback;
  }
}

const HINT_CACHE_MAX = 10_000;

export class PolicyStore {
  /** Last known dead-letter stream per group, so a pull passes the right key first time. */
  private readonly deadLetterHints = new Map<string, string>();

  /**
   * Reads go through the Backend like every other Redis call, so a policy hash that is not a
   * hash (WRONGTYPE) or Redis being away becomes a contract error, never an internal one.
   */
  constructor(
    private readonly backend: Backend,
    private readonly defaultsConfig: PolicyDefaults,
  ) {}

  defaults(stream: string): GroupPolicy {
    return { ...this.defaultsConfig, deadLetterStream: keys.defaultDeadLetter(stream) };
  }

  /** A full policy for a new group: given fields over the defaults. */
  complete(stream: string, patch: PolicyPatch): GroupPolicy {
    validatePolicyPatch(stream, patch);
    const d = this.defaults(stream);
    return {
      leaseMs: patch.leaseMs ?? d.leaseMs,
      maxDeliveries: patch.maxDeliveries ?? d.maxDeliveries,
      deadLetterStream: patch.deadLetterStream ?? d.deadLetterStream,
    };
  }

  async get(stream: string, group: string): Promise<GroupPolicy> {
    const raw = await this.backend.call(stream, () => this.backend.redis.hget(keys.policy(stream), group));
    const policy = raw === null ? this.defaults(stream) : parseStored(raw, this.defaults(stream));
    this.remember(stream, group, policy.deadLetterStream);
    return policy;
  }

  async all(stream: string): Promise<Map<string, GroupPolicy>> {
    const raw = await this.backend.call(stream, () => this.backend.redis.hgetall(keys.policy(stream)));
    const out = new Map<string, GroupPolicy>();
    for (const [group, json] of Object.entries(raw)) out.set(group, parseStored(json, this.defaults(stream)));
    return out;
  }

  parse(stream: string, json: string): GroupPolicy {
    return parseStored(json, this.defaults(stream));
  }

  deadLetterHint(stream: string, group: string): string {
    return this.deadLetterHints.get(`${stream}\u0000${group}`) ?? keys.defaultDeadLetter(stream);
  }

  remember(stream: string, group: string, deadLetterStream: string): void {
    if (this.deadLetterHints.size >= HINT_CACHE_MAX) this.deadLetterHints.clear();
    this.deadLetterHints.set(`${stream}\u0000${group}`, deadLetterStream);
  }
}
