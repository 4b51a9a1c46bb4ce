// Original file: proto/streamgate/v1/streamgate.proto


export interface DeleteStreamRequest {
  /**
   * Stream to delete (a key of another type is refused and left alone).
   */
  'stream'?: (string);
}

export interface DeleteStreamRequest__Output {
  /**
   * Stream to delete (a key of another type is refused and left alone).
   */
  'stream': (string);
}
