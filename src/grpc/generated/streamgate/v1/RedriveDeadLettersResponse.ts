// Original file: proto/streamgate/v1/streamgate.proto


export interface RedriveDeadLettersResponse {
  /**
   * Dead letters republished.
   */
  'redriven'?: (number);
  /**
   * Their new IDs in the stream.
   */
  'ids'?: (string)[];
}

export interface RedriveDeadLettersResponse__Output {
  /**
   * Dead letters republished.
   */
  'redriven': (number);
  /**
   * Their new IDs in the stream.
   */
  'ids': (string)[];
}
