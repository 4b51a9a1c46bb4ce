// Original file: proto/streamgate/v1/streamgate.proto

import type { Field as _streamgate_v1_Field, Field__Output as _streamgate_v1_Field__Output } from '../../streamgate/v1/Field.js';

/**
 * A stream entry as Redis holds it.
 */
export interface Message {
  /**
   * Entry ID, "<ms>-<seq>".
   */
  'id'?: (string);
  /**
   * The entry's fields. A protobuf map has no order and keeps one value per name: when
   * names repeat, this holds the last value and `pairs` holds them all. A name that is not
   * valid UTF-8 cannot be a map key: such a field is only in `pairs`.
   */
  'fields'?: ({[key: string]: Buffer | Uint8Array | string});
  /**
   * Every field in Redis's order; present when the entry's field names repeat, or when one
   * is not valid UTF-8 (that Field then has `name_bytes`).
   */
  'pairs'?: (_streamgate_v1_Field)[];
  /**
   * Times Redis has delivered this entry to the group (consumer reads only; else 0).
   */
  'deliveryCount'?: (number);
  /**
   * True when the entry was deleted from the stream while still pending (history reads);
   * then it has no fields.
   */
  'deleted'?: (boolean);
}

/**
 * A stream entry as Redis holds it.
 */
export interface Message__Output {
  /**
   * Entry ID, "<ms>-<seq>".
   */
  'id': (string);
  /**
   * The entry's fields. A protobuf map has no order and keeps one value per name: when
   * names repeat, this holds the last value and `pairs` holds them all. A name that is not
   * valid UTF-8 cannot be a map key: such a field is only in `pairs`.
   */
  'fields': ({[key: string]: Buffer});
  /**
   * Every field in Redis's order; present when the entry's field names repeat, or when one
   * is not valid UTF-8 (that Field then has `name_bytes`).
   */
  'pairs': (_streamgate_v1_Field__Output)[];
  /**
   * Times Redis has delivered this entry to the group (consumer reads only; else 0).
   */
  'deliveryCount': (number);
  /**
   * True when the entry was deleted from the stream while still pending (history reads);
   * then it has no fields.
   */
  'deleted': (boolean);
}
