import { z } from 'zod';
import { type IntRange, LAG_RANGE, type LimitName, MAX_SAFE, limitSettings } from '../../contract/defaults.js';
import { ERROR_TABLE } from '../../contract/errors.js';
import { BACKOFF_MAX_MS, LEASE_MAX_MS, MAX_DELIVERIES_MAX, NACK_DELAY_MAX_MS, REAP_IDLE_MAX_MS } from '../../core/policy.js';

/**
 * Every integer of the REST schemas, with its real bounds in the OpenAPI document: counts,
 * times and sizes from 0 (or 1 where the contract says so) to the contract's limit, else
 * to MAX_SAFE (the largest integer a JSON number carries exactly).
 *
 * For requests the bounds are the core's own (contract/limits.ts LimitChecks, the policy
 * checks of core/policy.ts), which answer with the contract's messages whichever
 * transport a request came through; the schema states them without checking them a
 * second time, so REST and gRPC refuse the same values with the same words.
 */

/** Marks a maximum that is a setting (contract/defaults.ts limitSettings); openapi-limits.ts states the configured value. */
export const LIMIT_KEYWORD = 'x-streamgate-limit';

const STATUSES = Object.values(ERROR_TABLE).map((e) => e.http);

/** The ranges, by what the integer counts. */
export const ranges = {
  /** Counts, times and sizes without a smaller limit. */
  natural: { min: 0, max: MAX_SAFE },
  /** A group lease: 0 or 50 to 43200000 ms. */
  leaseMs: { min: 0, max: LEASE_MAX_MS },
  /** A nack delay: 0 to 43200000 ms, whatever the lease. */
  nackDelayMs: { min: 0, max: NACK_DELAY_MAX_MS },
  /** minBackoffMs, maxBackoffMs: 0 to 43200000 ms. */
  backoffMs: { min: 0, max: BACKOFF_MAX_MS },
  maxDeliveries: { min: 0, max: MAX_DELIVERIES_MAX },
  reapIdleMs: { min: 0, max: REAP_IDLE_MAX_MS },
  lag: LAG_RANGE,
  /** Redis 7.2+ reports −1 for a consumer that never read or claimed successfully. */
  inactiveMs: { min: -1, max: MAX_SAFE },
  /** XDEL of one ID. */
  flag: { min: 0, max: 1 },
  /** The statuses of the error table. */
  problemStatus: { min: Math.min(...STATUSES), max: Math.max(...STATUSES) },
} as const satisfies Record<string, IntRange>;

const bounds = (range: IntRange) => ({ minimum: range.min, maximum: range.max });
const limitBounds = (min: number, limit: LimitName) => ({ minimum: min, maximum: limitSettings[limit].default, [LIMIT_KEYWORD]: limit });

/** An integer in `range`. */
export const int = (range: IntRange = ranges.natural) => z.number().int().meta(bounds(range));

/**
 * An integer from `min` up to a configurable limit (STREAMGATE_MAX_COUNT...): the served
 * document states the configured value, the committed one the default.
 */
export const limitedInt = (min: number, limit: LimitName) => z.number().int().meta(limitBounds(min, limit));

/** A count a request asks for: 1 to STREAMGATE_MAX_COUNT. */
export const countInt = () => limitedInt(1, 'maxCount');

/** An optional query integer (query values arrive as text) in `range`. */
export const queryInt = (description: string, range: IntRange = ranges.natural) =>
  z.coerce.number().int().meta(bounds(range)).optional().describe(description);

/** A query count: 1 to STREAMGATE_MAX_COUNT, `fallback` when absent. */
export const queryCount = (description: string, fallback: number) =>
  z.coerce.number().int().meta(limitBounds(1, 'maxCount')).default(fallback).describe(description);
