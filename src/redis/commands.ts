import type { Redis } from 'ioredis';
import type { Backend } from './backend.js';
import { type RedisClient, routed } from './cluster.js';
import { type ScanStep, scanStep } from './scan.js';
import { keySlot, keys } from './keys.js';
import { arr, entries, int, intOrNull, record, str, strOrNull, strings } from './reply.js';
import { replyPrefix } from './redis-errors.js';
import { ReplicaWait } from './replica-wait.js';
import { publishFailure } from './unavailable.js';
import type { InputPair } from '../contract/limits.js';
import type {
  ConsumerInfo,
  GroupInfo,
  GroupPolicy,
  Message,
  PendingEntry,
  PendingSummary,
  StreamInfo,
} from '../contract/types.js';

/**
 * One typed function per native Redis command the services send, with its reply parsed.
 * Like the scripts (scripts.ts), each goes through Backend.call: the fence is checked
 * again and a failure becomes a contract error there.
 */

/** A group as XINFO GROUPS describes it (the gateway's policy is not part of it). */
export type GroupEntry = Omit<GroupInfo, keyof GroupPolicy>;

export interface PendingRange {
  readonly start: string;
  readonly end: string;
  readonly count: number;
  /** Only entries idle at least this long (XPENDING IDLE). */
  readonly minIdleMs?: number;
  /** Only this consumer's entries. */
  readonly consumer?: string;
}

/** Redis Cluster has 16384 slots. */
const MAX_SLOT = 16383;

export class Commands {
  /** One joined WAIT per connection (a cluster has one per master). */
  private readonly replicaWaits = new WeakMap<Redis, ReplicaWait>();

  constructor(
    private readonly backend: Backend,
    private readonly redis: RedisClient,
  ) {}

  /**
   * WAIT `replicas` `timeoutMs` after a write to `stream` has been answered: how many
   * replicas have it (and every earlier write of the connection). Sent on the connection
   * that carried the write (the one command connection; in Cluster mode, the connection to
   * the master owning the stream's slot, Backend.nodeFor), joined with the other publishes'
   * on that connection (replica-wait.ts).
   */
  waitReplicas(stream: string, replicas: number, timeoutMs: number): Promise<number> {
    return this.backend.call('WAIT', stream, () => {
      const node = this.backend.nodeFor(stream);
      if (node === null) return Promise.reject(new Error('no master is known for the stream now'));
      let wait = this.replicaWaits.get(node);
      if (!wait) {
        wait = new ReplicaWait((n, ms) => node.call('WAIT', n, ms).then(int));
        this.replicaWaits.set(node, wait);
      }
      return wait.wait(replicas, timeoutMs);
    });
  }

  /**
   * XADD of one entry, creating the stream (no NOMKSTREAM): the publish fast path of
   * streams.ts. `id` is `*`, `<ms>-<seq>` or `<ms>-*`, checked by the caller; values are sent
   * byte-exact. Returns the entry's ID, or null when Redis refused the ID with a plain ERR
   * (not above the stream's top, or the top is the last possible ID): nothing was written,
   * and the caller answers through publish-2.lua, whose refusal names the top ID. WRONGTYPE
   * and failures become contract errors as for any call; an unknown outcome says what a
   * retry may do, as for the script.
   */
  xadd(stream: string, id: string, pairs: readonly InputPair[]): Promise<string | null> {
    const flat: (string | Buffer)[] = [];
    for (const [name, value] of pairs) flat.push(name, value);
    const { redis } = this;
    return this.backend.call('XADD', stream, () => redis.xadd(stream, id, ...flat).catch(refusedId)).catch(publishFailure);
  }

  /** XINFO STREAM. */
  streamInfo(stream: string): Promise<StreamInfo> {
    return this.backend.call('XINFO STREAM', stream, () => routed(this.redis, stream, 'XINFO', ['STREAM', stream]), parseStreamInfo);
  }

  /** XLEN: 0 for a missing key (a dead-letter stream nothing was written to yet). */
  length(stream: string): Promise<number> {
    return this.backend.call('XLEN', stream, () => this.redis.xlen(stream));
  }

