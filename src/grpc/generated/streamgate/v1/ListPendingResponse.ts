// Original file: proto/streamgate/v1/streamgate.proto

import type { PendingEntry as _streamgate_v1_PendingEntry, PendingEntry__Output as _streamgate_v1_PendingEntry__Output } from '../../streamgate/v1/PendingEntry.js';

export interface ListPendingResponse {
  /**
   * Pending entries in ID order.
   */
  'entries'?: (_streamgate_v1_PendingEntry)[];
}

export interface ListPendingResponse__Output {
  /**
   * Pending entries in ID order.
   */
  'entries': (_streamgate_v1_PendingEntry__Output)[];
}
