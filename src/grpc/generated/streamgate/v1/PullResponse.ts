// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';
import type { AckResponse as _streamgate_v1_AckResponse, AckResponse__Output as _streamgate_v1_AckResponse__Output } from '../../streamgate/v1/AckResponse.js';

export interface PullResponse {
  /**
   * The messages, each leased to the consumer; empty when the wait ended.
   */
  'messages'?: (_streamgate_v1_Message)[];
  /**
   * The result of the request's ack_ids, as Ack answers it; unset when ack_ids was empty.
   */
  'acked'?: (_streamgate_v1_AckResponse | null);
}

export interface PullResponse__Output {
  /**
   * The messages, each leased to the consumer; empty when the wait ended.
   */
  'messages': (_streamgate_v1_Message__Output)[];
  /**
   * The result of the request's ack_ids, as Ack answers it; unset when ack_ids was empty.
   */
  'acked': (_streamgate_v1_AckResponse__Output | null);
}
