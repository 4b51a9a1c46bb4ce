// Original file: proto/streamgate/v1/streamgate.proto


/**
 * Each terminated message is appended to the group's dead-letter stream with its fields in
 * order and x-original-id, x-original-stream, x-group, x-deliveries, x-last-consumer (as
 * after max_deliveries), then x-reason when a reason was given, and acked in the group, in
 * one atomic step (on a Redis Cluster with the dead-letter stream in another slot, in two
 * steps that can leave a duplicate dead letter, never a lost message). RedriveDeadLetters
 * brings it back like any other dead letter.
 */
export interface TermResponse {
  /**
   * Messages moved to the dead-letter stream and acked.
   */
  'terminated'?: (number);
  /**
   * IDs that were not pending (for `consumer`, when set): not acted on.
   */
  'notPending'?: (string)[];
  /**
   * Of not_pending, the IDs pending for another consumer than `consumer`.
   */
  'notOwned'?: (string)[];
  /**
   * IDs that were pending but deleted from the stream: acked, nothing to dead-letter.
   */
  'deleted'?: (string)[];
}

/**
 * Each terminated message is appended to the group's dead-letter stream with its fields in
 * order and x-original-id, x-original-stream, x-group, x-deliveries, x-last-consumer (as
 * after max_deliveries), then x-reason when a reason was given, and acked in the group, in
 * one atomic step (on a Redis Cluster with the dead-letter stream in another slot, in two
 * steps that can leave a duplicate dead letter, never a lost message). RedriveDeadLetters
 * brings it back like any other dead letter.
 */
export interface TermResponse__Output {
  /**
   * Messages moved to the dead-letter stream and acked.
   */
  'terminated': (number);
  /**
   * IDs that were not pending (for `consumer`, when set): not acted on.
   */
  'notPending': (string)[];
  /**
   * Of not_pending, the IDs pending for another consumer than `consumer`.
   */
  'notOwned': (string)[];
  /**
   * IDs that were pending but deleted from the stream: acked, nothing to dead-letter.
   */
  'deleted': (string)[];
}
