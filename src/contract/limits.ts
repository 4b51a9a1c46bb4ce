import { Buffer } from 'node:buffer';
import { GatewayError, invalid } from './errors.js';
import { entryId, isCanonicalId } from './ids.js';
import type { FieldPair } from './types.js';

/** The configured limits (STREAMGATE_MAX_*, rate limits): the runtime fills them in. */
export interface Limits {
  readonly maxCount: number;
  readonly maxWaitMs: number;
  readonly maxMessageBytes: number;
  readonly maxFields: number;
  readonly maxBatch: number;
  readonly maxBodyBytes: number;
  /** Bytes of entries one read answers (it stops after the entry that reaches them). */
  readonly maxResponseBytes: number;
  readonly maxStreamNameBytes: number;
  readonly maxMemberNameBytes: number;
  /** Requests per second per key (0: off) and the burst a key may send at once. */
  readonly rateLimitRps: number;
  readonly rateLimitBurst: number;
  /** Concurrent waiting pulls per key (0: no limit). */
  readonly maxWaitingPerKey: number;
  /** Open StreamingPull calls per key (0: no limit). */
  readonly maxStreamingPullsPerKey: number;
}

/**
 * The contract's limits, enforced in core so both transports enforce the same ones:
 * counts, waits and batch lengths over a limit are VALIDATION_FAILED; bytes over a size
 * limit are PAYLOAD_TOO_LARGE (docs/api.md#limits).
 */
export class LimitChecks {
  constructor(readonly limits: Limits) {}

  count(value: number, path = 'count'): number {
    if (!Number.isInteger(value) || value < 1 || value > this.limits.maxCount) {
      throw invalid(`${path} must be an integer from 1 to ${this.limits.maxCount}`, path);
    }
    return value;
  }

  waitMs(value: number, path = 'waitMs'): number {
    if (!Number.isInteger(value) || value < 0 || value > this.limits.maxWaitMs) {
      throw invalid(`${path} must be an integer from 0 to ${this.limits.maxWaitMs}`, path);
    }
    return value;
  }

  batch<T>(items: readonly T[], path: string, min = 1): readonly T[] {
    if (items.length < min || items.length > this.limits.maxBatch) {
      throw invalid(`${path} must hold ${min} to ${this.limits.maxBatch} items`, path);
    }
    return items;
  }

  /** A batch of exact entry IDs, each checked (INVALID_ID names its index); `min` 0 for an optional list. */
  ids(ids: readonly string[], path = 'ids', min = 1): readonly string[] {
    this.batch(ids, path, min);
    // A canonical ID is taken as is: no parse, no error path built per ID, and a batch of
    // them (the usual one) is answered as it came, without a copy.
    for (let i = 0; i < ids.length; i++) {
      if (!isCanonicalId(ids[i]!)) return ids.map((id, j) => (isCanonicalId(id) ? id : entryId(id, `${path}[${j}]`)));
    }
    return ids;
  }

  /**
   * A message to write. A value may be text (a publish keeps JSON strings as they are until
   * they are packed): its bytes are its UTF-8 bytes, and it must be well-formed, as a field
   * name must.
   */
  message(pairs: readonly InputPair[], path: string): void {
    if (pairs.length < 1) throw invalid(`${path} must have at least one field (Redis entries cannot be empty)`, path);
    if (pairs.length > this.limits.maxFields) {
      throw invalid(`${path} has ${pairs.length} fields; at most ${this.limits.maxFields} are allowed`, path);
    }
    let bytes = 0;
    for (let i = 0; i < pairs.length; i++) {
      const [name, value] = pairs[i]!;
      if (!name.isWellFormed()) throw invalid(`${path} has a field name that is not valid Unicode`, path);
      if (typeof value === 'string') {
        if (!value.isWellFormed()) throw invalid(`${path} has a field value that is not valid Unicode`, path);
        bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8');
      } else bytes += Buffer.byteLength(name, 'utf8') + value.length;
    }
    if (bytes > this.limits.maxMessageBytes) {
      throw new GatewayError(
        'PAYLOAD_TOO_LARGE',
        `${path} is ${bytes} bytes; messages may be at most ${this.limits.maxMessageBytes} bytes`,
        [{ path, message: 'message too large' }],
      );
    }
  }
}

/** A field of a message to write: the value as bytes, or as text written as UTF-8. */
export type InputPair = readonly [name: string, value: Buffer | string];

/** Bytes of a message as the size limits count them: field names (their exact bytes) and values. */
export function pairsBytes(pairs: readonly FieldPair[] | null): number {
  let n = 0;
  for (const [name, value, nameBytes] of pairs ?? []) n += (nameBytes ? nameBytes.length : Buffer.byteLength(name, 'utf8')) + value.length;
  return n;
}

/**
 * Bytes of an entry as a reply's budget (STREAMGATE_MAX_RESPONSE_BYTES) counts them: its ID,
 * field names (UTF-8) and values; the Lua scripts that read bounded count the same.
 */
export function entryBytes(m: { readonly id: string; readonly pairs: readonly FieldPair[] | null }): number {
  return m.id.length + pairsBytes(m.pairs);
}

export const nonNegativeInt = (value: number, path: string, max = Number.MAX_SAFE_INTEGER): number => {
  if (!Number.isInteger(value) || value < 0 || value > max) throw invalid(`${path} must be an integer from 0 to ${max}`, path);
  return value;
};

/** Longest `reason` a term may carry (the dead letter's x-reason), in UTF-8 bytes: fixed. */
export const MAX_REASON_BYTES = 1024;

/** A term's reason: '' (none) or well-formed text of at most MAX_REASON_BYTES bytes. */
export function termReason(reason: string, path = 'reason'): string {
  if (reason.length > MAX_REASON_BYTES || Buffer.byteLength(reason, 'utf8') > MAX_REASON_BYTES) {
    throw invalid(`${path} must be at most ${MAX_REASON_BYTES} bytes (UTF-8)`, path);
  }
  if (!reason.isWellFormed()) throw invalid(`${path} is not valid Unicode`, path);
  return reason;
}