  /** XRANGE, or XREVRANGE when `reverse` (from `end` down to `start`); values byte-exact. */
  range(stream: string, start: string, end: string, count: number, reverse = false): Promise<Message[]> {
    const { redis } = this;
    return this.backend.call(
      reverse ? 'XREVRANGE' : 'XRANGE',
      stream,
      () => (reverse ? redis.xrevrangeBuffer(stream, end, start, 'COUNT', count) : redis.xrangeBuffer(stream, start, end, 'COUNT', count)),
      entries,
    );
  }

  /**
   * TYPE of a key ('none' when absent): a dead-letter stream in another Cluster slot than its
   * stream, asked before the script that may write to it (dead-letter-move.ts).
   */
  keyType(key: string): Promise<string> {
    return this.backend.call('TYPE', key, () => this.redis.type(key));
  }

  /** XDEL of one entry: 1 when it was deleted, 0 when there was none. */
  deleteEntry(stream: string, id: string): Promise<number> {
    return this.backend.call('XDEL', stream, () => this.redis.xdel(stream, id));
  }

  /**
   * A stream listing's cursor, checked (VALIDATION_FAILED `cursor` when it is not one): on
   * a cluster it names the master and that master's SCAN cursor (scan.ts).
   */
  scanCursor(cursor: string): ScanStep {
    return scanStep(this.redis, cursor);
  }

  /** One SCAN step over the keys of type stream (MATCH `match` when given), from a checked cursor. */
  scanStreams(step: ScanStep, match: string | undefined, count: number): Promise<{ cursor: string; keys: string[] }> {
    const args: (string | number)[] = [];
    if (match !== undefined) args.push('MATCH', match);
    args.push('COUNT', count, 'TYPE', 'stream');
    return this.backend.call(
      'SCAN',
      '',
      () => step.node.call(
      'SCAN', step.nodeCursor, ...args),
      (reply) => {
        const [next, found] = arr(reply);
        return { cursor: step.next(str(next)), keys: strings(found) };
      },
    );
  }

  /** XINFO GROUPS. */
  groups(stream: string): Promise<GroupEntry[]> {
    return this.backend.call('XINFO GROUPS', stream, () => routed(this.redis, stream, 'XINFO', ['GROUPS', stream]), (reply) => arr(reply).map(parseGroup));
  }

  /** XINFO CONSUMERS. */
  consumers(stream: string, group: string): Promise<ConsumerInfo[]> {
    return this.backend.call('XINFO CONSUMERS', stream, () => routed(this.redis, stream, 'XINFO', ['CONSUMERS', stream, group]), (reply) => arr(reply).map(parseConsumer));
  }

  /** XGROUP SETID, with ENTRIESREAD when given. */
  setGroupPosition(stream: string, group: string, id: string, entriesRead?: number): Promise<void> {
    const extra = entriesRead === undefined ? [] : ['ENTRIESREAD', entriesRead];
    return this.backend.call('XGROUP SETID', stream, () => routed(this.redis, stream, 'XGROUP', ['SETID', stream, group, id, ...extra]), () => undefined);
  }

  /** XGROUP CREATECONSUMER: true when created, false when it existed. */
  createConsumer(stream: string, group: string, consumer: string): Promise<boolean> {
    return this.backend.call('XGROUP CREATECONSUMER', stream, () => routed(this.redis, stream, 'XGROUP', ['CREATECONSUMER', stream, group, consumer]), (n) => int(n) === 1);
  }

  /** XPENDING summary form. */
  pendingSummary(stream: string, group: string): Promise<PendingSummary> {
    return this.backend.call('XPENDING', stream, () => this.redis.call('XPENDING', stream, group), parsePendingSummary);
  }

