// Original file: proto/streamgate/v1/streamgate.proto


export interface TermRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * Entry IDs to terminate (1 to 1000).
   */
  'ids'?: (string)[];
  /**
   * Written to each dead letter as the field `x-reason` (at most 1024 bytes); empty: none.
   */
  'reason'?: (string);
  /**
   * Empty: terminate whoever holds the messages. Set: only the ones this consumer holds;
   * the others are left alone and listed in not_owned (and not_pending).
   */
  'consumer'?: (string);
}

export interface TermRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * Entry IDs to terminate (1 to 1000).
   */
  'ids': (string)[];
  /**
   * Written to each dead letter as the field `x-reason` (at most 1024 bytes); empty: none.
   */
  'reason': (string);
  /**
   * Empty: terminate whoever holds the messages. Set: only the ones this consumer holds;
   * the others are left alone and listed in not_owned (and not_pending).
   */
  'consumer': (string);
}
