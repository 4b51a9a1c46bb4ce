import type { Redis } from 'ioredis';
import type { Cancellation } from '../contract/cancel.js';
import { GatewayError, type ErrorCode } from '../contract/errors.js';
import { compareIds, parseId } from '../contract/ids.js';
import { keySlot } from './keys.js';
import { isReplyError } from './unavailable.js';
import { type Waiter, WaiterQueue } from './waiter-queue.js';

/**
 * Waiting pulls share a bounded set of Redis connections, whatever their number.
 *
 * A blocking XREADGROUP would hold a connection per waiting client (10,000 long polls:
 * 10,000 connections). Instead one watcher connection per shard issues a single
 * `XREAD BLOCK` over every stream that has waiters, from the last ID it has seen of each.
 * XREAD delivers nothing to any group, so no lease starts until a woken waiter's own pull
 * hands a message out. When a stream grows by k entries, each group waiting on it wakes
 * its first k waiters (first come, first served): one waiter per message, not a herd.
 * A waiter whose pull then filled its whole count passes the baton to the next (more may
 * be waiting); one that found nothing (another consumer was faster) waits again at the
 * front of the queue, keeping its turn.
 *
 * Leases expire without the stream growing, so each waiting group with a lease is probed
 * on its own (leaseProbe-4.lua: one bounded step of the pull's lease walk) every half lease
 * (at most every STREAMGATE_RECLAIM_POLL_MS), one cheap script call per group instead of a
 * re-pull per waiter; a hit wakes one waiter, whose pull reclaims the message.
 *
 * A group going away ends its waits, as Redis ends a blocked XREADGROUP (NOGROUP, UNBLOCKED);
 * XREAD is not ended so, so the probe tells: the lease probe fails then, and a group without
 * leases is probed for that alone (`assertGroup`, O(1)) every STREAMGATE_RECLAIM_POLL_MS.
 * GROUP_NOT_FOUND ends the group's waits with it, STREAM_NOT_FOUND or NOT_A_STREAM the
 * stream's: one call per group, no re-pull per waiter.
 *
 * A stream joining the watched set interrupts the blocked read (CLIENT UNBLOCK from the
 * command connection), so the next read includes it.
 */

export type WakeReason = 'woken' | 'timeout' | 'aborted' | 'closed';

export interface WatchStats {
  /** Pulls waiting now. */
  readonly waiting: number;
  /** Streams in the watched set. */
  readonly streams: number;
  /** Groups with waiters. */
  readonly groups: number;
  /** Blocking connections open (at most STREAMGATE_WATCH_CONNECTIONS). */
  readonly connections: number;
}

export interface WaitRequest {
  readonly stream: string;
  readonly group: string;
  /** The stream's top ID seen by the waiter's last pull: wake when an entry after it exists. */
  readonly afterId: string;
  /** The group's lease (0: no lease to watch for). */
  readonly leaseMs: number;
  readonly timeoutMs: number;
  /** A waiter that was woken and found nothing keeps its place at the front. */
  readonly front?: boolean;
}

export interface WatcherOptions {
  /** Shards, each with one blocking connection (streams are spread by hash slot). */
  readonly connections: number;
  /** Longest a lease expiry goes unnoticed while waiters wait. */
  readonly reclaimPollMs: number;
  /**
   * Whether the group has an expired lease (scripts.leaseProbe: bounded, whatever the
   * pending list's size). Default: `XPENDING IDLE leaseMs - + 1`, which walks the whole list.
   */
  readonly hasExpired?: (stream: string, group: string, leaseMs: number) => Promise<boolean>;
  /**
   * Fails with GROUP_NOT_FOUND, STREAM_NOT_FOUND or NOT_A_STREAM when the group is gone
   * (Backend.assertGroup): the probe of a waiting group without leases. Without it such a
   * group is not probed (its waits then end by timeout when it goes away).
   */
  readonly assertGroup?: (stream: string, group: string) => Promise<void>;
  /** Longest one XREAD blocks before it starts again (also bounds recovery after errors). */
  readonly blockMs?: number;
  /** Beyond blockMs, how long a read may go unanswered before its connection is replaced. */
  readonly commandTimeoutMs?: number;
}

