// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface GetStreamResponse {
  /**
   * Entries in the stream.
   */
  'length'?: (number | string | Long);
  /**
   * ID of the first entry; empty when the stream is empty.
   */
  'firstId'?: (string);
  /**
   * ID of the last entry; empty when the stream is empty.
   */
  'lastId'?: (string);
  /**
   * Highest ID ever added (new IDs must be above it); "0-0" when none, as Redis reports it.
   */
  'lastGeneratedId'?: (string);
  /**
   * Number of consumer groups.
   */
  'groups'?: (number);
  /**
   * Entries ever added, when Redis reports it.
   */
  'entriesAdded'?: (number | string | Long);
  /**
   * Highest ID ever deleted; "0-0" when none, as Redis reports it.
   */
  'maxDeletedEntryId'?: (string);
  '_entriesAdded'?: "entriesAdded";
}

export interface GetStreamResponse__Output {
  /**
   * Entries in the stream.
   */
  'length': (number);
  /**
   * ID of the first entry; empty when the stream is empty.
   */
  'firstId': (string);
  /**
   * ID of the last entry; empty when the stream is empty.
   */
  'lastId': (string);
  /**
   * Highest ID ever added (new IDs must be above it); "0-0" when none, as Redis reports it.
   */
  'lastGeneratedId': (string);
  /**
   * Number of consumer groups.
   */
  'groups': (number);
  /**
   * Entries ever added, when Redis reports it.
   */
  'entriesAdded'?: (number);
  /**
   * Highest ID ever deleted; "0-0" when none, as Redis reports it.
   */
  'maxDeletedEntryId': (string);
  '_entriesAdded'?: "entriesAdded";
}
