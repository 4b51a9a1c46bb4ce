import { type ServiceError, status } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { ErrorCode } from '../../src/contract/errors.js';
import type { AckRequest } from '../../src/grpc/generated/streamgate/v1/AckRequest.js';
import type { AckResponse__Output } from '../../src/grpc/generated/streamgate/v1/AckResponse.js';
import type { AutoClaimRequest } from '../../src/grpc/generated/streamgate/v1/AutoClaimRequest.js';
import type { AutoClaimResponse__Output } from '../../src/grpc/generated/streamgate/v1/AutoClaimResponse.js';
import type { ClaimRequest } from '../../src/grpc/generated/streamgate/v1/ClaimRequest.js';
import type { ClaimResponse__Output } from '../../src/grpc/generated/streamgate/v1/ClaimResponse.js';
import type { CreateConsumerRequest } from '../../src/grpc/generated/streamgate/v1/CreateConsumerRequest.js';
import type { CreateConsumerResponse__Output } from '../../src/grpc/generated/streamgate/v1/CreateConsumerResponse.js';
import type { CreateGroupRequest } from '../../src/grpc/generated/streamgate/v1/CreateGroupRequest.js';
import type { CreateGroupResponse__Output } from '../../src/grpc/generated/streamgate/v1/CreateGroupResponse.js';
import type { DeleteConsumerRequest } from '../../src/grpc/generated/streamgate/v1/DeleteConsumerRequest.js';
import type { DeleteConsumerResponse__Output } from '../../src/grpc/generated/streamgate/v1/DeleteConsumerResponse.js';
import type { DeleteGroupRequest } from '../../src/grpc/generated/streamgate/v1/DeleteGroupRequest.js';
import type { DeleteGroupResponse__Output } from '../../src/grpc/generated/streamgate/v1/DeleteGroupResponse.js';
import type { DeleteMessageRequest } from '../../src/grpc/generated/streamgate/v1/DeleteMessageRequest.js';
import type { DeleteMessageResponse__Output } from '../../src/grpc/generated/streamgate/v1/DeleteMessageResponse.js';
import type { DeleteStreamRequest } from '../../src/grpc/generated/streamgate/v1/DeleteStreamRequest.js';
import type { DeleteStreamResponse__Output } from '../../src/grpc/generated/streamgate/v1/DeleteStreamResponse.js';
import type { ExtendLeaseRequest } from '../../src/grpc/generated/streamgate/v1/ExtendLeaseRequest.js';
import type { ExtendLeaseResponse__Output } from '../../src/grpc/generated/streamgate/v1/ExtendLeaseResponse.js';
import type { GetGroupRequest } from '../../src/grpc/generated/streamgate/v1/GetGroupRequest.js';
import type { GetGroupResponse__Output } from '../../src/grpc/generated/streamgate/v1/GetGroupResponse.js';
import type { GetStreamRequest } from '../../src/grpc/generated/streamgate/v1/GetStreamRequest.js';
import type { GetStreamResponse__Output } from '../../src/grpc/generated/streamgate/v1/GetStreamResponse.js';
import type { ListConsumersRequest } from '../../src/grpc/generated/streamgate/v1/ListConsumersRequest.js';
import type { ListConsumersResponse__Output } from '../../src/grpc/generated/streamgate/v1/ListConsumersResponse.js';
import type { ListDeadLettersRequest } from '../../src/grpc/generated/streamgate/v1/ListDeadLettersRequest.js';
import type { ListDeadLettersResponse__Output } from '../../src/grpc/generated/streamgate/v1/ListDeadLettersResponse.js';
import type { ListGroupsRequest } from '../../src/grpc/generated/streamgate/v1/ListGroupsRequest.js';
import type { ListGroupsResponse__Output } from '../../src/grpc/generated/streamgate/v1/ListGroupsResponse.js';
import type { ListPendingRequest } from '../../src/grpc/generated/streamgate/v1/ListPendingRequest.js';
import type { ListPendingResponse__Output } from '../../src/grpc/generated/streamgate/v1/ListPendingResponse.js';
import type { ListStreamsRequest } from '../../src/grpc/generated/streamgate/v1/ListStreamsRequest.js';
import type { ListStreamsResponse__Output } from '../../src/grpc/generated/streamgate/v1/ListStreamsResponse.js';
import type { NackRequest } from '../../src/grpc/generated/streamgate/v1/NackRequest.js';
import type { NackResponse__Output } from '../../src/grpc/generated/streamgate/v1/NackResponse.js';
import type { PendingRequest } from '../../src/grpc/generated/streamgate/v1/PendingRequest.js';
import type { PendingResponse__Output } from '../../src/grpc/generated/streamgate/v1/PendingResponse.js';
import type { PublishRequest } from '../../src/grpc/generated/streamgate/v1/PublishRequest.js';
import type { PublishResponse__Output } from '../../src/grpc/generated/streamgate/v1/PublishResponse.js';
import type { PullRequest } from '../../src/grpc/generated/streamgate/v1/PullRequest.js';
import type { PullResponse__Output } from '../../src/grpc/generated/streamgate/v1/PullResponse.js';
import type { ReadRangeRequest } from '../../src/grpc/generated/streamgate/v1/ReadRangeRequest.js';
import type { ReadRangeResponse__Output } from '../../src/grpc/generated/streamgate/v1/ReadRangeResponse.js';
import type { RedriveDeadLettersRequest } from '../../src/grpc/generated/streamgate/v1/RedriveDeadLettersRequest.js';
import type { RedriveDeadLettersResponse__Output } from '../../src/grpc/generated/streamgate/v1/RedriveDeadLettersResponse.js';
import type { SetGroupPositionRequest } from '../../src/grpc/generated/streamgate/v1/SetGroupPositionRequest.js';
import type { SetGroupPositionResponse__Output } from '../../src/grpc/generated/streamgate/v1/SetGroupPositionResponse.js';
import type { TermRequest } from '../../src/grpc/generated/streamgate/v1/TermRequest.js';
import type { TermResponse__Output } from '../../src/grpc/generated/streamgate/v1/TermResponse.js';
import type { TrimRequest } from '../../src/grpc/generated/streamgate/v1/TrimRequest.js';
import type { TrimResponse__Output } from '../../src/grpc/generated/streamgate/v1/TrimResponse.js';
import type { UpdateGroupRequest } from '../../src/grpc/generated/streamgate/v1/UpdateGroupRequest.js';
import type { UpdateGroupResponse__Output } from '../../src/grpc/generated/streamgate/v1/UpdateGroupResponse.js';
import { withGrpc } from '../helpers/fixtures.js';
import { type TestGrpc, errorCode } from '../helpers/grpc.js';

