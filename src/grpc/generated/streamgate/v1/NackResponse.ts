// Original file: proto/streamgate/v1/streamgate.proto


export interface NackResponse {
  /**
   * Leases released. delivery_count is unchanged.
   */
  'released'?: (number);
  /**
   * IDs that were not pending for this consumer (acked, or the lease was lost).
   */
  'notPending'?: (string)[];
  /**
   * Of not_pending, the IDs pending for another consumer (the lease was lost to it).
   */
  'notOwned'?: (string)[];
}

export interface NackResponse__Output {
  /**
   * Leases released. delivery_count is unchanged.
   */
  'released': (number);
  /**
   * IDs that were not pending for this consumer (acked, or the lease was lost).
   */
  'notPending': (string)[];
  /**
   * Of not_pending, the IDs pending for another consumer (the lease was lost to it).
   */
  'notOwned': (string)[];
}
