// Original file: proto/streamgate/v1/streamgate.proto

/**
 * The outcome of an ack, nack, extension or term.
 */
export const AckStatus = {
  /**
   * Never sent.
   */
  ACK_STATUS_UNSPECIFIED: 'ACK_STATUS_UNSPECIFIED',
  /**
   * Done (a term of a message deleted from the stream while pending: acked, nothing to
   * dead-letter).
   */
  ACK_STATUS_OK: 'ACK_STATUS_OK',
  /**
   * The message was not pending for this consumer: already acked, or its lease was lost
   * (it expired and the message went to another consumer or to the dead-letter stream).
   */
  ACK_STATUS_NOT_PENDING: 'ACK_STATUS_NOT_PENDING',
} as const;

/**
 * The outcome of an ack, nack, extension or term.
 */
export type AckStatus =
  /**
   * Never sent.
   */
  | 'ACK_STATUS_UNSPECIFIED'
  | 0
  /**
   * Done (a term of a message deleted from the stream while pending: acked, nothing to
   * dead-letter).
   */
  | 'ACK_STATUS_OK'
  | 1
  /**
   * The message was not pending for this consumer: already acked, or its lease was lost
   * (it expired and the message went to another consumer or to the dead-letter stream).
   */
  | 'ACK_STATUS_NOT_PENDING'
  | 2

/**
 * The outcome of an ack, nack, extension or term.
 */
export type AckStatus__Output = typeof AckStatus[keyof typeof AckStatus]
