/**
 * The contract's request defaults and integer limits, in one commented object each (the
 * style of nodejs-pubsub's default-options.ts). The REST schemas declare them (so the
 * OpenAPI document shows them); the gRPC handlers apply the defaults where proto3 sends
 * "" or 0, which cannot be told from "unset". docs/api.md lists the same values.
 */

/** What an omitted input means, per operation, on both transports. */
export const defaultOptions = {
  readRange: {
    // The whole stream: XRANGE's own smallest and largest bounds.
    start: '-',
    end: '+',
    // Entries per page. A client pages on with an exclusive start `(<last id>`.
    count: 100,
    // Oldest first; reverse only flips the order, never the meaning of start and end.
    reverse: false,
  },
  listStreams: {
    // A SCAN cursor: "0" starts a new scan (and "0" in an answer ends it).
    cursor: '0',
    // Keys examined per step: a SCAN COUNT hint, not the number of names returned.
    count: 100,
  },
  createGroup: {
    // Only messages published after the group exists (XGROUP CREATE ... $).
    start: '$',
    // Refuse a stream that does not exist rather than create an empty one (MKSTREAM).
    createStream: false,
  },
  pull: {
    // One message: a worker that wants a batch says so.
    count: 1,
    // Answer at once when nothing is there; a long poll asks for waitMs.
    waitMs: 0,
    // `>`: expired leases of the group first, then new messages.
    from: '>',
    // Tracked as pending (at-least-once); noAck is the at-most-once opt-in.
    noAck: false,
  },
  nack: {
    // Redeliverable at once.
    delayMs: 0,
  },
  deleteConsumer: {
    // Refuse a consumer that still owns pending messages (CONSUMER_HAS_PENDING).
    force: false,
  },
  listPending: {
    // The whole pending list, in ID order.
    start: '-',
    end: '+',
    count: 100,
  },
  autoClaim: {
    // The XAUTOCLAIM cursor that starts a scan of the pending list.
    start: '0-0',
    count: 100,
  },
  listDeadLetters: {
    // Dead letters of the group per page; continue with `after` = the previous `next`.
    count: 100,
  },
  trim: {
    // Approximate (`~`): whole internal nodes only, much cheaper than exact (`=`).
    exact: false,
    // A plain trim (safe: true never removes what a group still needs).
    safe: false,
  },
  // gRPC StreamingPull only: the flow control of a session whose first request leaves a field 0.
  streamingPull: {
    // Messages handed out and not yet acked or nacked: Pub/Sub's default for its clients.
    maxOutstandingMessages: 1000,
    // Their bytes (field names and values): 100 MiB, also Pub/Sub's.
    maxOutstandingBytes: 100 * 1024 * 1024,
    // How long the session keeps extending a message's lease for a client that holds it:
    // 10 minutes, so a hung client cannot keep a message from the group forever.
    maxLeaseExtensionMs: 600_000,
  },
  // REST only: field values as UTF-8 text (gRPC carries bytes).
  encoding: 'utf8',
} as const;

/** An inclusive integer range. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Limits a deployment may change (STREAMGATE_*): the default, and the range the setting
 * accepts. The configuration schema takes them from here; the REST document states the
 * configured value (`served` follows the configuration, the committed document is the
 * default one).
 */
export const limitSettings = {
  // Largest count a read, pull, claim, pending or dead-letter listing may ask for.
  maxCount: { env: 'STREAMGATE_MAX_COUNT', default: 1000, min: 1, max: 100_000 },
  // Longest a pull may wait for messages.
  maxWaitMs: { env: 'STREAMGATE_MAX_WAIT_MS', default: 60_000, min: 0, max: 3_600_000 },
  // Most messages, IDs or entries one request may carry.
  maxBatch: { env: 'STREAMGATE_MAX_BATCH', default: 1000, min: 1, max: 100_000 },
  // Largest message: its field names (UTF-8) and values, in bytes (PAYLOAD_TOO_LARGE above).
  maxMessageBytes: { env: 'STREAMGATE_MAX_MESSAGE_BYTES', default: 1_048_576, min: 1, max: 512 * 1_048_576 },
  // Most fields one message may have.
  maxFields: { env: 'STREAMGATE_MAX_FIELDS', default: 1000, min: 1, max: 100_000 },
  // Largest REST request body and gRPC message (PAYLOAD_TOO_LARGE above, before any route
  // runs). Unset, it follows from the limits above (bodyBytesFor); this is the default one.
  maxBodyBytes: { env: 'STREAMGATE_MAX_BODY_BYTES', default: 6_423_552, min: 1024, max: 1024 * 1_048_576 },
  // Bytes of entries (IDs, field names and values) one read answers: a read stops after the
  // entry that reaches it and says where to continue. 2 MiB: with the 1 MiB message limit a
  // reply holds at most 3 MiB of entries, under the 4 MiB a gRPC client receives by default,
  // and a JSON reply (base64: 4/3 of the bytes) stays a few MiB. At least 1 KiB (an entry ID
  // and a field); at most 256 MiB (a JSON string of it, base64, stays far under V8's limit).
  maxResponseBytes: { env: 'STREAMGATE_MAX_RESPONSE_BYTES', default: 2 * 1_048_576, min: 1024, max: 256 * 1_048_576 },
} as const;

/**
 * The body limit that the message limits call for, when STREAMGATE_MAX_BODY_BYTES is not
 * set: room for one message of maxMessageBytes in its longest JSON form (every byte written
 * as `\u00XX`: 6 characters), plus 64 bytes of framing for each of maxFields fields and
 * maxBatch messages or IDs, plus 4 KiB for the rest; within the setting's range. The
 * defaults give 6 × 1 MiB + 64 × 2000 + 4096 = 6423552 bytes (6.1 MiB). A batch shares this
 * budget: maxBatch × maxMessageBytes (1000 MiB) would let one body cost seconds of CPU.
 */
export function bodyBytesFor(limits: { readonly maxMessageBytes: number; readonly maxFields: number; readonly maxBatch: number }): number {
  const { min, max } = limitSettings.maxBodyBytes;
  const bytes = 6 * limits.maxMessageBytes + 64 * (limits.maxFields + limits.maxBatch) + 4096;
  return Math.min(max, Math.max(min, bytes));
}

export type LimitName = keyof typeof limitSettings;

/**
 * The largest integer JSON numbers and JavaScript carry exactly: the bound of every count,
 * time and size that has no smaller one. The core refuses a larger request value.
 */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * A group's lag is Redis's `entries-added − entries-read`. It is negative only when a
 * client set entriesRead (ENTRIESREAD) above the entries ever added: entriesRead is at most
 * MAX_SAFE (the gateway refuses more), and a stream whose lag is not 0 has added at least
 * one entry, so lag ≥ 1 − MAX_SAFE.
 */
export const LAG_RANGE: IntRange = { min: 1 - MAX_SAFE, max: MAX_SAFE };
