// Original file: proto/streamgate/v1/streamgate.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AckRequest as _streamgate_v1_AckRequest, AckRequest__Output as _streamgate_v1_AckRequest__Output } from '../../streamgate/v1/AckRequest.js';
import type { AckResponse as _streamgate_v1_AckResponse, AckResponse__Output as _streamgate_v1_AckResponse__Output } from '../../streamgate/v1/AckResponse.js';
import type { AutoClaimRequest as _streamgate_v1_AutoClaimRequest, AutoClaimRequest__Output as _streamgate_v1_AutoClaimRequest__Output } from '../../streamgate/v1/AutoClaimRequest.js';
import type { AutoClaimResponse as _streamgate_v1_AutoClaimResponse, AutoClaimResponse__Output as _streamgate_v1_AutoClaimResponse__Output } from '../../streamgate/v1/AutoClaimResponse.js';
import type { ClaimRequest as _streamgate_v1_ClaimRequest, ClaimRequest__Output as _streamgate_v1_ClaimRequest__Output } from '../../streamgate/v1/ClaimRequest.js';
import type { ClaimResponse as _streamgate_v1_ClaimResponse, ClaimResponse__Output as _streamgate_v1_ClaimResponse__Output } from '../../streamgate/v1/ClaimResponse.js';
import type { CreateConsumerRequest as _streamgate_v1_CreateConsumerRequest, CreateConsumerRequest__Output as _streamgate_v1_CreateConsumerRequest__Output } from '../../streamgate/v1/CreateConsumerRequest.js';
import type { CreateConsumerResponse as _streamgate_v1_CreateConsumerResponse, CreateConsumerResponse__Output as _streamgate_v1_CreateConsumerResponse__Output } from '../../streamgate/v1/CreateConsumerResponse.js';
import type { CreateGroupRequest as _streamgate_v1_CreateGroupRequest, CreateGroupRequest__Output as _streamgate_v1_CreateGroupRequest__Output } from '../../streamgate/v1/CreateGroupRequest.js';
import type { CreateGroupResponse as _streamgate_v1_CreateGroupResponse, CreateGroupResponse__Output as _streamgate_v1_CreateGroupResponse__Output } from '../../streamgate/v1/CreateGroupResponse.js';
import type { DeleteConsumerRequest as _streamgate_v1_DeleteConsumerRequest, DeleteConsumerRequest__Output as _streamgate_v1_DeleteConsumerRequest__Output } from '../../streamgate/v1/DeleteConsumerRequest.js';
import type { DeleteConsumerResponse as _streamgate_v1_DeleteConsumerResponse, DeleteConsumerResponse__Output as _streamgate_v1_DeleteConsumerResponse__Output } from '../../streamgate/v1/DeleteConsumerResponse.js';
import type { DeleteGroupRequest as _streamgate_v1_DeleteGroupRequest, DeleteGroupRequest__Output as _streamgate_v1_DeleteGroupRequest__Output } from '../../streamgate/v1/DeleteGroupRequest.js';
import type { DeleteGroupResponse as _streamgate_v1_DeleteGroupResponse, DeleteGroupResponse__Output as _streamgate_v1_DeleteGroupResponse__Output } from '../../streamgate/v1/DeleteGroupResponse.js';
import type { DeleteMessageRequest as _streamgate_v1_DeleteMessageRequest, DeleteMessageRequest__Output as _streamgate_v1_DeleteMessageRequest__Output } from '../../streamgate/v1/DeleteMessageRequest.js';
import type { DeleteMessageResponse as _streamgate_v1_DeleteMessageResponse, DeleteMessageResponse__Output as _streamgate_v1_DeleteMessageResponse__Output } from '../../streamgate/v1/DeleteMessageResponse.js';
import type { DeleteStreamRequest as _streamgate_v1_DeleteStreamRequest, DeleteStreamRequest__Output as _streamgate_v1_DeleteStreamRequest__Output } from '../../streamgate/v1/DeleteStreamRequest.js';
import type { DeleteStreamResponse as _streamgate_v1_DeleteStreamResponse, DeleteStreamResponse__Output as _streamgate_v1_DeleteStreamResponse__Output } from '../../streamgate/v1/DeleteStreamResponse.js';
import type { ExtendLeaseRequest as _streamgate_v1_ExtendLeaseRequest, ExtendLeaseRequest__Output as _streamgate_v1_ExtendLeaseRequest__Output } from '../../streamgate/v1/ExtendLeaseRequest.js';
import type { ExtendLeaseResponse as _streamgate_v1_ExtendLeaseResponse, ExtendLeaseResponse__Output as _streamgate_v1_ExtendLeaseResponse__Output } from '../../streamgate/v1/ExtendLeaseResponse.js';
import type { GetGroupRequest as _streamgate_v1_GetGroupRequest, GetGroupRequest__Output as _streamgate_v1_GetGroupRequest__Output } from '../../streamgate/v1/GetGroupRequest.js';
import type { GetGroupResponse as _streamgate_v1_GetGroupResponse, GetGroupResponse__Output as _streamgate_v1_GetGroupResponse__Output } from '../../streamgate/v1/GetGroupResponse.js';
import type { GetStreamRequest as _streamgate_v1_GetStreamRequest, GetStreamRequest__Output as _streamgate_v1_GetStreamRequest__Output } from '../../streamgate/v1/GetStreamRequest.js';
import type { GetStreamResponse as _streamgate_v1_GetStreamResponse, GetStreamResponse__Output as _streamgate_v1_GetStreamResponse__Output } from '../../streamgate/v1/GetStreamResponse.js';
import type { ListConsumersRequest as _streamgate_v1_ListConsumersRequest, ListConsumersRequest__Output as _streamgate_v1_ListConsumersRequest__Output } from '../../streamgate/v1/ListConsumersRequest.js';
import type { ListConsumersResponse as _streamgate_v1_ListConsumersResponse, ListConsumersResponse__Output as _streamgate_v1_ListConsumersResponse__Output } from '../../streamgate/v1/ListConsumersResponse.js';
import type { ListDeadLettersRequest as _streamgate_v1_ListDeadLettersRequest, ListDeadLettersRequest__Output as _streamgate_v1_ListDeadLettersRequest__Output } from '../../streamgate/v1/ListDeadLettersRequest.js';
import type { ListDeadLettersResponse as _streamgate_v1_ListDeadLettersResponse, ListDeadLettersResponse__Output as _streamgate_v1_ListDeadLettersResponse__Output } from '../../streamgate/v1/ListDeadLettersResponse.js';
import type { ListGroupsRequest as _streamgate_v1_ListGroupsRequest, ListGroupsRequest__Output as _streamgate_v1_ListGroupsRequest__Output } from '../../streamgate/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _streamgate_v1_ListGroupsResponse, ListGroupsResponse__Output as _streamgate_v1_ListGroupsResponse__Output } from '../../streamgate/v1/ListGroupsResponse.js';
import type { ListPendingRequest as _streamgate_v1_ListPendingRequest, ListPendingRequest__Output as _streamgate_v1_ListPendingRequest__Output } from '../../streamgate/v1/ListPendingRequest.js';
import type { ListPendingResponse as _streamgate_v1_ListPendingResponse, ListPendingResponse__Output as _streamgate_v1_ListPendingResponse__Output } from '../../streamgate/v1/ListPendingResponse.js';
import type { ListStreamsRequest as _streamgate_v1_ListStreamsRequest, ListStreamsRequest__Output as _streamgate_v1_ListStreamsRequest__Output } from '../../streamgate/v1/ListStreamsRequest.js';
import type { ListStreamsResponse as _streamgate_v1_ListStreamsResponse, ListStreamsResponse__Output as _streamgate_v1_ListStreamsResponse__Output } from '../../streamgate/v1/ListStreamsResponse.js';
import type { NackRequest as _streamgate_v1_NackRequest, NackRequest__Output as _streamgate_v1_NackRequest__Output } from '../../streamgate/v1/NackRequest.js';
import type { NackResponse as _streamgate_v1_NackResponse, NackResponse__Output as _streamgate_v1_NackResponse__Output } from '../../streamgate/v1/NackResponse.js';
import type { PendingRequest as _streamgate_v1_PendingRequest, PendingRequest__Output as _streamgate_v1_PendingRequest__Output } from '../../streamgate/v1/PendingRequest.js';
import type { PendingResponse as _streamgate_v1_PendingResponse, PendingResponse__Output as _streamgate_v1_PendingResponse__Output } from '../../streamgate/v1/PendingResponse.js';
import type { PublishRequest as _streamgate_v1_PublishRequest, PublishRequest__Output as _streamgate_v1_PublishRequest__Output } from '../../streamgate/v1/PublishRequest.js';
import type { PublishResponse as _streamgate_v1_PublishResponse, PublishResponse__Output as _streamgate_v1_PublishResponse__Output } from '../../streamgate/v1/PublishResponse.js';
import type { PullRequest as _streamgate_v1_PullRequest, PullRequest__Output as _streamgate_v1_PullRequest__Output } from '../../streamgate/v1/PullRequest.js';
import type { PullResponse as _streamgate_v1_PullResponse, PullResponse__Output as _streamgate_v1_PullResponse__Output } from '../../streamgate/v1/PullResponse.js';
import type { ReadRangeRequest as _streamgate_v1_ReadRangeRequest, ReadRangeRequest__Output as _streamgate_v1_ReadRangeRequest__Output } from '../../streamgate/v1/ReadRangeRequest.js';
import type { ReadRangeResponse as _streamgate_v1_ReadRangeResponse, ReadRangeResponse__Output as _streamgate_v1_ReadRangeResponse__Output } from '../../streamgate/v1/ReadRangeResponse.js';
import type { RedriveDeadLettersRequest as _streamgate_v1_RedriveDeadLettersRequest, RedriveDeadLettersRequest__Output as _streamgate_v1_RedriveDeadLettersRequest__Output } from '../../streamgate/v1/RedriveDeadLettersRequest.js';
import type { RedriveDeadLettersResponse as _streamgate_v1_RedriveDeadLettersResponse, RedriveDeadLettersResponse__Output as _streamgate_v1_RedriveDeadLettersResponse__Output } from '../../streamgate/v1/RedriveDeadLettersResponse.js';
import type { SetGroupPositionRequest as _streamgate_v1_SetGroupPositionRequest, SetGroupPositionRequest__Output as _streamgate_v1_SetGroupPositionRequest__Output } from '../../streamgate/v1/SetGroupPositionRequest.js';
import type { SetGroupPositionResponse as _streamgate_v1_SetGroupPositionResponse, SetGroupPositionResponse__Output as _streamgate_v1_SetGroupPositionResponse__Output } from '../../streamgate/v1/SetGroupPositionResponse.js';
import type { StreamingPullRequest as _streamgate_v1_StreamingPullRequest, StreamingPullRequest__Output as _streamgate_v1_StreamingPullRequest__Output } from '../../streamgate/v1/StreamingPullRequest.js';
import type { StreamingPullResponse as _streamgate_v1_StreamingPullResponse, StreamingPullResponse__Output as _streamgate_v1_StreamingPullResponse__Output } from '../../streamgate/v1/StreamingPullResponse.js';
import type { TermRequest as _streamgate_v1_TermRequest, TermRequest__Output as _streamgate_v1_TermRequest__Output } from '../../streamgate/v1/TermRequest.js';
import type { TermResponse as _streamgate_v1_TermResponse, TermResponse__Output as _streamgate_v1_TermResponse__Output } from '../../streamgate/v1/TermResponse.js';
import type { TrimRequest as _streamgate_v1_TrimRequest, TrimRequest__Output as _streamgate_v1_TrimRequest__Output } from '../../streamgate/v1/TrimRequest.js';
import type { TrimResponse as _streamgate_v1_TrimResponse, TrimResponse__Output as _streamgate_v1_TrimResponse__Output } from '../../streamgate/v1/TrimResponse.js';
import type { UpdateGroupRequest as _streamgate_v1_UpdateGroupRequest, UpdateGroupRequest__Output as _streamgate_v1_UpdateGroupRequest__Output } from '../../streamgate/v1/UpdateGroupRequest.js';
import type { UpdateGroupResponse as _streamgate_v1_UpdateGroupResponse, UpdateGroupResponse__Output as _streamgate_v1_UpdateGroupResponse__Output } from '../../streamgate/v1/UpdateGroupResponse.js';