/** Most entries one watcher read takes per stream: each wakes one waiter per group. */
const READ_COUNT = 16;
const MIN_PROBE_MS = 50;

type ShardOptions = Required<Omit<WatcherOptions, 'hasExpired' | 'assertGroup'>> & Pick<WatcherOptions, 'hasExpired' | 'assertGroup'>;

/** What a probe may find gone: the waits it concerns end with this error (Redis's NOGROUP, UNBLOCKED). */
const GONE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['GROUP_NOT_FOUND', 'STREAM_NOT_FOUND', 'NOT_A_STREAM']);
const isGone = (err: unknown): err is GatewayError => err instanceof GatewayError && GONE.has(err.code);

interface GroupWatch {
  readonly waiters: WaiterQueue;
  leaseMs: number;
  probe: NodeJS.Timeout | null;
}

interface StreamWatch {
  lastId: string;
  readonly groups: Map<string, GroupWatch>;
}

class WatcherShard {
  private readonly streams = new Map<string, StreamWatch>();
  private conn: Redis | null = null;
  private connId: number | null = null;
  private running = false;
  private blocked = false;
  private closed = false;
  /** Waits registered so far (a waiter's `since`): a probe's error concerns only those before it. */
  private registered = 0;

  constructor(
    private readonly base: Redis,
    private readonly command: Redis,
    private readonly options: ShardOptions,
    private readonly onCount: (delta: number) => void,
  ) {}

  /** Rejects with GROUP_NOT_FOUND, STREAM_NOT_FOUND or NOT_A_STREAM when the group goes away meanwhile. */
  wait(req: WaitRequest, signal?: Cancellation): Promise<WakeReason> {
    if (this.closed) return Promise.resolve('closed');
    if (signal?.aborted) return Promise.resolve('aborted');
    let watch = this.streams.get(req.stream);
    const joined = watch === undefined;
    if (!watch) {
      watch = { lastId: req.afterId, groups: new Map() };
      this.streams.set(req.stream, watch);
    } else if (before(req.afterId, watch.lastId)) {
      // The stream already has entries after this waiter's view: look again at once.
      return Promise.resolve('woken');
    } else if (before(watch.lastId, req.afterId)) {
      watch.lastId = req.afterId;
    }
    let group = watch.groups.get(req.group);
    if (!group) {
      group = { waiters: new WaiterQueue(), leaseMs: req.leaseMs, probe: null };
      watch.groups.set(req.group, group);
    }
    group.leaseMs = req.leaseMs;
    const g = group;

    const done = new Promise<WakeReason>((resolve, reject) => {
      let settled = false;
      const finish = (reason: WakeReason, err?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        g.waiters.remove(waiter);
        this.onCount(-1);
        this.forgetIfIdle(req.stream, req.group);
        if (err === undefined) resolve(reason);
        else reject(err);
      };
      const waiter: Waiter = { resolve: finish, since: ++this.registered, prev: null, next: null, queue: null };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), Math.max(1, req.timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      g.waiters.push(waiter, req.front === true);
      this.onCount(1);
    });
    this.ensureProbe(req.stream, req.group, g);
    if (joined) this.interrupt();
    this.ensureLoop();
    return done;
  }

  /** Wakes up to `n` more waiters of a group (a woken pull filled its count: more may wait). */
  wakeMore(stream: string, group: string, n: number): void {
    const g = this.streams.get(stream)?.groups.get(group);
    for (let i = 0; g && i < n; i++) g.waiters.head?.resolve('woken');
  }

  close(): void {
    this.closed = true;
    this.resolveAll('closed');
    this.conn?.disconnect();
    this.conn = null;
  }

  get connected(): boolean {
    return this.conn !== null;
  }

  /** Streams in the watched set, and groups with waiters (both 0 when nobody waits). */
  get watched(): { streams: number; groups: number } {
    let groups = 0;
    for (const w of this.streams.values()) groups += w.groups.size;
    return { streams: this.streams.size, groups };
  }

