// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';

export interface ReadRangeResponse {
  /**
   * The entries in the range: at most `count`, and the read stops after the entry whose
   * bytes (ID, field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES (2 MiB by default;
   * at least one entry is always answered).
   */
  'messages'?: (_streamgate_v1_Message)[];
  /**
   * The last ID answered when the read stopped at `count` or at the byte limit: continue
   * with `start` = "(" + next (`end` when reverse). Empty when the range has nothing more.
   */
  'next'?: (string);
}

export interface ReadRangeResponse__Output {
  /**
   * The entries in the range: at most `count`, and the read stops after the entry whose
   * bytes (ID, field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES (2 MiB by default;
   * at least one entry is always answered).
   */
  'messages': (_streamgate_v1_Message__Output)[];
  /**
   * The last ID answered when the read stopped at `count` or at the byte limit: continue
   * with `start` = "(" + next (`end` when reverse). Empty when the range has nothing more.
   */
  'next': (string);
}
