// Original file: proto/streamgate/v1/streamgate.proto

import type { PendingEntry as _streamgate_v1_PendingEntry, PendingEntry__Output as _streamgate_v1_PendingEntry__Output } from '../../streamgate/v1/PendingEntry.js';

export interface ListPendingResponse {
  /**
   * Pending entries in ID order: at most `count`, stopping after the entry whose bytes (ID,
   * consumer, 16 for its numbers) reach STREAMGATE_MAX_RESPONSE_BYTES.
   */
  'entries'?: (_streamgate_v1_PendingEntry)[];
  /**
   * The last ID answered when the listing stopped at `count` or at the byte limit: continue
   * with `start` = "(" + next. Empty when the range has nothing more.
   */
  'next'?: (string);
}

export interface ListPendingResponse__Output {
  /**
   * Pending entries in ID order: at most `count`, stopping after the entry whose bytes (ID,
   * consumer, 16 for its numbers) reach STREAMGATE_MAX_RESPONSE_BYTES.
   */
  'entries': (_streamgate_v1_PendingEntry__Output)[];
  /**
   * The last ID answered when the listing stopped at `count` or at the byte limit: continue
   * with `start` = "(" + next. Empty when the range has nothing more.
   */
  'next': (string);
}
