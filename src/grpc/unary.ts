import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { isServerFault, toGrpcStatus } from './status.js';

/**
 * Wraps a promise-returning handler as a grpc-js unary handler: exactly one callback, every
 * rejection turned into a status, and an AbortSignal that fires when the client cancels
 * (a waiting Pull then ends at once instead of holding a lease for nobody).
 */
export function unary<Req, Res>(
  logger: Logger,
  fn: (request: Req, signal: AbortSignal) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const cancelled = new AbortController();
    call.once('cancelled', () => cancelled.abort());
    fn(call.request, cancelled.signal).then(
      (response) => callback(null, response),
      (err: unknown) => {
        const s = toGrpcStatus(err);
        if (isServerFault(s)) logger.error({ err, method: call.getPath() }, 'gRPC call failed');
        callback(s);
      },
    );
  };
}
