import { Cancel } from '../contract/cancel.js';
import { defaultOptions } from '../contract/defaults.js';
import type { Limits } from '../contract/limits.js';
import type { ConsumeService } from './consume.js';
import type { DeadLetterService } from './dead-letters.js';
import { GatewayError, invalid } from '../contract/errors.js';
import { messageBytes } from '../contract/packed-message.js';
import type { Message, PerIdResult } from '../contract/types.js';
import type { AckOperation, AckOutcomes, OpenSessions, PullSessionOptions, PullSessionSink } from './pull-sessions.js';

export type { AckOperation, AckOutcomes, PullSessionOptions, PullSessionSink } from './pull-sessions.js';

/**
 * A long-lived pull (gRPC StreamingPull), independent of the transport.
 *
 * Flow control: the session never has more unacked messages outstanding than the client
 * allowed, and reads nothing while they hold the byte allowance; it reads from Redis only
 * as much as that credit, never ahead, so a lease starts when a message is handed out
 * (prefetching would start lease clocks for messages nobody is working on yet).
 *
 * Leases: while open, it restarts the leases of outstanding messages before they expire,
 * with jitter so that many sessions do not renew in lockstep, until `maxLeaseExtensionMs`
 * after delivery; then it stops (the message expires as usual and its credit is freed, as
 * Pub/Sub's clients do). A renewal that finds a lease lost frees the credit too.
 *
 * Closing releases the consumer's unacked messages of this session at once (nack, delay 0)
 * so another consumer gets them promptly, and clears every timer.
 *
 * Losing the Redis connection ends the session with BACKEND_UNAVAILABLE (the client opens
 * a new stream), even while it reads nothing: its leases cannot be renewed meanwhile, and
 * a session that waited silently would look alive to a client that should reconnect.
 */

const PULL_SESSION_DEFAULTS = defaultOptions.streamingPull;

interface Outstanding {
  readonly bytes: number;
  readonly deliveredAt: number;
  leasedAt: number;
}

/** Renew a lease once half of it has passed; look every quarter lease (±20% jitter). */
const RENEW_AFTER = 0.5;
const TICK = 0.25;
const JITTER = 0.2;
const MIN_TICK_MS = 10;
/** One read waits at most this long for messages before it looks again. */
const READ_WAIT_MS = 30_000;
/**
 * Most messages one read takes: half the credit, between READ_BATCH_MIN and READ_BATCH_MAX.
 * With the whole credit in one batch, delivery is stop-and-wait (read all, wait for all
 * acks); with two batches, the client's acks of one overlap the reading of the next. Larger
 * batches spread each read's fixed cost (a script call, a write to Redis, a response) over
 * more messages: at a credit of 1000, batches of 500 instead of 100 cost about a third less
 * gateway CPU per message and deliver about 1.5x as fast (bench/README.md, consume).
 */
const READ_BATCH_MIN = 100;
const READ_BATCH_MAX = 500;
const MAX_READS_IN_FLIGHT = 2;
/** Where `serially` starts: one settled promise for every session. */
const SETTLED: Promise<unknown> = Promise.resolve();
const LOST_MESSAGE =
  'the connection to Redis was lost: this stream ends, open a new one; messages not acked are redelivered when their lease expires';

export class PullSession {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  private readonly maxMessages: number;
  private readonly maxBytes: number;
  private readonly maxExtensionMs: number;
  private readonly readBatch: number;

