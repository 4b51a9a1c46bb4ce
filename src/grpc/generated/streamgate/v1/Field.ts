// Original file: proto/streamgate/v1/streamgate.proto


/**
 * One field of an entry.
 */
export interface Field {
  /**
   * Field name (UTF-8 text).
   */
  'name'?: (string);
  /**
   * Field value, byte-exact.
   */
  'value'?: (Buffer | Uint8Array | string);
}

/**
 * One field of an entry.
 */
export interface Field__Output {
  /**
   * Field name (UTF-8 text).
   */
  'name': (string);
  /**
   * Field value, byte-exact.
   */
  'value': (Buffer);
}
