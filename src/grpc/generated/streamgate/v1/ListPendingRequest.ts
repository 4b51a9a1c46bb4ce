// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface ListPendingRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * Lower bound: "-" (default), an ID, or "(ID".
   */
  'start'?: (string);
  /**
   * Upper bound: "+" (default), an ID, or "(ID".
   */
  'end'?: (string);
  /**
   * Most entries (default 100).
   */
  'count'?: (number);
  /**
   * Only this consumer's entries.
   */
  'consumer'?: (string);
  /**
   * Only entries idle at least this long.
   */
  'minIdleMs'?: (number | string | Long);
  '_consumer'?: "consumer";
  '_minIdleMs'?: "minIdleMs";
}

export interface ListPendingRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * Lower bound: "-" (default), an ID, or "(ID".
   */
  'start': (string);
  /**
   * Upper bound: "+" (default), an ID, or "(ID".
   */
  'end': (string);
  /**
   * Most entries (default 100).
   */
  'count': (number);
  /**
   * Only this consumer's entries.
   */
  'consumer'?: (string);
  /**
   * Only entries idle at least this long.
   */
  'minIdleMs'?: (number);
  '_consumer'?: "consumer";
  '_minIdleMs'?: "minIdleMs";
}