  /** Made when the first message is delivered (none while a session only waits). */
  private outstanding: Map<string, Outstanding> | null = null;
  private readonly epoch = Date.now();
  private bytes = 0;
  private leaseMs = 0;
  private paused = false;
  private closed = false;
  /** Ends a read waiting for messages (a Cancel, not an AbortController: no EventTarget per session). */
  private readonly stop = new Cancel();
  private renewTimer: NodeJS.Timeout | null = null;
  private renewing = false;
  private control: Promise<unknown> = SETTLED;
  private started = false;
  private finished = false;
  /** close() waiting for the reads in flight to end (made only then). */
  private onFinished: (() => void) | null = null;
  private reading = 0;
  private reserved = 0;
  private caughtUp = false;
  private failure: unknown = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly consume: ConsumeService,
    private readonly deadLetters: DeadLetterService,
    private readonly limits: Limits,
    options: PullSessionOptions,
    private readonly sink: PullSessionSink,
    /** Where it is registered while it runs, to hear of a lost Redis connection (connectionLost). */
    private readonly open?: OpenSessions,
    /** Gives back the session's waiting-pull slot (Admission.wait), once it has ended. */
    private readonly releaseSlot?: () => void,
  ) {
    this.stream = options.stream;
    this.group = options.group;
    this.consumer = options.consumer;
    this.maxMessages = positiveOr(options.maxOutstandingMessages, PULL_SESSION_DEFAULTS.maxOutstandingMessages, 'maxOutstandingMessages');
    this.maxBytes = positiveOr(options.maxOutstandingBytes, PULL_SESSION_DEFAULTS.maxOutstandingBytes, 'maxOutstandingBytes');
    this.maxExtensionMs = positiveOr(options.maxLeaseExtensionMs, PULL_SESSION_DEFAULTS.maxLeaseExtensionMs, 'maxLeaseExtensionMs');
    this.readBatch = Math.min(READ_BATCH_MAX, Math.max(READ_BATCH_MIN, Math.floor(this.maxMessages / 2)));
  }

  /**
   * Delivers until `close()`; then, or when an error ends it (e.g. GROUP_NOT_FOUND), tells
   * the sink (`ended`). No promise or async frame is held while the session waits: its
   * reads are driven from their callbacks (10,000 waiting calls each hold a session).
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (!this.closed) this.open?.add(this);
    this.pump();
  }

  /** The Redis connection was lost: the session ends with BACKEND_UNAVAILABLE. */
  connectionLost(): void {
    this.fail(new GatewayError('BACKEND_UNAVAILABLE', LOST_MESSAGE));
  }

  /** Ends the session's delivery: the sink hears `err` (ended) once the reads in flight are done. */
  private fail(err: unknown): void {
    if (this.closed || this.failure !== null) return;
    this.failure = err;
    // A read waiting for messages stops waiting (and leases nothing).
    this.stop.abort();
    this.pump();
  }

  get outstandingCount(): number {
    return this.outstanding?.size ?? 0;
  }

  /** The transport's buffer emptied: deliveries may go on. */
  drained(): void {
    this.paused = false;
    this.pump();
  }

  /** Acks the consumer's own messages only: one whose lease was lost (redelivered elsewhere) is not pending. */
  ack(ids: readonly string[]): Promise<AckOutcomes> {
    return this.serially(
      ids,
      'ack',
      (chunk) => this.consume.ackOwn(this.stream, this.group, this.consumer, chunk),
      () => true,
    );
  }

  nack(ids: readonly string[], delayMs: number): Promise<AckOutcomes> {
    return this.serially(
      ids,
      'nack',
      (chunk) => this.consume.nack(this.stream, this.group, this.consumer, chunk, delayMs),
      () => true,
    );
  }

  /**
   * Terminates the consumer's own messages (dead-letter now, with `reason` as x-reason when
   * not ''): one whose lease was lost is not pending, left to its new holder.
   */
  term(ids: readonly string[], reason: string): Promise<AckOutcomes> {
    return this.serially(
      ids,
      'term',
      (chunk) => this.deadLetters.term(this.stream, this.group, chunk, { consumer: this.consumer, reason }),
      () => true,
    );
  }

  extend(ids: readonly string[]): Promise<AckOutcomes> {
    const t0 = this.clock();
    return this.serially(
      ids,
      'extend',
      (chunk) => this.consume.extend(this.stream, this.group, this.consumer, chunk),
      (id, ok) => {
        const o = this.outstanding?.get(id);
        if (ok && o) o.leasedAt = t0;
        return !ok; // a lost lease frees the credit; an extended one keeps it
      },
    );
  }

  /** Ends the session: stops reading, clears timers, releases unacked messages. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.open?.delete(this);
    this.stop.abort();
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.pump();
    // The reads in flight first (they may lease messages, released below).
    if (this.started && !this.finished) await new Promise<void>((resolve) => (this.onFinished = resolve));
    await this.control.catch(() => undefined);
    const ids = this.outstanding ? [...this.outstanding.keys()] : [];
    this.outstanding = null;
    this.bytes = 0;
    try {
      if (ids.length > 0 && this.leaseMs > 0) await this.consume.release(this.stream, this.group, this.consumer, ids);
    } finally {
      this.releaseSlot?.();
    }
  }

  /** Messages the next read may take: the credit not held by outstanding messages or reads in flight. */
  private credit(): number {
    if (this.bytes >= this.maxBytes) return 0;
    const free = this.maxMessages - (this.outstanding?.size ?? 0) - this.reserved;
    return Math.min(this.readBatch, this.limits.maxCount, Math.max(0, free));
  }

  /** Starts the reads the credit allows; once closed or failed and no read is left, ends. */
  private pump(): void {
    if (!this.started || this.finished) return;
    const waitMs = Math.min(READ_WAIT_MS, this.limits.maxWaitMs);
    while (!this.closed && this.failure === null) {
      const credit = this.credit();
      // Two reads in flight while messages keep coming; one once a read came back short.
      const limit = this.caughtUp ? 1 : MAX_READS_IN_FLIGHT;
      if (credit === 0 || this.paused || this.reading >= limit) return;
      this.reading++;
      this.reserved += credit;
      // Only a lone read waits for new messages; a second one takes what is there now.
      this.read(credit, this.reading === 1 ? waitMs : 0);
    }
    // close() releases the outstanding messages once the reads in flight are done.
    if (this.reading > 0) return;
    this.finished = true;
    const done = this.onFinished;
    this.onFinished = null;
    done?.();
    const err = this.failure;
    queueMicrotask(() => this.sink.ended(err === null ? undefined : err));
  }

  private read(count: number, waitMs: number): void {
    let reply: ReturnType<ConsumeService['pullLeased']>;
    try {
      reply = this.consume.pullLeased(
        this.stream,
        this.group,
        { consumer: this.consumer, count, waitMs, from: '>', noAck: false, packed: true },
        this.stop,
      );
    } catch (err) {
      reply = Promise.reject(err);
    }
    reply.then(
      (r) => this.landed(count, r.messages, r.leaseMs),
      (err: unknown) => this.readEnded(count, err),
    );
  }

  private landed(count: number, messages: Message[], leaseMs: number): void {
    try {
      // A read cut short by close() never asked Redis and reports lease 0: adopting it would
      // make close() skip the release, leaving the unacked messages leased until they expire.
      if (messages.length > 0 || !this.closed) this.setLease(leaseMs);
      this.caughtUp = messages.length < count;
      if (messages.length > 0) {
        // Tracked even when closing meanwhile: close() waits for the reads, then releases them.
        const now = this.clock();
        const outstanding = (this.outstanding ??= new Map());
        let total = 0;
        for (const m of messages) {
          const bytes = messageBytes(m);
          outstanding.set(m.id, { bytes, deliveredAt: now, leasedAt: now });
          total += bytes;
        }
        this.bytes += total;
        if (!this.closed && !this.sink.deliver(messages, total)) this.paused = true;
      }
    } catch (err) {
      this.readEnded(count, err);
      return;
    }
    this.readEnded(count, null);
  }

  private readEnded(count: number, err: unknown): void {
    if (err !== null) this.failure ??= err;
    this.reading--;
    this.reserved -= count;
    this.pump();
  }

  /** Ms since the session opened: a small integer (smi) for its first 12 days. */
  private clock(): number {
    const t = Date.now() - this.epoch;
    return t < 0x40000000 ? t | 0 : t;
  }

  private forget(id: string): void {
    const o = this.outstanding?.get(id);
    if (!o) return;
    this.outstanding!.delete(id);
    this.bytes -= o.bytes;
  }

  /**
   * Runs ack/nack/extend/term calls one after another (so results come back in request order),
   * in chunks the core accepts, and frees the credit of IDs `frees` says are done.
   */
  private serially(
    ids: readonly string[],
    operation: AckOperation,
    call: (chunk: readonly string[]) => Promise<PerIdResult>,
    frees: (id: string, ok: boolean) => boolean,
  ): Promise<AckOutcomes> {
    const work = this.control.then(async () => {
      let notOk: Uint8Array | null = null;
      const size = this.limits.maxBatch;
      for (let i = 0; i < ids.length; i += size) {
        const chunk = ids.length <= size ? ids : ids.slice(i, i + size);
        const r = await call(chunk);
        // Usually every ID was pending: no set to build then.
        const notPending = r.notPending.length === 0 ? null : new Set(r.notPending);
        for (let j = 0; j < chunk.length; j++) {
          const id = chunk[j]!;
          const ok = notPending === null || !notPending.has(id);
          if (!ok) (notOk ??= new Uint8Array(ids.length))[i + j] = 1;
          if (frees(id, ok)) this.forget(id);
        }
      }
      this.pump();
      return { operation, ids, notOk };
    });
    this.control = work.catch(() => undefined);
    return work;
  }

  private setLease(leaseMs: number): void {
    if (leaseMs === this.leaseMs) return;
    this.leaseMs = leaseMs;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.scheduleRenewal();
  }

  private scheduleRenewal(): void {
    if (this.closed || this.leaseMs === 0 || this.renewTimer) return;
    const delay = Math.max(MIN_TICK_MS, this.leaseMs * TICK * (1 - JITTER + 2 * JITTER * Math.random()));
    this.renewTimer = setTimeout(() => {
      this.renewTimer = null;
      void this.renew().finally(() => this.scheduleRenewal());
    }, delay);
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.closed) return;
    this.renewing = true;
    try {
      const now = this.clock();
      const due: string[] = [];
      let dropped = false;
      for (const [id, o] of this.outstanding ?? []) {
        if (now - o.deliveredAt >= this.maxExtensionMs) {
          // Held past max_lease_extension_ms: let the lease run out and free the credit.
          this.forget(id);
          dropped = true;
        } else if (now - o.leasedAt >= this.leaseMs * RENEW_AFTER) due.push(id);
      }
      if (dropped) this.pump();
      if (due.length > 0) await this.extend(due);
    } catch {
      // A failed renewal is retried at the next tick; a lease that runs out meanwhile is
      // redelivered elsewhere, and the client's ack then reports NOT_PENDING.
    } finally {
      this.renewing = false;
    }
  }
}

function positiveOr(value: number, fallback: number, path: string): number {
  if (!Number.isInteger(value) || value < 0) throw invalid(`${path} must be a non-negative integer`, path);
  return value === 0 ? fallback : value;
}