  private forgetIfIdle(stream: string, group: string): void {
    const watch = this.streams.get(stream);
    const g = watch?.groups.get(group);
    if (!watch || !g || g.waiters.size > 0) return;
    if (g.probe) clearTimeout(g.probe);
    watch.groups.delete(group);
    // The stream leaves the XREAD at the next round; no need to interrupt for that.
    if (watch.groups.size === 0) this.streams.delete(stream);
  }

  private ensureProbe(stream: string, group: string, g: GroupWatch): void {
    if (g.probe || this.closed) return;
    const { reclaimPollMs, assertGroup } = this.options;
    if (g.leaseMs <= 0 && !assertGroup) return;
    // Without leases only the group's existence is looked at.
    const every = g.leaseMs > 0 ? Math.max(MIN_PROBE_MS, Math.min(g.leaseMs / 2, reclaimPollMs)) : reclaimPollMs;
    g.probe = setTimeout(() => {
      g.probe = null;
      void this.probe(stream, group, g).finally(() => {
        if (g.waiters.size > 0) this.ensureProbe(stream, group, g);
      });
    }, every);
  }

  private async probe(stream: string, group: string, g: GroupWatch): Promise<void> {
    if (g.waiters.size === 0) return;
    const upTo = this.registered;
    try {
      const { hasExpired, assertGroup } = this.options;
      if (g.leaseMs <= 0) {
        await assertGroup?.(stream, group);
        return;
      }
      const expired = hasExpired
        ? await hasExpired(stream, group, g.leaseMs)
        : ((await this.command.call('XPENDING', stream, group, 'IDLE', g.leaseMs, '-', '+', 1)) as unknown[]).length > 0;
      if (expired) g.waiters.head?.resolve('woken');
    } catch (err) {
      // Gone: the waits end with the error, as Redis ends a blocked XREADGROUP.
      if (isGone(err)) this.failGone(stream, group, err, upTo);
      // Redis is away (or a reply not classified): let the waiters' pulls say why.
      else while (g.waiters.head) g.waiters.head.resolve('woken');
    }
  }

  /** Ends with `err` the group's waits (the stream's unless GROUP_NOT_FOUND) registered by `upTo`, when the probe began. */
  private failGone(stream: string, group: string, err: GatewayError, upTo: number): void {
    const watch = this.streams.get(stream);
    if (!watch) return;
    const groups = err.code === 'GROUP_NOT_FOUND' ? [watch.groups.get(group)] : [...watch.groups.values()];
    for (const g of groups) {
      for (let w = g?.waiters.head ?? null; w; ) {
        const next = w.next;
        if (w.since <= upTo) w.resolve('woken', err);
        w = next;
      }
    }
  }

  private interrupt(): void {
    if (!this.blocked || this.connId === null) return;
    void this.command.call('CLIENT', 'UNBLOCK', this.connId).catch(() => undefined);
  }

