// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';

export interface ReadRangeResponse {
  /**
   * The entries in the range.
   */
  'messages'?: (_streamgate_v1_Message)[];
}

export interface ReadRangeResponse__Output {
  /**
   * The entries in the range.
   */
  'messages': (_streamgate_v1_Message__Output)[];
}
