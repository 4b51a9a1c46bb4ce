// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface UpdateGroupRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Group name.
   */
  'group'?: (string);
  /**
   * New lease in ms (0 or 50–43200000); unset: unchanged.
   */
  'leaseMs'?: (number | string | Long);
  /**
   * New max deliveries (0–1000); unset: unchanged.
   */
  'maxDeliveries'?: (number);
  /**
   * New dead-letter stream; unset: unchanged.
   */
  'deadLetterStream'?: (string);
  /**
   * New reap idle time (0: never; else 50–2592000000, at least the lease, leases on; see
   * CreateGroupRequest.reap_idle_ms); unset: unchanged. A change leaving it below lease_ms,
   * or with lease_ms 0, is INVALID_ARGUMENT (VALIDATION_FAILED).
   */
  'reapIdleMs'?: (number | string | Long);
  /**
   * New first retry backoff (see CreateGroupRequest.min_backoff_ms); unset: unchanged. A
   * change leaving it above max_backoff_ms is INVALID_ARGUMENT (VALIDATION_FAILED).
   */
  'minBackoffMs'?: (number | string | Long);
  /**
   * New longest retry backoff; unset: unchanged.
   */
  'maxBackoffMs'?: (number | string | Long);
  '_leaseMs'?: "leaseMs";
  '_maxDeliveries'?: "maxDeliveries";
  '_deadLetterStream'?: "deadLetterStream";
  '_reapIdleMs'?: "reapIdleMs";
  '_minBackoffMs'?: "minBackoffMs";
  '_maxBackoffMs'?: "maxBackoffMs";
}

export interface UpdateGroupRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Group name.
   */
  'group': (string);
  /**
   * New lease in ms (0 or 50–43200000); unset: unchanged.
   */
  'leaseMs'?: (number);
  /**
   * New max deliveries (0–1000); unset: unchanged.
   */
  'maxDeliveries'?: (number);
  /**
   * New dead-letter stream; unset: unchanged.
   */
  'deadLetterStream'?: (string);
  /**
   * New reap idle time (0: never; else 50–2592000000, at least the lease, leases on; see
   * CreateGroupRequest.reap_idle_ms); unset: unchanged. A change leaving it below lease_ms,
   * or with lease_ms 0, is INVALID_ARGUMENT (VALIDATION_FAILED).
   */
  'reapIdleMs'?: (number);
  /**
   * New first retry backoff (see CreateGroupRequest.min_backoff_ms); unset: unchanged. A
   * change leaving it above max_backoff_ms is INVALID_ARGUMENT (VALIDATION_FAILED).
   */
  'minBackoffMs'?: (number);
  /**
   * New longest retry backoff; unset: unchanged.
   */
  'maxBackoffMs'?: (number);
  '_leaseMs'?: "leaseMs";
  '_maxDeliveries'?: "maxDeliveries";
  '_deadLetterStream'?: "deadLetterStream";
  '_reapIdleMs'?: "reapIdleMs";
  '_minBackoffMs'?: "minBackoffMs";
  '_maxBackoffMs'?: "maxBackoffMs";
}
