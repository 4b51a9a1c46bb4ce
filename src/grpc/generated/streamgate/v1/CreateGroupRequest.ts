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
  '_entriesRead'?: "entriesRead";
  '_leaseMs'?: "leaseMs";
  '_maxDeliveries'?: "maxDeliveries";
  '_deadLetterStream'?: "deadLetterStream";
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
  '_entriesRead'?: "entriesRead";
  '_leaseMs'?: "leaseMs";
  '_maxDeliveries'?: "maxDeliveries";
  '_deadLetterStream'?: "deadLetterStream";
}
