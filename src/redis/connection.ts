import type { RedisOptions } from 'ioredis';
import type { RedisClient } from './cluster.js';
import { notConnected } from './unavailable.js';

/**
 * How the gateway talks to Redis when Redis is away or slow (see docs/decisions.md, "Redis
 * outages"). Requests must fail at once instead of waiting, and a write must never be sent
 * twice nor reported failed when it may have happened:
 *
 * - `enableOfflineQueue: false`: while disconnected, ioredis rejects a command at once
 *   ("Stream isn't writeable") instead of holding it until a reconnect. Such a command was
 *   certainly never sent: BACKEND_UNAVAILABLE, outcome `not_written`.
 * - `maxRetriesPerRequest: 0`: when the connection drops, the commands sent and not yet
 *   answered are rejected right then (outcome `unknown`). With a larger value ioredis keeps
 *   them for the reconnect, and...
 * - `autoResendUnfulfilledCommands: false`: ...would send them again after it, so an XADD
 *   that ran before the drop would run twice while the client saw one id. (With `false`
 *   and retries > 0, ioredis 5 leaves such commands pending forever instead: ioredis #2193;
 *   retries 0 rejects them before a reconnect can drop them.)
 * - `commandTimeout`: a reply that does not come in time (Redis stalled, a half-open
 *   connection) rejects the command: outcome `unknown`. ioredis starts this timer only when
 *   the command is written, which auto-pipelining may delay behind an unanswered pipeline
 *   (plain commands; scripts are written at once), so the request's answer comes from
 *   Backend.call's own deadline, started when it is asked; this one still frees the
 *   command inside ioredis.
 * - `retryStrategy`: reconnect forever, at most `RECONNECT_MAX_MS` apart, so everything
 *   recovers by itself when Redis returns (with Sentinel, each attempt asks the sentinels
 *   for the current primary: a failover is one more outage).
 * - `reconnectOnError`: a READONLY reply (a demoted primary) drops and remakes the connection.
 * - Connected at start (not lazily): the first request need not pay for the connection,
 *   and /readyz tells the truth from the start. The gateway starts even when Redis is down.
 */

/** Longest pause between two reconnection attempts: the bound on recovery once Redis is back. */
export const RECONNECT_MAX_MS = 500;
/** Bound on one TCP connection attempt (a host that drops packets instead of refusing). */
export const CONNECT_TIMEOUT_MS = 3000;
export const DISCONNECT_TIMEOUT_MS = 200;

export function commandConnectionOptions(commandTimeoutMs: number): RedisOptions {
  return {
    enableAutoPipelining: true,
    // Scripts are written at once, not auto-pipelined: ioredis keeps one auto-pipeline in
    // flight per connection, so a batch's script waited for the pipeline ahead of it to be
    // answered, and Redis and the gateway took turns (docs/decisions.md, issue 10). Plain
    // commands (a single publish's XADD) still share one write per event-loop turn.
    autoPipeliningIgnoredCommands: ['evalsha', 'eval'],
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // disconnect() gives a socket this long to close before destroying it, with a timer
    // that holds the process even when the socket is long gone (Redis down): keep it short.
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    retryStrategy: (attempt: number) => Math.min(attempt * 50, RECONNECT_MAX_MS),
    // A READONLY reply means this node was a primary and is now a replica (a failover the
    // connection did not see): the command is refused (BACKEND_UNAVAILABLE, not written)
    // and the connection is dropped and made again (1: without resending anything), which
    // with Sentinel asks the sentinels for the new primary. ioredis drops the connection
    // once, however many commands were refused; the others in flight fail with outcome unknown.
    reconnectOnError: (err: Error) => (err.message.startsWith('READONLY') ? 1 : false),
    // connect() is called explicitly by openRedis (client.ts); a lazy client would reject
    // the first command of each request while it connects (no offline queue).
    lazyConnect: true,
  };
}

export type ConnectionListener = (up: boolean) => void;

/**
 * Whether the command connection is up, with a notification on each change (health, logs,
 * StreamingPull sessions), and the one wait a request may do: for the very first connection
 * attempt, so that requests arriving as the gateway starts are not refused needlessly.
 */
export class ConnectionState {
  private current = false;
  private readonly listeners = new Set<ConnectionListener>();
  private readonly firstAttempt: Promise<void>;
  private firstDone = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly connectTimeoutMs = CONNECT_TIMEOUT_MS,
  ) {
    this.firstAttempt = new Promise<void>((resolve) => {
      const done = () => {
        this.firstDone = true;
        redis.off('ready', done);
        redis.off('close', done);
        resolve();
      };
      redis.on('ready', done);
      redis.on('close', done);
    });
    redis.on('ready', () => this.set(true));
    // 'close' also follows each failed reconnection attempt; only a change is news.
    redis.on('close', () => this.set(false));
    redis.on('end', () => this.set(false));
  }

  /** Calls `listener(up)` on every change; returns the unsubscribe function. */
  subscribe(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves when commands may be sent; otherwise throws BACKEND_UNAVAILABLE (`not_written`)
   * at once, except during the first connection attempt, which it waits for (bounded).
   */
  async usable(): Promise<void> {
    if (this.ready()) return;
    if (!this.firstDone) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.firstAttempt, new Promise<void>((r) => (timer = setTimeout(r, this.connectTimeoutMs)))]);
      clearTimeout(timer);
      if (this.ready()) return;
    }
    throw notConnected();
  }

  private ready(): boolean {
    return this.redis.status === 'ready';
  }

  private set(up: boolean): void {
    if (up === this.current) return;
    this.current = up;
    for (const l of [...this.listeners]) {
      try {
        l(up);
      } catch {
        // A listener's failure must not break ioredis's event handling or the other listeners.
      }
    }
  }
}
