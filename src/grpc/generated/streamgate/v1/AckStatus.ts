// Original file: proto/streamgate/v1/streamgate.proto

/**
 * The outcome of an ack, nack or extension.
 */
export const AckStatus = {
  /**
   * Never sent.
   */
  ACK_STATUS_UNSPECIFIED: 'ACK_STATUS_UNSPECIFIED',
  /**
   * Done.
   */
  ACK_STATUS_OK: 'ACK_STATUS_OK',
  /**
   * The message was not pending for this consumer: already acked, or its lease was lost
   * (it expired and the message went to another consumer or to the dead-letter stream).
   */
  ACK_STATUS_NOT_PENDING: 'ACK_STATUS_NOT_PENDING',
} as const;

/**
 * The outcome of an ack, nack or extension.
 */
export type AckStatus =
  /**
   * Never sent.
   */
  | 'ACK_STATUS_UNSPECIFIED'
  | 0
  /**
   * Done.
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
 * The outcome of an ack, nack or extension.
 */
export type AckStatus__Output = typeof AckStatus[keyof typeof AckStatus]
