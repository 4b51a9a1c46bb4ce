// Original file: proto/streamgate/v1/streamgate.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Trimming, as XADD/XTRIM take it.
 */
export interface TrimSpec {
  /**
   * Keep at most this many entries (the newest).
   */
  'maxLen'?: (number | string | Long);
  /**
   * Remove entries with an ID below this one.
   */
  'minId'?: (string);
  /**
   * Trim exactly (`=`). Default false: approximate (`~`), which removes only whole
   * internal nodes and is much cheaper.
   */
  'exact'?: (boolean);
  /**
   * What to trim by.
   */
  'threshold'?: "maxLen"|"minId";
}

/**
 * Trimming, as XADD/XTRIM take it.
 */
export interface TrimSpec__Output {
  /**
   * Keep at most this many entries (the newest).
   */
  'maxLen'?: (number);
  /**
   * Remove entries with an ID below this one.
   */
  'minId'?: (string);
  /**
   * Trim exactly (`=`). Default false: approximate (`~`), which removes only whole
   * internal nodes and is much cheaper.
   */
  'exact': (boolean);
  /**
   * What to trim by.
   */
  'threshold'?: "maxLen"|"minId";
}
