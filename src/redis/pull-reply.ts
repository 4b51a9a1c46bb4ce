import type { GroupPolicy, Message } from '../contract/types.js';
import { arr, buf, int, ints, str } from './reply.js';
import { unpackCountedEntries } from './unpack.js';
import { type DeadLetterType, type HandedBack, parseHandedBack } from './dead-letter-moves.js';

/** pull-5's options and reply (scripts.ts runs it). */

export interface PullOptions {
  readonly count: number;
  /** NOACK: new messages only, not tracked. */
  readonly noAck: boolean;
  /** The dead-letter stream the caller believes the group uses (KEYS[3]); null: hand the dead letters back (another Cluster slot). */
  readonly deadLetter: string | null;
  /** With `deadLetter` null: the dead-letter key's type, asked just before (undefined: not asked; see pull-5.lua). */
  readonly deadLetterType?: DeadLetterType;
  /** Policy of a group without a stored one. */
  readonly defaults: GroupPolicy;
  /** IDs to ack (whoever holds them) before reading, in the same script call; canonical. */
  readonly ack?: readonly string[];
  /** Messages as PackedMessages (contract/packed-message.ts) instead of plain objects. */
  readonly packed?: boolean;
  /** Most bytes of entry data (field names and values) to deliver; the first entry always goes. */
  readonly maxBytes: number;
  /** The lease walk's bounds (see pull-5.lua). */
  readonly leaseWalk: LeaseWalk;
  /** New entries to read at once before measuring them: how many the caller expects to fit `maxBytes`. */
  readonly firstChunk: number;
}

/** How much of the pending list one pull looks at for expired leases. */
export interface LeaseWalk {
  /** A pending list of at most this many entries is walked whole (filtered in Redis). */
  readonly whole: number;
  /** A longer one: this many entries per pull, resuming where the last pull stopped. */
  readonly step: number;
}

export type PullReply =
  | {
      readonly status: 'OK';
      /** Reclaimed first, then new ones. */
      readonly messages: Message[];
      /** Messages this call moved to the dead-letter stream. */
      readonly deadLettered: number;
      /** The stream's last ID when nothing was delivered: wait for entries after it. */
      readonly topId: string;
      /** The group's lease. */
      readonly leaseMs: number;
      /** Per ID of PullOptions.ack, 1 when it was pending and is now acked, else 0. */
      readonly acked: number[];
      /** The stored policy could not be read: the defaults (field by field) were used. */
      readonly policyUnreadable: boolean;
      /** Length of the packed entries: what the gateway received for them. */
      readonly packedBytes: number;
      /** With deadLetter null: the dead letters for the caller to move (deadLettered does not count them). */
      readonly handedBack: HandedBack | null;
      /** With deadLetter null: the group dead-letters, so a pull must ask the dead-letter key's type first. */
      readonly asksDeadLetterType: boolean;
    }
  /** The group's dead-letter stream is not `deadLetter`; nothing was changed. */
  | { readonly status: 'DLQ'; readonly deadLetterStream: string; readonly policyUnreadable: boolean };

export const parsePull = (raw: unknown): PullReply => parsePullReply(raw, false);
export const parsePackedPull = (raw: unknown): PullReply => parsePullReply(raw, true);

function parsePullReply(raw: unknown, packed: boolean): PullReply {
  const reply = arr(raw);
  const policyUnreadable = int(reply[6]) === 1;
  if (str(reply[0]) === 'DLQ') return { status: 'DLQ', deadLetterStream: str(reply[1]), policyUnreadable };
  const entries = buf(reply[1]);
  return {
    status: 'OK',
    messages: unpackCountedEntries(entries, packed),
    packedBytes: entries.length,
    deadLettered: int(reply[2]),
    topId: str(reply[3]),
    leaseMs: int(reply[4]),
    acked: ints(reply[5]),
    policyUnreadable,
    handedBack: parseHandedBack(reply[7], reply[8]),
    asksDeadLetterType: reply[9] !== undefined && int(reply[9]) === 1,
  };
}

