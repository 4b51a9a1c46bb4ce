import { Counter, Gauge, type Registry } from 'prom-client';
import type { Backend } from '../redis/backend.js';
import type { GroupStats, StreamStats } from '../redis/scripts.js';
import { GatewayError, messageOf } from '../contract/errors.js';
import type { Fence } from './access/fence.js';
import type { GroupMetricsConfig } from './config.js';
import { type PolicyStore, readStoredPolicy } from './policy.js';
import type { ReaperLogger } from './reaper.js';

/**
 * Per-group metrics, read from Redis when /metrics is scraped (prom-client collect
 * callbacks), only for the streams STREAMGATE_METRICS_STREAMS names, at most
 * STREAMGATE_METRICS_MAX_GROUPS groups per scrape:
 *   - the streams: a pattern without glob characters is the stream's name (no SCAN); the
 *     others are listed by SCAN MATCH … TYPE stream over every master, then kept inside the
 *     fence, sorted by name (so the same groups are shown scrape after scrape when capped);
 *   - one groupStats-2 script per stream (in its slot), STREAM_READS at a time, in name
 *     order, until the cap is reached: what is past it is not read at all;
 *   - one XLEN per distinct dead-letter stream of the groups shown.
 * Every gauge of a scrape shares one read (prom-client asks them all in the same tick), and
 * concurrent scrapes share it too. A Redis failure is logged and counted: /metrics still
 * answers, without the per-group series.
 */

/** groupStats-2 scripts in flight at once during a scrape. */
const STREAM_READS = 16;
/** SCAN COUNT of the listing. */
const SCAN_COUNT = 1000;
/** Stream names a listing keeps at most, as a multiple of the group cap (streams without groups included). */
const NAMES_PER_GROUP = 10;
const GLOB = /[*?[\\]/;

/** One group as a scrape shows it: what groupStats-2 read, with its stream's figures. */
export interface GroupSample extends Omit<GroupStats, 'policy'> {
  readonly stream: string;
  /** null: the dead-letter stream is outside the fence, or could not be read. */
  readonly deadLetterLength: number | null;
  readonly streamLength: number;
}

export interface GroupScrape {
  readonly groups: GroupSample[];
  /** The cap stopped the read: some groups (or streams not read) are not shown. */
  readonly capped: boolean;
  readonly seconds: number;
}

export class GroupMetrics {
  private inflight: Promise<GroupScrape> | null = null;
  private wasCapped = false;
  /** Reads that failed (Redis away): the scrape answered without the per-group series. */
  failedReads = 0;

  constructor(
    private readonly backend: Backend,
    private readonly fence: Fence,
    private readonly policies: PolicyStore,
    private readonly config: GroupMetricsConfig,
    private readonly logger: ReaperLogger,
  ) {}

  /** One read for every caller until it settles. */
  scrape(): Promise<GroupScrape> {
    return (this.inflight ??= this.read().finally(() => (this.inflight = null)));
  }

  private async read(): Promise<GroupScrape> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const { names, truncated } = await this.streams();
      const { groups, capped } = await this.describe(names);
      const all = truncated || capped;
      if (all && !this.wasCapped) {
        this.logger.warn(
          { maxGroups: this.config.maxGroups, shown: groups.length },
          'per-group metrics capped at STREAMGATE_METRICS_MAX_GROUPS: some groups are not shown (streamgate_metrics_groups_capped is 1)',
        );
      }
      this.wasCapped = all;
      return { groups, capped: all, seconds: seconds() };
    } catch (err) {
      this.failedReads++;
      this.logger.warn({ detail: messageOf(err) }, 'per-group metrics not read from Redis for this scrape');
      return { groups: [], capped: false, seconds: seconds() };
    }
  }

  /** The streams to describe, inside the fence, sorted; `truncated` when the listing stopped at its bound. */
  private async streams(): Promise<{ names: string[]; truncated: boolean }> {
    const found = new Set<string>();
    const bound = this.config.maxGroups * NAMES_PER_GROUP;
    let truncated = false;
    const { commands } = this.backend;
    for (const pattern of this.config.streams) {
      if (!GLOB.test(pattern)) {
        found.add(pattern);
        continue;
      }
      let step = commands.scanCursor('0');
      for (;;) {
        const page = await commands.scanStreams(step, pattern, SCAN_COUNT);
        for (const k of page.keys) found.add(k);
        if (page.cursor === '0') break;
        if (found.size >= bound) {
          truncated = true;
          break;
        }
        step = commands.scanCursor(page.cursor);
      }
    }
    const names = [...found].filter((n) => this.fence.allows(n)).sort();
    if (names.length > bound) {
      names.length = bound;
      truncated = true;
    }
    return { names, truncated };
  }

  private async describe(names: readonly string[]): Promise<{ groups: GroupSample[]; capped: boolean }> {
    const { maxGroups, staleConsumerMs } = this.config;
    const groups: GroupSample[] = [];
    const dlqOf: string[] = [];
    let capped = false;
    let i = 0;
    for (; i < names.length && groups.length < maxGroups; i += STREAM_READS) {
      const chunk = names.slice(i, i + STREAM_READS);
      const stats = await Promise.all(chunk.map((s) => this.backend.scripts.groupStats(s, staleConsumerMs, maxGroups).catch(skipStream)));
      for (let j = 0; j < chunk.length; j++) {
        const st: StreamStats | null = stats[j] ?? null;
        if (st === null) continue;
        const stream = chunk[j]!;
        if (st.groupCount > st.groups.length) capped = true;
        for (const g of st.groups) {
          if (groups.length >= maxGroups) {
            capped = true;
            break;
          }
          const fallback = this.policies.defaults(stream);
          dlqOf.push(g.policy === null ? fallback.deadLetterStream : readStoredPolicy(g.policy, fallback).policy.deadLetterStream);
          groups.push({
            stream,
            group: g.group,
            lag: g.lag,
            pending: g.pending,
            oldestIdleMs: g.oldestIdleMs,
            consumers: g.consumers,
            staleConsumers: g.staleConsumers,
            deadLetterLength: null,
            streamLength: st.length,
          });
        }
      }
    }
    if (i < names.length) capped = true;
    const lengths = await this.lengths(dlqOf);
    return { groups: groups.map((g, k) => ({ ...g, deadLetterLength: lengths.get(dlqOf[k]!) ?? null })), capped };
  }

  /** XLEN of each distinct dead-letter stream inside the fence. */
  private async lengths(streams: readonly string[]): Promise<Map<string, number>> {
    const distinct = [...new Set(streams)].filter((s) => this.fence.allows(s));
    const out = new Map<string, number>();
    for (let i = 0; i < distinct.length; i += STREAM_READS) {
      const chunk = distinct.slice(i, i + STREAM_READS);
      const got = await Promise.all(chunk.map((s) => this.backend.commands.length(s).catch(skipStream)));
      chunk.forEach((s, j) => {
        const n = got[j];
        if (n !== null && n !== undefined) out.set(s, n);
      });
    }
    return out;
  }
}

