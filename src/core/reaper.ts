import type { Fence } from './access/fence.js';
import type { Backend } from '../redis/backend.js';
import { GatewayError, messageOf } from '../contract/errors.js';
import type { CoreMetrics } from './metrics.js';
import type { ReapResult } from '../redis/scripts.js';

/**
 * Consumer reaping (group policy `reapIdleMs`): consumers idle longer than that have their
 * pending messages released for redelivery and are then deleted, so groups whose consumers
 * are pod names do not grow without end.
 *
 * Finding the groups: the policy scripts register a stream in its Cluster slot's registry
 * (keys.reapRegistry) in the same step as they store a reaping policy, and the group
 * service adds the slot to keys.reapSlots first. A tick reads the slots, their registries,
 * and for each stream its reaping groups (reapGroups-3, which also unregisters a stream
 * that no longer reaps, atomically with reading its policies).
 *
 * Reaping: the consumers listed idle past the threshold are handed to reap-2, which checks
 * each again and releases and deletes it in one atomic step. Several gateway instances may
 * reap at once: a consumer one of them reaped is simply absent for the others.
 */

/**
 * Owner of released messages until the group's next pull takes them. Its name has a space,
 * which the gateway refuses in consumer names, so no client of the gateway can be it.
 */
export const RESERVED_CONSUMER = 'streamgate released';

/** Most pending entries one reap-2 call releases: bounds the time Redis spends in it. */
const RELEASE_BUDGET = 1000;
/** Most consumers handed to one reap-2 call (it reads XINFO CONSUMERS once per call). */
const CONSUMERS_PER_CALL = 100;
/** Most reap-2 calls for one group in one tick; a consumer left partial goes on next tick. */
const CALLS_PER_GROUP = 100;

export interface ReaperLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ReaperOptions {
  /** Time between ticks (each ±20%, so instances drift apart); 0: no timer, tick() only. */
  readonly intervalMs: number;
  /** Told how many messages of a group were released, so its waiting pulls look at once. */
  readonly wake?: (stream: string, group: string, released: number) => void;
}

/** What one tick did. */
export interface ReapTotals {
  /** Streams with a reaping group looked at. */
  streams: number;
  /** Consumers deleted. */
  reaped: number;
  /** Pending messages released for redelivery. */
  released: number;
  /** Pending entries whose message was deleted from the stream, dropped as a pull would. */
  dropped: number;
  /** Streams or groups skipped after an error (logged). */
  errors: number;
}

const emptyTotals = (): ReapTotals => ({ streams: 0, reaped: 0, released: 0, dropped: 0, errors: 0 });

export class Reaper {
  private timer: NodeJS.Timeout | null = null;
  /** The last pass started or queued; passes run one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  /** A pass queued behind the running one and not started yet: later callers share it. */
  private queued: Promise<ReapTotals> | null = null;
  private stopped = false;

  constructor(
    private readonly backend: Backend,
    private readonly fence: Fence,
    private readonly metrics: CoreMetrics,
    private readonly logger: ReaperLogger,
    private readonly options: ReaperOptions,
  ) {}

  /** Starts the periodic ticks (when intervalMs > 0). The timer never keeps the process alive. */
  start(): void {
    if (this.options.intervalMs <= 0 || this.stopped || this.timer) return;
    this.schedule();
  }

