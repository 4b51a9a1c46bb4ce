import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import { Backend, type ErrorHook, type StreamGuard } from './backend.js';
import { type ConnectionListener, ConnectionState, commandConnectionOptions } from './connection.js';
import { singleNode } from './watch-nodes.js';
import { StreamWatcher } from './watcher.js';
import type { LeaseWalk } from './scripts.js';

/**
 * The adapter as the core sees it once connected: the one shared auto-pipelined command
 * connection (typed scripts and commands through `backend`), the watcher's blocking
 * connection(s) shared by all waiting pulls, and the connection's health.
 */
export interface RedisAdapter {
  readonly backend: Backend;
  readonly watcher: StreamWatcher;
  /** Calls `listener(up)` whenever the connection is lost or restored; returns the unsubscribe function. */
  subscribe(listener: ConnectionListener): () => void;
  /** True when Redis answers PING within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>;
  /** Closes the watcher, lets Redis answer what was sent (QUIT, at most `quitWaitMs`), then disconnects. */
  close(quitWaitMs: number): Promise<void>;
}

export interface RedisAdapterOptions {
  readonly commandTimeoutMs: number;
  /** ioredis `tls` options, for a rediss:// URL (built by the runtime from its files). */
  readonly tls?: ConnectionOptions;
  readonly guard: StreamGuard;
  readonly onError: ErrorHook;
  /** The watcher's blocking connections, and how often waiting pulls look for expired leases. */
  readonly watchConnections: number;
  /** Redis Cluster: longest a watcher connection reading several slots blocks per round. */
  readonly watchPollMs: number;
  readonly reclaimPollMs: number;
  /** The lease walk's bounds, for the waiting pulls' probe (as the pulls look). */
  readonly leaseWalk: LeaseWalk;
}

export function openRedis(url: string, options: RedisAdapterOptions): RedisAdapter {
  // The watcher's connections are duplicates of this one, so they inherit its TLS options.
  const connectionOptions = commandConnectionOptions(options.commandTimeoutMs);
  const redis = new Redis(url, options.tls ? { ...connectionOptions, tls: options.tls } : connectionOptions);
  redis.on('error', () => {
    // ioredis reconnects by itself; failed commands surface as BACKEND_UNAVAILABLE.
  });
  const connection = new ConnectionState(redis);
  // Connect now, not on first use (see connection.ts); failures are retried by ioredis.
  redis.connect().catch(() => undefined);
  const backend = new Backend(redis, options.guard, options.onError, connection, options.commandTimeoutMs);
  const watcher = new StreamWatcher(singleNode(redis), {
    connections: options.watchConnections,
    pollMs: options.watchPollMs,
    reclaimPollMs: options.reclaimPollMs,
    commandTimeoutMs: options.commandTimeoutMs,
    hasExpired: (stream, group, leaseMs) => backend.scripts.leaseProbe(stream, group, leaseMs, options.leaseWalk),
    assertGroup: (stream, group) => backend.assertGroup(stream, group),
  });
  return {
    backend,
    watcher,
    subscribe: (listener) => connection.subscribe(listener),
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        if (redis.status !== 'ready') await connection.usable();
        const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)));
        return (await Promise.race([redis.ping(), timeout])) === 'PONG';
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close(quitWaitMs) {
      watcher.close();
      // QUIT lets Redis answer what was sent; a stalled Redis gets quitWaitMs, nothing to
      // wait for without a connection. disconnect() also stops the reconnection attempts.
      if (redis.status === 'ready') {
        let timer: NodeJS.Timeout | undefined;
        const wait = new Promise<void>((r) => (timer = setTimeout(r, quitWaitMs)));
        await Promise.race([redis.quit().catch(() => undefined), wait]);
        clearTimeout(timer);
      }
      redis.disconnect();
    },
  };
}
