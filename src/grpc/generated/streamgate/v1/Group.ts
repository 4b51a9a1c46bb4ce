// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A consumer group with its policy.
 */
export interface Group {
  /**
   * Group name.
   */
  'name'?: (string);
  /**
   * Number of consumers.
   */
  'consumers'?: (number);
  /**
   * Messages delivered and not yet acked.
   */
  'pending'?: (number | string | Long);
  /**
   * The group's position: the last ID delivered; "0-0" before the first, as Redis reports it.
   */
  'lastDeliveredId'?: (string);
  /**
   * Logical read counter, when Redis knows it.
   */
  'entriesRead'?: (number | string | Long);
  /**
   * Entries not yet delivered to the group, when Redis can tell.
   */
  'lag'?: (number | string | Long);
  /**
   * Lease of a pulled message in ms (0: no automatic redelivery, plain Redis).
   */
  'leaseMs'?: (number | string | Long);
  /**
   * Deliveries after which a message is dead-lettered (0: unlimited).
   */
  'maxDeliveries'?: (number);
  /**
   * Stream that receives the group's dead letters.
   */
  'deadLetterStream'?: (string);
  /**
   * Consumer reaping: idle time in ms after which a consumer's pending messages are
   * released for redelivery and the consumer is deleted (0: never).
   */
  'reapIdleMs'?: (number | string | Long);
  /**
   * Retry backoff in ms: the first wait before a redelivery, doubled per delivery up to
   * max_backoff_ms (0: off). See CreateGroupRequest.min_backoff_ms.
   */
  'minBackoffMs'?: (number | string | Long);
  /**
   * Longest retry backoff in ms (0: off).
   */
  'maxBackoffMs'?: (number | string | Long);
  '_entriesRead'?: "entriesRead";
  '_lag'?: "lag";
}

/**
 * A consumer group with its policy.
 */
export interface Group__Output {
  /**
   * Group name.
   */
  'name': (string);
  /**
   * Number of consumers.
   */
  'consumers': (number);
  /**
   * Messages delivered and not yet acked.
   */
  'pending': (number);
  /**
   * The group's position: the last ID delivered; "0-0" before the first, as Redis reports it.
   */
  'lastDeliveredId': (string);
  /**
   * Logical read counter, when Redis knows it.
   */
  'entriesRead'?: (number);
  /**
   * Entries not yet delivered to the group, when Redis can tell.
   */
  'lag'?: (number);
  /**
   * Lease of a pulled message in ms (0: no automatic redelivery, plain Redis).
   */
  'leaseMs': (number);
  /**
   * Deliveries after which a message is dead-lettered (0: unlimited).
   */
  'maxDeliveries': (number);
  /**
   * Stream that receives the group's dead letters.
   */
  'deadLetterStream': (string);
  /**
   * Consumer reaping: idle time in ms after which a consumer's pending messages are
   * released for redelivery and the consumer is deleted (0: never).
   */
  'reapIdleMs': (number);
  /**
   * Retry backoff in ms: the first wait before a redelivery, doubled per delivery up to
   * max_backoff_ms (0: off). See CreateGroupRequest.min_backoff_ms.
   */
  'minBackoffMs': (number);
  /**
   * Longest retry backoff in ms (0: off).
   */
  'maxBackoffMs': (number);
  '_entriesRead'?: "entriesRead";
  '_lag'?: "lag";
}
