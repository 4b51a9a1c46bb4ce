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
  '_leaseMs'?: "leaseMs";
  '_maxDeliveries'?: "maxDeliveries";
  '_deadLetterStream'?: "deadLetterStream";
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
  '_leaseMs'?: "leaseMs";
  '_maxDeliveries'?: "maxDeliveries";
  '_deadLetterStream'?: "deadLetterStream";
}
