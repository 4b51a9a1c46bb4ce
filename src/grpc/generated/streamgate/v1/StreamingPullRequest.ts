// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

/**
 * StreamingPull, client to server. The first request opens the stream: it names `stream`,
 * `group`, `consumer` and the flow control; it may also carry acks. Later requests carry
 * only `ack_ids`, `nack_ids` (with `nack_delay_ms`), `extend_ids` and `term_ids` (with
 * `term_reason`).
 * 
 * Flow control: the server never has more unacked messages outstanding on the stream than
 * `max_outstanding_messages`, and reads no new message while the outstanding ones hold
 * `max_outstanding_bytes` or more; it never reads from Redis ahead of that credit, so a
 * message's lease starts when it is sent. Acking or nacking gives the credit back.
 * 
 * Leases: while the stream is open the server extends the leases of outstanding messages
 * before they expire, up to `max_lease_extension_ms` after delivery; then they expire as
 * usual. When the stream ends (the client cancels or half-closes, an error, or server
 * shutdown), the consumer's unacked messages of this stream are released at once, for
 * prompt redelivery to any consumer (as a nack without delay: after the group's retry
 * backoff, if it has one). A nacked message may come back on the same stream.
 */
export interface StreamingPullRequest {
  /**
   * Stream to consume (first request only).
   */
  'stream'?: (string);
  /**
   * Consumer group (first request only).
   */
  'group'?: (string);
  /**
   * Consumer name (first request only). Several streams may share a consumer name.
   */
  'consumer'?: (string);
  /**
   * Most unacked messages outstanding at once (first request only; 0: 1000).
   */
  'maxOutstandingMessages'?: (number);
  /**
   * No new message is read while outstanding messages hold this many bytes or more (first
   * request only; 0: 100 MiB). One batch may go past it.
   */
  'maxOutstandingBytes'?: (number | string | Long);
  /**
   * How long after delivery the server keeps extending a message's lease (first request
   * only; 0: 600000, i.e. 10 minutes).
   */
  'maxLeaseExtensionMs'?: (number | string | Long);
  /**
   * Messages processed: acknowledge them.
   */
  'ackIds'?: (string)[];
  /**
   * Messages to release for redelivery after `nack_delay_ms`.
   */
  'nackIds'?: (string)[];
  /**
   * Delay before nacked messages are redelivered (default 0: after the group's retry
   * backoff, at once without one; at most 43200000, whatever the lease).
   */
  'nackDelayMs'?: (number | string | Long);
  /**
   * Messages still being processed: restart their lease now.
   */
  'extendIds'?: (string)[];
  /**
   * Messages to terminate: moved to the group's dead-letter stream and acked at once, as
   * Term does, if the stream's consumer still holds them. Gives the credit back.
   */
  'termIds'?: (string)[];
  /**
   * Written as `x-reason` on the dead letters of this request's term_ids (at most 1024
   * bytes); empty: none.
   */
  'termReason'?: (string);
  '_nackDelayMs'?: "nackDelayMs";
}

/**
 * StreamingPull, client to server. The first request opens the stream: it names `stream`,
 * `group`, `consumer` and the flow control; it may also carry acks. Later requests carry
 * only `ack_ids`, `nack_ids` (with `nack_delay_ms`), `extend_ids` and `term_ids` (with
 * `term_reason`).
 * 
 * Flow control: the server never has more unacked messages outstanding on the stream than
 * `max_outstanding_messages`, and reads no new message while the outstanding ones hold
 * `max_outstanding_bytes` or more; it never reads from Redis ahead of that credit, so a
 * message's lease starts when it is sent. Acking or nacking gives the credit back.
 * 
 * Leases: while the stream is open the server extends the leases of outstanding messages
 * before they expire, up to `max_lease_extension_ms` after delivery; then they expire as
 * usual. When the stream ends (the client cancels or half-closes, an error, or server
 * shutdown), the consumer's unacked messages of this stream are released at once, for
 * prompt redelivery to any consumer (as a nack without delay: after the group's retry
 * backoff, if it has one). A nacked message may come back on the same stream.
 */
export interface StreamingPullRequest__Output {
  /**
   * Stream to consume (first request only).
   */
  'stream': (string);
  /**
   * Consumer group (first request only).
   */
  'group': (string);
  /**
   * Consumer name (first request only). Several streams may share a consumer name.
   */
  'consumer': (string);
  /**
   * Most unacked messages outstanding at once (first request only; 0: 1000).
   */
  'maxOutstandingMessages': (number);
  /**
   * No new message is read while outstanding messages hold this many bytes or more (first
   * request only; 0: 100 MiB). One batch may go past it.
   */
  'maxOutstandingBytes': (number);
  /**
   * How long after delivery the server keeps extending a message's lease (first request
   * only; 0: 600000, i.e. 10 minutes).
   */
  'maxLeaseExtensionMs': (number);
  /**
   * Messages processed: acknowledge them.
   */
  'ackIds': (string)[];
  /**
   * Messages to release for redelivery after `nack_delay_ms`.
   */
  'nackIds': (string)[];
  /**
   * Delay before nacked messages are redelivered (default 0: after the group's retry
   * backoff, at once without one; at most 43200000, whatever the lease).
   */
  'nackDelayMs'?: (number);
  /**
   * Messages still being processed: restart their lease now.
   */
  'extendIds': (string)[];
  /**
   * Messages to terminate: moved to the group's dead-letter stream and acked at once, as
   * Term does, if the stream's consumer still holds them. Gives the credit back.
   */
  'termIds': (string)[];
  /**
   * Written as `x-reason` on the dead letters of this request's term_ids (at most 1024
   * bytes); empty: none.
   */
  'termReason': (string);
  '_nackDelayMs'?: "nackDelayMs";
}
