import { type Metadata, status as grpcStatus } from '@grpc/grpc-js';
import { ERROR_TABLE, type ErrorCode } from '../../src/contract/errors.js';
import { type HttpAnswer, committedDocument, createSchemaChecker, expectDocumented } from '../helpers/openapi-check.js';

/**
 * The properties every answer must have, whatever the request: no 5xx but 503, every error a
 * documented problem with a contract code whose status is the one ERROR_TABLE gives, every
 * success the documented shape; on gRPC, a client-error status (or UNAVAILABLE) with the
 * contract code in `error-code`. Each throws an Error naming what is wrong.
 */

const isCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code);

const excerpt = (text: string): string => (text.length > 400 ? `${text.slice(0, 400)}…` : text);

let problemChecker: ReturnType<typeof createSchemaChecker> | undefined;
const checker = () => (problemChecker ??= createSchemaChecker(committedDocument()));

/** Checks one REST answer; returns the contract code of an error answer (null for a success). */
export function checkRestAnswer(answer: HttpAnswer, method: string, route: string): ErrorCode | null {
  if (answer.statusCode >= 400) return checkProblem(answer);
  expectDocumented(answer, method, route);
  return null;
}

/** Checks an error answer: a documented Problem, a code of ERROR_TABLE, that code's status. */
export function checkProblem(answer: HttpAnswer): ErrorCode {
  const s = answer.statusCode;
  if (s >= 500 && s !== 503) throw new Error(`answered ${s}: ${excerpt(answer.body)}`);
  const type = String(answer.headers['content-type'] ?? '');
  if (type.split(';')[0]?.trim() !== 'application/problem+json') {
    throw new Error(`${s} as ${type || 'no content type'}, not application/problem+json: ${excerpt(answer.body)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    throw new Error(`${s} problem is not JSON: ${excerpt(answer.body)}`);
  }
  const c = checker();
  const errors = c.errors(c.component('Problem'), body);
  if (errors) throw new Error(`${s} body is not a documented Problem (${JSON.stringify(errors)}): ${excerpt(answer.body)}`);
  const p = body as { code: unknown; status: unknown };
  if (!isCode(p.code)) throw new Error(`${s} problem code ${String(p.code)} is not in ERROR_TABLE`);
  if (ERROR_TABLE[p.code].http !== s || p.status !== s) {
    throw new Error(`code ${p.code} came with HTTP ${s} (status member ${String(p.status)}); ERROR_TABLE says ${ERROR_TABLE[p.code].http}`);
  }
  return p.code;
}

/** gRPC statuses a request may end with: success, the client's mistakes, or Redis away. */
export const ALLOWED_GRPC = new Set<number>([
  grpcStatus.OK,
  grpcStatus.INVALID_ARGUMENT,
  grpcStatus.NOT_FOUND,
  grpcStatus.ALREADY_EXISTS,
  grpcStatus.FAILED_PRECONDITION,
  grpcStatus.PERMISSION_DENIED,
  grpcStatus.UNAUTHENTICATED,
  grpcStatus.RESOURCE_EXHAUSTED,
  grpcStatus.OUT_OF_RANGE,
  grpcStatus.UNAVAILABLE,
]);

const statusName = (code: number): string => grpcStatus[code] ?? String(code);

/** Checks a non-OK gRPC status; returns its contract code. */
export function checkGrpcError(err: { code?: number; details?: string; metadata?: Metadata }): ErrorCode {
  const code = err.code ?? -1;
  const details = excerpt(String(err.details ?? ''));
  if (!ALLOWED_GRPC.has(code) || code === grpcStatus.OK) throw new Error(`status ${statusName(code)}: ${details}`);
  const contract = err.metadata?.get('error-code')[0];
  if (!isCode(contract)) throw new Error(`${statusName(code)} without a contract error-code (got ${String(contract)}): ${details}`);
  if (ERROR_TABLE[contract].grpc !== code) {
    throw new Error(`error-code ${contract} came with ${statusName(code)}; ERROR_TABLE says ${statusName(ERROR_TABLE[contract].grpc)}`);
  }
  return contract;
}

/**
 * grpc-js refuses a message over its size limit (the server's, STREAMGATE_MAX_BODY_BYTES, or
 * a client's for a large response) itself, before any handler or interceptor runs, and has
 * no hook to add trailers: RESOURCE_EXHAUSTED, the status of PAYLOAD_TOO_LARGE, without
 * `error-code` (docs/decisions.md). Only exactly that status and text is let through.
 */
export function isTransportSizeLimit(err: { code?: number; details?: string; metadata?: Metadata }): boolean {
  return (
    err.code === grpcStatus.RESOURCE_EXHAUSTED &&
    err.metadata?.get('error-code').length === 0 &&
    /^(Received|Sent) message larger than max \(\d+ vs\.? \d+\)$/.test(err.details ?? '')
  );
}
