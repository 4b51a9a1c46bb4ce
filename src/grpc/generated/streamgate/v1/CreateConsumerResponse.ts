// Original file: proto/streamgate/v1/streamgate.proto


export interface CreateConsumerResponse {
  /**
   * False when the consumer already existed.
   */
  'created'?: (boolean);
}

export interface CreateConsumerResponse__Output {
  /**
   * False when the consumer already existed.
   */
  'created': (boolean);
}
