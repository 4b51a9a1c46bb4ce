// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Pending messages of one consumer.
 */
export interface ConsumerPending {
  /**
   * Consumer name.
   */
  'name'?: (string);
  /**
   * Messages it owns.
   */
  'count'?: (number | string | Long);
}

/**
 * Pending messages of one consumer.
 */
export interface ConsumerPending__Output {
  /**
   * Consumer name.
   */
  'name': (string);
  /**
   * Messages it owns.
   */
  'count': (number);
}
