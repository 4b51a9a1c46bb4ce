// Original file: proto/streamgate/v1/streamgate.proto

import type { PublishMessage as _streamgate_v1_PublishMessage, PublishMessage__Output as _streamgate_v1_PublishMessage__Output } from '../../streamgate/v1/PublishMessage.js';
import type { TrimSpec as _streamgate_v1_TrimSpec, TrimSpec__Output as _streamgate_v1_TrimSpec__Output } from '../../streamgate/v1/TrimSpec.js';

export interface PublishRequest {
  /**
   * Stream to add to (created if it does not exist).
   */
  'stream'?: (string);
  /**
   * Messages, written all or nothing (1 to 1000).
   */
  'messages'?: (_streamgate_v1_PublishMessage)[];
  /**
   * Trim the stream after adding, in the same atomic step.
   */
  'trim'?: (_streamgate_v1_TrimSpec | null);
  /**
   * Makes retries safe: a retry with the same key and request returns the first IDs and
   * adds nothing (replayed = true); the same key with another request fails with
   * FAILED_PRECONDITION / IDEMPOTENCY_CONFLICT. Scoped to the stream, kept 24 h.
   * 1–255 visible ASCII characters; empty: none.
   */
  'idempotencyKey'?: (string);
  '_trim'?: "trim";
}

export interface PublishRequest__Output {
  /**
   * Stream to add to (created if it does not exist).
   */
  'stream': (string);
  /**
   * Messages, written all or nothing (1 to 1000).
   */
  'messages': (_streamgate_v1_PublishMessage__Output)[];
  /**
   * Trim the stream after adding, in the same atomic step.
   */
  'trim'?: (_streamgate_v1_TrimSpec__Output | null);
  /**
   * Makes retries safe: a retry with the same key and request returns the first IDs and
   * adds nothing (replayed = true); the same key with another request fails with
   * FAILED_PRECONDITION / IDEMPOTENCY_CONFLICT. Scoped to the stream, kept 24 h.
   * 1–255 visible ASCII characters; empty: none.
   */
  'idempotencyKey': (string);
  '_trim'?: "trim";
}
