// Original file: proto/streamgate/v1/streamgate.proto


export interface PublishResponse {
  /**
   * IDs of the new entries, in order.
   */
  'ids'?: (string)[];
  /**
   * True when idempotency_key matched an earlier publish: nothing new was written.
   */
  'replayed'?: (boolean);
}

export interface PublishResponse__Output {
  /**
   * IDs of the new entries, in order.
   */
  'ids': (string)[];
  /**
   * True when idempotency_key matched an earlier publish: nothing new was written.
   */
  'replayed': (boolean);
}