/**
 * A stream that cannot be read (deleted meanwhile, another type...) is left out; Redis
 * unavailable ends the whole read at once, so a stalled Redis costs a scrape one command
 * timeout, not one per chunk of streams.
 */
function skipStream(err: unknown): null {
  if (err instanceof GatewayError && err.code === 'BACKEND_UNAVAILABLE') throw err;
  return null;
}

type Pick = (g: GroupSample) => number | null;

/** The per-group gauges and the scrape's own figures, on `registry`. */
export function registerGroupMetrics(registry: Registry, source: GroupMetrics): void {
  const labelNames = ['stream', 'group'] as const;
  const gauge = (name: string, help: string, pick: Pick) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const { groups } = await source.scrape();
        this.reset();
        for (const g of groups) {
          const v = pick(g);
          if (v !== null) this.set({ stream: g.stream, group: g.group }, v);
        }
      },
    });
  gauge('streamgate_group_lag', 'Entries of the stream not yet delivered to the group (XINFO GROUPS lag); absent while Redis cannot tell.', (g) => g.lag);
  gauge('streamgate_group_pending', 'Entries delivered to the group and not acknowledged (its pending entries list).', (g) => g.pending);
  gauge(
    'streamgate_group_oldest_pending_idle_seconds',
    'Idle time of the group\'s oldest pending entry (lowest ID), since its last delivery; 0 when nothing is pending.',
    (g) => (g.oldestIdleMs ?? 0) / 1000,
  );
  gauge('streamgate_group_consumers', 'Consumers of the group.', (g) => g.consumers);
  gauge(
    'streamgate_group_stale_consumers',
    'Consumers idle longer than STREAMGATE_METRICS_STALE_CONSUMER_MS while holding pending entries (probably dead).',
    (g) => g.staleConsumers,
  );
  gauge('streamgate_group_dead_letter_length', 'Length of the group\'s dead-letter stream (shared by the groups that share it).', (g) => g.deadLetterLength);
  new Gauge({
    name: 'streamgate_stream_length',
    help: 'Entries in the stream (XLEN), for the streams whose groups are shown.',
    labelNames: ['stream'],
    registers: [registry],
    async collect() {
      const { groups } = await source.scrape();
      this.reset();
      for (const g of groups) this.set({ stream: g.stream }, g.streamLength);
    },
  });
  let counted = 0;
  new Counter({
    name: 'streamgate_metrics_group_read_errors_total',
    help: 'Scrapes whose per-group metrics could not be read from Redis (served without them).',
    registers: [registry],
    // After this scrape's read, so a failure shows in the scrape it failed.
    async collect() {
      await source.scrape();
      if (source.failedReads > counted) this.inc(source.failedReads - counted);
      counted = source.failedReads;
    },
  });
  new Gauge({
    name: 'streamgate_metrics_groups',
    help: 'Groups described by the per-group metrics of this scrape.',
    registers: [registry],
    async collect() {
      this.set((await source.scrape()).groups.length);
    },
  });
  new Gauge({
    name: 'streamgate_metrics_groups_capped',
    help: '1 when STREAMGATE_METRICS_MAX_GROUPS stopped this scrape\'s per-group metrics (some groups are not shown), else 0.',
    registers: [registry],
    async collect() {
      this.set((await source.scrape()).capped ? 1 : 0);
    },
  });
  new Gauge({
    name: 'streamgate_metrics_groups_read_seconds',
    help: 'Time this scrape took to read the per-group metrics from Redis.',
    registers: [registry],
    async collect() {
      this.set((await source.scrape()).seconds);
    },
  });
}

