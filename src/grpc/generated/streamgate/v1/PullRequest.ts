// Original file: proto/streamgate/v1/streamgate.proto


export interface PullRequest {
  /**
   * Stream to consume.
   */
  'stream'?: (string);
  /**
   * Consumer group.
   */
  'group'?: (string);
  /**
   * Consumer name (created on first use).
   */
  'consumer'?: (string);
  /**
   * Most messages to receive (default 1).
   */
  'count'?: (number);
  /**
   * Wait up to this long for messages when there are none (default 0: answer at once).
   */
  'waitMs'?: (number);
  /**
   * ">" (default): expired leases, then new messages. "0" or an ID: this consumer's own
   * pending messages after it (history, as XREADGROUP reads them; counts as a delivery).
   */
  'from'?: (string);
  /**
   * New messages only, not tracked as pending (XREADGROUP NOACK): at-most-once.
   */
  'noAck'?: (boolean);
}

export interface PullRequest__Output {
  /**
   * Stream to consume.
   */
  'stream': (string);
  /**
   * Consumer group.
   */
  'group': (string);
  /**
   * Consumer name (created on first use).
   */
  'consumer': (string);
  /**
   * Most messages to receive (default 1).
   */
  'count': (number);
  /**
   * Wait up to this long for messages when there are none (default 0: answer at once).
   */
  'waitMs': (number);
  /**
   * ">" (default): expired leases, then new messages. "0" or an ID: this consumer's own
   * pending messages after it (history, as XREADGROUP reads them; counts as a delivery).
   */
  'from': (string);
  /**
   * New messages only, not tracked as pending (XREADGROUP NOACK): at-most-once.
   */
  'noAck': (boolean);
}
