// Original file: proto/streamgate/v1/streamgate.proto

import type { Field as _streamgate_v1_Field, Field__Output as _streamgate_v1_Field__Output } from '../../streamgate/v1/Field.js';

/**
 * A message to publish: `fields`, or `pairs` for exact order or repeated names.
 */
export interface PublishMessage {
  /**
   * Field names and values (at least one field, in `fields` or `pairs`).
   */
  'fields'?: ({[key: string]: Buffer | Uint8Array | string});
  /**
   * Fields in order; allows repeated names. Use either this or `fields`.
   */
  'pairs'?: (_streamgate_v1_Field)[];
  /**
   * Explicit entry ID ("<ms>-<seq>" or "<ms>-*"); unset: Redis assigns one. Must be above
   * the stream's top ID.
   */
  'id'?: (string);
  '_id'?: "id";
}

/**
 * A message to publish: `fields`, or `pairs` for exact order or repeated names.
 */
export interface PublishMessage__Output {
  /**
   * Field names and values (at least one field, in `fields` or `pairs`).
   */
  'fields': ({[key: string]: Buffer});
  /**
   * Fields in order; allows repeated names. Use either this or `fields`.
   */
  'pairs': (_streamgate_v1_Field__Output)[];
  /**
   * Explicit entry ID ("<ms>-<seq>" or "<ms>-*"); unset: Redis assigns one. Must be above
   * the stream's top ID.
   */
  'id'?: (string);
  '_id'?: "id";
}
