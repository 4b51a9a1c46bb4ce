import type { ConnectionOptions } from 'node:tls';
import { Cluster, Command, Redis } from 'ioredis';
import { CONNECT_TIMEOUT_MS, DISCONNECT_TIMEOUT_MS, RECONNECT_MAX_MS } from './connection.js';
import { keySlot } from './keys.js';

/**
 * The adapter's client: one Redis node, or a Redis Cluster (STREAMGATE_REDIS_CLUSTER). Every
 * typed script and command works on either: scripts and keyed commands are routed by ioredis
 * by their (first) key, which is the stream or a key in the stream's slot (keys.ts). What
 * ioredis cannot route by itself is here: commands whose key is not where ioredis looks for
 * it (`routed`), the node of a stream's slot (`nodeFor`) and the masters in a fixed order
 * (`mastersInOrder`, for SCAN).
 */
export type RedisClient = Redis | Cluster;

/** Redis Cluster has 16384 slots. */
export const SLOTS = 16384;

/**
 * The seed nodes of REDIS_URL (one or more comma-separated URLs of one scheme, checked by
 * the runtime's configuration), with the credentials of the first that has some: ioredis
 * uses one set of options for every node it discovers.
 */
export function clusterSeeds(url: string): { nodes: { host: string; port: number }[]; username?: string; password?: string } {
  const nodes: { host: string; port: number }[] = [];
  let username: string | undefined;
  let password: string | undefined;
  for (const seed of url.split(',')) {
    const u = new URL(seed.trim());
    nodes.push({ host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port === '' ? 6379 : Number(u.port) });
    if (password === undefined && u.password !== '') {
      password = decodeURIComponent(u.password);
      if (u.username !== '') username = decodeURIComponent(u.username);
    }
  }
  return { nodes, ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
}

/**
 * A Cluster client with the outage rules of one node (connection.ts): no offline queue (a
 * command refused without a connection was never sent), no retry of a sent command, the
 * command timeout, reconnection forever at most RECONNECT_MAX_MS apart, auto-pipelining
 * (one pipeline per node). ioredis's waits-and-retries on a lost node or a cluster that is
 * down are turned off, so a request on a failed master's slots fails at once instead of
 * being retried for seconds; the slot map is refreshed every SLOTS_REFRESH_MS and after
 * each such failure (`refresh`), so the promoted replica is found without a restart.
 */
export const SLOTS_REFRESH_MS = 1000;

export function openCluster(url: string, commandTimeoutMs: number, tls?: ConnectionOptions): Cluster {
  const { nodes, username, password } = clusterSeeds(url);
  return new Cluster(nodes, {
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    lazyConnect: true,
    clusterRetryStrategy: (attempt: number) => Math.min(attempt * 50, RECONNECT_MAX_MS),
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    retryDelayOnTryAgain: 0,
    slotsRefreshTimeout: Math.min(CONNECT_TIMEOUT_MS, commandTimeoutMs),
    slotsRefreshInterval: SLOTS_REFRESH_MS,
    redisOptions: {
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(tls ? { tls } : {}),
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: commandTimeoutMs,
      connectTimeout: CONNECT_TIMEOUT_MS,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    },
  });
}

/** A node's `host:port`, as ioredis names it in the slot map. */
export const nodeKey = (node: Redis): string => `${node.options.host}:${node.options.port}`;

/**
 * The connection to the master that owns `stream`'s slot now: on one node, that node; on a
 * cluster, the master ioredis's slot map names (null while no master is known for it, e.g.
 * before the first connection). A command sent on it is not redirected (MOVED/ASK come
 * back as errors): for commands that must run on that very node (WAIT after a write).
 */
export function nodeFor(client: RedisClient, stream: string): Redis | null {
  if (!(client instanceof Cluster)) return client;
  const key = client.slots[keySlot(stream)]?.[0];
  if (key === undefined) return null;
  return nodesByKey(client).get(key) ?? null;
}

const nodeMaps = new WeakMap<Cluster, Map<string, Redis>>();

/**
 * The cluster's node connections by `host:port`, kept up to date from ioredis's `+node` and
 * `-node` events: a lookup per call instead of building `cluster.nodes()` (about 1 µs).
 */
function nodesByKey(cluster: Cluster): Map<string, Redis> {
  let map = nodeMaps.get(cluster);
  if (map === undefined) {
    const byKey = new Map(cluster.nodes('all').map((n) => [nodeKey(n), n]));
    cluster.on('+node', (n: Redis) => byKey.set(nodeKey(n), n));
    cluster.on('-node', (n: Redis) => {
      if (byKey.get(nodeKey(n)) === n) byKey.delete(nodeKey(n));
    });
    nodeMaps.set(cluster, (map = byKey));
  }
  return map;
}

/**
 * The masters of the slot map, each with the lowest slot it owns, in that order: a stable
 * order (slots do not move often) in which SCAN visits them, a master named by its lowest
 * slot in the listing's cursor.
 */
export function mastersInOrder(cluster: Cluster): { slot: number; node: Redis }[] {
  const byKey = new Map(cluster.nodes('master').map((n) => [nodeKey(n), n]));
  const seen = new Set<string>();
  const out: { slot: number; node: Redis }[] = [];
  for (let slot = 0; slot < SLOTS; slot++) {
    const key = cluster.slots[slot]?.[0];
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    const node = byKey.get(key);
    if (node) out.push({ slot, node });
  }
  return out;
}

/**
 * Sends `name args` routed by `stream`: for the commands whose key ioredis does not find
 * (XINFO, XGROUP: the key follows a subcommand), which on a cluster would otherwise go to a
 * random node. On a cluster the command goes to the slot's master, MOVED and ASK followed by
 * ioredis as for any keyed command; on one node it is a plain call.
 */
export function routed(client: RedisClient, stream: string, name: string, args: (string | number)[]): Promise<unknown> {
  if (!(client instanceof Cluster)) return client.call(name, ...args);
  const command = new Command(name.toLowerCase(), args, { replyEncoding: 'utf8' });
  const slot = keySlot(stream);
  command.getSlot = () => slot;
  return client.sendCommand(command) as Promise<unknown>;
}
