// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';
import type { AckResult as _streamgate_v1_AckResult, AckResult__Output as _streamgate_v1_AckResult__Output } from '../../streamgate/v1/AckResult.js';

/**
 * StreamingPull, server to client: messages, results of acks, or both.
 */
export interface StreamingPullResponse {
  /**
   * New messages, leased to the stream's consumer.
   */
  'messages'?: (_streamgate_v1_Message)[];
  /**
   * One result per ID of an earlier request's ack_ids, nack_ids, extend_ids and term_ids,
   * in order.
   */
  'ackResults'?: (_streamgate_v1_AckResult)[];
}

/**
 * StreamingPull, server to client: messages, results of acks, or both.
 */
export interface StreamingPullResponse__Output {
  /**
   * New messages, leased to the stream's consumer.
   */
  'messages': (_streamgate_v1_Message__Output)[];
  /**
   * One result per ID of an earlier request's ack_ids, nack_ids, extend_ids and term_ids,
   * in order.
   */
  'ackResults': (_streamgate_v1_AckResult__Output)[];
}
