import {
  Metadata,
  type ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type StatusObject,
  status as grpcStatus,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ERROR_TABLE, type ErrorCode, messageOf } from '../contract/errors.js';
import { failureLogLevel, present } from '../contract/presentation.js';

/**
 * Core errors as gRPC statuses, from the same table and the same presentation as REST's
 * problem+json (contract/presentation.ts). The contract's code travels in the trailing
 * metadata `error-code`, with the retry hint (`retry-after-ms`; REST says Retry-After) and
 * `outcome` when there are some. The status code is a number only on this object, never on
 * a domain error (grpc-js would trust any numeric `code`).
 */
export type GrpcStatus = StatusObject;

export function toGrpcStatus(err: unknown): GrpcStatus {
  const shown = present(err);
  const metadata = new Metadata();
  metadata.set('error-code', shown.code);
  if (shown.outcome !== undefined) metadata.set('outcome', shown.outcome);
  if (shown.retryAfterMs !== undefined) metadata.set('retry-after-ms', String(shown.retryAfterMs));
  return { code: ERROR_TABLE[shown.code].grpc, details: shown.message, metadata };
}

/** Logs a failed call as REST does (failureLogLevel): our faults, and unknown write outcomes. */
export function logFailure(logger: Logger, err: unknown, method: string): void {
  const level = failureLogLevel(err);
  if (level === 'error') logger.error({ err, method }, 'gRPC call failed');
  else if (level === 'warn') logger.warn({ method, detail: messageOf(err) }, 'gRPC call failed');
}

/**
 * The contract's code of a status grpc-js sends by itself, before or without a handler:
 * RESOURCE_EXHAUSTED for a message over the receive limit (`grpc.max_receive_message_length`,
 * STREAMGATE_MAX_BODY_BYTES) or one that decompresses past it is PAYLOAD_TOO_LARGE, as REST's
 * 413 for a body over the limit; INTERNAL is INTERNAL.
 */
const LIBRARY_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  [grpcStatus.RESOURCE_EXHAUSTED]: 'PAYLOAD_TOO_LARGE',
  [grpcStatus.INTERNAL]: 'INTERNAL',
};

/** What grpc-js's sendStatus takes: a status whose metadata may be absent or null. */
type PartialStatusObject = Parameters<ServerInterceptingCallInterface['sendStatus']>[0];

/** `status` with the contract's `error-code` when it has none (a status grpc-js made). */
export function withErrorCode(status: PartialStatusObject): PartialStatusObject {
  const code = LIBRARY_STATUS_CODES[status.code];
  if (code === undefined || (status.metadata && status.metadata.get('error-code').length > 0)) return status;
  const metadata = status.metadata?.clone() ?? new Metadata();
  metadata.set('error-code', code);
  return { ...status, metadata };
}

/**
 * A server interceptor that gives every status the gateway sends an `error-code`, those
 * grpc-js sends by itself included: a message over the receive limit is refused inside
 * grpc-js (its call object calls its own `sendStatus`) before any handler or interceptor
 * layer sees it. So this wraps that method of the call itself, the innermost one grpc-js
 * hands to the first interceptor, and adds no layer: one shared function set on the call
 * (no closure per call: 10,000 waiting StreamingPull calls each hold theirs), calling the
 * method its class defines. Our own statuses (toGrpcStatus) already carry a code and pass
 * unchanged.
 */
export const contractStatusCodes: ServerInterceptor = (_method, call) => {
  call.sendStatus = sendStatusWithCode;
  return call as ServerInterceptingCall;
};

function sendStatusWithCode(this: ServerInterceptingCall, status: Parameters<ServerInterceptingCall['sendStatus']>[0]): void {
  (Object.getPrototypeOf(this) as ServerInterceptingCall).sendStatus.call(this, withErrorCode(status));
}
