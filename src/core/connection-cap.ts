import type { Server } from 'node:net';

/** How often the count of refused connections is logged, at most. */
const DROP_LOG_INTERVAL_MS = 10_000;

/** The one logger call a cap makes (pino's and Fastify's loggers both have it). */
export interface CapLogger {
  warn(obj: object, msg: string): void;
}

/**
 * Caps the open connections of `servers` at `max` each (node:net's maxConnections,
 * STREAMGATE_MAX_CONNECTIONS): a connection over the cap is closed as soon as it is
 * accepted, before any byte is read, and the refusals are logged at warn, at most every
 * 10 s, naming `who` (the REST or the gRPC server). The REST server and the HTTP/2 servers
 * under grpc-js are capped the same way; 0 means no cap.
 */
export function capConnections(servers: Iterable<Server>, max: number, who: string, logger: CapLogger | undefined): void {
  if (max <= 0) return;
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  const report = (): void => {
    timer = undefined;
    if (dropped === 0) return;
    logger?.warn({ dropped, maxConnections: max }, `connections refused: the ${who} server holds STREAMGATE_MAX_CONNECTIONS`);
    dropped = 0;
    timer = setTimeout(report, DROP_LOG_INTERVAL_MS).unref();
  };
  for (const server of servers) {
    server.maxConnections = max;
    server.on('drop', () => {
      dropped++;
      if (timer === undefined) report();
    });
    server.on('close', () => clearTimeout(timer));
  }
}
