import type { Operation } from '../core/access/operations.js';
import type { StreamGatewayHandlers } from './generated/streamgate/v1/StreamGateway.js';

/** The RPC names of the service, without grpc-js's index signature. */
export type RpcName = keyof {
  [K in keyof StreamGatewayHandlers as string extends K ? never : number extends K ? never : K]: StreamGatewayHandlers[K];
};

/**
 * The logical operation of each RPC (the same table REST routes name theirs from). A
 * Record over RpcName: an RPC added to the proto does not compile until it has one.
 */
export const RPC_OPERATIONS: Readonly<Record<RpcName, Operation>> = {
  Publish: 'publish',
  ReadRange: 'readRange',
  DeleteMessage: 'deleteMessage',
  Trim: 'trim',
  ListStreams: 'listStreams',
  GetStream: 'getStream',
  DeleteStream: 'deleteStream',
  CreateGroup: 'createGroup',
  ListGroups: 'listGroups',
  GetGroup: 'getGroup',
  UpdateGroup: 'updateGroup',
  DeleteGroup: 'deleteGroup',
  SetGroupPosition: 'setGroupPosition',
  ListConsumers: 'listConsumers',
  CreateConsumer: 'createConsumer',
  DeleteConsumer: 'deleteConsumer',
  Pull: 'pull',
  StreamingPull: 'streamingPull',
  Ack: 'ack',
  Nack: 'nack',
  ExtendLease: 'extendLease',
  Term: 'term',
  Pending: 'pending',
  ListPending: 'listPending',
  Claim: 'claim',
  AutoClaim: 'autoClaim',
  ListDeadLetters: 'listDeadLetters',
  RedriveDeadLetters: 'redriveDeadLetters',
};
