// Original file: proto/streamgate/v1/streamgate.proto


export interface ListGroupsRequest {
  /**
   * Stream whose groups to list.
   */
  'stream'?: (string);
}

export interface ListGroupsRequest__Output {
  /**
   * Stream whose groups to list.
   */
  'stream': (string);
}
