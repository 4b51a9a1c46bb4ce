import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { authenticateCall, authorizeCall, type CallContext, callerOf } from './auth.js';
import { RPC_OPERATIONS, type RpcName } from './operations.js';
import { logFailure, toGrpcStatus } from './status.js';
import { Undecodable } from './decoding.js';

type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

export interface UnaryOptions {
  readonly core: Core;
  readonly logger: Logger;
}

/**
 * Wraps a promise-returning handler as a grpc-js unary handler: the caller is authenticated
 * from the `authorization` metadata, counted against its request rate and authorized for the
 * RPC's operation before the handler runs; exactly one callback; every rejection turned into
 * a status. A request that could not be decoded never reaches `fn`: it is INVALID_ARGUMENT
 * (after authentication: a stranger learns nothing about what it sent).
 */
export function unary<Req extends object, Res>(
  opts: UnaryOptions,
  rpc: RpcName,
  fn: (request: Req, ctx: CallContext) => Promise<Res>,
): Handler<Req, Res> {
  const { core, logger } = opts;
  const operation = RPC_OPERATIONS[rpc];
  return (call, callback) => {
    const run = async (): Promise<Res> => {
      const principal = authenticateCall(core, call.metadata);
      const caller = callerOf(principal, call.getPeer());
      core.admission.request(caller);
      const request: unknown = call.request;
      if (request instanceof Undecodable) throw request.toError();
      if (core.config.logBodies) logger.debug({ rpc, request: call.request }, 'request body');
      authorizeCall(core, principal, operation, call.request);
      return fn(call.request, { principal, caller });
    };
    run().then(
      (response) => callback(null, response),
      (err: unknown) => {
        const s = toGrpcStatus(err);
        logFailure(logger, err, call.getPath());
        callback(s);
      },
    );
  };
}

/**
 * `unary` for a handler that may wait (Pull): its AbortSignal fires when the client cancels,
 * so a waiting pull ends at once instead of leasing a message to nobody. Only such handlers
 * get one: grpc-js reports 'cancelled' whenever a call's stream closes, and an AbortSignal
 * per call costs measurable CPU on every other RPC.
 */
export function cancellableUnary<Req extends object, Res>(
  opts: UnaryOptions,
  rpc: RpcName,
  fn: (request: Req, ctx: CallContext, signal: AbortSignal) => Promise<Res>,
): Handler<Req, Res> {
  return (call, callback) => {
    const cancelled = new AbortController();
    call.once('cancelled', () => cancelled.abort());
    unary<Req, Res>(opts, rpc, (request, ctx) => fn(request, ctx, cancelled.signal))(call, callback);
  };
}
