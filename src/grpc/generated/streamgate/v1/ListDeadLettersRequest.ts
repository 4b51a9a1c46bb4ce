// Original file: proto/streamgate/v1/streamgate.proto


export interface ListDeadLettersRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * Most dead letters to return (default 100).
   */
  'count'?: (number);
  /**
   * Continue after this dead-letter ID (the previous `next`).
   */
  'after'?: (string);
  '_after'?: "after";
}

export interface ListDeadLettersRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * Most dead letters to return (default 100).
   */
  'count': (number);
  /**
   * Continue after this dead-letter ID (the previous `next`).
   */
  'after'?: (string);
  '_after'?: "after";
}
