// Original file: proto/streamgate/v1/streamgate.proto

/**
 * The kind of request an AckResult answers.
 */
export const AckOperation = {
  /**
   * Never sent.
   */
  ACK_OPERATION_UNSPECIFIED: 'ACK_OPERATION_UNSPECIFIED',
  /**
   * An ack_ids entry.
   */
  ACK_OPERATION_ACK: 'ACK_OPERATION_ACK',
  /**
   * A nack_ids entry.
   */
  ACK_OPERATION_NACK: 'ACK_OPERATION_NACK',
  /**
   * An extend_ids entry.
   */
  ACK_OPERATION_EXTEND: 'ACK_OPERATION_EXTEND',
  /**
   * A term_ids entry.
   */
  ACK_OPERATION_TERM: 'ACK_OPERATION_TERM',
} as const;

/**
 * The kind of request an AckResult answers.
 */
export type AckOperation =
  /**
   * Never sent.
   */
  | 'ACK_OPERATION_UNSPECIFIED'
  | 0
  /**
   * An ack_ids entry.
   */
  | 'ACK_OPERATION_ACK'
  | 1
  /**
   * A nack_ids entry.
   */
  | 'ACK_OPERATION_NACK'
  | 2
  /**
   * An extend_ids entry.
   */
  | 'ACK_OPERATION_EXTEND'
  | 3
  /**
   * A term_ids entry.
   */
  | 'ACK_OPERATION_TERM'
  | 4

/**
 * The kind of request an AckResult answers.
 */
export type AckOperation__Output = typeof AckOperation[keyof typeof AckOperation]
