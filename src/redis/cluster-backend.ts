import type { Cluster, Redis } from 'ioredis';
import { Backend, type CallTracer, type ErrorHook, type StreamGuard } from './backend.js';
import { SLOTS_REFRESH_MS, nodeFor, nodeKey } from './cluster.js';
import type { ConnectionState } from './connection.js';
import { notConnected } from './unavailable.js';

/** Node states in which a command sent to the node would not be written (lost, closing or closed). */
const DOWN: ReadonlySet<string> = new Set(['close', 'end', 'reconnecting']);
/** How long a node whose connection was lost counts as lost while ioredis tries it anew. */
const LOST_MS = 2 * SLOTS_REFRESH_MS;

/**
 * The Backend of a cluster: before a call about a stream, the master that owns its slot
 * must be known and its connection not lost; otherwise the call fails at once with
 * BACKEND_UNAVAILABLE `not_written` (nothing was sent), as a call does on one node while
 * disconnected, and the slot map is refreshed (Backend.classify). "Lost" includes a new
 * connection to a node whose last one ended within LOST_MS and that is not ready: ioredis
 * re-creates the connection to a dead master at each slot-map refresh until its replica
 * takes over, and a command sent on it fails with the error of a command lost in flight
 * (outcome unknown) although it was never written. A separate class so that the
 * single-node Backend's call is untouched.
 */
export class ClusterBackend extends Backend {
  constructor(
    private readonly cluster: Cluster,
    guard: StreamGuard,
    onError: ErrorHook,
    connection: ConnectionState,
    commandTimeoutMs: number,
    crossSlotDeadLetters: boolean,
    tracer?: CallTracer,
  ) {
    super(cluster, guard, onError, connection, commandTimeoutMs, crossSlotDeadLetters, tracer);
    cluster.on('-node', (node: Redis) => this.lost.set(nodeKey(node), Date.now()));
  }

  /** When each node's last connection ended (by its `host:port`). */
  private readonly lost = new Map<string, number>();

  private reachable(node: Redis | null): boolean {
    if (node === null || DOWN.has(node.status)) return false;
    if (node.status === 'ready') return true;
    const lostAt = this.lost.get(nodeKey(node));
    return lostAt === undefined || Date.now() - lostAt >= LOST_MS;
  }

  override call<T, R = T>(what: string, stream: string, fn: () => Promise<T>, parse?: (raw: T) => R): Promise<R> {
    if (stream === '') return super.call(what, stream, fn, parse);
    return super.call(
      what,
      stream,
      () => {
        if (!this.reachable(nodeFor(this.cluster, stream))) throw notConnected();
        return fn();
      },
      parse,
    );
  }
}
