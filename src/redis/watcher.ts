import type { Cancellation } from '../contract/cancel.js';
import { GatewayError, type ErrorCode } from '../contract/errors.js';
import { compareIds, parseId } from '../contract/ids.js';
import { keySlot } from './keys.js';
import type { WatchNodes } from './watch-nodes.js';
import { type ReaderHost, WatchReader } from './watch-reader.js';
import { WaitEntry, WaiterQueue, timedOut } from './waiter-queue.js';

/**
 * Waiting pulls share a bounded set of Redis connections, whatever their number.
 *
 * A blocking XREADGROUP would hold a connection per waiting client (10,000 long polls:
 * 10,000 connections). Instead a few watcher connections per master (watch-reader.ts)
 * issue `XREAD BLOCK` over every stream that has waiters, from the last ID seen of each:
 * streams are grouped by the master serving their slot (watch-nodes.ts; one group on a
 * single node) and spread by slot over at most `connections` readers of that master.
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
 * A stream joining the watched set interrupts its reader's blocked read (CLIENT UNBLOCK
 * sent to that master), so the next read includes it. A slot that moves takes its streams
 * to the readers of its new master, from their last seen IDs (watch-reader.ts).
 */

export type WakeReason = 'woken' | 'timeout' | 'aborted' | 'closed';

export interface WatchStats {
  /** Pulls waiting now. */
  readonly waiting: number;
  /** Streams in the watched set. */
  readonly streams: number;
  /** Groups with waiters. */
  readonly groups: number;
  /** Blocking connections open (at most STREAMGATE_WATCH_CONNECTIONS per master). */
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
  /** Blocking connections per master (streams are spread over them by hash slot). */
  readonly connections: number;
  /** Longest a lease expiry goes unnoticed while waiters wait. */
  readonly reclaimPollMs: number;
  /**
   * Whether the group has an expired lease (scripts.leaseProbe: bounded, whatever the
   * pending list's size). Without it leases are not probed (waits then end by a new entry
   * or their timeout).
   */
  readonly hasExpired?: (stream: string, group: string, leaseMs: number) => Promise<boolean>;
  /**
   * Fails with GROUP_NOT_FOUND, STREAM_NOT_FOUND or NOT_A_STREAM when the group is gone
   * (Backend.assertGroup): the probe of a waiting group without leases. Without it such a
   * group is not probed (its waits then end by timeout when it goes away).
   */
  readonly assertGroup?: (stream: string, group: string) => Promise<void>;
  /**
   * ID of the stream's last entry ('0-0' when empty; Backend.streamTop), read by each probe
   * alongside its own call: a top the readers did not report wakes the group, a top below
   * the last seen ID (entries lost by a failover, a stream recreated) is read from again.
   * Without it the probes do not look (a wake-up the readers miss waits for the timeout).
   */
  readonly streamTop?: (stream: string) => Promise<string>;
  /** Longest one XREAD blocks before it starts again (also bounds recovery after errors). */
  readonly blockMs?: number;
  /** Beyond blockMs, how long a read may go unanswered before its connection is replaced. */
  readonly commandTimeoutMs?: number;
  /** On a cluster, longest a reader holding streams of several slots blocks per round (watch-reader.ts). */
  readonly pollMs?: number;
}

const MIN_PROBE_MS = 50;

type FullOptions = Required<Omit<WatcherOptions, 'hasExpired' | 'assertGroup' | 'streamTop'>> & Pick<WatcherOptions, 'hasExpired' | 'assertGroup' | 'streamTop'>;

/** What a probe may find gone: the waits it concerns end with this error (Redis's NOGROUP, UNBLOCKED). */
const GONE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['GROUP_NOT_FOUND', 'STREAM_NOT_FOUND', 'NOT_A_STREAM']);
const isGone = (err: unknown): err is GatewayError => err instanceof GatewayError && GONE.has(err.code);

interface GroupWatch {
  readonly waiters: WaiterQueue;
  leaseMs: number;
  probe: NodeJS.Timeout | null;
  /**
   * The highest `afterId` of the group's waits: its pull found nothing new up to there, so
   * entries up to it wake none of its waiters.
   */
  seen: string;
}

interface StreamWatch {
  /**
   * Where the readers read the stream from: the last entry they reported (or the first
   * wait's view). Only the readers move it forward, never a later wait's view: other
   * groups may not have seen the entries in between.
   */
  lastId: string;
  readonly groups: Map<string, GroupWatch>;
}

/**
 * The watcher: waiting pulls, their wake-up order and probes. Streams are read by the
 * readers of the master serving their slot, `connections` per master, a stream always by
 * the same one while its slot stays (on a single node: one reader per shard, as many
 * shards as `connections`).
 */
