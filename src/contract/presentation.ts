import { BackendUnavailable, type CommandOutcome, ERROR_TABLE, type ErrorCode, type FieldIssue, GatewayError } from './errors.js';

/**
 * How a failure is shown to the client, the same on both transports: REST's problem+json
 * (http/problem.ts) and gRPC's status with trailing metadata (grpc/status.ts) are two
 * spellings of one Presentation.
 */

/** What a hidden message is replaced with. */
export const HIDDEN_MESSAGE = 'internal error';

/**
 * Server-side failures (5xx) whose message is written for the client and safe to show: a
 * Redis outage says whether the request may have taken effect, a shutdown says to
 * reconnect elsewhere. Every other 5xx may carry internals (a Redis reply, a stack's
 * message) and shows HIDDEN_MESSAGE. A 4xx describes the client's own request: always shown.
 */
const SHOWN_SERVER_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['BACKEND_UNAVAILABLE', 'SHUTTING_DOWN']);

export const showsMessage = (code: ErrorCode): boolean => ERROR_TABLE[code].http < 500 || SHOWN_SERVER_FAILURES.has(code);

/**
 * When a client may try again. REST sends it as `Retry-After` (whole seconds, rounded up),
 * gRPC as trailing metadata `retry-after-ms`.
 * - BACKEND_UNAVAILABLE: in a second (the gateway reconnects to Redis by itself).
 * - RATE_LIMITED over the requests per second: when the key's bucket lets the next request
 *   through (the error's `retryAfterMs`). Over the waiting pulls of a key there is no time
 *   to give (a waiting pull of that key has to end first): no hint.
 * Other codes carry none.
 */
export const BACKEND_RETRY_AFTER_MS = 1000;

export interface Presentation {
  readonly code: ErrorCode;
  /** The error's message, or HIDDEN_MESSAGE. */
  readonly message: string;
  readonly issues: readonly FieldIssue[];
  /** Milliseconds after which a retry may succeed; undefined: no hint. */
  readonly retryAfterMs: number | undefined;
  /** BACKEND_UNAVAILABLE only: problem+json member and gRPC metadata `outcome`. */
  readonly outcome: CommandOutcome | undefined;
}

/** The retry time RATE_LIMITED carries besides its code (core/admission.ts RateLimited, which this layer cannot import). */
interface ErrorFacts {
  readonly retryAfterMs?: unknown;
}

/** Anything that is not a GatewayError: a fault of ours, shown as INTERNAL. */
const INTERNAL: Presentation = Object.freeze({
  code: 'INTERNAL',
  message: HIDDEN_MESSAGE,
  issues: [],
  retryAfterMs: undefined,
  outcome: undefined,
});

export function present(err: unknown): Presentation {
  if (!(err instanceof GatewayError)) return INTERNAL;
  const { code } = err;
  const facts = err as ErrorFacts;
  let retryAfterMs: number | undefined;
  if (code === 'BACKEND_UNAVAILABLE') retryAfterMs = BACKEND_RETRY_AFTER_MS;
  else if (code === 'RATE_LIMITED' && typeof facts.retryAfterMs === 'number') retryAfterMs = facts.retryAfterMs;
  return {
    code,
    message: showsMessage(code) ? err.message : HIDDEN_MESSAGE,
    issues: err.issues,
    retryAfterMs,
    outcome: err instanceof BackendUnavailable ? err.outcome : undefined,
  };
}

/** REST's `Retry-After` value (RFC 9110: whole seconds) for a hint in milliseconds. */
export const retryAfterSeconds = (ms: number): string => String(Math.ceil(ms / 1000));

/**
 * How loud a failed request should be in the logs, the same on both transports: a fault of
 * ours (500) is an error with its stack; a Redis command whose outcome is unknown (the
 * client now has to retry with care) a warning without one; everything else, including
 * BACKEND_UNAVAILABLE that certainly wrote nothing, is the client's answer only (a Redis
 * outage is logged once, when the connection drops, not once per refused request).
 */
export function failureLogLevel(err: unknown): 'error' | 'warn' | null {
  if (!(err instanceof GatewayError) || err.code === 'INTERNAL') return 'error';
  if (err instanceof BackendUnavailable && err.outcome === 'unknown') return 'warn';
  return null;
}
