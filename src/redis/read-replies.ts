import { arr, countedEntries, entries, int, str, strings } from './reply.js';
import type { Message } from '../contract/types.js';

/**
 * Options and replies of the reads bounded by bytes (range-1, claim-1, autoclaim-1), parsed:
 * each stops after the entry whose bytes (ID, field names, values) reach the budget it is given.
 */

/** XCLAIM's options after the IDs, checked by the caller. */
export interface ClaimOptions {
  readonly idleMs?: number;
  readonly timeMs?: number;
  readonly retryCount?: number;
  readonly force?: boolean;
  readonly justId?: boolean;
}

/**
 * The claimed messages (or only their IDs, with justId), and the IDs of the request not tried
 * because the reply reached the byte budget (in request order; always empty with justId).
 */
export type Claimed = { readonly messages: Message[] } | { readonly ids: string[] };
export type ClaimReply = Claimed & { readonly untried: string[] };

/** A range read bounded by bytes (range-1). */
export interface RangeOptions {
  readonly start: string;
  readonly end: string;
  readonly count: number;
  /** Newest first (XREVRANGE). */
  readonly reverse: boolean;
  /** Bytes of entries (ID, names, values) after which the read stops. */
  readonly budget: number;
  /** Entries of the script's first XRANGE (the next ones are sized by the entries seen). */
  readonly firstChunk: number;
}

export interface RangeReply {
  readonly messages: Message[];
  /** The budget ended the read before `count` entries: more may follow. */
  readonly cut: boolean;
}

export interface AutoClaimReply {
  readonly next: string;
  readonly claimed: Claimed;
  readonly deletedIds: string[];
}

export function parseRange(reply: unknown): RangeReply {
  const [found, cut] = arr(reply);
  return { messages: entries(found), cut: int(cut) === 1 };
}

export function parseClaim(reply: unknown, justId: boolean): ClaimReply {
  const [claimed, untried] = arr(reply);
  return justId ? { ids: strings(claimed), untried: strings(untried) } : { messages: countedEntries(claimed), untried: strings(untried) };
}

export function parseAutoClaim(reply: unknown, justId: boolean): AutoClaimReply {
  const [next, claimed, deleted] = arr(reply);
  return {
    next: str(next),
    claimed: justId ? { ids: strings(claimed) } : { messages: countedEntries(claimed) },
    deletedIds: strings(deleted),
  };
}
