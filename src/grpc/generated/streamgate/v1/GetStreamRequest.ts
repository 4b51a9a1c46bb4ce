// Original file: proto/streamgate/v1/streamgate.proto


export interface GetStreamRequest {
  /**
   * Stream to describe.
   */
  'stream'?: (string);
}

export interface GetStreamRequest__Output {
  /**
   * Stream to describe.
   */
  'stream': (string);
}
