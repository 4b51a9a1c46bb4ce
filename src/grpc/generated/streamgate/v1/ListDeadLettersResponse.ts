// Original file: proto/streamgate/v1/streamgate.proto

import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from '../../streamgate/v1/Message.js';

export interface ListDeadLettersResponse {
  /**
   * Dead letters: the original fields plus x-original-id, x-original-stream, x-group,
   * x-deliveries and x-last-consumer. The listing stops after the dead letter whose bytes
   * (ID, field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES.
   */
  'messages'?: (_streamgate_v1_Message)[];
  /**
   * Pass as `after` to continue; empty at the end.
   */
  'next'?: (string);
}

export interface ListDeadLettersResponse__Output {
  /**
   * Dead letters: the original fields plus x-original-id, x-original-stream, x-group,
   * x-deliveries and x-last-consumer. The listing stops after the dead letter whose bytes
   * (ID, field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES.
   */
  'messages': (_streamgate_v1_Message__Output)[];
  /**
   * Pass as `after` to continue; empty at the end.
   */
  'next': (string);
}
