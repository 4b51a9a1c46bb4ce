/**
 * The error taxonomy of the contract (docs/api.md#errors). Both transports map a
 * GatewayError through ERROR_TABLE and nothing else, so REST and gRPC always agree.
 */

export const ERROR_TABLE = {
  VALIDATION_FAILED: { http: 400, grpc: 3, title: 'Request validation failed' },
  INVALID_ID: { http: 400, grpc: 3, title: 'Malformed stream ID' },
  UNAUTHENTICATED: { http: 401, grpc: 16, title: 'Missing or bad credentials' },
  PERMISSION_DENIED: { http: 403, grpc: 7, title: 'Not allowed' },
  STREAM_NOT_FOUND: { http: 404, grpc: 5, title: 'Stream not found' },
  GROUP_NOT_FOUND: { http: 404, grpc: 5, title: 'Consumer group not found' },
  CONSUMER_NOT_FOUND: { http: 404, grpc: 5, title: 'Consumer not found' },
  NOT_FOUND: { http: 404, grpc: 5, title: 'Not found' },
  GROUP_EXISTS: { http: 409, grpc: 6, title: 'Consumer group already exists' },
  NOT_A_STREAM: { http: 409, grpc: 9, title: 'Key is not a stream' },
  CONSUMER_HAS_PENDING: { http: 409, grpc: 9, title: 'Consumer still owns pending messages' },
  ID_TOO_SMALL: { http: 409, grpc: 9, title: "ID not above the stream's top ID" },
  LEASES_DISABLED: { http: 409, grpc: 9, title: 'Leases are disabled for this group' },
  IDEMPOTENCY_CONFLICT: { http: 409, grpc: 9, title: 'Idempotency-Key reused with a different request' },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: 8, title: 'Payload too large' },
  RATE_LIMITED: { http: 429, grpc: 8, title: 'Rate limited' },
  BACKEND_UNAVAILABLE: { http: 503, grpc: 14, title: 'Redis unavailable' },
  SHUTTING_DOWN: { http: 503, grpc: 14, title: 'Server shutting down; retry' },
  INTERNAL: { http: 500, grpc: 13, title: 'Internal error' },
} as const satisfies Record<string, { http: number; grpc: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export const ERROR_CODES = Object.keys(ERROR_TABLE) as ErrorCode[];

/** One problem with one input, in the shape of RFC 9457 extension `errors`. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A failure the client can act on. `code` is a string on purpose: grpc-js treats any
 * numeric `code` property as a status, so a domain error must never carry one.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const invalid = (message: string, path = ''): GatewayError =>
  new GatewayError('VALIDATION_FAILED', message, path ? [{ path, message }] : []);

/** The message of anything thrown, for logs and error texts. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Whether a request that failed with BACKEND_UNAVAILABLE may have taken effect: `not_written`
 * (certainly never sent to Redis, or refused by it before any change) or `unknown` (sent, then
 * the connection was lost or no reply came in time: it may have run). How the adapter tells
 * them apart: src/redis/unavailable.ts.
 */
export const COMMAND_OUTCOMES = ['unknown', 'not_written'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

/** BACKEND_UNAVAILABLE with what is known of the request's effect (problem+json `outcome`, gRPC trailer `outcome`). */
export class BackendUnavailable extends GatewayError {
  constructor(
    readonly outcome: CommandOutcome,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('BACKEND_UNAVAILABLE', message, [], options);
  }
}
