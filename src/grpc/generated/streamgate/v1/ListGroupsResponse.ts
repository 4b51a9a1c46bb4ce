// Original file: proto/streamgate/v1/streamgate.proto

import type { Group as _streamgate_v1_Group, Group__Output as _streamgate_v1_Group__Output } from '../../streamgate/v1/Group.js';

export interface ListGroupsResponse {
  /**
   * Every group of the stream; groups made by native clients show the default policy.
   */
  'groups'?: (_streamgate_v1_Group)[];
}

export interface ListGroupsResponse__Output {
  /**
   * Every group of the stream; groups made by native clients show the default policy.
   */
  'groups': (_streamgate_v1_Group__Output)[];
}
