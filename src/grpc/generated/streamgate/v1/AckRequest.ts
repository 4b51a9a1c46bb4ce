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
  /**
   * Empty: acknowledge whoever holds the messages (XACK). Set: only the ones this consumer
   * holds (XPENDING's owner); one whose lease was lost to another consumer is left alone
   * and listed in not_owned (and not_pending).
   */
  'consumer'?: (string);
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
  /**
   * Empty: acknowledge whoever holds the messages (XACK). Set: only the ones this consumer
   * holds (XPENDING's owner); one whose lease was lost to another consumer is left alone
   * and listed in not_owned (and not_pending).
   */
  'consumer': (string);
}
