import { Cluster, type Redis } from 'ioredis';
import { invalid } from '../contract/errors.js';
import { type RedisClient, SLOTS, mastersInOrder } from './cluster.js';
import { notConnected } from './unavailable.js';

/**
 * The stream listing's cursor, opaque to clients.
 *
 * On one node it is Redis's SCAN cursor as is ("0" to start, "0" when done).
 *
 * On a cluster SCAN runs on every master in turn, in the order of the lowest slot each owns
 * (cluster.ts, mastersInOrder). The cursor is still a decimal number, `nodeCursor × 16384 +
 * slot`: the lowest slot of the master being scanned when the page was served, and that
 * master's own SCAN cursor ("0" is slot 0's master from its start; at most 24 digits). The
 * next page scans the master that owns that slot now; when its SCAN is done the listing
 * moves to the first master whose lowest slot is above it, and ends ("0") after the last.
 * So a failover between pages (a replica promoted: the same keys) continues where the
 * listing was, and every master of the slot map is visited once. Resharding between pages
 * can make a stream that moved be listed twice or not at all, and a master added below the
 * cursor's slot is not visited: SCAN's own guarantee (every key present for the whole
 * listing is returned) holds only while the slots stay where they are (docs/decisions.md).
 */

/** Largest SCAN cursor Redis takes (64 bits unsigned). */
const MAX_CURSOR = 18446744073709551615n;
const BIG_SLOTS = BigInt(SLOTS);
/** The largest listing cursor on a cluster: the largest SCAN cursor on the last slot's master. */
const MAX_CLUSTER_CURSOR = MAX_CURSOR * BIG_SLOTS + BIG_SLOTS - 1n;
/** The listing cursor of `nodeCursor` on the master whose lowest slot is `slot`. */
const clusterCursor = (slot: number, nodeCursor: string): string => String(BigInt(nodeCursor) * BIG_SLOTS + BigInt(slot));
const INVALID = 'cursor must be a cursor returned by an earlier call, or "0"';

export interface ScanStep {
  /** The node to send SCAN to (resolved when asked: the slot map may still be loading). */
  readonly node: Redis;
  readonly nodeCursor: string;
  /** The listing's next cursor, from the node's next SCAN cursor. */
  next(nodeCursor: string): string;
}

const nodeCursorOk = (c: string): boolean => /^\d{1,20}$/.test(c) && BigInt(c) <= MAX_CURSOR;

/**
 * Checks a listing cursor (VALIDATION_FAILED `cursor` when it is not one) and returns the
 * step it stands for. On a cluster `node` is looked up in the slot map when read, so that
 * the check comes first and the lookup after Backend.call's wait for the first connection.
 */
export function scanStep(client: RedisClient, cursor: string): ScanStep {
  if (!(client instanceof Cluster)) {
    // 20 digits may still exceed 64 bits; Redis answers that with a generic ERR.
    if (!nodeCursorOk(cursor)) throw invalid(INVALID, 'cursor');
    return { node: client, nodeCursor: cursor, next: (c) => c };
  }
  if (!/^\d{1,24}$/.test(cursor) || BigInt(cursor) > MAX_CLUSTER_CURSOR) throw invalid(INVALID, 'cursor');
  const value = BigInt(cursor);
  const slot = Number(value % BIG_SLOTS);
  const nodeCursor = String(value / BIG_SLOTS);
  let resolved: { node: Redis; next: (c: string) => string } | undefined;
  const resolve = () => (resolved ??= clusterStep(client, slot));
  return {
    get node() {
      return resolve().node;
    },
    nodeCursor,
    next: (c) => resolve().next(c),
  };
}

function clusterStep(cluster: Cluster, slot: number): { node: Redis; next: (c: string) => string } {
  const masters = mastersInOrder(cluster);
  // The master that owns `slot` now.
  const current = masters.find((m) => ownsSlot(cluster, m.node, slot));
  if (!current) throw notConnected();
  return {
    node: current.node,
    next(c) {
      if (c !== '0') return clusterCursor(slot, c);
      const following = masters.find((m) => m.slot > slot && m.node !== current.node);
      return following ? clusterCursor(following.slot, '0') : '0';
    },
  };
}

function ownsSlot(cluster: Cluster, node: Redis, slot: number): boolean {
  return cluster.slots[slot]?.[0] === `${node.options.host}:${node.options.port}`;
}
