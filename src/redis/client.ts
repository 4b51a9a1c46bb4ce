import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis } from 'ioredis';
import { Backend, type ErrorHook, type StreamGuard } from './backend.js';
import { type RedisClient, mastersInOrder, openCluster } from './cluster.js';
import { ClusterBackend } from './cluster-backend.js';
import { type ConnectionListener, ConnectionState, commandConnectionOptions } from './connection.js';
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
  /**
   * True when Redis answers PING within `timeoutMs`; on a cluster, when at least one master
   * does (see docs/decisions.md: a failed master fails the requests on its slots, not the
   * readiness of every gateway).
   */
  ping(timeoutMs: number): Promise<boolean>;
  /**
   * The connection to the master that owns `stream`'s slot now (cluster.ts): the one
   * connection on a single node; null on a cluster while no master is known for it.
   */
  nodeFor(stream: string): Redis | null;
  /** Closes the watcher, lets Redis answer what was sent (QUIT, at most `quitWaitMs`), then disconnects. */
  close(quitWaitMs: number): Promise<void>;
}

export interface RedisAdapterOptions {
  readonly commandTimeoutMs: number;
  /** `url` is one or more comma-separated seed nodes of a Redis Cluster. */
  readonly cluster?: boolean;
  /** ioredis `tls` options, for a rediss:// URL (built by the runtime from its files). */
  readonly tls?: ConnectionOptions;
  readonly guard: StreamGuard;
  readonly onError: ErrorHook;
  /** The watcher's blocking connections, and how often waiting pulls look for expired leases. */
  readonly watchConnections: number;
  readonly reclaimPollMs: number;
  /** The lease walk's bounds, for the waiting pulls' probe (as the pulls look). */
  readonly leaseWalk: LeaseWalk;
}

/** The command client: one node (connection.ts), or a cluster (cluster.ts). */
function openClient(url: string, options: RedisAdapterOptions): RedisClient {
  if (options.cluster) return openCluster(url, options.commandTimeoutMs, options.tls);
  // The watcher's connections are duplicates of this one, so they inherit its TLS options.
  const connectionOptions = commandConnectionOptions(options.commandTimeoutMs);
  return new Redis(url, options.tls ? { ...connectionOptions, tls: options.tls } : connectionOptions);
}

/**
 * The watcher of waiting pulls. On a cluster it is given the cluster client as is for now:
 * waiting pulls are then woken by their timeout or a lease probe, not by new messages,
 * until the watcher takes the cluster's nodes (one blocking connection per master).
 */
function openWatcher(redis: RedisClient, backend: Backend, options: RedisAdapterOptions): StreamWatcher {
  const client = redis as Redis;
  return new StreamWatcher(client, client, {
    connections: options.watchConnections,
    reclaimPollMs: options.reclaimPollMs,
    commandTimeoutMs: options.commandTimeoutMs,
    hasExpired: (stream, group, leaseMs) => backend.scripts.leaseProbe(stream, group, leaseMs, options.leaseWalk),
    assertGroup: (stream, group) => backend.assertGroup(stream, group),
  });
}

/** PING answered within `timeoutMs`; on a cluster, by at least one master. */
async function answers(redis: RedisClient, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
  const pong = (node: Redis) => node.ping().then((reply) => reply === 'PONG' || Promise.reject(new Error('no PONG')));
  try {
    const masters = redis instanceof Cluster ? mastersInOrder(redis).map((m) => m.node) : [redis];
    if (masters.length === 0) return false;
    return await Promise.race([Promise.any(masters.map(pong)), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function openRedis(url: string, options: RedisAdapterOptions): RedisAdapter {
  const redis = openClient(url, options);
  redis.on('error', () => {
    // ioredis reconnects by itself; failed commands surface as BACKEND_UNAVAILABLE.
  });
  const connection = new ConnectionState(redis);
  // Connect now, not on first use (see connection.ts); failures are retried by ioredis.
  redis.connect().catch(() => undefined);
  const backend =
    redis instanceof Cluster
      ? new ClusterBackend(redis, options.guard, options.onError, connection, options.commandTimeoutMs)
      : new Backend(redis, options.guard, options.onError, connection, options.commandTimeoutMs);
  const watcher = openWatcher(redis, backend, options);
  return {
    backend,
    watcher,
    subscribe: (listener) => connection.subscribe(listener),
    async ping(timeoutMs) {
      try {
        if (redis.status !== 'ready') await connection.usable();
      } catch {
        return false;
      }
      return answers(redis, timeoutMs);
    },
    nodeFor: (stream) => backend.nodeFor(stream),
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
