// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface AutoClaimRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * New owner.
   */
  'consumer'?: (string);
  /**
   * Only messages idle at least this long.
   */
  'minIdleMs'?: (number | string | Long);
  /**
   * Cursor: "0-0" (default) or the `next` of the previous call.
   */
  'start'?: (string);
  /**
   * Most messages to claim (default 100).
   */
  'count'?: (number);
  /**
   * Answer IDs only and leave the delivery count (JUSTID).
   */
  'justId'?: (boolean);
}

export interface AutoClaimRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * New owner.
   */
  'consumer': (string);
  /**
   * Only messages idle at least this long.
   */
  'minIdleMs': (number);
  /**
   * Cursor: "0-0" (default) or the `next` of the previous call.
   */
  'start': (string);
  /**
   * Most messages to claim (default 100).
   */
  'count': (number);
  /**
   * Answer IDs only and leave the delivery count (JUSTID).
   */
  'justId': (boolean);
}
