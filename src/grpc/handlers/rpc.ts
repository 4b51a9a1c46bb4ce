import type { handleUnaryCall } from '@grpc/grpc-js';
import type { Cancellation } from '../../contract/cancel.js';
import type { Core } from '../../core/core.js';
import type { CallContext } from '../auth.js';
import type { StreamGatewayHandlers } from '../generated/streamgate/v1/StreamGateway.js';
import type { RpcName } from '../operations.js';

/**
 * What every handler module gets: the core, and the wrappers that turn a promise-returning
 * body into a grpc-js handler (unary.ts: admission, authorization, status). Each handler
 * validates nothing itself and calls the core, which holds every rule, so REST and gRPC
 * behave alike. proto3 has no "unset" for plain strings and numbers: an empty string or 0
 * means the contract's default (contract/defaults.ts), as an omitted member does in REST.
 */
export interface Rpcs {
  readonly core: Core;
  readonly unary: <Req extends object, Res>(rpc: RpcName, fn: (request: Req, ctx: CallContext) => Promise<Res>) => handleUnaryCall<Req, Res>;
  readonly cancellable: <Req extends object, Res>(
    rpc: RpcName,
    fn: (request: Req, ctx: CallContext, signal: Cancellation) => Promise<Res>,
  ) => handleUnaryCall<Req, Res>;
}

/** Some of the service's handlers, by RPC name. */
export type HandlersOf<K extends RpcName> = Pick<StreamGatewayHandlers, K>;