  /** Stops the ticks and waits for the one under way, so nothing runs after the connection closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain.catch(() => undefined);
  }

  /**
   * One pass over every reaping group, started after this call (so it sees what the caller
   * did before). Passes never overlap: callers during a pass share the next one.
   */
  tick(): Promise<ReapTotals> {
    if (this.queued) return this.queued;
    const next = this.chain
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.pass();
      });
    this.queued = next;
    this.chain = next;
    return next;
  }

  private schedule(): void {
    const delay = Math.round(this.options.intervalMs * (0.8 + 0.4 * Math.random()));
    this.timer = setTimeout(() => {
      this.timer = null;
      // The next tick is scheduled once this one ends, so ticks never overlap.
      void this.tick()
        .catch((err: unknown) => this.logger.warn({ err: errorSummary(err) }, 'consumer reaping failed'))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, delay);
    this.timer.unref();
  }

  private async pass(): Promise<ReapTotals> {
    const totals = emptyTotals();
    if (this.stopped) return totals;
    // Only slot numbers are ever added; anything else (a hand edit) is left out.
    for (const slot of await this.backend.commands.reapSlots()) {
      if (this.stopped) break;
      for (const stream of await this.backend.commands.reapRegistry(slot)) {
        if (this.stopped) break;
        // Outside this gateway's fence: never touched (another gateway, or a wider fence of
        // this one, registered it and reaps it).
        if (!this.fence.allows(stream)) continue;
        try {
          await this.reapStream(stream, totals);
        } catch (err) {
          // Redis gone: the next tick tries again; other errors concern this stream only.
          if (err instanceof GatewayError && err.code === 'BACKEND_UNAVAILABLE') throw err;
          totals.errors++;
          this.logger.warn({ stream, err: errorSummary(err) }, 'consumer reaping skipped a stream');
        }
      }
    }
    return totals;
  }

  private async reapStream(stream: string, totals: ReapTotals): Promise<void> {
    const groups = await this.backend.scripts.reapGroups(stream);
    if (groups.length > 0) totals.streams++;
    for (const { group, leaseMs, reapIdleMs } of groups) {
      if (this.stopped) break;
      const threshold = Math.max(leaseMs, reapIdleMs);
      try {
        await this.reapGroup(stream, group, threshold, totals);
      } catch (err) {
        const code = err instanceof GatewayError ? err.code : null;
        // A group destroyed by a native client keeps its policy until the gateway deletes it.
        if (code === 'GROUP_NOT_FOUND') continue;
        // Deleted meanwhile: the next pass unregisters it.
        if (code === 'STREAM_NOT_FOUND' || code === 'NOT_A_STREAM') return;
        throw err;
      }
    }
  }

  private async reapGroup(stream: string, group: string, threshold: number, totals: ReapTotals): Promise<void> {
    let candidates: string[] = [];
    for (const c of await this.backend.commands.consumers(stream, group)) {
      // reap-2 checks again; this only spares it the consumers that are plainly active.
      if (c.name === RESERVED_CONSUMER ? c.pending === 0 : c.idleMs >= threshold) candidates.push(c.name);
    }
    const done = new Map<string, { released: number; dropped: number }>();
    for (let calls = 0; candidates.length > 0 && calls < CALLS_PER_GROUP && !this.stopped; calls++) {
      const batch = candidates.slice(0, CONSUMERS_PER_CALL);
      const { off, results } = await this.reapBatch(stream, group, batch);
      if (off) return; // the policy changed since the tick listed the group
      const partial: string[] = [];
      for (const r of results) {
        if (r.status === 'reaped' || r.status === 'partial') {
          const sum = done.get(r.consumer) ?? { released: 0, dropped: 0 };
          sum.released += r.released;
          sum.dropped += r.dropped;
          done.set(r.consumer, sum);
          totals.released += r.released;
          totals.dropped += r.dropped;
          if (r.released > 0) this.metrics.reapReleased.inc(r.released);
        }
        if (r.status === 'partial') partial.push(r.consumer);
        if (r.status === 'reaped') {
          totals.reaped++;
          this.metrics.consumersReaped.inc();
          const sum = done.get(r.consumer);
          this.logger.info(
            { stream, group, consumer: r.consumer, released: sum?.released ?? 0, dropped: sum?.dropped ?? 0, idleThresholdMs: threshold },
            'reaped idle consumer',
          );
        }
      }
      const released = results.reduce((n, r) => n + r.released, 0);
      if (released > 0) this.options.wake?.(stream, group, released);
      // Partial consumers go first in the next call, on their own budget.
      candidates = [...partial, ...candidates.slice(CONSUMERS_PER_CALL)];
    }
    for (const consumer of candidates) {
      const sum = done.get(consumer);
      if (sum) {
        this.logger.info(
          { stream, group, consumer, released: sum.released, dropped: sum.dropped },
          'idle consumer partly released; reaping goes on at the next tick',
        );
      }
    }
  }

  private reapBatch(stream: string, group: string, consumers: string[]): Promise<{ off: boolean; results: ReapResult[] }> {
    // Default lease 0: a group whose stored policy vanished meanwhile does not reap.
    return this.backend.scripts.reap(stream, group, consumers, {
      reservedConsumer: RESERVED_CONSUMER,
      defaultLeaseMs: 0,
      budget: RELEASE_BUDGET,
    });
  }
}

/** An error for a log line: its code and message only (never a Redis reply's arguments). */
function errorSummary(err: unknown): { code?: string; message: string } {
  if (err instanceof GatewayError) return { code: err.code, message: err.message };
  return { message: messageOf(err) };
}
