// Original file: proto/streamgate/v1/streamgate.proto

import type { Consumer as _streamgate_v1_Consumer, Consumer__Output as _streamgate_v1_Consumer__Output } from '../../streamgate/v1/Consumer.js';

export interface ListConsumersResponse {
  /**
   * The group's consumers.
   */
  'consumers'?: (_streamgate_v1_Consumer)[];
}

export interface ListConsumersResponse__Output {
  /**
   * The group's consumers.
   */
  'consumers': (_streamgate_v1_Consumer__Output)[];
}
