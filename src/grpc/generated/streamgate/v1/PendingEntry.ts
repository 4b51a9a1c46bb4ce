// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One pending message.
 */
export interface PendingEntry {
  /**
   * Entry ID.
   */
  'id'?: (string);
  /**
   * Owner.
   */
  'consumer'?: (string);
  /**
   * Since the last delivery, in ms (the lease clock).
   */
  'idleMs'?: (number | string | Long);
  /**
   * Times delivered.
   */
  'deliveryCount'?: (number);
}

/**
 * One pending message.
 */
export interface PendingEntry__Output {
  /**
   * Entry ID.
   */
  'id': (string);
  /**
   * Owner.
   */
  'consumer': (string);
  /**
   * Since the last delivery, in ms (the lease clock).
   */
  'idleMs': (number);
  /**
   * Times delivered.
   */
  'deliveryCount': (number);
}
