// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface NackRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * The consumer whose leases to release; other consumers' messages are left alone.
   */
  'consumer'?: (string);
  /**
   * Entry IDs (1 to 1000).
   */
  'ids'?: (string)[];
  /**
   * Redeliver after this long: up to 43200000 (12 h), whatever the group's lease_ms. 0:
   * after the group's retry backoff (at once when it has none).
   */
  'delayMs'?: (number | string | Long);
}

export interface NackRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * The consumer whose leases to release; other consumers' messages are left alone.
   */
  'consumer': (string);
  /**
   * Entry IDs (1 to 1000).
   */
  'ids': (string)[];
  /**
   * Redeliver after this long: up to 43200000 (12 h), whatever the group's lease_ms. 0:
   * after the group's retry backoff (at once when it has none).
   */
  'delayMs': (number);
}
