// Original file: proto/streamgate/v1/streamgate.proto


export interface DeleteGroupRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Group name.
   */
  'group'?: (string);
}

export interface DeleteGroupRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Group name.
   */
  'group': (string);
}
