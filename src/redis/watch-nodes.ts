import { type Cluster, Redis, type RedisOptions } from 'ioredis';
import { keySlot } from './keys.js';

/**
 * Where the watcher's streams live: one node, or the masters of a Redis Cluster.
 *
 * The watcher groups waiting streams by the master that owns their slot, and opens its
 * blocking connections to that master directly (a Cluster client routes one command by its
 * keys, and a blocking read over keys of several masters cannot be routed at all).
 */
export interface WatchNodes {
  /**
   * True on a cluster: one command may name keys of one hash slot only (CROSSSLOT
   * otherwise, even when the slots are served by the same master).
   */
  readonly slotBound: boolean;
  /** Key of the master serving `stream` now ('' for a single node). */
  nodeOf(stream: string): string;
  /** A new dedicated connection to that master, for blocking reads (the watcher disconnects it); throws when it is not known. */
  connect(node: string, options: RedisOptions): Redis;
  /** CLIENT UNBLOCK <id> sent to that master. */
  unblock(node: string, clientId: number): Promise<void>;
  /** After MOVED/ASK/CLUSTERDOWN or a lost connection on a read: refresh the slot map (no-op on a single node). */
  refresh(): Promise<void>;
}

/** One Redis node: every stream lives on it, blocking connections are duplicates of `redis`. */
export function singleNode(redis: Redis): WatchNodes {
  return {
    slotBound: false,
    nodeOf: () => '',
    connect: (_node, options) => redis.duplicate(options),
    unblock: async (_node, clientId) => {
      await redis.call('CLIENT', 'UNBLOCK', clientId);
    },
    refresh: () => Promise.resolve(),
  };
}

/**
 * A Redis Cluster, as ioredis's Cluster client sees it: `slots[slot][0]` is the key
 * (`host:port`, after natMap) of the master serving the slot, `nodes('master')` the
 * connections to the masters, `refreshSlotsCache` asks the cluster for the slot map again.
 */
export function clusterNodes(cluster: Cluster): WatchNodes {
  const master = (node: string): Redis | undefined =>
    cluster.nodes('master').find((r) => `${r.options.host}:${r.options.port}` === node);
  return {
    slotBound: true,
    // Not known yet (the Cluster client has no slot map): the read fails, and is tried
    // again after a refresh.
    nodeOf: (stream) => cluster.slots[keySlot(stream)]?.[0] ?? '',
    connect(node, options) {
      // A duplicate of the Cluster's own connection to that master carries its options
      // (TLS, credentials); without one (not connected yet), the Cluster's redisOptions.
      const own = master(node);
      if (own) return own.duplicate(options);
      const at = node.lastIndexOf(':');
      if (at <= 0) throw new Error('no master known for this slot yet');
      return new Redis({ ...cluster.options.redisOptions, host: node.slice(0, at), port: Number(node.slice(at + 1)), ...options });
    },
    async unblock(node, clientId) {
      await master(node)?.call('CLIENT', 'UNBLOCK', clientId);
    },
    refresh: () =>
      new Promise<void>((resolve) => {
        // An error (no node answers) leaves the map as it was: the next read retries.
        cluster.refreshSlotsCache(() => resolve());
      }),
  };
}
