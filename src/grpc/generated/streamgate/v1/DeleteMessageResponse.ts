// Original file: proto/streamgate/v1/streamgate.proto


export interface DeleteMessageResponse {
  /**
   * 1 if the entry existed, else 0.
   */
  'deleted'?: (number);
}

export interface DeleteMessageResponse__Output {
  /**
   * 1 if the entry existed, else 0.
   */
  'deleted': (number);
}
