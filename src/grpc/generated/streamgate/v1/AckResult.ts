// Original file: proto/streamgate/v1/streamgate.proto

import type { AckOperation as _streamgate_v1_AckOperation, AckOperation__Output as _streamgate_v1_AckOperation__Output } from '../../streamgate/v1/AckOperation.js';
import type { AckStatus as _streamgate_v1_AckStatus, AckStatus__Output as _streamgate_v1_AckStatus__Output } from '../../streamgate/v1/AckStatus.js';

/**
 * What an ack, nack, extension or term asked on a StreamingPull did to one message.
 */
export interface AckResult {
  /**
   * Entry ID.
   */
  'id'?: (string);
  /**
   * Which request it answers.
   */
  'operation'?: (_streamgate_v1_AckOperation);
  /**
   * The outcome.
   */
  'status'?: (_streamgate_v1_AckStatus);
}

/**
 * What an ack, nack, extension or term asked on a StreamingPull did to one message.
 */
export interface AckResult__Output {
  /**
   * Entry ID.
   */
  'id': (string);
  /**
   * Which request it answers.
   */
  'operation': (_streamgate_v1_AckOperation__Output);
  /**
   * The outcome.
   */
  'status': (_streamgate_v1_AckStatus__Output);
}