export class StreamWatcher implements ReaderHost {
  private readonly options: FullOptions;
  private readonly streams = new Map<string, StreamWatch>();
  /** Each watched stream's reader now. */
  private readonly readerOf = new Map<string, WatchReader>();
  /** Readers by master key, created when a stream of that master first waits. */
  private readonly readers = new Map<string, WatchReader[]>();
  private waiting = 0;
  private closed = false;
  /** Waits registered so far (a waiter's `since`): a probe's error concerns only those before it. */
  private registered = 0;

  constructor(
    private readonly nodes: WatchNodes,
    options: WatcherOptions,
  ) {
    this.options = { blockMs: 5000, commandTimeoutMs: 5000, pollMs: 100, ...options, connections: Math.max(1, options.connections) };
  }

  /** Rejects with GROUP_NOT_FOUND, STREAM_NOT_FOUND or NOT_A_STREAM when the group goes away meanwhile. */
  wait(req: WaitRequest, signal?: Cancellation): Promise<WakeReason> {
    if (this.closed) return Promise.resolve('closed');
    if (signal?.aborted) return Promise.resolve('aborted');
    let watch = this.streams.get(req.stream);
    if (!watch) {
      watch = { lastId: req.afterId, groups: new Map() };
      this.streams.set(req.stream, watch);
    } else if (before(req.afterId, watch.lastId)) {
      // The stream already has entries after this waiter's view: look again at once.
      return Promise.resolve('woken');
    }
    // A view ahead of the readers' (entries they have not reported yet) is this group's
    // only: the readers keep reading from theirs, or another group's waiters would sleep
    // through those entries.
    let group = watch.groups.get(req.group);
    if (!group) {
      group = { waiters: new WaiterQueue(), leaseMs: req.leaseMs, probe: null, seen: req.afterId };
      watch.groups.set(req.group, group);
    } else if (before(group.seen, req.afterId)) {
      group.seen = req.afterId;
    }
    group.leaseMs = req.leaseMs;
    const g = group;

    const entry = new WaitEntry(this, req, signal, ++this.registered);
    const done = new Promise<WakeReason>((resolve, reject) => {
      entry.settle = resolve;
      entry.fail = reject;
    });
    entry.timer = setTimeout(timedOut, Math.max(1, req.timeoutMs), entry);
    if (signal) signal.addEventListener('abort', (entry.onAbort = () => entry.resolve('aborted')), { once: true });
    g.waiters.push(entry, req.front === true);
    this.waiting++;
    this.ensureProbe(req.stream, req.group, g);
    let reader = this.readerOf.get(req.stream);
    if (!reader) {
      reader = this.readerFor(req.stream);
      this.readerOf.set(req.stream, reader);
    }
    // Joining interrupts a blocked read; a reader already reading the stream only keeps going.
    reader.add(req.stream);
    return done;
  }

  /** A wait ended (woken, timed out, aborted, or its group gone). */
  waitEnded(req: WaitRequest): void {
    this.waiting--;
    this.forgetIfIdle(req.stream, req.group);
  }

  /** Wakes up to `n` more waiters of a group (a woken pull filled its count: more may wait). */
  wakeMore(stream: string, group: string, n = 1): void {
    const g = this.streams.get(stream)?.groups.get(group);
    for (let i = 0; g && i < n; i++) g.waiters.head?.resolve('woken');
  }

  /** What the watcher holds now: all zero once nobody waits (connections stay open). */
  stats(): WatchStats {
    let groups = 0;
    for (const w of this.streams.values()) groups += w.groups.size;
    let connections = 0;
    for (const list of this.readers.values()) connections += list.filter((r) => r.connected).length;
    return { waiting: this.waiting, streams: this.streams.size, groups, connections };
  }

  close(): void {
    this.closed = true;
    for (const list of this.readers.values()) for (const r of list) r.close();
    this.wake([...this.streams.keys()], 'closed');
  }

  // ReaderHost: what the readers ask and tell.

  lastId(stream: string): string | undefined {
    return this.streams.get(stream)?.lastId;
  }

  grown(stream: string, lastId: string, count: number): void {
    const watch = this.streams.get(stream);
    if (!watch) return;
    if (before(watch.lastId, lastId)) watch.lastId = lastId;
    // Copies first: resolving a waiter may drop its group and stream. A group whose pulls
    // already saw these entries (they found nothing new up to its `seen`) is not woken.
    for (const g of [...watch.groups.values()]) {
      if (!before(g.seen, lastId)) continue;
      for (let i = 0; i < count; i++) g.waiters.head?.resolve('woken');
    }
  }

