// Original file: proto/streamgate/v1/streamgate.proto


export interface ExtendLeaseRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * The consumer whose leases to extend.
   */
  'consumer'?: (string);
  /**
   * Entry IDs (1 to 1000).
   */
  'ids'?: (string)[];
}

export interface ExtendLeaseRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * The consumer whose leases to extend.
   */
  'consumer': (string);
  /**
   * Entry IDs (1 to 1000).
   */
  'ids': (string)[];
}
