// Original file: proto/streamgate/v1/streamgate.proto


export interface DeleteConsumerRequest {
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
  /**
   * Delete even if it owns pending messages, dropping them from the group's pending list
   * (as XGROUP DELCONSUMER does; they will not be redelivered). Release them first (Nack)
   * to keep them. Without force, a consumer with pending messages is refused
   * (FAILED_PRECONDITION / CONSUMER_HAS_PENDING).
   */
  'force'?: (boolean);
}

export interface DeleteConsumerRequest__Output {
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
  /**
   * Delete even if it owns pending messages, dropping them from the group's pending list
   * (as XGROUP DELCONSUMER does; they will not be redelivered). Release them first (Nack)
   * to keep them. Without force, a consumer with pending messages is refused
   * (FAILED_PRECONDITION / CONSUMER_HAS_PENDING).
   */
  'force': (boolean);
}