  /** Ends every wait of these streams with `reason`. */
  wake(streams: readonly string[], reason: WakeReason = 'woken'): void {
    for (const stream of streams) {
      const watch = this.streams.get(stream);
      if (!watch) continue;
      for (const g of [...watch.groups.values()]) {
        while (g.waiters.head) g.waiters.head.resolve(reason);
      }
    }
  }

  async regroup(reader: WatchReader, streams: readonly string[]): Promise<void> {
    await this.nodes.refresh();
    for (const stream of streams) {
      if (this.readerOf.get(stream) !== reader || !this.streams.has(stream)) continue;
      const next = this.readerFor(stream);
      if (next === reader) continue;
      reader.delete(stream);
      this.readerOf.set(stream, next);
      next.add(stream);
    }
  }

  /** The reader of the master serving `stream` now, by slot among that master's readers. */
  private readerFor(stream: string): WatchReader {
    const node = this.nodes.nodeOf(stream);
    let list = this.readers.get(node);
    if (!list) {
      list = Array.from({ length: this.options.connections }, () => new WatchReader(this.nodes, node, this.options, this));
      this.readers.set(node, list);
    }
    return list[keySlot(stream) % list.length] as WatchReader;
  }

  private forgetIfIdle(stream: string, group: string): void {
    const watch = this.streams.get(stream);
    const g = watch?.groups.get(group);
    if (!watch || !g || g.waiters.size > 0) return;
    if (g.probe) clearTimeout(g.probe);
    watch.groups.delete(group);
    if (watch.groups.size > 0) return;
    this.streams.delete(stream);
    // The stream leaves its reader's XREAD at the next round; no need to interrupt for that.
    this.readerOf.get(stream)?.delete(stream);
    this.readerOf.delete(stream);
  }

  private ensureProbe(stream: string, group: string, g: GroupWatch): void {
    if (g.probe || this.closed) return;
    const { reclaimPollMs, assertGroup, hasExpired } = this.options;
    if (g.leaseMs > 0 ? !hasExpired && !assertGroup : !assertGroup) return;
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
    // The last ID seen when the top is asked for (sent with the probe's own call: one round trip).
    const seen = this.streams.get(stream)?.lastId;
    const top = seen === undefined ? undefined : this.options.streamTop?.(stream);
    // Its failure is the probe's (awaited below), or lost with the probe's own.
    top?.catch(() => undefined);
    try {
      const { hasExpired, assertGroup } = this.options;
      if (g.leaseMs <= 0 || !hasExpired) await assertGroup?.(stream, group);
      else if (await hasExpired(stream, group, g.leaseMs)) g.waiters.head?.resolve('woken');
      if (top !== undefined && seen !== undefined) this.checkTop(stream, g, seen, await top);
    } catch (err) {
      // Gone: the waits end with the error, as Redis ends a blocked XREADGROUP.
      if (isGone(err)) this.failGone(stream, group, err, upTo);
      // Redis is away (or a reply not classified): let the waiters' pulls say why.
      else while (g.waiters.head) g.waiters.head.resolve('woken');
    }
  }

  /**
   * The safety net under the readers: the stream's top, read by the probe, against the last
   * ID seen before it was asked. Above it: an entry no reader reported (yet, or at all: a
   * reader on a connection that stopped answering, on a node that no longer serves the
   * slot): the group's first waiter is woken, as the reader would have. Below it (and no
   * reader moved it meanwhile): the stream went back (entries lost by a failover, the stream
   * deleted and created again), and a read from the last seen ID would miss every entry
   * until the stream passes it again, so reading starts again from the top. Either way a
   * wake-up the readers miss is late by one probe interval at most, never lost.
   */
  private checkTop(stream: string, g: GroupWatch, seen: string, top: string): void {
    const watch = this.streams.get(stream);
    if (!watch) return;
    if (before(seen, top)) {
      if (before(watch.lastId, top) && before(g.seen, top)) g.waiters.head?.resolve('woken');
    } else if (before(top, seen) && watch.lastId === seen) {
      watch.lastId = top;
      this.readerOf.get(stream)?.restart();
      // The top entry may be new to every group: each first waiter looks (copies first:
      // resolving a waiter may drop its group), and every view is the top again.
      for (const other of [...watch.groups.values()]) {
        if (before(top, other.seen)) other.seen = top;
        other.waiters.head?.resolve('woken');
      }
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
}

/** a < b as stream IDs ('0-0' when unknown). */
function before(a: string, b: string): boolean {
  const x = parseId(a);
  const y = parseId(b);
  return x !== null && y !== null && compareIds(x, y) < 0;
}
