// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

export interface SetGroupPositionRequest {
  /**
   * Stream of the group.
   */
  'stream'?: (string);
  /**
   * Group name.
   */
  'group'?: (string);
  /**
   * New last-delivered ID: "$" (skip everything), "0" (replay all) or an ID.
   */
  'id'?: (string);
  /**
   * Replay every entry whose time is ≥ this Unix time in ms.
   */
  'timestampMs'?: (number | string | Long);
  /**
   * Logical read counter to set (ENTRIESREAD).
   */
  'entriesRead'?: (number | string | Long);
  /**
   * The new position.
   */
  'position'?: "id"|"timestampMs";
  '_entriesRead'?: "entriesRead";
}

export interface SetGroupPositionRequest__Output {
  /**
   * Stream of the group.
   */
  'stream': (string);
  /**
   * Group name.
   */
  'group': (string);
  /**
   * New last-delivered ID: "$" (skip everything), "0" (replay all) or an ID.
   */
  'id'?: (string);
  /**
   * Replay every entry whose time is ≥ this Unix time in ms.
   */
  'timestampMs'?: (number);
  /**
   * Logical read counter to set (ENTRIESREAD).
   */
  'entriesRead'?: (number);
  /**
   * The new position.
   */
  'position'?: "id"|"timestampMs";
  '_entriesRead'?: "entriesRead";
}
