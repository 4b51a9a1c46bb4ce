/**
 * The REST server's time limits and connection cap, each chosen on purpose (docs/api.md
 * "Connections"). Node's defaults are not enough: Fastify turns Node's request timeout off,
 * so a body sent one byte every few seconds could hold a connection, and its bytes, forever.
 */
export interface ConnectionLimits {
  /**
   * Longest a whole request (head and body) may take to arrive, from its first byte
   * (STREAMGATE_REQUEST_TIMEOUT_MS). Once the body is in, the time a long poll waits or a
   * handler works does not count. Over it: 400 VALIDATION_FAILED, and the connection closes.
   */
  readonly requestTimeoutMs: number;
  /** Most open connections (STREAMGATE_MAX_CONNECTIONS); 0: no cap. */
  readonly maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { requestTimeoutMs: 30_000, maxConnections: 25_000 };

/**
 * Longest wait for a request's head (request line and headers, at most 16 KiB), from the
 * connection's start or the end of the previous response; never more than the request
 * timeout. A new connection that sends nothing is closed after it too.
 */
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * How long an idle keep-alive connection stays open between requests. Above the 60 s idle
 * timeout of common load balancers, so that they, not the gateway, close idle connections
 * (a connection the gateway closes while a balancer reuses it fails that request).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** The Fastify options and the node:http(s) server options that apply `limits`. */
export function serverTimeouts(limits: ConnectionLimits) {
  const requestTimeout = limits.requestTimeoutMs;
  const headersTimeout = Math.min(HEADERS_TIMEOUT_MS, requestTimeout);
  return {
    fastify: {
      requestTimeout,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // No inactivity timeout on a socket: a long poll is silent for up to waitMs on purpose;
      // the head, the body and keep-alive idleness each have their own bound above.
      connectionTimeout: 0,
    },
    node: {
      requestTimeout,
      headersTimeout,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // Node looks for expired requests this often (its default, 30 s, would let a request
      // run that much over its timeout): a tenth of the head's timeout, within 50 ms..1 s.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 10))),
    },
  };
}

