// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface CreateGroupRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Group name.
   */
  'group'?: (string);
  /**
   * Where the group starts: "$" (default: only new messages), "0" (all), or an ID.
   */
  'start'?: (string);
  /**
   * Create an empty stream if it does not exist (MKSTREAM).
   */
  'createStream'?: (boolean);
  /**
   * Logical read counter to set (ENTRIESREAD), for an exact lag.
   */
  'entriesRead'?: (number | string | Long);
  /**
   * Lease in ms: 0 or 50–43200000; unset: the server default (30000).
   */
  'leaseMs'?: (number | string | Long);
  /**
   * 0 (unlimited) to 1000; unset: the server default (0).
   */
  'maxDeliveries'?: (number);
  /**
   * Unset: "<stream>:dlq".
   */
  'deadLetterStream'?: (string);
  /**
   * Consumer reaping: a consumer idle (no read, claim, nack or extend) longer than this has
   * its pending messages released for prompt redelivery to the group (delivery counts kept)
   * and is then deleted; nothing pending is lost. 0 or unset: never. Else 50–2592000000
   * (30 days), at least lease_ms, and only with lease_ms > 0. Checked every
   * STREAMGATE_REAP_INTERVAL_MS (30000), so a consumer may go up to that much later.
   */
  'reapIdleMs'?: (number | string | Long);
  /**
   * Retry backoff: after a delivery whose lease expired, or a nack without delay_ms, the
   * message is delivered again only after min(max_backoff_ms, min_backoff_ms ×
   * 2^(delivery_count − 1)) ms, counted from the lease expiry or the nack. 0 or unset: off.
   * 0–43200000, at most max_backoff_ms (else INVALID_ARGUMENT, VALIDATION_FAILED).
   */
  'minBackoffMs'?: (number | string | Long);
  /**
   * Longest retry backoff (see min_backoff_ms): 0–43200000, at least min_backoff_ms. 0 or
   * unset: off.
   */
  'maxBackoffMs'?: (number | string | Long);
  '_entriesRead'?: "entriesRead";
  '_leaseMs'?: "leaseMs";
  '_maxDeliveries'?: "maxDeliveries";
  '_deadLetterStream'?: "deadLetterStream";
  '_reapIdleMs'?: "reapIdleMs";
  '_minBackoffMs'?: "minBackoffMs";
  '_maxBackoffMs'?: "maxBackoffMs";
}

export interface CreateGroupRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Group name.
   */
  'group': (string);
  /**
   * Where the group starts: "$" (default: only new messages), "0" (all), or an ID.
   */
  'start': (string);
  /**
   * Create an empty stream if it does not exist (MKSTREAM).
   */
  'createStream': (boolean);
  /**
   * Logical read counter to set (ENTRIESREAD), for an exact lag.
   */
  'entriesRead'?: (number);
  /**
   * Lease in ms: 0 or 50–43200000; unset: the server default (30000).
   */
  'leaseMs'?: (number);
  /**
   * 0 (unlimited) to 1000; unset: the server default (0).
   */
  'maxDeliveries'?: (number);
  /**
   * Unset: "<stream>:dlq".
   */
  'deadLetterStream'?: (string);
  /**
   * Consumer reaping: a consumer idle (no read, claim, nack or extend) longer than this has
   * its pending messages released for prompt redelivery to the group (delivery counts kept)
   * and is then deleted; nothing pending is lost. 0 or unset: never. Else 50–2592000000
   * (30 days), at least lease_ms, and only with lease_ms > 0. Checked every
   * STREAMGATE_REAP_INTERVAL_MS (30000), so a consumer may go up to that much later.
   */
  'reapIdleMs'?: (number);
  /**
   * Retry backoff: after a delivery whose lease expired, or a nack without delay_ms, the
   * message is delivered again only after min(max_backoff_ms, min_backoff_ms ×
   * 2^(delivery_count − 1)) ms, counted from the lease expiry or the nack. 0 or unset: off.
   * 0–43200000, at most max_backoff_ms (else INVALID_ARGUMENT, VALIDATION_FAILED).
   */
  'minBackoffMs'?: (number);
  /**
   * Longest retry backoff (see min_backoff_ms): 0–43200000, at least min_backoff_ms. 0 or
   * unset: off.
   */
  'maxBackoffMs'?: (number);
  '_entriesRead'?: "entriesRead";
  '_leaseMs'?: "leaseMs";
  '_maxDeliveries'?: "maxDeliveries";
  '_deadLetterStream'?: "deadLetterStream";
  '_reapIdleMs'?: "reapIdleMs";
  '_minBackoffMs'?: "minBackoffMs";
  '_maxBackoffMs'?: "maxBackoffMs";
}
