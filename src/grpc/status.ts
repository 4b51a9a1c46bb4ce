import { Metadata, type StatusObject, status } from '@grpc/grpc-js';
import { RateLimited } from '../core/admission.js';
import { ERROR_TABLE, GatewayError, messageOf } from '../contract/errors.js';
import type { Logger } from 'pino';
import { BackendUnavailable, failureLogLevel } from '../redis/unavailable.js';

/**
 * Core errors as gRPC statuses, from the same table as REST's problem+json. The contract's
 * code travels in the trailing metadata `error-code`; the status code is a number only on
 * this object, never on a domain error (grpc-js would trust any numeric `code`).
 */
export type GrpcStatus = StatusObject;

export function toGrpcStatus(err: unknown): GrpcStatus {
  const metadata = new Metadata();
  if (err instanceof GatewayError) {
    const entry = ERROR_TABLE[err.code];
    metadata.set('error-code', err.code);
    // Whether a failed write may have happened (unavailable.ts): `unknown` or `not_written`.
    if (err instanceof BackendUnavailable) metadata.set('outcome', err.outcome);
    // REST says Retry-After; gRPC has no standard header for it.
    if (err instanceof RateLimited) metadata.set('retry-after-ms', String(err.retryAfterMs));
    const hidden = entry.http >= 500 && err.code !== 'BACKEND_UNAVAILABLE' && err.code !== 'SHUTTING_DOWN';
    return { code: entry.grpc, details: hidden ? 'internal error' : err.message, metadata };
  }
  metadata.set('error-code', 'INTERNAL');
  return { code: status.INTERNAL, details: 'internal error', metadata };
}

/** Logs a failed call as REST does (failureLogLevel): our faults, and unknown write outcomes. */
export function logFailure(logger: Logger, err: unknown, method: string): void {
  const level = failureLogLevel(err);
  if (level === 'error') logger.error({ err, method }, 'gRPC call failed');
  else if (level === 'warn') logger.warn({ method, detail: messageOf(err) }, 'gRPC call failed');
}
