// Original file: proto/streamgate/v1/streamgate.proto


export interface ReadRangeRequest {
  /**
   * Stream to read.
   */
  'stream'?: (string);
  /**
   * Lower bound: "-" (default), an ID, or "(ID" (exclusive).
   */
  'start'?: (string);
  /**
   * Upper bound: "+" (default), an ID, or "(ID" (exclusive).
   */
  'end'?: (string);
  /**
   * Most entries to return (default 100).
   */
  'count'?: (number);
  /**
   * Newest first (the bounds stay lower and upper).
   */
  'reverse'?: (boolean);
}

export interface ReadRangeRequest__Output {
  /**
   * Stream to read.
   */
  'stream': (string);
  /**
   * Lower bound: "-" (default), an ID, or "(ID" (exclusive).
   */
  'start': (string);
  /**
   * Upper bound: "+" (default), an ID, or "(ID" (exclusive).
   */
  'end': (string);
  /**
   * Most entries to return (default 100).
   */
  'count': (number);
  /**
   * Newest first (the bounds stay lower and upper).
   */
  'reverse': (boolean);
}
