// Original file: proto/streamgate/v1/streamgate.proto


export interface CreateConsumerRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Group name.
   */
  'group'?: (string);
  /**
   * Consumer name.
   */
  'consumer'?: (string);
}

export interface CreateConsumerRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Group name.
   */
  'group': (string);
  /**
   * Consumer name.
   */
  'consumer': (string);
}
