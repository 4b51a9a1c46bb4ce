// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';

export interface AutoClaimResponse {
  /**
   * Cursor to continue from; "0-0" when the scan is complete.
   */
  'next'?: (string);
  /**
   * Claimed messages (without just_id); the scan stops after the message whose bytes (ID,
   * field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES, and `next` continues after it.
   */
  'messages'?: (_streamgate_v1_Message)[];
  /**
   * Claimed IDs (with just_id).
   */
  'ids'?: (string)[];
  /**
   * Pending IDs found deleted from the stream (removed from the pending list).
   */
  'deletedIds'?: (string)[];
}

export interface AutoClaimResponse__Output {
  /**
   * Cursor to continue from; "0-0" when the scan is complete.
   */
  'next': (string);
  /**
   * Claimed messages (without just_id); the scan stops after the message whose bytes (ID,
   * field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES, and `next` continues after it.
   */
  'messages': (_streamgate_v1_Message__Output)[];
  /**
   * Claimed IDs (with just_id).
   */
  'ids': (string)[];
  /**
   * Pending IDs found deleted from the stream (removed from the pending list).
   */
  'deletedIds': (string)[];
}
