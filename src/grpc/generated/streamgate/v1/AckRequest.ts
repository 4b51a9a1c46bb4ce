// Original file: proto/streamgate/v1/streamgate.proto


export interface AckRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * Entry IDs to acknowledge (1 to 1000).
   */
  'ids'?: (string)[];
}

export interface AckRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * Entry IDs to acknowledge (1 to 1000).
   */
  'ids': (string)[];
}
