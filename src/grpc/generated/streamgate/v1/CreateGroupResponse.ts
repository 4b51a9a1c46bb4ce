// Original file: proto/streamgate/v1/streamgate.proto

import type { Group as _streamgate_v1_Group, Group__Output as _streamgate_v1_Group__Output } from '../../streamgate/v1/Group.js';

export interface CreateGroupResponse {
  /**
   * The new group.
   */
  'group'?: (_streamgate_v1_Group | null);
}

export interface CreateGroupResponse__Output {
  /**
   * The new group.
   */
  'group': (_streamgate_v1_Group__Output | null);
}
