// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteConsumerResponse {
  /**
   * Pending entries dropped with it.
   */
  'pendingDropped'?: (number | string | Long);
}

export interface DeleteConsumerResponse__Output {
  /**
   * Pending entries dropped with it.
   */
  'pendingDropped': (number);
}
