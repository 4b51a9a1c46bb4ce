// Original file: proto/streamgate/v1/streamgate.proto


export interface ListStreamsResponse {
  /**
   * Stream names found in this step (may be empty before the end).
   */
  'streams'?: (string)[];
  /**
   * Pass back to continue; "0" when done.
   */
  'cursor'?: (string);
}

export interface ListStreamsResponse__Output {
  /**
   * Stream names found in this step (may be empty before the end).
   */
  'streams': (string)[];
  /**
   * Pass back to continue; "0" when done.
   */
  'cursor': (string);
}
