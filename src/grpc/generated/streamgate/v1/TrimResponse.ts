// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface TrimResponse {
  /**
   * Entries removed.
   */
  'trimmed'?: (number | string | Long);
  /**
   * Set when a plain trim removed entries that some group had not yet received or acked.
   */
  'warning'?: (string);
  '_warning'?: "warning";
}

export interface TrimResponse__Output {
  /**
   * Entries removed.
   */
  'trimmed': (number);
  /**
   * Set when a plain trim removed entries that some group had not yet received or acked.
   */
  'warning'?: (string);
  '_warning'?: "warning";
}