  private ensureLoop(): void {
    if (this.running || this.closed) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      if (!this.closed && this.streams.size > 0) this.ensureLoop();
    });
  }

  private async connection(): Promise<Redis> {
    if (this.conn) return this.conn;
    const conn = this.base.duplicate({
      enableAutoPipelining: false,
      lazyConnect: true,
      // Only reads go here, so a read may wait for a reconnect in the offline queue (the
      // command connection has none, so no write can): a waiter re-registered right after
      // Redis came back is then not woken for nothing. A failed reconnection attempt
      // still rejects the queued read (maxRetriesPerRequest 0), which wakes the waiters.
      enableOfflineQueue: true,
      commandTimeout: this.options.blockMs + this.options.commandTimeoutMs,
    });
    conn.on('error', () => {
      // Surfaces as a failed XREAD below, which wakes the waiters.
    });
    // After a reconnect the client ID changes: learn it again before the next blocking read.
    conn.on('ready', () => (this.connId = null));
    this.conn = conn;
    return conn;
  }

  private async loop(): Promise<void> {
    while (!this.closed && this.streams.size > 0) {
      const conn = await this.connection();
      let reply: unknown;
      try {
        if (this.connId === null) this.connId = Number(await conn.call('CLIENT', 'ID'));
        // The watched set is read after the last wait before the read: a stream that joined
        // while CLIENT ID was on its way was not interrupted (nothing was blocked yet), so
        // this read must include it, or its waiters would sleep through a whole block.
        const keys = [...this.streams.keys()];
        if (keys.length === 0) continue;
        const ids = keys.map((k) => this.streams.get(k)?.lastId ?? '$');
        this.blocked = true;
        reply = await conn.call('XREAD', 'COUNT', READ_COUNT, 'BLOCK', this.options.blockMs, 'STREAMS', ...keys, ...ids);
      } catch (err) {
        this.blocked = false;
        if (this.closed) return;
        // A read unanswered long past its BLOCK time: the connection may be half-open
        // (no close will ever come), so replace it rather than wait on it again.
        if (!isReplyError(err) && conn.status === 'ready') conn.disconnect(true);
        // A watched key changed type, or Redis is away: wake everyone; their pulls report
        // the cause (NOT_A_STREAM, BACKEND_UNAVAILABLE) or wait again.
        this.resolveAll('woken');
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      this.blocked = false;
      for (const [stream, lastId, count] of grown(reply)) {
        const watch = this.streams.get(stream);
        if (!watch) continue;
        if (before(watch.lastId, lastId)) watch.lastId = lastId;
        for (const g of watch.groups.values()) {
          for (let i = 0; i < count; i++) g.waiters.head?.resolve('woken');
        }
      }
    }
  }

  /** Ends every wait (copies first: resolving a waiter may drop its group and stream). */
  private resolveAll(reason: WakeReason): void {
    for (const watch of [...this.streams.values()]) {
      for (const g of [...watch.groups.values()]) {
        while (g.waiters.head) g.waiters.head.resolve(reason);
      }
    }
  }
}

/** Streams that grew in an XREAD reply: name, ID of the last entry read, entries read. */
function grown(reply: unknown): Array<[string, string, number]> {
  if (!Array.isArray(reply)) return [];
  const out: Array<[string, string, number]> = [];
  for (const item of reply) {
    if (!Array.isArray(item)) continue;
    const [name, entries] = item as [unknown, unknown];
    if (!Array.isArray(entries) || entries.length === 0) continue;
    const last = entries[entries.length - 1] as [unknown, unknown];
    out.push([String(name), String(last[0]), entries.length]);
  }
  return out;
}

/** a < b as stream IDs ('0-0' when unknown). */
function before(a: string, b: string): boolean {
  const x = parseId(a);
  const y = parseId(b);
  return x !== null && y !== null && compareIds(x, y) < 0;
}

/** The watcher: shards of one blocking connection each; a stream always uses the same shard. */
export class StreamWatcher {
  private readonly shards: WatcherShard[];
  private waiting = 0;

  constructor(base: Redis, command: Redis, options: WatcherOptions) {
    const opts: ShardOptions = { blockMs: 5000, commandTimeoutMs: 5000, ...options };
    this.shards = Array.from(
      { length: Math.max(1, options.connections) },
      () => new WatcherShard(base, command, opts, (d) => (this.waiting += d)),
    );
  }

  private shard(stream: string): WatcherShard {
    return this.shards[keySlot(stream) % this.shards.length] as WatcherShard;
  }

  wait(req: WaitRequest, signal?: Cancellation): Promise<WakeReason> {
    return this.shard(req.stream).wait(req, signal);
  }

  wakeMore(stream: string, group: string, n = 1): void {
    this.shard(stream).wakeMore(stream, group, n);
  }

  /** What the watcher holds now: all zero once nobody waits (connections stay open). */
  stats(): WatchStats {
    let streams = 0;
    let groups = 0;
    for (const s of this.shards) {
      streams += s.watched.streams;
      groups += s.watched.groups;
    }
    return { waiting: this.waiting, streams, groups, connections: this.shards.filter((s) => s.connected).length };
  }

  close(): void {
    for (const s of this.shards) s.close();
  }
}
