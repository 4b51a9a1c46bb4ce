// Original file: proto/streamgate/v1/streamgate.proto

import type { Group as _streamgate_v1_Group, Group__Output as _streamgate_v1_Group__Output } from '../../streamgate/v1/Group.js';

export interface UpdateGroupResponse {
  /**
   * The group with its new policy.
   */
  'group'?: (_streamgate_v1_Group | null);
}

export interface UpdateGroupResponse__Output {
  /**
   * The group with its new policy.
   */
  'group': (_streamgate_v1_Group__Output | null);
}
