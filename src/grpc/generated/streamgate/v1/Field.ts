// Original file: proto/streamgate/v1/streamgate.proto


/**
 * One field of an entry.
 */
export interface Field {
  /**
   * Field name (UTF-8 text). Empty when `name_bytes` is set.
   */
  'name'?: (string);
  /**
   * Field value, byte-exact.
   */
  'value'?: (Buffer | Uint8Array | string);
  /**
   * The name's exact bytes, set (in read messages) only when they are not valid UTF-8: a
   * native Redis client wrote them, and a proto3 string cannot hold them. Check it before
   * `name`. Publishing takes UTF-8 names only: a published Field with `name_bytes` is
   * refused (INVALID_ARGUMENT).
   */
  'nameBytes'?: (Buffer | Uint8Array | string);
}

/**
 * One field of an entry.
 */
export interface Field__Output {
  /**
   * Field name (UTF-8 text). Empty when `name_bytes` is set.
   */
  'name': (string);
  /**
   * Field value, byte-exact.
   */
  'value': (Buffer);
  /**
   * The name's exact bytes, set (in read messages) only when they are not valid UTF-8: a
   * native Redis client wrote them, and a proto3 string cannot hold them. Check it before
   * `name`. Publishing takes UTF-8 names only: a published Field with `name_bytes` is
   * refused (INVALID_ARGUMENT).
   */
  'nameBytes': (Buffer);
}
