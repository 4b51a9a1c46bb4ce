// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A consumer of a group.
 */
export interface Consumer {
  /**
   * Consumer name.
   */
  'name'?: (string);
  /**
   * Messages it owns that are not acked.
   */
  'pending'?: (number | string | Long);
  /**
   * Since its last read or claim attempt, in ms.
   */
  'idleMs'?: (number | string | Long);
  /**
   * Since its last successful read or claim, in ms (Redis 7.2+; else unset).
   */
  'inactiveMs'?: (number | string | Long);
  '_inactiveMs'?: "inactiveMs";
}

/**
 * A consumer of a group.
 */
export interface Consumer__Output {
  /**
   * Consumer name.
   */
  'name': (string);
  /**
   * Messages it owns that are not acked.
   */
  'pending': (number);
  /**
   * Since its last read or claim attempt, in ms.
   */
  'idleMs': (number);
  /**
   * Since its last successful read or claim, in ms (Redis 7.2+; else unset).
   */
  'inactiveMs'?: (number);
  '_inactiveMs'?: "inactiveMs";
}
