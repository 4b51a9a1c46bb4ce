// Original file: proto/streamgate/v1/streamgate.proto

import type { Group as _streamgate_v1_Group, Group__Output as _streamgate_v1_Group__Output } from '../../streamgate/v1/Group.js';

export interface SetGroupPositionResponse {
  /**
   * The group at its new position.
   */
  'group'?: (_streamgate_v1_Group | null);
}

export interface SetGroupPositionResponse__Output {
  /**
   * The group at its new position.
   */
  'group': (_streamgate_v1_Group__Output | null);
}
