// Original file: proto/streamgate/v1/streamgate.proto

import type { ConsumerPending as _streamgate_v1_ConsumerPending, ConsumerPending__Output as _streamgate_v1_ConsumerPending__Output } from '../../streamgate/v1/ConsumerPending.js';
import type { Long } from '@grpc/proto-loader';

export interface PendingResponse {
  /**
   * Messages delivered and not acked.
   */
  'count'?: (number | string | Long);
  /**
   * Lowest pending ID; empty when none.
   */
  'minId'?: (string);
  /**
   * Highest pending ID; empty when none.
   */
  'maxId'?: (string);
  /**
   * Per consumer.
   */
  'consumers'?: (_streamgate_v1_ConsumerPending)[];
}

export interface PendingResponse__Output {
  /**
   * Messages delivered and not acked.
   */
  'count': (number);
  /**
   * Lowest pending ID; empty when none.
   */
  'minId': (string);
  /**
   * Highest pending ID; empty when none.
   */
  'maxId': (string);
  /**
   * Per consumer.
   */
  'consumers': (_streamgate_v1_ConsumerPending__Output)[];
}
