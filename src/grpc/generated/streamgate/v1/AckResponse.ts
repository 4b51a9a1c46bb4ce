// Original file: proto/streamgate/v1/streamgate.proto


export interface AckResponse {
  /**
   * IDs acknowledged.
   */
  'acked'?: (number);
  /**
   * IDs that were not pending (already acked, or never delivered to the group; with
   * `consumer`: not pending for that consumer). Not acted on.
   */
  'notPending'?: (string)[];
  /**
   * Of not_pending, the IDs pending for another consumer than the request's `consumer`
   * (empty without one, and in PullResponse.acked).
   */
  'notOwned'?: (string)[];
}

export interface AckResponse__Output {
  /**
   * IDs acknowledged.
   */
  'acked': (number);
  /**
   * IDs that were not pending (already acked, or never delivered to the group; with
   * `consumer`: not pending for that consumer). Not acted on.
   */
  'notPending': (string)[];
  /**
   * Of not_pending, the IDs pending for another consumer than the request's `consumer`
   * (empty without one, and in PullResponse.acked).
   */
  'notOwned': (string)[];
}
