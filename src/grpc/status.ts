import { Metadata, type StatusObject } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ERROR_TABLE, messageOf } from '../contract/errors.js';
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