/**
 * Shared steps of the unary gRPC tests (not a test file itself): a typed `rpc` over the
 * real grpc-js client, and assertions on the status code plus the `error-code` trailer.
 */

/** Request and decoded response of every unary RPC. */
export interface Rpcs {
  Publish: [PublishRequest, PublishResponse__Output];
  ReadRange: [ReadRangeRequest, ReadRangeResponse__Output];
  DeleteMessage: [DeleteMessageRequest, DeleteMessageResponse__Output];
  Trim: [TrimRequest, TrimResponse__Output];
  ListStreams: [ListStreamsRequest, ListStreamsResponse__Output];
  GetStream: [GetStreamRequest, GetStreamResponse__Output];
  DeleteStream: [DeleteStreamRequest, DeleteStreamResponse__Output];
  CreateGroup: [CreateGroupRequest, CreateGroupResponse__Output];
  ListGroups: [ListGroupsRequest, ListGroupsResponse__Output];
  GetGroup: [GetGroupRequest, GetGroupResponse__Output];
  UpdateGroup: [UpdateGroupRequest, UpdateGroupResponse__Output];
  DeleteGroup: [DeleteGroupRequest, DeleteGroupResponse__Output];
  SetGroupPosition: [SetGroupPositionRequest, SetGroupPositionResponse__Output];
  ListConsumers: [ListConsumersRequest, ListConsumersResponse__Output];
  CreateConsumer: [CreateConsumerRequest, CreateConsumerResponse__Output];
  DeleteConsumer: [DeleteConsumerRequest, DeleteConsumerResponse__Output];
  Pull: [PullRequest, PullResponse__Output];
  Ack: [AckRequest, AckResponse__Output];
  Nack: [NackRequest, NackResponse__Output];
  ExtendLease: [ExtendLeaseRequest, ExtendLeaseResponse__Output];
  Term: [TermRequest, TermResponse__Output];
  Pending: [PendingRequest, PendingResponse__Output];
  ListPending: [ListPendingRequest, ListPendingResponse__Output];
  Claim: [ClaimRequest, ClaimResponse__Output];
  AutoClaim: [AutoClaimRequest, AutoClaimResponse__Output];
  ListDeadLetters: [ListDeadLettersRequest, ListDeadLettersResponse__Output];
  RedriveDeadLetters: [RedriveDeadLettersRequest, RedriveDeadLettersResponse__Output];
}

