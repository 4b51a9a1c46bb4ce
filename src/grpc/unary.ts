import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { Undecodable } from './decoding.js';
import { isServerFault, toGrpcStatus } from './status.js';

type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

/**
 * Wraps a promise-returning handler as a grpc-js unary handler: exactly one callback, and
 * every rejection turned into a status. A request that could not be decoded never reaches
 * `fn`: it is INVALID_ARGUMENT.
 */
export function unary<Req, Res>(logger: Logger, fn: (request: Req) => Promise<Res>): Handler<Req, Res> {
  return (call, callback) => {
    const request: unknown = call.request;
    const work = request instanceof Undecodable ? Promise.reject(request.toError()) : fn(call.request);
    work.then(
      (response) => callback(null, response),
      (err: unknown) => {
        const s = toGrpcStatus(err);
        if (isServerFault(s)) logger.error({ err, method: call.getPath() }, 'gRPC call failed');
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
export function cancellableUnary<Req, Res>(
  logger: Logger,
  fn: (request: Req, signal: AbortSignal) => Promise<Res>,
): Handler<Req, Res> {
  return (call, callback) => {
    const cancelled = new AbortController();
    call.once('cancelled', () => cancelled.abort());
    unary<Req, Res>(logger, (request) => fn(request, cancelled.signal))(call, callback);
  };
}
