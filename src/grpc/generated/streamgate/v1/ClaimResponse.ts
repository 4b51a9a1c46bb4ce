// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';

export interface ClaimResponse {
  /**
   * Claimed messages (without just_id).
   */
  'messages'?: (_streamgate_v1_Message)[];
  /**
   * Claimed IDs (with just_id).
   */
  'ids'?: (string)[];
}

export interface ClaimResponse__Output {
  /**
   * Claimed messages (without just_id).
   */
  'messages': (_streamgate_v1_Message__Output)[];
  /**
   * Claimed IDs (with just_id).
   */
  'ids': (string)[];
}
