// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface ClaimRequest {
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
   * Entry IDs (1 to 1000).
   */
  'ids'?: (string)[];
  /**
   * Set the idle time (IDLE).
   */
  'idleMs'?: (number | string | Long);
  /**
   * Set the last delivery time, Unix ms (TIME).
   */
  'timeMs'?: (number | string | Long);
  /**
   * Set the delivery count (RETRYCOUNT).
   */
  'retryCount'?: (number);
  /**
   * Create pending entries for IDs not pending (FORCE).
   */
  'force'?: (boolean);
  /**
   * Answer IDs only and leave the delivery count (JUSTID).
   */
  'justId'?: (boolean);
  '_idleMs'?: "idleMs";
  '_timeMs'?: "timeMs";
  '_retryCount'?: "retryCount";
}

export interface ClaimRequest__Output {
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
   * Entry IDs (1 to 1000).
   */
  'ids': (string)[];
  /**
   * Set the idle time (IDLE).
   */
  'idleMs'?: (number);
  /**
   * Set the last delivery time, Unix ms (TIME).
   */
  'timeMs'?: (number);
  /**
   * Set the delivery count (RETRYCOUNT).
   */
  'retryCount'?: (number);
  /**
   * Create pending entries for IDs not pending (FORCE).
   */
  'force': (boolean);
  /**
   * Answer IDs only and leave the delivery count (JUSTID).
   */
  'justId': (boolean);
  '_idleMs'?: "idleMs";
  '_timeMs'?: "timeMs";
  '_retryCount'?: "retryCount";
}
