// Original file: proto/streamgate/v1/streamgate.proto


export interface RedriveDeadLettersRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * Dead-letter entry IDs to redrive; empty: the oldest `count`.
   */
  'ids'?: (string)[];
  /**
   * Redrive the oldest this many (default 1000); only without `ids`.
   */
  'count'?: (number);
  '_count'?: "count";
}

export interface RedriveDeadLettersRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * Dead-letter entry IDs to redrive; empty: the oldest `count`.
   */
  'ids': (string)[];
  /**
   * Redrive the oldest this many (default 1000); only without `ids`.
   */
  'count'?: (number);
  '_count'?: "count";
}
