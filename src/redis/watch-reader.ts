import type { Redis } from 'ioredis';
import { keySlot } from './keys.js';
import { isReplyError } from './unavailable.js';
import type { WatchNodes } from './watch-nodes.js';

/**
 * One blocking connection of the watcher, to one node (watcher.ts): a loop of `XREAD BLOCK`
 * over the streams it is given, each from the last ID seen of it.
 *
 * On one Redis node a read covers all its streams. On a cluster a command may name keys of
 * one hash slot only (CROSSSLOT otherwise, even on the same master), so the streams are
 * read slot by slot: a reader holding streams of one slot blocks on them as on one node;
 * one holding several slots sends one XREAD per slot in a single pipeline, the last of them
 * blocking for at most `pollMs` (a wake-up then comes within `pollMs`).
 *
 * A read answered MOVED, ASK, TRYAGAIN or CLUSTERDOWN (the slot moved or is moving, the
 * cluster is down) wakes nobody: the host refreshes the slot map and moves the streams to
 * the reader of their new master, which reads from each stream's last seen ID, so an
 * entry added meanwhile still wakes its waiters. A lost connection (on a cluster: after
 * the same refresh, for the streams still served by that master), or another error reply
 * (a key that is not a stream), wakes the waiters of the streams concerned: their pulls
 * report the cause, or wait again.
 */

/** What a reader asks of the watcher. */
export interface ReaderHost {
  /** The stream's last seen ID, undefined once nobody waits on it. */
  lastId(stream: string): string | undefined;
  /** The stream grew by `count` entries, the last `lastId`. */
  grown(stream: string, lastId: string, count: number): void;
  /** Wakes every waiter of these streams (their pulls report the cause, or wait again). */
  wake(streams: readonly string[]): void;
  /** Refreshes the slot map and moves to their new reader those of `streams` whose master changed. */
  regroup(reader: WatchReader, streams: readonly string[]): Promise<void>;
}

export interface ReaderOptions {
  readonly blockMs: number;
  readonly commandTimeoutMs: number;
  /** Longest a reader holding streams of several slots blocks per round (a cluster only). */
  readonly pollMs: number;
}

/** Most entries one watcher read takes per stream: each wakes one waiter per group. */
const READ_COUNT = 16;
/** Pause after a failed read (also bounds how often a lost node is tried again). */
const RETRY_MS = 100;
/** Replies saying the slot is elsewhere now, moving, or not served (Redis Cluster). */
const REDIRECT = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;

const isRedirect = (err: unknown): boolean => isReplyError(err) && REDIRECT.test((err as Error).message);

export class WatchReader {
  /** Streams this reader reads (a stream leaves at the next round once nobody waits on it). */
  readonly streams = new Set<string>();
  private conn: Redis | null = null;
  private connId: number | null = null;
  private running = false;
  private blocked = false;
  private closed = false;

  constructor(
    private readonly nodes: WatchNodes,
    readonly node: string,
    private readonly options: ReaderOptions,
    private readonly host: ReaderHost,
  ) {}

  get connected(): boolean {
    return this.conn !== null;
  }

  /** Reads `stream` from now on; a read already blocked is interrupted so the next includes it. */
  add(stream: string): void {
    if (this.closed) return;
    if (!this.streams.has(stream)) {
      this.streams.add(stream);
      this.interrupt();
    }
    this.ensureLoop();
  }

  /** A stream's last seen ID went back (watcher.ts, checkTop): a blocked read starts again from it. */
  restart(): void {
    this.interrupt();
  }

  delete(stream: string): void {
    // The stream leaves the XREAD at the next round; no need to interrupt for that.
    this.streams.delete(stream);
  }

  close(): void {
    this.closed = true;
    this.conn?.disconnect();
    this.conn = null;
  }

  private interrupt(): void {
    if (!this.blocked || this.connId === null) return;
    void this.nodes.unblock(this.node, this.connId).catch(() => undefined);
  }

