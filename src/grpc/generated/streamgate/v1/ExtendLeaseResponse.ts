// Original file: proto/streamgate/v1/streamgate.proto


export interface ExtendLeaseResponse {
  /**
   * Leases restarted. delivery_count is unchanged.
   */
  'extended'?: (number);
  /**
   * IDs that were not pending for this consumer (acked, or the lease was lost).
   */
  'notPending'?: (string)[];
  /**
   * Of not_pending, the IDs pending for another consumer (the lease was lost to it).
   */
  'notOwned'?: (string)[];
}

export interface ExtendLeaseResponse__Output {
  /**
   * Leases restarted. delivery_count is unchanged.
   */
  'extended': (number);
  /**
   * IDs that were not pending for this consumer (acked, or the lease was lost).
   */
  'notPending': (string)[];
  /**
   * Of not_pending, the IDs pending for another consumer (the lease was lost to it).
   */
  'notOwned': (string)[];
}
