// Original file: proto/streamgate/v1/streamgate.proto

import type { TrimSpec as _streamgate_v1_TrimSpec, TrimSpec__Output as _streamgate_v1_TrimSpec__Output } from '../../streamgate/v1/TrimSpec.js';

export interface TrimRequest {
  /**
   * Stream to trim.
   */
  'stream'?: (string);
  /**
   * By length or lowest ID.
   */
  'trim'?: (_streamgate_v1_TrimSpec | null);
  /**
   * Never remove entries some consumer group still needs (pending, or not yet delivered).
   */
  'safe'?: (boolean);
}

export interface TrimRequest__Output {
  /**
   * Stream to trim.
   */
  'stream': (string);
  /**
   * By length or lowest ID.
   */
  'trim': (_streamgate_v1_TrimSpec__Output | null);
  /**
   * Never remove entries some consumer group still needs (pending, or not yet delivered).
   */
  'safe': (boolean);
}