  /** XPENDING extended form. */
  pendingEntries(stream: string, group: string, q: PendingRange): Promise<PendingEntry[]> {
    const args: (string | number)[] = [];
    if (q.minIdleMs !== undefined) args.push('IDLE', q.minIdleMs);
    args.push(q.start, q.end, q.count);
    if (q.consumer !== undefined) args.push(q.consumer);
    return this.backend.call(
      'XPENDING',
      stream,
      () => this.redis.call(
      'XPENDING', stream, group, ...args),
      (reply) =>
        arr(reply).map((e) => {
          const [id, consumer, idle, deliveries] = arr(e);
          return { id: str(id), consumer: str(consumer), idleMs: int(idle), deliveryCount: int(deliveries) };
        }),
    );
  }

  /** The stored policy JSON of a group (HGET of keys.policy), null when it has none. */
  policy(stream: string, group: string): Promise<string | null> {
    return this.backend.call('HGET', stream, () => this.redis.hget(keys.policy(stream), group));
  }

  /** Every stored policy JSON of the stream's groups, by group (HGETALL of keys.policy). */
  policies(stream: string): Promise<Record<string, string>> {
    return this.backend.call('HGETALL', stream, () => this.redis.hgetall(keys.policy(stream)));
  }

  /** Adds the stream's Cluster slot to keys.reapSlots (SADD), where the reaper looks. */
  indexReapSlot(stream: string): Promise<void> {
    return this.backend.call('SADD', stream, () => this.redis.sadd(keys.reapSlots, keySlot(stream)), () => undefined);
  }

  /**
   * The slots in keys.reapSlots (SMEMBERS), anything not a slot number (a hand edit)
   * left out. Sent as is, without Backend.call: a failure fails the reaper's whole tick.
   */
  async reapSlots(): Promise<number[]> {
    const slots: number[] = [];
    for (const member of await this.redis.smembers(keys.reapSlots)) {
      const slot = Number(member);
      if (Number.isInteger(slot) && slot >= 0 && slot <= MAX_SLOT) slots.push(slot);
    }
    return slots;
  }

  /** The streams registered in a slot's reap registry (SMEMBERS); sent as is, like reapSlots. */
  reapRegistry(slot: number): Promise<string[]> {
    return this.redis.smembers(keys.reapRegistryOfSlot(slot));
  }
}

/** XADD's refusal of the ID (a plain ERR: written nothing) as null; anything else as is. */
function refusedId(err: unknown): null {
  if (replyPrefix(err) === 'ERR') return null;
  throw err;
}

function parseStreamInfo(raw: unknown): StreamInfo {
  const r = record(raw);
  const firstEntry = r.get('first-entry');
  const lastEntry = r.get('last-entry');
  return {
    length: int(r.get('length')),
    firstId: firstEntry ? str(arr(firstEntry)[0]) : null,
    lastId: lastEntry ? str(arr(lastEntry)[0]) : null,
    lastGeneratedId: str(r.get('last-generated-id')),
    groups: int(r.get('groups')),
    entriesAdded: intOrNull(r.get('entries-added')),
    // As Redis reports it: "0-0" when nothing was ever deleted (lastGeneratedId likewise for
    // a stream that never had an entry, a group's lastDeliveredId before its first read).
    maxDeletedEntryId: str(r.get('max-deleted-entry-id')),
  };
}

function parseGroup(raw: unknown): GroupEntry {
  const r = record(raw);
  return {
    name: str(r.get('name')),
    consumers: int(r.get('consumers')),
    pending: int(r.get('pending')),
    lastDeliveredId: str(r.get('last-delivered-id')),
    entriesRead: intOrNull(r.get('entries-read')),
    lag: intOrNull(r.get('lag')),
  };
}

function parseConsumer(raw: unknown): ConsumerInfo {
  const r = record(raw);
  return { name: str(r.get('name')), pending: int(r.get('pending')), idleMs: int(r.get('idle')), inactiveMs: intOrNull(r.get('inactive')) };
}

function parsePendingSummary(raw: unknown): PendingSummary {
  const [count, minId, maxId, consumers] = arr(raw);
  return {
    count: int(count),
    minId: strOrNull(minId),
    maxId: strOrNull(maxId),
    consumers: consumers ? arr(consumers).map((c) => ({ name: str(arr(c)[0]), count: int(arr(c)[1]) })) : [],
  };
}
