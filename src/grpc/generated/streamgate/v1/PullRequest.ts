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
   * A wait whose group is destroyed, or whose stream is deleted or becomes another type,
   * ends at once (within a second by default) with NOT_FOUND (GROUP_NOT_FOUND,
   * STREAM_NOT_FOUND) or FAILED_PRECONDITION (NOT_A_STREAM), as a blocked XREADGROUP does;
   * a StreamingPull waiting for messages ends so too.
   */
  'waitMs'?: (number);
  /**
   * ">" (default): expired leases, then new messages. "0" or an ID: this consumer's own
   * pending messages after it (history, as XREADGROUP reads them; counts as a delivery).
   */
  'from'?: (string);
  /**
   * New messages only, not tracked as pending (XREADGROUP NOACK): at-most-once. No effect
   * on a history read (accepted, as Redis ignores NOACK there).
   */
  'noAck'?: (boolean);
  /**
   * Entry IDs to acknowledge before pulling (typically the previous batch), exactly as Ack
   * would: whoever holds them, each answered on its own in PullResponse.acked (0 to 1000,
   * STREAMGATE_MAX_BATCH). Checked with the rest of the request before anything is done, and
   * acked before the pull reads or waits. A failing ack (e.g. GROUP_NOT_FOUND) fails the call
   * before anything is pulled. If the pull fails after the ack, the IDs stay acked: acks are
   * idempotent, so a retry with the same IDs is safe (they come back in not_pending).
   */
  'ackIds'?: (string)[];
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
   * A wait whose group is destroyed, or whose stream is deleted or becomes another type,
   * ends at once (within a second by default) with NOT_FOUND (GROUP_NOT_FOUND,
   * STREAM_NOT_FOUND) or FAILED_PRECONDITION (NOT_A_STREAM), as a blocked XREADGROUP does;
   * a StreamingPull waiting for messages ends so too.
   */
  'waitMs': (number);
  /**
   * ">" (default): expired leases, then new messages. "0" or an ID: this consumer's own
   * pending messages after it (history, as XREADGROUP reads them; counts as a delivery).
   */
  'from': (string);
  /**
   * New messages only, not tracked as pending (XREADGROUP NOACK): at-most-once. No effect
   * on a history read (accepted, as Redis ignores NOACK there).
   */
  'noAck': (boolean);
  /**
   * Entry IDs to acknowledge before pulling (typically the previous batch), exactly as Ack
   * would: whoever holds them, each answered on its own in PullResponse.acked (0 to 1000,
   * STREAMGATE_MAX_BATCH). Checked with the rest of the request before anything is done, and
   * acked before the pull reads or waits. A failing ack (e.g. GROUP_NOT_FOUND) fails the call
   * before anything is pulled. If the pull fails after the ack, the IDs stay acked: acks are
   * idempotent, so a retry with the same IDs is safe (they come back in not_pending).
   */
  'ackIds': (string)[];
}