  private ensureLoop(): void {
    if (this.running || this.closed) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      if (!this.closed && this.streams.size > 0) this.ensureLoop();
    });
  }

  private connection(): Redis {
    if (this.conn) return this.conn;
    const conn = this.nodes.connect(this.node, {
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

  /** The streams still watched, with their last seen IDs, in one batch per slot when slot-bound. */
  private batches(): Array<{ keys: string[]; ids: string[] }> {
    const bySlot = new Map<number, { keys: string[]; ids: string[] }>();
    for (const key of this.streams) {
      const id = this.host.lastId(key);
      if (id === undefined) {
        this.streams.delete(key);
        continue;
      }
      const slot = this.nodes.slotBound ? keySlot(key) : 0;
      let batch = bySlot.get(slot);
      if (!batch) bySlot.set(slot, (batch = { keys: [], ids: [] }));
      batch.keys.push(key);
      batch.ids.push(id);
    }
    return [...bySlot.values()];
  }

  private async loop(): Promise<void> {
    while (!this.closed && this.streams.size > 0) {
      let conn: Redis | null = null;
      let results: Array<[string[], unknown]>;
      try {
        conn = this.connection();
        if (this.connId === null) this.connId = Number(await conn.call('CLIENT', 'ID'));
        // The watched set is read after the last wait before the read: a stream that joined
        // while CLIENT ID was on its way was not interrupted (nothing was blocked yet), so
        // this read must include it, or its waiters would sleep through a whole block.
        const batches = this.batches();
        if (batches.length === 0) continue;
        this.blocked = true;
        results = await this.read(conn, batches);
      } catch (err) {
        this.blocked = false;
        if (this.closed) return;
        await this.failed(conn, err, [...this.streams]);
        continue;
      }
      this.blocked = false;
      const moved: string[] = [];
      const broken: string[] = [];
      for (const [keys, reply] of results) {
        if (reply instanceof Error) (isRedirect(reply) ? moved : broken).push(...keys);
        else for (const [stream, lastId, count] of grown(reply)) this.host.grown(stream, lastId, count);
      }
      // A key that changed type: its waiters' pulls say NOT_A_STREAM. A moved slot: its
      // streams are read again from where they were, on their new master.
      if (broken.length > 0) this.host.wake(broken);
      if (moved.length > 0) await this.host.regroup(this, moved);
      if (broken.length > 0 || moved.some((s) => this.streams.has(s))) await sleep(RETRY_MS);
    }
  }

  /** One read round: the replies per batch (an error reply as an Error), or a connection failure thrown. */
  private async read(conn: Redis, batches: Array<{ keys: string[]; ids: string[] }>): Promise<Array<[string[], unknown]>> {
    const { blockMs, pollMs } = this.options;
    if (batches.length === 1) {
      const { keys, ids } = batches[0] as { keys: string[]; ids: string[] };
      try {
        return [[keys, await conn.call('XREAD', 'COUNT', READ_COUNT, 'BLOCK', blockMs, 'STREAMS', ...keys, ...ids)]];
      } catch (err) {
        if (isReplyError(err)) return [[keys, err]];
        throw err;
      }
    }
    const pipeline = conn.pipeline();
    batches.forEach(({ keys, ids }, i) => {
      const block = i === batches.length - 1 ? ['BLOCK', pollMs] : [];
      pipeline.call('XREAD', 'COUNT', READ_COUNT, ...block, 'STREAMS', ...keys, ...ids);
    });
    const replies = (await pipeline.exec()) ?? [];
    return batches.map(({ keys }, i) => {
      const [err, reply] = replies[i] ?? [new Error('no reply'), null];
      if (err && !isReplyError(err)) throw err;
      return [keys, err ?? reply];
    });
  }

  /** The connection failed: follow the slot map, wake the waiters left, and start again after a pause. */
  private async failed(conn: Redis | null, err: unknown, streams: string[]): Promise<void> {
    if (this.nodes.slotBound) {
      // The master may be gone for good (failover): a new connection is made to whichever
      // master serves the streams next, rather than reconnecting to this one forever.
      conn?.disconnect();
      if (this.conn === conn) {
        this.conn = null;
        this.connId = null;
      }
      // Streams whose slot another master serves now (a failover done, a stale map) move
      // there without a wake-up: they are read from their last seen IDs.
      await this.host.regroup(this, streams);
    } else if (conn && !isReplyError(err) && conn.status === 'ready') {
      // A read unanswered long past its BLOCK time: the connection may be half-open
      // (no close will ever come), so replace it rather than wait on it again.
      conn.disconnect(true);
    }
    // Redis is away: wake the rest; their pulls report the cause (BACKEND_UNAVAILABLE) or wait again.
    this.host.wake(streams.filter((s) => this.streams.has(s)));
    await sleep(RETRY_MS);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
