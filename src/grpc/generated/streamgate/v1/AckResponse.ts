// Original file: proto/streamgate/v1/streamgate.proto


export interface AckResponse {
  /**
   * IDs acknowledged.
   */
  'acked'?: (number);
  /**
   * IDs that were not pending (already acked, or never delivered to the group).
   */
  'notPending'?: (string)[];
}

export interface AckResponse__Output {
  /**
   * IDs acknowledged.
   */
  'acked': (number);
  /**
   * IDs that were not pending (already acked, or never delivered to the group).
   */
  'notPending': (string)[];
}