/**
 * The gateway. Every RPC has the same semantics as the REST route of the same meaning.
 */
export interface StreamGatewayClient extends grpc.Client {
  /**
   * Acknowledges messages (XACK); each ID is answered on its own.
   */
  Ack(argument: _streamgate_v1_AckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _streamgate_v1_AckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _streamgate_v1_AckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _streamgate_v1_AckRequest, callback: grpc.requestCallback<_streamgate_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Acknowledges messages (XACK); each ID is answered on its own.
   */
  ack(argument: _streamgate_v1_AckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _streamgate_v1_AckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _streamgate_v1_AckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _streamgate_v1_AckRequest, callback: grpc.requestCallback<_streamgate_v1_AckResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Scans the pending list and claims idle messages (XAUTOCLAIM), exactly as Redis does it.
   */
  AutoClaim(argument: _streamgate_v1_AutoClaimRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_AutoClaimResponse__Output>): grpc.ClientUnaryCall;
  AutoClaim(argument: _streamgate_v1_AutoClaimRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_AutoClaimResponse__Output>): grpc.ClientUnaryCall;
  AutoClaim(argument: _streamgate_v1_AutoClaimRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_AutoClaimResponse__Output>): grpc.ClientUnaryCall;
  AutoClaim(argument: _streamgate_v1_AutoClaimRequest, callback: grpc.requestCallback<_streamgate_v1_AutoClaimResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Scans the pending list and claims idle messages (XAUTOCLAIM), exactly as Redis does it.
   */
  autoClaim(argument: _streamgate_v1_AutoClaimRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_AutoClaimResponse__Output>): grpc.ClientUnaryCall;
  autoClaim(argument: _streamgate_v1_AutoClaimRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_AutoClaimResponse__Output>): grpc.ClientUnaryCall;
  autoClaim(argument: _streamgate_v1_AutoClaimRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_AutoClaimResponse__Output>): grpc.ClientUnaryCall;
  autoClaim(argument: _streamgate_v1_AutoClaimRequest, callback: grpc.requestCallback<_streamgate_v1_AutoClaimResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Takes ownership of given pending messages (XCLAIM), exactly as Redis does it.
   */
  Claim(argument: _streamgate_v1_ClaimRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ClaimResponse__Output>): grpc.ClientUnaryCall;
  Claim(argument: _streamgate_v1_ClaimRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ClaimResponse__Output>): grpc.ClientUnaryCall;
  Claim(argument: _streamgate_v1_ClaimRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ClaimResponse__Output>): grpc.ClientUnaryCall;
  Claim(argument: _streamgate_v1_ClaimRequest, callback: grpc.requestCallback<_streamgate_v1_ClaimResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Takes ownership of given pending messages (XCLAIM), exactly as Redis does it.
   */
  claim(argument: _streamgate_v1_ClaimRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ClaimResponse__Output>): grpc.ClientUnaryCall;
  claim(argument: _streamgate_v1_ClaimRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ClaimResponse__Output>): grpc.ClientUnaryCall;
  claim(argument: _streamgate_v1_ClaimRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ClaimResponse__Output>): grpc.ClientUnaryCall;
  claim(argument: _streamgate_v1_ClaimRequest, callback: grpc.requestCallback<_streamgate_v1_ClaimResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates a consumer (XGROUP CREATECONSUMER); a pull creates its consumer by itself.
   */
  CreateConsumer(argument: _streamgate_v1_CreateConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_CreateConsumerResponse__Output>): grpc.ClientUnaryCall;
  CreateConsumer(argument: _streamgate_v1_CreateConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_CreateConsumerResponse__Output>): grpc.ClientUnaryCall;
  CreateConsumer(argument: _streamgate_v1_CreateConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_CreateConsumerResponse__Output>): grpc.ClientUnaryCall;
  CreateConsumer(argument: _streamgate_v1_CreateConsumerRequest, callback: grpc.requestCallback<_streamgate_v1_CreateConsumerResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a consumer (XGROUP CREATECONSUMER); a pull creates its consumer by itself.
   */
  createConsumer(argument: _streamgate_v1_CreateConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_CreateConsumerResponse__Output>): grpc.ClientUnaryCall;
  createConsumer(argument: _streamgate_v1_CreateConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_CreateConsumerResponse__Output>): grpc.ClientUnaryCall;
  createConsumer(argument: _streamgate_v1_CreateConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_CreateConsumerResponse__Output>): grpc.ClientUnaryCall;
  createConsumer(argument: _streamgate_v1_CreateConsumerRequest, callback: grpc.requestCallback<_streamgate_v1_CreateConsumerResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates a consumer group (XGROUP CREATE) and stores its policy.
   */
  CreateGroup(argument: _streamgate_v1_CreateGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateGroup(argument: _streamgate_v1_CreateGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateGroup(argument: _streamgate_v1_CreateGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateGroup(argument: _streamgate_v1_CreateGroupRequest, callback: grpc.requestCallback<_streamgate_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a consumer group (XGROUP CREATE) and stores its policy.
   */
  createGroup(argument: _streamgate_v1_CreateGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  createGroup(argument: _streamgate_v1_CreateGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  createGroup(argument: _streamgate_v1_CreateGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  createGroup(argument: _streamgate_v1_CreateGroupRequest, callback: grpc.requestCallback<_streamgate_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a consumer; refused while it owns pending messages unless forced.
   */
  DeleteConsumer(argument: _streamgate_v1_DeleteConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  DeleteConsumer(argument: _streamgate_v1_DeleteConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  DeleteConsumer(argument: _streamgate_v1_DeleteConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  DeleteConsumer(argument: _streamgate_v1_DeleteConsumerRequest, callback: grpc.requestCallback<_streamgate_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a consumer; refused while it owns pending messages unless forced.
   */
  deleteConsumer(argument: _streamgate_v1_DeleteConsumerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  deleteConsumer(argument: _streamgate_v1_DeleteConsumerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  deleteConsumer(argument: _streamgate_v1_DeleteConsumerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  deleteConsumer(argument: _streamgate_v1_DeleteConsumerRequest, callback: grpc.requestCallback<_streamgate_v1_DeleteConsumerResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a group (XGROUP DESTROY) and its policy.
   */
  DeleteGroup(argument: _streamgate_v1_DeleteGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _streamgate_v1_DeleteGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _streamgate_v1_DeleteGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  DeleteGroup(argument: _streamgate_v1_DeleteGroupRequest, callback: grpc.requestCallback<_streamgate_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a group (XGROUP DESTROY) and its policy.
   */
  deleteGroup(argument: _streamgate_v1_DeleteGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _streamgate_v1_DeleteGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _streamgate_v1_DeleteGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  deleteGroup(argument: _streamgate_v1_DeleteGroupRequest, callback: grpc.requestCallback<_streamgate_v1_DeleteGroupResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes one entry (XDEL).
   */
  DeleteMessage(argument: _streamgate_v1_DeleteMessageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteMessageResponse__Output>): grpc.ClientUnaryCall;
  DeleteMessage(argument: _streamgate_v1_DeleteMessageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_DeleteMessageResponse__Output>): grpc.ClientUnaryCall;
  DeleteMessage(argument: _streamgate_v1_DeleteMessageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteMessageResponse__Output>): grpc.ClientUnaryCall;
  DeleteMessage(argument: _streamgate_v1_DeleteMessageRequest, callback: grpc.requestCallback<_streamgate_v1_DeleteMessageResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes one entry (XDEL).
   */
  deleteMessage(argument: _streamgate_v1_DeleteMessageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteMessageResponse__Output>): grpc.ClientUnaryCall;
  deleteMessage(argument: _streamgate_v1_DeleteMessageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_DeleteMessageResponse__Output>): grpc.ClientUnaryCall;
  deleteMessage(argument: _streamgate_v1_DeleteMessageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteMessageResponse__Output>): grpc.ClientUnaryCall;
  deleteMessage(argument: _streamgate_v1_DeleteMessageRequest, callback: grpc.requestCallback<_streamgate_v1_DeleteMessageResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a stream with its groups and their policies.
   */
  DeleteStream(argument: _streamgate_v1_DeleteStreamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteStreamResponse__Output>): grpc.ClientUnaryCall;
  DeleteStream(argument: _streamgate_v1_DeleteStreamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_DeleteStreamResponse__Output>): grpc.ClientUnaryCall;
  DeleteStream(argument: _streamgate_v1_DeleteStreamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteStreamResponse__Output>): grpc.ClientUnaryCall;
  DeleteStream(argument: _streamgate_v1_DeleteStreamRequest, callback: grpc.requestCallback<_streamgate_v1_DeleteStreamResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a stream with its groups and their policies.
   */
  deleteStream(argument: _streamgate_v1_DeleteStreamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteStreamResponse__Output>): grpc.ClientUnaryCall;
  deleteStream(argument: _streamgate_v1_DeleteStreamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_DeleteStreamResponse__Output>): grpc.ClientUnaryCall;
  deleteStream(argument: _streamgate_v1_DeleteStreamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_DeleteStreamResponse__Output>): grpc.ClientUnaryCall;
  deleteStream(argument: _streamgate_v1_DeleteStreamRequest, callback: grpc.requestCallback<_streamgate_v1_DeleteStreamResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Restarts the lease clock of the caller's messages (a heartbeat while processing).
   */
  ExtendLease(argument: _streamgate_v1_ExtendLeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ExtendLeaseResponse__Output>): grpc.ClientUnaryCall;
  ExtendLease(argument: _streamgate_v1_ExtendLeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ExtendLeaseResponse__Output>): grpc.ClientUnaryCall;
  ExtendLease(argument: _streamgate_v1_ExtendLeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ExtendLeaseResponse__Output>): grpc.ClientUnaryCall;
  ExtendLease(argument: _streamgate_v1_ExtendLeaseRequest, callback: grpc.requestCallback<_streamgate_v1_ExtendLeaseResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Restarts the lease clock of the caller's messages (a heartbeat while processing).
   */
  extendLease(argument: _streamgate_v1_ExtendLeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ExtendLeaseResponse__Output>): grpc.ClientUnaryCall;
  extendLease(argument: _streamgate_v1_ExtendLeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ExtendLeaseResponse__Output>): grpc.ClientUnaryCall;
  extendLease(argument: _streamgate_v1_ExtendLeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ExtendLeaseResponse__Output>): grpc.ClientUnaryCall;
  extendLease(argument: _streamgate_v1_ExtendLeaseRequest, callback: grpc.requestCallback<_streamgate_v1_ExtendLeaseResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Describes one group.
   */
  GetGroup(argument: _streamgate_v1_GetGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_GetGroupResponse__Output>): grpc.ClientUnaryCall;
  GetGroup(argument: _streamgate_v1_GetGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_GetGroupResponse__Output>): grpc.ClientUnaryCall;
  GetGroup(argument: _streamgate_v1_GetGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_GetGroupResponse__Output>): grpc.ClientUnaryCall;
  GetGroup(argument: _streamgate_v1_GetGroupRequest, callback: grpc.requestCallback<_streamgate_v1_GetGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Describes one group.
   */
  getGroup(argument: _streamgate_v1_GetGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_GetGroupResponse__Output>): grpc.ClientUnaryCall;
  getGroup(argument: _streamgate_v1_GetGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_GetGroupResponse__Output>): grpc.ClientUnaryCall;
  getGroup(argument: _streamgate_v1_GetGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_GetGroupResponse__Output>): grpc.ClientUnaryCall;
  getGroup(argument: _streamgate_v1_GetGroupRequest, callback: grpc.requestCallback<_streamgate_v1_GetGroupResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Describes a stream (XINFO STREAM).
   */
  GetStream(argument: _streamgate_v1_GetStreamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_GetStreamResponse__Output>): grpc.ClientUnaryCall;
  GetStream(argument: _streamgate_v1_GetStreamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_GetStreamResponse__Output>): grpc.ClientUnaryCall;
  GetStream(argument: _streamgate_v1_GetStreamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_GetStreamResponse__Output>): grpc.ClientUnaryCall;
  GetStream(argument: _streamgate_v1_GetStreamRequest, callback: grpc.requestCallback<_streamgate_v1_GetStreamResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Describes a stream (XINFO STREAM).
   */
  getStream(argument: _streamgate_v1_GetStreamRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_GetStreamResponse__Output>): grpc.ClientUnaryCall;
  getStream(argument: _streamgate_v1_GetStreamRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_GetStreamResponse__Output>): grpc.ClientUnaryCall;
  getStream(argument: _streamgate_v1_GetStreamRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_GetStreamResponse__Output>): grpc.ClientUnaryCall;
  getStream(argument: _streamgate_v1_GetStreamRequest, callback: grpc.requestCallback<_streamgate_v1_GetStreamResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists the consumers of a group (XINFO CONSUMERS).
   */
  ListConsumers(argument: _streamgate_v1_ListConsumersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  ListConsumers(argument: _streamgate_v1_ListConsumersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  ListConsumers(argument: _streamgate_v1_ListConsumersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  ListConsumers(argument: _streamgate_v1_ListConsumersRequest, callback: grpc.requestCallback<_streamgate_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists the consumers of a group (XINFO CONSUMERS).
   */
  listConsumers(argument: _streamgate_v1_ListConsumersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  listConsumers(argument: _streamgate_v1_ListConsumersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  listConsumers(argument: _streamgate_v1_ListConsumersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  listConsumers(argument: _streamgate_v1_ListConsumersRequest, callback: grpc.requestCallback<_streamgate_v1_ListConsumersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists the group's dead letters, oldest first.
   */
  ListDeadLetters(argument: _streamgate_v1_ListDeadLettersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  ListDeadLetters(argument: _streamgate_v1_ListDeadLettersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  ListDeadLetters(argument: _streamgate_v1_ListDeadLettersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  ListDeadLetters(argument: _streamgate_v1_ListDeadLettersRequest, callback: grpc.requestCallback<_streamgate_v1_ListDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists the group's dead letters, oldest first.
   */
  listDeadLetters(argument: _streamgate_v1_ListDeadLettersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  listDeadLetters(argument: _streamgate_v1_ListDeadLettersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  listDeadLetters(argument: _streamgate_v1_ListDeadLettersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  listDeadLetters(argument: _streamgate_v1_ListDeadLettersRequest, callback: grpc.requestCallback<_streamgate_v1_ListDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists the groups of a stream with their policies (XINFO GROUPS).
   */
  ListGroups(argument: _streamgate_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _streamgate_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _streamgate_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _streamgate_v1_ListGroupsRequest, callback: grpc.requestCallback<_streamgate_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists the groups of a stream with their policies (XINFO GROUPS).
   */
  listGroups(argument: _streamgate_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _streamgate_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _streamgate_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _streamgate_v1_ListGroupsRequest, callback: grpc.requestCallback<_streamgate_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Pending messages with owner, idle time and delivery count (XPENDING with a range).
   */
  ListPending(argument: _streamgate_v1_ListPendingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListPendingResponse__Output>): grpc.ClientUnaryCall;
  ListPending(argument: _streamgate_v1_ListPendingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListPendingResponse__Output>): grpc.ClientUnaryCall;
  ListPending(argument: _streamgate_v1_ListPendingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListPendingResponse__Output>): grpc.ClientUnaryCall;
  ListPending(argument: _streamgate_v1_ListPendingRequest, callback: grpc.requestCallback<_streamgate_v1_ListPendingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Pending messages with owner, idle time and delivery count (XPENDING with a range).
   */
  listPending(argument: _streamgate_v1_ListPendingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListPendingResponse__Output>): grpc.ClientUnaryCall;
  listPending(argument: _streamgate_v1_ListPendingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListPendingResponse__Output>): grpc.ClientUnaryCall;
  listPending(argument: _streamgate_v1_ListPendingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListPendingResponse__Output>): grpc.ClientUnaryCall;
  listPending(argument: _streamgate_v1_ListPendingRequest, callback: grpc.requestCallback<_streamgate_v1_ListPendingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists stream names, one SCAN step per call.
   */
  ListStreams(argument: _streamgate_v1_ListStreamsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  ListStreams(argument: _streamgate_v1_ListStreamsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  ListStreams(argument: _streamgate_v1_ListStreamsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  ListStreams(argument: _streamgate_v1_ListStreamsRequest, callback: grpc.requestCallback<_streamgate_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists stream names, one SCAN step per call.
   */
  listStreams(argument: _streamgate_v1_ListStreamsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  listStreams(argument: _streamgate_v1_ListStreamsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  listStreams(argument: _streamgate_v1_ListStreamsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  listStreams(argument: _streamgate_v1_ListStreamsRequest, callback: grpc.requestCallback<_streamgate_v1_ListStreamsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Releases the caller's leases so the messages are redelivered after a delay.
   */
  Nack(argument: _streamgate_v1_NackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_NackResponse__Output>): grpc.ClientUnaryCall;
  Nack(argument: _streamgate_v1_NackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_NackResponse__Output>): grpc.ClientUnaryCall;
  Nack(argument: _streamgate_v1_NackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_NackResponse__Output>): grpc.ClientUnaryCall;
  Nack(argument: _streamgate_v1_NackRequest, callback: grpc.requestCallback<_streamgate_v1_NackResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Releases the caller's leases so the messages are redelivered after a delay.
   */
  nack(argument: _streamgate_v1_NackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_NackResponse__Output>): grpc.ClientUnaryCall;
  nack(argument: _streamgate_v1_NackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_NackResponse__Output>): grpc.ClientUnaryCall;
  nack(argument: _streamgate_v1_NackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_NackResponse__Output>): grpc.ClientUnaryCall;
  nack(argument: _streamgate_v1_NackRequest, callback: grpc.requestCallback<_streamgate_v1_NackResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Summary of the group's pending messages (XPENDING).
   */
  Pending(argument: _streamgate_v1_PendingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PendingResponse__Output>): grpc.ClientUnaryCall;
  Pending(argument: _streamgate_v1_PendingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_PendingResponse__Output>): grpc.ClientUnaryCall;
  Pending(argument: _streamgate_v1_PendingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PendingResponse__Output>): grpc.ClientUnaryCall;
  Pending(argument: _streamgate_v1_PendingRequest, callback: grpc.requestCallback<_streamgate_v1_PendingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Summary of the group's pending messages (XPENDING).
   */
  pending(argument: _streamgate_v1_PendingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PendingResponse__Output>): grpc.ClientUnaryCall;
  pending(argument: _streamgate_v1_PendingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_PendingResponse__Output>): grpc.ClientUnaryCall;
  pending(argument: _streamgate_v1_PendingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PendingResponse__Output>): grpc.ClientUnaryCall;
  pending(argument: _streamgate_v1_PendingRequest, callback: grpc.requestCallback<_streamgate_v1_PendingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Adds messages to a stream (XADD), creating it if needed. A batch is all or nothing.
   */
  Publish(argument: _streamgate_v1_PublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _streamgate_v1_PublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _streamgate_v1_PublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _streamgate_v1_PublishRequest, callback: grpc.requestCallback<_streamgate_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds messages to a stream (XADD), creating it if needed. A batch is all or nothing.
   */
  publish(argument: _streamgate_v1_PublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _streamgate_v1_PublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _streamgate_v1_PublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _streamgate_v1_PublishRequest, callback: grpc.requestCallback<_streamgate_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Pulls messages: expired leases of the group first, then new messages. May wait.
   * Acks the request's ack_ids first (the previous batch), answered in PullResponse.acked.
   */
  Pull(argument: _streamgate_v1_PullRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _streamgate_v1_PullRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _streamgate_v1_PullRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _streamgate_v1_PullRequest, callback: grpc.requestCallback<_streamgate_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Pulls messages: expired leases of the group first, then new messages. May wait.
   * Acks the request's ack_ids first (the previous batch), answered in PullResponse.acked.
   */
  pull(argument: _streamgate_v1_PullRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _streamgate_v1_PullRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _streamgate_v1_PullRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _streamgate_v1_PullRequest, callback: grpc.requestCallback<_streamgate_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reads a range of entries (XRANGE / XREVRANGE) without touching any group.
   */
  ReadRange(argument: _streamgate_v1_ReadRangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ReadRangeResponse__Output>): grpc.ClientUnaryCall;
  ReadRange(argument: _streamgate_v1_ReadRangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ReadRangeResponse__Output>): grpc.ClientUnaryCall;
  ReadRange(argument: _streamgate_v1_ReadRangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ReadRangeResponse__Output>): grpc.ClientUnaryCall;
  ReadRange(argument: _streamgate_v1_ReadRangeRequest, callback: grpc.requestCallback<_streamgate_v1_ReadRangeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads a range of entries (XRANGE / XREVRANGE) without touching any group.
   */
  readRange(argument: _streamgate_v1_ReadRangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ReadRangeResponse__Output>): grpc.ClientUnaryCall;
  readRange(argument: _streamgate_v1_ReadRangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_ReadRangeResponse__Output>): grpc.ClientUnaryCall;
  readRange(argument: _streamgate_v1_ReadRangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_ReadRangeResponse__Output>): grpc.ClientUnaryCall;
  readRange(argument: _streamgate_v1_ReadRangeRequest, callback: grpc.requestCallback<_streamgate_v1_ReadRangeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Republishes dead letters to their stream as new entries and deletes them.
   */
  RedriveDeadLetters(argument: _streamgate_v1_RedriveDeadLettersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  RedriveDeadLetters(argument: _streamgate_v1_RedriveDeadLettersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  RedriveDeadLetters(argument: _streamgate_v1_RedriveDeadLettersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  RedriveDeadLetters(argument: _streamgate_v1_RedriveDeadLettersRequest, callback: grpc.requestCallback<_streamgate_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Republishes dead letters to their stream as new entries and deletes them.
   */
  redriveDeadLetters(argument: _streamgate_v1_RedriveDeadLettersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  redriveDeadLetters(argument: _streamgate_v1_RedriveDeadLettersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  redriveDeadLetters(argument: _streamgate_v1_RedriveDeadLettersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  redriveDeadLetters(argument: _streamgate_v1_RedriveDeadLettersRequest, callback: grpc.requestCallback<_streamgate_v1_RedriveDeadLettersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Moves a group's position: replay or skip (XGROUP SETID). Leases do not block it.
   */
  SetGroupPosition(argument: _streamgate_v1_SetGroupPositionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_SetGroupPositionResponse__Output>): grpc.ClientUnaryCall;
  SetGroupPosition(argument: _streamgate_v1_SetGroupPositionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_SetGroupPositionResponse__Output>): grpc.ClientUnaryCall;
  SetGroupPosition(argument: _streamgate_v1_SetGroupPositionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_SetGroupPositionResponse__Output>): grpc.ClientUnaryCall;
  SetGroupPosition(argument: _streamgate_v1_SetGroupPositionRequest, callback: grpc.requestCallback<_streamgate_v1_SetGroupPositionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Moves a group's position: replay or skip (XGROUP SETID). Leases do not block it.
   */
  setGroupPosition(argument: _streamgate_v1_SetGroupPositionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_SetGroupPositionResponse__Output>): grpc.ClientUnaryCall;
  setGroupPosition(argument: _streamgate_v1_SetGroupPositionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_SetGroupPositionResponse__Output>): grpc.ClientUnaryCall;
  setGroupPosition(argument: _streamgate_v1_SetGroupPositionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_SetGroupPositionResponse__Output>): grpc.ClientUnaryCall;
  setGroupPosition(argument: _streamgate_v1_SetGroupPositionRequest, callback: grpc.requestCallback<_streamgate_v1_SetGroupPositionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A long-lived pull: the server pushes messages as they arrive, within the credit the
   * client grants, keeps their leases alive while the stream is open, and takes acks, nacks
   * and lease extensions on the same stream. See StreamingPullRequest.
   */
  StreamingPull(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_streamgate_v1_StreamingPullRequest, _streamgate_v1_StreamingPullResponse__Output>;
  StreamingPull(options?: grpc.CallOptions): grpc.ClientDuplexStream<_streamgate_v1_StreamingPullRequest, _streamgate_v1_StreamingPullResponse__Output>;
  /**
   * A long-lived pull: the server pushes messages as they arrive, within the credit the
   * client grants, keeps their leases alive while the stream is open, and takes acks, nacks
   * and lease extensions on the same stream. See StreamingPullRequest.
   */
  streamingPull(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_streamgate_v1_StreamingPullRequest, _streamgate_v1_StreamingPullResponse__Output>;
  streamingPull(options?: grpc.CallOptions): grpc.ClientDuplexStream<_streamgate_v1_StreamingPullRequest, _streamgate_v1_StreamingPullResponse__Output>;
  
  /**
   * Terminates messages: moves each pending one to the group's dead-letter stream and acks
   * it, at once (whatever max_deliveries is), with an optional reason. See TermRequest.
   */
  Term(argument: _streamgate_v1_TermRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_TermResponse__Output>): grpc.ClientUnaryCall;
  Term(argument: _streamgate_v1_TermRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_TermResponse__Output>): grpc.ClientUnaryCall;
  Term(argument: _streamgate_v1_TermRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_TermResponse__Output>): grpc.ClientUnaryCall;
  Term(argument: _streamgate_v1_TermRequest, callback: grpc.requestCallback<_streamgate_v1_TermResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Terminates messages: moves each pending one to the group's dead-letter stream and acks
   * it, at once (whatever max_deliveries is), with an optional reason. See TermRequest.
   */
  term(argument: _streamgate_v1_TermRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_TermResponse__Output>): grpc.ClientUnaryCall;
  term(argument: _streamgate_v1_TermRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_TermResponse__Output>): grpc.ClientUnaryCall;
  term(argument: _streamgate_v1_TermRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_TermResponse__Output>): grpc.ClientUnaryCall;
  term(argument: _streamgate_v1_TermRequest, callback: grpc.requestCallback<_streamgate_v1_TermResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Trims a stream (XTRIM), optionally only below what every group is done with.
   */
  Trim(argument: _streamgate_v1_TrimRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_TrimResponse__Output>): grpc.ClientUnaryCall;
  Trim(argument: _streamgate_v1_TrimRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_TrimResponse__Output>): grpc.ClientUnaryCall;
  Trim(argument: _streamgate_v1_TrimRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_TrimResponse__Output>): grpc.ClientUnaryCall;
  Trim(argument: _streamgate_v1_TrimRequest, callback: grpc.requestCallback<_streamgate_v1_TrimResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Trims a stream (XTRIM), optionally only below what every group is done with.
   */
  trim(argument: _streamgate_v1_TrimRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_TrimResponse__Output>): grpc.ClientUnaryCall;
  trim(argument: _streamgate_v1_TrimRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_TrimResponse__Output>): grpc.ClientUnaryCall;
  trim(argument: _streamgate_v1_TrimRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_TrimResponse__Output>): grpc.ClientUnaryCall;
  trim(argument: _streamgate_v1_TrimRequest, callback: grpc.requestCallback<_streamgate_v1_TrimResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Changes a group's policy (lease_ms, max_deliveries, dead_letter_stream, reap_idle_ms,
   * min_backoff_ms, max_backoff_ms).
   */
  UpdateGroup(argument: _streamgate_v1_UpdateGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_UpdateGroupResponse__Output>): grpc.ClientUnaryCall;
  UpdateGroup(argument: _streamgate_v1_UpdateGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_UpdateGroupResponse__Output>): grpc.ClientUnaryCall;
  UpdateGroup(argument: _streamgate_v1_UpdateGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_UpdateGroupResponse__Output>): grpc.ClientUnaryCall;
  UpdateGroup(argument: _streamgate_v1_UpdateGroupRequest, callback: grpc.requestCallback<_streamgate_v1_UpdateGroupResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Changes a group's policy (lease_ms, max_deliveries, dead_letter_stream, reap_idle_ms,
   * min_backoff_ms, max_backoff_ms).
   */
  updateGroup(argument: _streamgate_v1_UpdateGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_UpdateGroupResponse__Output>): grpc.ClientUnaryCall;
  updateGroup(argument: _streamgate_v1_UpdateGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_streamgate_v1_UpdateGroupResponse__Output>): grpc.ClientUnaryCall;
  updateGroup(argument: _streamgate_v1_UpdateGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_streamgate_v1_UpdateGroupResponse__Output>): grpc.ClientUnaryCall;
  updateGroup(argument: _streamgate_v1_UpdateGroupRequest, callback: grpc.requestCallback<_streamgate_v1_UpdateGroupResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * The gateway. Every RPC has the same semantics as the REST route of the same meaning.
 */
export interface StreamGatewayHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Acknowledges messages (XACK); each ID is answered on its own.
   */
  Ack: grpc.handleUnaryCall<_streamgate_v1_AckRequest__Output, _streamgate_v1_AckResponse>;
  
  /**
   * Scans the pending list and claims idle messages (XAUTOCLAIM), exactly as Redis does it.
   */
  AutoClaim: grpc.handleUnaryCall<_streamgate_v1_AutoClaimRequest__Output, _streamgate_v1_AutoClaimResponse>;
  
  /**
   * Takes ownership of given pending messages (XCLAIM), exactly as Redis does it.
   */
  Claim: grpc.handleUnaryCall<_streamgate_v1_ClaimRequest__Output, _streamgate_v1_ClaimResponse>;
  
  /**
   * Creates a consumer (XGROUP CREATECONSUMER); a pull creates its consumer by itself.
   */
  CreateConsumer: grpc.handleUnaryCall<_streamgate_v1_CreateConsumerRequest__Output, _streamgate_v1_CreateConsumerResponse>;
  
  /**
   * Creates a consumer group (XGROUP CREATE) and stores its policy.
   */
  CreateGroup: grpc.handleUnaryCall<_streamgate_v1_CreateGroupRequest__Output, _streamgate_v1_CreateGroupResponse>;
  
  /**
   * Deletes a consumer; refused while it owns pending messages unless forced.
   */
  DeleteConsumer: grpc.handleUnaryCall<_streamgate_v1_DeleteConsumerRequest__Output, _streamgate_v1_DeleteConsumerResponse>;
  
  /**
   * Deletes a group (XGROUP DESTROY) and its policy.
   */
  DeleteGroup: grpc.handleUnaryCall<_streamgate_v1_DeleteGroupRequest__Output, _streamgate_v1_DeleteGroupResponse>;
  
  /**
   * Deletes one entry (XDEL).
   */
  DeleteMessage: grpc.handleUnaryCall<_streamgate_v1_DeleteMessageRequest__Output, _streamgate_v1_DeleteMessageResponse>;
  
  /**
   * Deletes a stream with its groups and their policies.
   */
  DeleteStream: grpc.handleUnaryCall<_streamgate_v1_DeleteStreamRequest__Output, _streamgate_v1_DeleteStreamResponse>;
  
  /**
   * Restarts the lease clock of the caller's messages (a heartbeat while processing).
   */
  ExtendLease: grpc.handleUnaryCall<_streamgate_v1_ExtendLeaseRequest__Output, _streamgate_v1_ExtendLeaseResponse>;
  
  /**
   * Describes one group.
   */
  GetGroup: grpc.handleUnaryCall<_streamgate_v1_GetGroupRequest__Output, _streamgate_v1_GetGroupResponse>;
  
  /**
   * Describes a stream (XINFO STREAM).
   */
  GetStream: grpc.handleUnaryCall<_streamgate_v1_GetStreamRequest__Output, _streamgate_v1_GetStreamResponse>;
  
  /**
   * Lists the consumers of a group (XINFO CONSUMERS).
   */
  ListConsumers: grpc.handleUnaryCall<_streamgate_v1_ListConsumersRequest__Output, _streamgate_v1_ListConsumersResponse>;
  
  /**
   * Lists the group's dead letters, oldest first.
   */
  ListDeadLetters: grpc.handleUnaryCall<_streamgate_v1_ListDeadLettersRequest__Output, _streamgate_v1_ListDeadLettersResponse>;
  
  /**
   * Lists the groups of a stream with their policies (XINFO GROUPS).
   */
  ListGroups: grpc.handleUnaryCall<_streamgate_v1_ListGroupsRequest__Output, _streamgate_v1_ListGroupsResponse>;
  
  /**
   * Pending messages with owner, idle time and delivery count (XPENDING with a range).
   */
  ListPending: grpc.handleUnaryCall<_streamgate_v1_ListPendingRequest__Output, _streamgate_v1_ListPendingResponse>;
  
  /**
   * Lists stream names, one SCAN step per call.
   */
  ListStreams: grpc.handleUnaryCall<_streamgate_v1_ListStreamsRequest__Output, _streamgate_v1_ListStreamsResponse>;
  
  /**
   * Releases the caller's leases so the messages are redelivered after a delay.
   */
  Nack: grpc.handleUnaryCall<_streamgate_v1_NackRequest__Output, _streamgate_v1_NackResponse>;
  
  /**
   * Summary of the group's pending messages (XPENDING).
   */
  Pending: grpc.handleUnaryCall<_streamgate_v1_PendingRequest__Output, _streamgate_v1_PendingResponse>;
  
  /**
   * Adds messages to a stream (XADD), creating it if needed. A batch is all or nothing.
   */
  Publish: grpc.handleUnaryCall<_streamgate_v1_PublishRequest__Output, _streamgate_v1_PublishResponse>;
  
  /**
   * Pulls messages: expired leases of the group first, then new messages. May wait.
   * Acks the request's ack_ids first (the previous batch), answered in PullResponse.acked.
   */
  Pull: grpc.handleUnaryCall<_streamgate_v1_PullRequest__Output, _streamgate_v1_PullResponse>;
  
  /**
   * Reads a range of entries (XRANGE / XREVRANGE) without touching any group.
   */
  ReadRange: grpc.handleUnaryCall<_streamgate_v1_ReadRangeRequest__Output, _streamgate_v1_ReadRangeResponse>;
  
  /**
   * Republishes dead letters to their stream as new entries and deletes them.
   */
  RedriveDeadLetters: grpc.handleUnaryCall<_streamgate_v1_RedriveDeadLettersRequest__Output, _streamgate_v1_RedriveDeadLettersResponse>;
  
  /**
   * Moves a group's position: replay or skip (XGROUP SETID). Leases do not block it.
   */
  SetGroupPosition: grpc.handleUnaryCall<_streamgate_v1_SetGroupPositionRequest__Output, _streamgate_v1_SetGroupPositionResponse>;
  
  /**
   * A long-lived pull: the server pushes messages as they arrive, within the credit the
   * client grants, keeps their leases alive while the stream is open, and takes acks, nacks
   * and lease extensions on the same stream. See StreamingPullRequest.
   */
  StreamingPull: grpc.handleBidiStreamingCall<_streamgate_v1_StreamingPullRequest__Output, _streamgate_v1_StreamingPullResponse>;
  
  /**
   * Terminates messages: moves each pending one to the group's dead-letter stream and acks
   * it, at once (whatever max_deliveries is), with an optional reason. See TermRequest.
   */
  Term: grpc.handleUnaryCall<_streamgate_v1_TermRequest__Output, _streamgate_v1_TermResponse>;
  
  /**
   * Trims a stream (XTRIM), optionally only below what every group is done with.
   */
  Trim: grpc.handleUnaryCall<_streamgate_v1_TrimRequest__Output, _streamgate_v1_TrimResponse>;
  
  /**
   * Changes a group's policy (lease_ms, max_deliveries, dead_letter_stream, reap_idle_ms,
   * min_backoff_ms, max_backoff_ms).
   */
  UpdateGroup: grpc.handleUnaryCall<_streamgate_v1_UpdateGroupRequest__Output, _streamgate_v1_UpdateGroupResponse>;
  
}

export interface StreamGatewayDefinition extends grpc.ServiceDefinition {
  Ack: MethodDefinition<_streamgate_v1_AckRequest, _streamgate_v1_AckResponse, _streamgate_v1_AckRequest__Output, _streamgate_v1_AckResponse__Output>
  AutoClaim: MethodDefinition<_streamgate_v1_AutoClaimRequest, _streamgate_v1_AutoClaimResponse, _streamgate_v1_AutoClaimRequest__Output, _streamgate_v1_AutoClaimResponse__Output>
  Claim: MethodDefinition<_streamgate_v1_ClaimRequest, _streamgate_v1_ClaimResponse, _streamgate_v1_ClaimRequest__Output, _streamgate_v1_ClaimResponse__Output>
  CreateConsumer: MethodDefinition<_streamgate_v1_CreateConsumerRequest, _streamgate_v1_CreateConsumerResponse, _streamgate_v1_CreateConsumerRequest__Output, _streamgate_v1_CreateConsumerResponse__Output>
  CreateGroup: MethodDefinition<_streamgate_v1_CreateGroupRequest, _streamgate_v1_CreateGroupResponse, _streamgate_v1_CreateGroupRequest__Output, _streamgate_v1_CreateGroupResponse__Output>
  DeleteConsumer: MethodDefinition<_streamgate_v1_DeleteConsumerRequest, _streamgate_v1_DeleteConsumerResponse, _streamgate_v1_DeleteConsumerRequest__Output, _streamgate_v1_DeleteConsumerResponse__Output>
  DeleteGroup: MethodDefinition<_streamgate_v1_DeleteGroupRequest, _streamgate_v1_DeleteGroupResponse, _streamgate_v1_DeleteGroupRequest__Output, _streamgate_v1_DeleteGroupResponse__Output>
  DeleteMessage: MethodDefinition<_streamgate_v1_DeleteMessageRequest, _streamgate_v1_DeleteMessageResponse, _streamgate_v1_DeleteMessageRequest__Output, _streamgate_v1_DeleteMessageResponse__Output>
  DeleteStream: MethodDefinition<_streamgate_v1_DeleteStreamRequest, _streamgate_v1_DeleteStreamResponse, _streamgate_v1_DeleteStreamRequest__Output, _streamgate_v1_DeleteStreamResponse__Output>
  ExtendLease: MethodDefinition<_streamgate_v1_ExtendLeaseRequest, _streamgate_v1_ExtendLeaseResponse, _streamgate_v1_ExtendLeaseRequest__Output, _streamgate_v1_ExtendLeaseResponse__Output>
  GetGroup: MethodDefinition<_streamgate_v1_GetGroupRequest, _streamgate_v1_GetGroupResponse, _streamgate_v1_GetGroupRequest__Output, _streamgate_v1_GetGroupResponse__Output>
  GetStream: MethodDefinition<_streamgate_v1_GetStreamRequest, _streamgate_v1_GetStreamResponse, _streamgate_v1_GetStreamRequest__Output, _streamgate_v1_GetStreamResponse__Output>
  ListConsumers: MethodDefinition<_streamgate_v1_ListConsumersRequest, _streamgate_v1_ListConsumersResponse, _streamgate_v1_ListConsumersRequest__Output, _streamgate_v1_ListConsumersResponse__Output>
  ListDeadLetters: MethodDefinition<_streamgate_v1_ListDeadLettersRequest, _streamgate_v1_ListDeadLettersResponse, _streamgate_v1_ListDeadLettersRequest__Output, _streamgate_v1_ListDeadLettersResponse__Output>
  ListGroups: MethodDefinition<_streamgate_v1_ListGroupsRequest, _streamgate_v1_ListGroupsResponse, _streamgate_v1_ListGroupsRequest__Output, _streamgate_v1_ListGroupsResponse__Output>
  ListPending: MethodDefinition<_streamgate_v1_ListPendingRequest, _streamgate_v1_ListPendingResponse, _streamgate_v1_ListPendingRequest__Output, _streamgate_v1_ListPendingResponse__Output>
  ListStreams: MethodDefinition<_streamgate_v1_ListStreamsRequest, _streamgate_v1_ListStreamsResponse, _streamgate_v1_ListStreamsRequest__Output, _streamgate_v1_ListStreamsResponse__Output>
  Nack: MethodDefinition<_streamgate_v1_NackRequest, _streamgate_v1_NackResponse, _streamgate_v1_NackRequest__Output, _streamgate_v1_NackResponse__Output>
  Pending: MethodDefinition<_streamgate_v1_PendingRequest, _streamgate_v1_PendingResponse, _streamgate_v1_PendingRequest__Output, _streamgate_v1_PendingResponse__Output>
  Publish: MethodDefinition<_streamgate_v1_PublishRequest, _streamgate_v1_PublishResponse, _streamgate_v1_PublishRequest__Output, _streamgate_v1_PublishResponse__Output>
  Pull: MethodDefinition<_streamgate_v1_PullRequest, _streamgate_v1_PullResponse, _streamgate_v1_PullRequest__Output, _streamgate_v1_PullResponse__Output>
  ReadRange: MethodDefinition<_streamgate_v1_ReadRangeRequest, _streamgate_v1_ReadRangeResponse, _streamgate_v1_ReadRangeRequest__Output, _streamgate_v1_ReadRangeResponse__Output>
  RedriveDeadLetters: MethodDefinition<_streamgate_v1_RedriveDeadLettersRequest, _streamgate_v1_RedriveDeadLettersResponse, _streamgate_v1_RedriveDeadLettersRequest__Output, _streamgate_v1_RedriveDeadLettersResponse__Output>
  SetGroupPosition: MethodDefinition<_streamgate_v1_SetGroupPositionRequest, _streamgate_v1_SetGroupPositionResponse, _streamgate_v1_SetGroupPositionRequest__Output, _streamgate_v1_SetGroupPositionResponse__Output>
  StreamingPull: MethodDefinition<_streamgate_v1_StreamingPullRequest, _streamgate_v1_StreamingPullResponse, _streamgate_v1_StreamingPullRequest__Output, _streamgate_v1_StreamingPullResponse__Output>
  Term: MethodDefinition<_streamgate_v1_TermRequest, _streamgate_v1_TermResponse, _streamgate_v1_TermRequest__Output, _streamgate_v1_TermResponse__Output>
  Trim: MethodDefinition<_streamgate_v1_TrimRequest, _streamgate_v1_TrimResponse, _streamgate_v1_TrimRequest__Output, _streamgate_v1_TrimResponse__Output>
  UpdateGroup: MethodDefinition<_streamgate_v1_UpdateGroupRequest, _streamgate_v1_UpdateGroupResponse, _streamgate_v1_UpdateGroupRequest__Output, _streamgate_v1_UpdateGroupResponse__Output>
}
