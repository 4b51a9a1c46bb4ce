// Original file: proto/streamgate/v1/streamgate.proto


export interface DeleteMessageRequest {
  /**
   * Stream holding the entry.
   */
  'stream'?: (string);
  /**
   * Entry ID.
   */
  'id'?: (string);
}

export interface DeleteMessageRequest__Output {
  /**
   * Stream holding the entry.
   */
  'stream': (string);
  /**
   * Entry ID.
   */
  'id': (string);
}