export type Rpc = keyof Rpcs;

/** The gRPC status each contract code must travel with: docs/api.md#errors, written out here
 * (not read from ERROR_TABLE) so that a wrong entry in the table fails these tests. */
export const GRPC_STATUS: Partial<Record<ErrorCode, status>> = {
  VALIDATION_FAILED: status.INVALID_ARGUMENT,
  INVALID_ID: status.INVALID_ARGUMENT,
  STREAM_NOT_FOUND: status.NOT_FOUND,
  GROUP_NOT_FOUND: status.NOT_FOUND,
  CONSUMER_NOT_FOUND: status.NOT_FOUND,
  GROUP_EXISTS: status.ALREADY_EXISTS,
  NOT_A_STREAM: status.FAILED_PRECONDITION,
  CONSUMER_HAS_PENDING: status.FAILED_PRECONDITION,
  ID_TOO_SMALL: status.FAILED_PRECONDITION,
  LEASES_DISABLED: status.FAILED_PRECONDITION,
  IDEMPOTENCY_CONFLICT: status.FAILED_PRECONDITION,
  PAYLOAD_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  BACKEND_UNAVAILABLE: status.UNAVAILABLE,
};

export interface Gw {
  readonly t: TestGrpc;
  /** A native Redis client: to look at what the gateway wrote, and to make keys of other types. */
  readonly redis: Redis;
  rpc<M extends Rpc>(method: M, request: Rpcs[M][0]): Promise<Rpcs[M][1]>;
  /** Calls `method`, expects it to fail with `code` (status from the contract table), returns the error. */
  fails<M extends Rpc>(method: M, request: Rpcs[M][0], code: ErrorCode): Promise<ServiceError>;
}

export function gateway(t: TestGrpc, redis: Redis): Gw {
  const rpc = <M extends Rpc>(method: M, request: Rpcs[M][0]) => t.call<Rpcs[M][1]>(method, request);
  return {
    t,
    redis,
    rpc,
    async fails(method, request, code) {
      let result: unknown;
      let caught: unknown;
      try {
        result = await rpc(method, request);
      } catch (err) {
        caught = err;
      }
      expect(caught, `${method} should fail with ${code}, answered ${JSON.stringify(result)}`).toBeDefined();
      const err = caught as ServiceError;
      expect({ status: err.code, code: errorCode(err) }, `${method}: ${err.message}`).toEqual({
        status: GRPC_STATUS[code],
        code,
      });
      return err;
    },
  };
}

/**
 * Per-file fixture: a real gRPC server on 127.0.0.1:0 over the test Redis (with `env`),
 * a real client, and a native Redis client; all closed after the file.
 */
export const withGateway = (use: (gw: Gw) => void, env: Record<string, string> = {}): void =>
  withGrpc((t, redis) => use(gateway(t, redis)), env);

export const b = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Publishes one message per fields object (one batch, text values); returns the IDs. */
export async function publish(gw: Gw, stream: string, ...fields: Array<Record<string, string>>): Promise<string[]> {
  const r = await gw.rpc('Publish', {
    stream,
    messages: fields.map((f) => ({ fields: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, b(v)])) })),
  });
  expect(r.ids).toHaveLength(fields.length);
  return r.ids;
}

/** A stream with `n` messages (`n` = index) and group `g` at `0` with the given policy. */
export async function setup(
  gw: Gw,
  stream: string,
  n: number,
  group: Partial<CreateGroupRequest> = {},
): Promise<string[]> {
  const ids = n === 0 ? [] : await publish(gw, stream, ...Array.from({ length: n }, (_, i) => ({ n: String(i) })));
  await gw.rpc('CreateGroup', { stream, group: 'g', start: '0', createStream: true, ...group });
  return ids;
}
