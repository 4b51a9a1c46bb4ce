import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AckRequest as _streamgate_v1_AckRequest, AckRequest__Output as _streamgate_v1_AckRequest__Output } from './streamgate/v1/AckRequest.js';
import type { AckResponse as _streamgate_v1_AckResponse, AckResponse__Output as _streamgate_v1_AckResponse__Output } from './streamgate/v1/AckResponse.js';
import type { AckResult as _streamgate_v1_AckResult, AckResult__Output as _streamgate_v1_AckResult__Output } from './streamgate/v1/AckResult.js';
import type { AutoClaimRequest as _streamgate_v1_AutoClaimRequest, AutoClaimRequest__Output as _streamgate_v1_AutoClaimRequest__Output } from './streamgate/v1/AutoClaimRequest.js';
import type { AutoClaimResponse as _streamgate_v1_AutoClaimResponse, AutoClaimResponse__Output as _streamgate_v1_AutoClaimResponse__Output } from './streamgate/v1/AutoClaimResponse.js';
import type { ClaimRequest as _streamgate_v1_ClaimRequest, ClaimRequest__Output as _streamgate_v1_ClaimRequest__Output } from './streamgate/v1/ClaimRequest.js';
import type { ClaimResponse as _streamgate_v1_ClaimResponse, ClaimResponse__Output as _streamgate_v1_ClaimResponse__Output } from './streamgate/v1/ClaimResponse.js';
import type { Consumer as _streamgate_v1_Consumer, Consumer__Output as _streamgate_v1_Consumer__Output } from './streamgate/v1/Consumer.js';
import type { ConsumerPending as _streamgate_v1_ConsumerPending, ConsumerPending__Output as _streamgate_v1_ConsumerPending__Output } from './streamgate/v1/ConsumerPending.js';
import type { CreateConsumerRequest as _streamgate_v1_CreateConsumerRequest, CreateConsumerRequest__Output as _streamgate_v1_CreateConsumerRequest__Output } from './streamgate/v1/CreateConsumerRequest.js';
import type { CreateConsumerResponse as _streamgate_v1_CreateConsumerResponse, CreateConsumerResponse__Output as _streamgate_v1_CreateConsumerResponse__Output } from './streamgate/v1/CreateConsumerResponse.js';
import type { CreateGroupRequest as _streamgate_v1_CreateGroupRequest, CreateGroupRequest__Output as _streamgate_v1_CreateGroupRequest__Output } from './streamgate/v1/CreateGroupRequest.js';
import type { CreateGroupResponse as _streamgate_v1_CreateGroupResponse, CreateGroupResponse__Output as _streamgate_v1_CreateGroupResponse__Output } from './streamgate/v1/CreateGroupResponse.js';
import type { DeleteConsumerRequest as _streamgate_v1_DeleteConsumerRequest, DeleteConsumerRequest__Output as _streamgate_v1_DeleteConsumerRequest__Output } from './streamgate/v1/DeleteConsumerRequest.js';
import type { DeleteConsumerResponse as _streamgate_v1_DeleteConsumerResponse, DeleteConsumerResponse__Output as _streamgate_v1_DeleteConsumerResponse__Output } from './streamgate/v1/DeleteConsumerResponse.js';
import type { DeleteGroupRequest as _streamgate_v1_DeleteGroupRequest, DeleteGroupRequest__Output as _streamgate_v1_DeleteGroupRequest__Output } from './streamgate/v1/DeleteGroupRequest.js';
import type { DeleteGroupResponse as _streamgate_v1_DeleteGroupResponse, DeleteGroupResponse__Output as _streamgate_v1_DeleteGroupResponse__Output } from './streamgate/v1/DeleteGroupResponse.js';
import type { DeleteMessageRequest as _streamgate_v1_DeleteMessageRequest, DeleteMessageRequest__Output as _streamgate_v1_DeleteMessageRequest__Output } from './streamgate/v1/DeleteMessageRequest.js';
import type { DeleteMessageResponse as _streamgate_v1_DeleteMessageResponse, DeleteMessageResponse__Output as _streamgate_v1_DeleteMessageResponse__Output } from './streamgate/v1/DeleteMessageResponse.js';
import type { DeleteStreamRequest as _streamgate_v1_DeleteStreamRequest, DeleteStreamRequest__Output as _streamgate_v1_DeleteStreamRequest__Output } from './streamgate/v1/DeleteStreamRequest.js';
import type { DeleteStreamResponse as _streamgate_v1_DeleteStreamResponse, DeleteStreamResponse__Output as _streamgate_v1_DeleteStreamResponse__Output } from './streamgate/v1/DeleteStreamResponse.js';
import type { ExtendLeaseRequest as _streamgate_v1_ExtendLeaseRequest, ExtendLeaseRequest__Output as _streamgate_v1_ExtendLeaseRequest__Output } from './streamgate/v1/ExtendLeaseRequest.js';
import type { ExtendLeaseResponse as _streamgate_v1_ExtendLeaseResponse, ExtendLeaseResponse__Output as _streamgate_v1_ExtendLeaseResponse__Output } from './streamgate/v1/ExtendLeaseResponse.js';
import type { Field as _streamgate_v1_Field, Field__Output as _streamgate_v1_Field__Output } from './streamgate/v1/Field.js';
import type { GetGroupRequest as _streamgate_v1_GetGroupRequest, GetGroupRequest__Output as _streamgate_v1_GetGroupRequest__Output } from './streamgate/v1/GetGroupRequest.js';
import type { GetGroupResponse as _streamgate_v1_GetGroupResponse, GetGroupResponse__Output as _streamgate_v1_GetGroupResponse__Output } from './streamgate/v1/GetGroupResponse.js';
import type { GetStreamRequest as _streamgate_v1_GetStreamRequest, GetStreamRequest__Output as _streamgate_v1_GetStreamRequest__Output } from './streamgate/v1/GetStreamRequest.js';
import type { GetStreamResponse as _streamgate_v1_GetStreamResponse, GetStreamResponse__Output as _streamgate_v1_GetStreamResponse__Output } from './streamgate/v1/GetStreamResponse.js';
import type { Group as _streamgate_v1_Group, Group__Output as _streamgate_v1_Group__Output } from './streamgate/v1/Group.js';
import type { ListConsumersRequest as _streamgate_v1_ListConsumersRequest, ListConsumersRequest__Output as _streamgate_v1_ListConsumersRequest__Output } from './streamgate/v1/ListConsumersRequest.js';
import type { ListConsumersResponse as _streamgate_v1_ListConsumersResponse, ListConsumersResponse__Output as _streamgate_v1_ListConsumersResponse__Output } from './streamgate/v1/ListConsumersResponse.js';
import type { ListDeadLettersRequest as _streamgate_v1_ListDeadLettersRequest, ListDeadLettersRequest__Output as _streamgate_v1_ListDeadLettersRequest__Output } from './streamgate/v1/ListDeadLettersRequest.js';
import type { ListDeadLettersResponse as _streamgate_v1_ListDeadLettersResponse, ListDeadLettersResponse__Output as _streamgate_v1_ListDeadLettersResponse__Output } from './streamgate/v1/ListDeadLettersResponse.js';
import type { ListGroupsRequest as _streamgate_v1_ListGroupsRequest, ListGroupsRequest__Output as _streamgate_v1_ListGroupsRequest__Output } from './streamgate/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _streamgate_v1_ListGroupsResponse, ListGroupsResponse__Output as _streamgate_v1_ListGroupsResponse__Output } from './streamgate/v1/ListGroupsResponse.js';
import type { ListPendingRequest as _streamgate_v1_ListPendingRequest, ListPendingRequest__Output as _streamgate_v1_ListPendingRequest__Output } from './streamgate/v1/ListPendingRequest.js';
import type { ListPendingResponse as _streamgate_v1_ListPendingResponse, ListPendingResponse__Output as _streamgate_v1_ListPendingResponse__Output } from './streamgate/v1/ListPendingResponse.js';
import type { ListStreamsRequest as _streamgate_v1_ListStreamsRequest, ListStreamsRequest__Output as _streamgate_v1_ListStreamsRequest__Output } from './streamgate/v1/ListStreamsRequest.js';
import type { ListStreamsResponse as _streamgate_v1_ListStreamsResponse, ListStreamsResponse__Output as _streamgate_v1_ListStreamsResponse__Output } from './streamgate/v1/ListStreamsResponse.js';
import type { Message as _streamgate_v1_Message, Message__Output as _streamgate_v1_Message__Output } from './streamgate/v1/Message.js';
import type { NackRequest as _streamgate_v1_NackRequest, NackRequest__Output as _streamgate_v1_NackRequest__Output } from './streamgate/v1/NackRequest.js';
import type { NackResponse as _streamgate_v1_NackResponse, NackResponse__Output as _streamgate_v1_NackResponse__Output } from './streamgate/v1/NackResponse.js';
import type { PendingEntry as _streamgate_v1_PendingEntry, PendingEntry__Output as _streamgate_v1_PendingEntry__Output } from './streamgate/v1/PendingEntry.js';
import type { PendingRequest as _streamgate_v1_PendingRequest, PendingRequest__Output as _streamgate_v1_PendingRequest__Output } from './streamgate/v1/PendingRequest.js';
import type { PendingResponse as _streamgate_v1_PendingResponse, PendingResponse__Output as _streamgate_v1_PendingResponse__Output } from './streamgate/v1/PendingResponse.js';
import type { PublishMessage as _streamgate_v1_PublishMessage, PublishMessage__Output as _streamgate_v1_PublishMessage__Output } from './streamgate/v1/PublishMessage.js';
import type { PublishRequest as _streamgate_v1_PublishRequest, PublishRequest__Output as _streamgate_v1_PublishRequest__Output } from './streamgate/v1/PublishRequest.js';
import type { PublishResponse as _streamgate_v1_PublishResponse, PublishResponse__Output as _streamgate_v1_PublishResponse__Output } from './streamgate/v1/PublishResponse.js';
import type { PullRequest as _streamgate_v1_PullRequest, PullRequest__Output as _streamgate_v1_PullRequest__Output } from './streamgate/v1/PullRequest.js';
import type { PullResponse as _streamgate_v1_PullResponse, PullResponse__Output as _streamgate_v1_PullResponse__Output } from './streamgate/v1/PullResponse.js';
import type { ReadRangeRequest as _streamgate_v1_ReadRangeRequest, ReadRangeRequest__Output as _streamgate_v1_ReadRangeRequest__Output } from './streamgate/v1/ReadRangeRequest.js';
import type { ReadRangeResponse as _streamgate_v1_ReadRangeResponse, ReadRangeResponse__Output as _streamgate_v1_ReadRangeResponse__Output } from './streamgate/v1/ReadRangeResponse.js';
import type { RedriveDeadLettersRequest as _streamgate_v1_RedriveDeadLettersRequest, RedriveDeadLettersRequest__Output as _streamgate_v1_RedriveDeadLettersRequest__Output } from './streamgate/v1/RedriveDeadLettersRequest.js';
import type { RedriveDeadLettersResponse as _streamgate_v1_RedriveDeadLettersResponse, RedriveDeadLettersResponse__Output as _streamgate_v1_RedriveDeadLettersResponse__Output } from './streamgate/v1/RedriveDeadLettersResponse.js';
import type { SetGroupPositionRequest as _streamgate_v1_SetGroupPositionRequest, SetGroupPositionRequest__Output as _streamgate_v1_SetGroupPositionRequest__Output } from './streamgate/v1/SetGroupPositionRequest.js';
import type { SetGroupPositionResponse as _streamgate_v1_SetGroupPositionResponse, SetGroupPositionResponse__Output as _streamgate_v1_SetGroupPositionResponse__Output } from './streamgate/v1/SetGroupPositionResponse.js';
import type { StreamGatewayClient as _streamgate_v1_StreamGatewayClient, StreamGatewayDefinition as _streamgate_v1_StreamGatewayDefinition } from './streamgate/v1/StreamGateway.js';
import type { StreamingPullRequest as _streamgate_v1_StreamingPullRequest, StreamingPullRequest__Output as _streamgate_v1_StreamingPullRequest__Output } from './streamgate/v1/StreamingPullRequest.js';
import type { StreamingPullResponse as _streamgate_v1_StreamingPullResponse, StreamingPullResponse__Output as _streamgate_v1_StreamingPullResponse__Output } from './streamgate/v1/StreamingPullResponse.js';
import type { TermRequest as _streamgate_v1_TermRequest, TermRequest__Output as _streamgate_v1_TermRequest__Output } from './streamgate/v1/TermRequest.js';
import type { TermResponse as _streamgate_v1_TermResponse, TermResponse__Output as _streamgate_v1_TermResponse__Output } from './streamgate/v1/TermResponse.js';
import type { TrimRequest as _streamgate_v1_TrimRequest, TrimRequest__Output as _streamgate_v1_TrimRequest__Output } from './streamgate/v1/TrimRequest.js';
import type { TrimResponse as _streamgate_v1_TrimResponse, TrimResponse__Output as _streamgate_v1_TrimResponse__Output } from './streamgate/v1/TrimResponse.js';
import type { TrimSpec as _streamgate_v1_TrimSpec, TrimSpec__Output as _streamgate_v1_TrimSpec__Output } from './streamgate/v1/TrimSpec.js';
import type { UpdateGroupRequest as _streamgate_v1_UpdateGroupRequest, UpdateGroupRequest__Output as _streamgate_v1_UpdateGroupRequest__Output } from './streamgate/v1/UpdateGroupRequest.js';
import type { UpdateGroupResponse as _streamgate_v1_UpdateGroupResponse, UpdateGroupResponse__Output as _streamgate_v1_UpdateGroupResponse__Output } from './streamgate/v1/UpdateGroupResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  streamgate: {
    v1: {
      AckOperation: EnumTypeDefinition
      AckRequest: MessageTypeDefinition<_streamgate_v1_AckRequest, _streamgate_v1_AckRequest__Output>
      AckResponse: MessageTypeDefinition<_streamgate_v1_AckResponse, _streamgate_v1_AckResponse__Output>
      AckResult: MessageTypeDefinition<_streamgate_v1_AckResult, _streamgate_v1_AckResult__Output>
      AckStatus: EnumTypeDefinition
      AutoClaimRequest: MessageTypeDefinition<_streamgate_v1_AutoClaimRequest, _streamgate_v1_AutoClaimRequest__Output>
      AutoClaimResponse: MessageTypeDefinition<_streamgate_v1_AutoClaimResponse, _streamgate_v1_AutoClaimResponse__Output>
      ClaimRequest: MessageTypeDefinition<_streamgate_v1_ClaimRequest, _streamgate_v1_ClaimRequest__Output>
      ClaimResponse: MessageTypeDefinition<_streamgate_v1_ClaimResponse, _streamgate_v1_ClaimResponse__Output>
      Consumer: MessageTypeDefinition<_streamgate_v1_Consumer, _streamgate_v1_Consumer__Output>
      ConsumerPending: MessageTypeDefinition<_streamgate_v1_ConsumerPending, _streamgate_v1_ConsumerPending__Output>
      CreateConsumerRequest: MessageTypeDefinition<_streamgate_v1_CreateConsumerRequest, _streamgate_v1_CreateConsumerRequest__Output>
      CreateConsumerResponse: MessageTypeDefinition<_streamgate_v1_CreateConsumerResponse, _streamgate_v1_CreateConsumerResponse__Output>
      CreateGroupRequest: MessageTypeDefinition<_streamgate_v1_CreateGroupRequest, _streamgate_v1_CreateGroupRequest__Output>
      CreateGroupResponse: MessageTypeDefinition<_streamgate_v1_CreateGroupResponse, _streamgate_v1_CreateGroupResponse__Output>
      DeleteConsumerRequest: MessageTypeDefinition<_streamgate_v1_DeleteConsumerRequest, _streamgate_v1_DeleteConsumerRequest__Output>
      DeleteConsumerResponse: MessageTypeDefinition<_streamgate_v1_DeleteConsumerResponse, _streamgate_v1_DeleteConsumerResponse__Output>
      DeleteGroupRequest: MessageTypeDefinition<_streamgate_v1_DeleteGroupRequest, _streamgate_v1_DeleteGroupRequest__Output>
      DeleteGroupResponse: MessageTypeDefinition<_streamgate_v1_DeleteGroupResponse, _streamgate_v1_DeleteGroupResponse__Output>
      DeleteMessageRequest: MessageTypeDefinition<_streamgate_v1_DeleteMessageRequest, _streamgate_v1_DeleteMessageRequest__Output>
      DeleteMessageResponse: MessageTypeDefinition<_streamgate_v1_DeleteMessageResponse, _streamgate_v1_DeleteMessageResponse__Output>
      DeleteStreamRequest: MessageTypeDefinition<_streamgate_v1_DeleteStreamRequest, _streamgate_v1_DeleteStreamRequest__Output>
      DeleteStreamResponse: MessageTypeDefinition<_streamgate_v1_DeleteStreamResponse, _streamgate_v1_DeleteStreamResponse__Output>
      ExtendLeaseRequest: MessageTypeDefinition<_streamgate_v1_ExtendLeaseRequest, _streamgate_v1_ExtendLeaseRequest__Output>
      ExtendLeaseResponse: MessageTypeDefinition<_streamgate_v1_ExtendLeaseResponse, _streamgate_v1_ExtendLeaseResponse__Output>
      Field: MessageTypeDefinition<_streamgate_v1_Field, _streamgate_v1_Field__Output>
      GetGroupRequest: MessageTypeDefinition<_streamgate_v1_GetGroupRequest, _streamgate_v1_GetGroupRequest__Output>
      GetGroupResponse: MessageTypeDefinition<_streamgate_v1_GetGroupResponse, _streamgate_v1_GetGroupResponse__Output>
      GetStreamRequest: MessageTypeDefinition<_streamgate_v1_GetStreamRequest, _streamgate_v1_GetStreamRequest__Output>
      GetStreamResponse: MessageTypeDefinition<_streamgate_v1_GetStreamResponse, _streamgate_v1_GetStreamResponse__Output>
      Group: MessageTypeDefinition<_streamgate_v1_Group, _streamgate_v1_Group__Output>
      ListConsumersRequest: MessageTypeDefinition<_streamgate_v1_ListConsumersRequest, _streamgate_v1_ListConsumersRequest__Output>
      ListConsumersResponse: MessageTypeDefinition<_streamgate_v1_ListConsumersResponse, _streamgate_v1_ListConsumersResponse__Output>
      ListDeadLettersRequest: MessageTypeDefinition<_streamgate_v1_ListDeadLettersRequest, _streamgate_v1_ListDeadLettersRequest__Output>
      ListDeadLettersResponse: MessageTypeDefinition<_streamgate_v1_ListDeadLettersResponse, _streamgate_v1_ListDeadLettersResponse__Output>
      ListGroupsRequest: MessageTypeDefinition<_streamgate_v1_ListGroupsRequest, _streamgate_v1_ListGroupsRequest__Output>
      ListGroupsResponse: MessageTypeDefinition<_streamgate_v1_ListGroupsResponse, _streamgate_v1_ListGroupsResponse__Output>
      ListPendingRequest: MessageTypeDefinition<_streamgate_v1_ListPendingRequest, _streamgate_v1_ListPendingRequest__Output>
      ListPendingResponse: MessageTypeDefinition<_streamgate_v1_ListPendingResponse, _streamgate_v1_ListPendingResponse__Output>
      ListStreamsRequest: MessageTypeDefinition<_streamgate_v1_ListStreamsRequest, _streamgate_v1_ListStreamsRequest__Output>
      ListStreamsResponse: MessageTypeDefinition<_streamgate_v1_ListStreamsResponse, _streamgate_v1_ListStreamsResponse__Output>
      Message: MessageTypeDefinition<_streamgate_v1_Message, _streamgate_v1_Message__Output>
      NackRequest: MessageTypeDefinition<_streamgate_v1_NackRequest, _streamgate_v1_NackRequest__Output>
      NackResponse: MessageTypeDefinition<_streamgate_v1_NackResponse, _streamgate_v1_NackResponse__Output>
      PendingEntry: MessageTypeDefinition<_streamgate_v1_PendingEntry, _streamgate_v1_PendingEntry__Output>
      PendingRequest: MessageTypeDefinition<_streamgate_v1_PendingRequest, _streamgate_v1_PendingRequest__Output>
      PendingResponse: MessageTypeDefinition<_streamgate_v1_PendingResponse, _streamgate_v1_PendingResponse__Output>
      PublishMessage: MessageTypeDefinition<_streamgate_v1_PublishMessage, _streamgate_v1_PublishMessage__Output>
      PublishRequest: MessageTypeDefinition<_streamgate_v1_PublishRequest, _streamgate_v1_PublishRequest__Output>
      PublishResponse: MessageTypeDefinition<_streamgate_v1_PublishResponse, _streamgate_v1_PublishResponse__Output>
      PullRequest: MessageTypeDefinition<_streamgate_v1_PullRequest, _streamgate_v1_PullRequest__Output>
      PullResponse: MessageTypeDefinition<_streamgate_v1_PullResponse, _streamgate_v1_PullResponse__Output>
      ReadRangeRequest: MessageTypeDefinition<_streamgate_v1_ReadRangeRequest, _streamgate_v1_ReadRangeRequest__Output>
      ReadRangeResponse: MessageTypeDefinition<_streamgate_v1_ReadRangeResponse, _streamgate_v1_ReadRangeResponse__Output>
      RedriveDeadLettersRequest: MessageTypeDefinition<_streamgate_v1_RedriveDeadLettersRequest, _streamgate_v1_RedriveDeadLettersRequest__Output>
      RedriveDeadLettersResponse: MessageTypeDefinition<_streamgate_v1_RedriveDeadLettersResponse, _streamgate_v1_RedriveDeadLettersResponse__Output>
      SetGroupPositionRequest: MessageTypeDefinition<_streamgate_v1_SetGroupPositionRequest, _streamgate_v1_SetGroupPositionRequest__Output>
      SetGroupPositionResponse: MessageTypeDefinition<_streamgate_v1_SetGroupPositionResponse, _streamgate_v1_SetGroupPositionResponse__Output>
      /**
       * The gateway. Every RPC has the same semantics as the REST route of the same meaning.
       */
      StreamGateway: SubtypeConstructor<typeof grpc.Client, _streamgate_v1_StreamGatewayClient> & { service: _streamgate_v1_StreamGatewayDefinition }
      StreamingPullRequest: MessageTypeDefinition<_streamgate_v1_StreamingPullRequest, _streamgate_v1_StreamingPullRequest__Output>
      StreamingPullResponse: MessageTypeDefinition<_streamgate_v1_StreamingPullResponse, _streamgate_v1_StreamingPullResponse__Output>
      TermRequest: MessageTypeDefinition<_streamgate_v1_TermRequest, _streamgate_v1_TermRequest__Output>
      TermResponse: MessageTypeDefinition<_streamgate_v1_TermResponse, _streamgate_v1_TermResponse__Output>
      TrimRequest: MessageTypeDefinition<_streamgate_v1_TrimRequest, _streamgate_v1_TrimRequest__Output>
      TrimResponse: MessageTypeDefinition<_streamgate_v1_TrimResponse, _streamgate_v1_TrimResponse__Output>
      TrimSpec: MessageTypeDefinition<_streamgate_v1_TrimSpec, _streamgate_v1_TrimSpec__Output>
      UpdateGroupRequest: MessageTypeDefinition<_streamgate_v1_UpdateGroupRequest, _streamgate_v1_UpdateGroupRequest__Output>
      UpdateGroupResponse: MessageTypeDefinition<_streamgate_v1_UpdateGroupResponse, _streamgate_v1_UpdateGroupResponse__Output>
    }
  }
}

