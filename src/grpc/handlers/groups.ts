import { defaultOptions } from '../../contract/defaults.js';
import { orDefault, toProtoGroup } from '../convert.js';
import type { HandlersOf, Rpcs } from './rpc.js';

type GroupRpc = 'CreateGroup' | 'ListGroups' | 'GetGroup' | 'UpdateGroup' | 'DeleteGroup' | 'SetGroupPosition';

/** Consumer groups: their policy and position. */
export function groupHandlers({ core, unary }: Rpcs): HandlersOf<GroupRpc> {
  const { groups } = core;
  return {
    CreateGroup: unary('CreateGroup', async (r) => {
      const { group, createStream, entriesRead, leaseMs, maxDeliveries, deadLetterStream, reapIdleMs, minBackoffMs, maxBackoffMs } = r;
      const start = orDefault(r.start, defaultOptions.createGroup.start);
      const input = { group, start, createStream, entriesRead, leaseMs, maxDeliveries, deadLetterStream, reapIdleMs, minBackoffMs, maxBackoffMs };
      return { group: toProtoGroup(await groups.create(r.stream, input)) };
    }),

    ListGroups: unary('ListGroups', async (r) => ({ groups: (await groups.list(r.stream)).map(toProtoGroup) })),

    GetGroup: unary('GetGroup', async (r) => ({ group: toProtoGroup(await groups.get(r.stream, r.group)) })),

    UpdateGroup: unary('UpdateGroup', async (r) => {
      const { leaseMs, maxDeliveries, deadLetterStream, reapIdleMs, minBackoffMs, maxBackoffMs } = r;
      const patch = { leaseMs, maxDeliveries, deadLetterStream, reapIdleMs, minBackoffMs, maxBackoffMs };
      return { group: toProtoGroup(await groups.updatePolicy(r.stream, r.group, patch)) };
    }),

    DeleteGroup: unary('DeleteGroup', async (r) => {
      await groups.destroy(r.stream, r.group);
      return {};
    }),

    SetGroupPosition: unary('SetGroupPosition', async (r) => {
      const position = {
        id: r.position === 'id' ? r.id : undefined,
        timestampMs: r.position === 'timestampMs' ? r.timestampMs : undefined,
        entriesRead: r.entriesRead,
      };
      return { group: toProtoGroup(await groups.setPosition(r.stream, r.group, position)) };
    }),
  };
}
