// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';

export interface PullResponse {
  /**
   * The messages, each leased to the consumer; empty when the wait ended.
   */
  'messages'?: (_streamgate_v1_Message)[];
}

export interface PullResponse__Output {
  /**
   * The messages, each leased to the consumer; empty when the wait ended.
   */
  'messages': (_streamgate_v1_Message__Output)[];
}
