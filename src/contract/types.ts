/** Domain types shared by the core services and both transports. */

/**
 * One field of an entry, exactly as in Redis: values are bytes; names are text when they are
 * well-formed UTF-8 (nearly always). A name that is not (written by a native client) also
 * carries its exact bytes, `nameBytes`, and `name` is then only its lenient decoding (bad
 * bytes as U+FFFD): a transport presents `nameBytes`, never that string
 * (docs/api.md#field-names-that-are-not-utf-8).
 */
export type FieldPair = readonly [name: string, value: Buffer, nameBytes?: Buffer];

/** A field whose name is text, as a client publishes it (names are published as UTF-8). */
export type TextPair = readonly [name: string, value: Buffer];

export interface Message {
  readonly id: string;
  /** The entry's fields in Redis's order; null when the entry was deleted but is still pending. */
  readonly pairs: readonly FieldPair[] | null;
  /** Times Redis has delivered the entry to the group (for consumer reads). */
  readonly deliveryCount?: number;
}

export interface GroupPolicy {
  readonly leaseMs: number;
  readonly maxDeliveries: number;
  readonly deadLetterStream: string;
  /** Consumers idle longer than this are reaped (pending released, then deleted); 0: never. */
  readonly reapIdleMs: number;
  /**
   * Retry backoff: after a lease expired, or a nack without delay, a message is delivered
   * again only after min(maxBackoffMs, minBackoffMs × 2^(deliveryCount − 1)); 0: off.
   */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

export interface GroupInfo extends GroupPolicy {
  readonly name: string;
  readonly consumers: number;
  readonly pending: number;
  readonly lastDeliveredId: string;
  readonly entriesRead: number | null;
  readonly lag: number | null;
}

export interface ConsumerInfo {
  readonly name: string;
  readonly pending: number;
  readonly idleMs: number;
  /** Redis 7.2+ only; null where Redis does not report it. */
  readonly inactiveMs: number | null;
}

export interface StreamInfo {
  readonly length: number;
  readonly firstId: string | null;
  readonly lastId: string | null;
  readonly lastGeneratedId: string;
  readonly groups: number;
  readonly entriesAdded: number | null;
  /** "0-0" when no entry was ever deleted, as Redis reports it. */
  readonly maxDeletedEntryId: string;
}

export interface PendingSummary {
  readonly count: number;
  readonly minId: string | null;
  readonly maxId: string | null;
  readonly consumers: Array<{ name: string; count: number }>;
}

export interface PendingEntry {
  readonly id: string;
  readonly consumer: string;
  readonly idleMs: number;
  readonly deliveryCount: number;
}

/** Per-ID outcome of ack, nack and extend, so a client can tell a lost lease. */
export interface PerIdResult {
  readonly count: number;
  /**
   * IDs that were not pending (for this consumer, where ownership matters): not acted on.
   * An ID another consumer holds is here too, and in `notOwned`.
   */
  readonly notPending: string[];
  /**
   * Of `notPending`, the IDs pending for another consumer than the one the request named;
   * absent when there is none (always without a consumer). Transports answer [] for absent.
   */
  readonly notOwned?: string[];
}

/** Per-ID outcome of a term (dead-letter now); `count` entries were moved to the dead-letter stream. */
export interface TermResult extends PerIdResult {
  /** IDs that were pending but deleted from the stream: acked, nothing to dead-letter. */
  readonly deleted: string[];
}
