// Original file: proto/streamgate/v1/streamgate.proto


export interface ListStreamsRequest {
  /**
   * Glob pattern of stream names (SCAN MATCH), at most 1024 characters; empty: all.
   */
  'match'?: (string);
  /**
   * Cursor from the previous call; empty or "0" to start.
   */
  'cursor'?: (string);
  /**
   * Keys to examine in this step (a SCAN COUNT hint; default 100).
   */
  'count'?: (number);
}

export interface ListStreamsRequest__Output {
  /**
   * Glob pattern of stream names (SCAN MATCH), at most 1024 characters; empty: all.
   */
  'match': (string);
  /**
   * Cursor from the previous call; empty or "0" to start.
   */
  'cursor': (string);
  /**
   * Keys to examine in this step (a SCAN COUNT hint; default 100).
   */
  'count': (number);
}
