// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';

export interface ClaimResponse {
  /**
   * Claimed messages (without just_id). The IDs are claimed in the order given, and the
   * call stops after the message whose bytes (ID, field names, values) reach
   * STREAMGATE_MAX_RESPONSE_BYTES.
   */
  'messages'?: (_streamgate_v1_Message)[];
  /**
   * Claimed IDs (with just_id).
   */
  'ids'?: (string)[];
  /**
   * IDs of the request not tried (not claimed) because the reply reached the byte limit, in
   * request order: claim them in another call. Empty with just_id.
   */
  'remainingIds'?: (string)[];
}

export interface ClaimResponse__Output {
  /**
   * Claimed messages (without just_id). The IDs are claimed in the order given, and the
   * call stops after the message whose bytes (ID, field names, values) reach
   * STREAMGATE_MAX_RESPONSE_BYTES.
   */
  'messages': (_streamgate_v1_Message__Output)[];
  /**
   * Claimed IDs (with just_id).
   */
  'ids': (string)[];
  /**
   * IDs of the request not tried (not claimed) because the reply reached the byte limit, in
   * request order: claim them in another call. Empty with just_id.
   */
  'remainingIds': (string)[];
}
