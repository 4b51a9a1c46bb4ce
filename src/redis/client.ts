import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { Backend, type CallTracer, type ErrorHook, type StreamGuard } from './backend.js';
import { type RedisClient, mastersInOrder, openCluster } from './cluster.js';
import { ClusterBackend } from './cluster-backend.js';
import { CONNECT_TIMEOUT_MS, type ConnectionListener, ConnectionState, RECONNECT_MAX_MS, commandConnectionOptions } from './connection.js';
import { clusterNodes, singleNode } from './watch-nodes.js';
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

/**
 * Sentinel mode: the sentinels to ask for the current primary, at start and on every
 * reconnection (a failover is handled like an outage: fail fast, reconnect by itself).
 */
export interface SentinelTarget {
  readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  /** The master name the sentinels monitor. */
  readonly name: string;
  readonly password: string | null;
}

export interface RedisAdapterOptions {
  readonly commandTimeoutMs: number;
  /** Set: `url` gives only the data nodes' password, db and TLS; the sentinels name the primary. */
  readonly sentinel?: SentinelTarget | null;
  /** `url` is one or more comma-separated seed nodes of a Redis Cluster. */
  readonly cluster?: boolean;
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
  /**
   * Dead-letter moves across slots in two steps (set against a Redis Cluster; tests set it
   * on one node to run that path): see Backend.crossSlotDeadLetters. Default false.
   */
  readonly crossSlotDeadLetters?: boolean;
  /** Tracing on: each Redis call in a span of its own (Backend.call); absent: off. */
  readonly tracer?: CallTracer | undefined;
}

/** The command client: one node (connection.ts), Sentinel's primary, or a cluster (cluster.ts). */
function openClient(url: string | undefined, options: RedisAdapterOptions): RedisClient {
  if (options.cluster) {
    if (url === undefined) throw new Error('Redis Cluster needs seed nodes');
    return openCluster(url, options.commandTimeoutMs, options.tls);
  }
  // The watcher's connections are duplicates of this one, so they inherit its TLS options.
  let connectionOptions = commandConnectionOptions(options.commandTimeoutMs);
  if (options.tls) connectionOptions = { ...connectionOptions, tls: options.tls };
  if (options.sentinel) connectionOptions = { ...connectionOptions, ...sentinelOptions(options.sentinel, options.tls !== undefined) };
  return url === undefined ? new Redis(connectionOptions) : new Redis(url, connectionOptions);
}

/** The watcher of waiting pulls: blocking connections per master (watch-nodes.ts). */
function openWatcher(redis: RedisClient, backend: Backend, options: RedisAdapterOptions): StreamWatcher {
  return new StreamWatcher(redis instanceof Cluster ? clusterNodes(redis) : singleNode(redis), {
    connections: options.watchConnections,
    pollMs: options.watchPollMs,
    reclaimPollMs: options.reclaimPollMs,
    commandTimeoutMs: options.commandTimeoutMs,
    hasExpired: (stream, group, leaseMs) => backend.scripts.leaseProbe(stream, group, leaseMs, options.leaseWalk),
    assertGroup: (stream, group) => backend.assertGroup(stream, group),
    streamTop: (stream) => backend.streamTop(stream),
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

export function openRedis(url: string | undefined, options: RedisAdapterOptions): RedisAdapter {
  const redis = openClient(url, options);
  redis.on('error', () => {
    // ioredis reconnects by itself; failed commands surface as BACKEND_UNAVAILABLE.
  });
  const connection = new ConnectionState(redis);
  // Connect now, not on first use (see connection.ts); failures are retried by ioredis.
  redis.connect().catch(() => undefined);
  const backend =
    redis instanceof Cluster
      ? new ClusterBackend(redis, options.guard, options.onError, connection, options.commandTimeoutMs, options.crossSlotDeadLetters === true, options.tracer)
      : new Backend(redis, options.guard, options.onError, connection, options.commandTimeoutMs, options.crossSlotDeadLetters === true, options.tracer);
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

/**
 * ioredis's Sentinel options: each (re)connection asks the sentinels, in turn, for the
 * primary of `name`, and checks the node it reaches is a master (`role`, ioredis's default),
 * trying again when it is not. `failoverDetector` also subscribes to the sentinels'
 * +switch-master, so a failover that leaves the old primary alive (demoted to a replica)
 * moves the connection at once instead of at its first READONLY (connection.ts).
 */
function sentinelOptions(target: SentinelTarget, dataTls: boolean): RedisOptions {
  return {
    sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: target.name,
    sentinelPassword: target.password ?? undefined,
    failoverDetector: true,
    // TLS to the primary (rediss:// REDIS_URL): ioredis ignores `tls` in Sentinel mode without
    // this. The sentinels are reached in plaintext (no `sentinelTLS`).
    enableTLSForSentinelMode: dataTls,
    // A sentinel that accepts the connection and then never answers must not stall reconnection.
    sentinelCommandTimeout: CONNECT_TIMEOUT_MS,
    // The sentinels are asked again at most this long apart while none answers.
    sentinelRetryStrategy: (attempt: number) => Math.min(attempt * 50, RECONNECT_MAX_MS),
  };
}
