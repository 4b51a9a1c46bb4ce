import { createHash } from 'node:crypto';
import type { Fence } from './access/fence.js';
import type { CoreMetrics } from './metrics.js';
import type { Backend } from '../redis/backend.js';
import type { CoreConfig } from './config.js';
import { BackendUnavailable, invalid, messageOf } from '../contract/errors.js';
import { entryId, nextAfter, publishId, rangeBound } from '../contract/ids.js';
import { type InputPair, LimitChecks, nonNegativeInt } from '../contract/limits.js';
import type { RangeReader } from './range-reader.js';
import { type TrimInput, trimThreshold } from '../contract/messages.js';
import type { TrimArgs } from '../redis/scripts.js';
import type { Message, StreamInfo } from '../contract/types.js';
import type { Tracing } from './tracing.js';

/** Trimming as XADD/XTRIM take it: by length or by lowest ID (exactly one), exact or approximate. */
export type TrimSpec = TrimInput;

/**
 * A message to publish. A value is bytes, or text written as its UTF-8 bytes (REST keeps
 * JSON strings as they are down to the packer: no Buffer per value); text must be
 * well-formed (a lone surrogate is refused, never stored as U+FFFD).
 */
export interface PublishMessage {
  readonly id?: string;
  readonly pairs: readonly InputPair[];
}

export interface PublishInput {
  readonly messages: ReadonlyArray<PublishMessage>;
  readonly trim?: TrimSpec;
  readonly idempotencyKey?: string;
}

export interface PublishResult {
  readonly ids: string[];
  /** True when an Idempotency-Key matched an earlier publish: nothing new was written. */
  readonly replayed: boolean;
}

export interface RangeQuery {
  readonly start: string;
  readonly end: string;
  readonly count: number;
  readonly reverse: boolean;
}

/** A page of a range read. */
export interface RangePage {
  readonly messages: Message[];
  /**
   * The last ID returned when the read stopped at `count` or at STREAMGATE_MAX_RESPONSE_BYTES
   * (continue with the exclusive bound `(<next>`: `start`, or `end` when reverse); null when
   * the range has nothing more.
   */
  readonly next: string | null;
}

export interface TrimResult {
  readonly trimmed: number;
  /** Set when a plain trim removed entries still pending or not yet delivered to some group. */
  readonly warning: string | null;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Longest SCAN MATCH pattern a stream listing takes (the REST schema says the same). */
export const MATCH_MAX_LENGTH = 1024;

/** STREAMGATE_PUBLISH_WAIT_REPLICAS (more than 0) and STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS. */
interface PublishWait {
  readonly replicas: number;
  readonly timeoutMs: number;
}

export class StreamService {
  private readonly check: LimitChecks;
  /** null: a publish is answered as soon as the primary has it (the default). */
  private readonly wait: PublishWait | null;

  constructor(
    private readonly backend: Backend,
    private readonly fence: Fence,
    private readonly config: CoreConfig,
    private readonly ranges: RangeReader,
    /** null: tracing off, messages written as sent. */
    private readonly tracing: Tracing | null = null,
    /** Counts published messages (one step per publish); absent in tests that build the service alone. */
    private readonly metrics?: Pick<CoreMetrics, 'published'>,
  ) {
    this.check = new LimitChecks(config.limits);
    this.wait = config.publishWait !== undefined && config.publishWait.replicas > 0 ? config.publishWait : null;
  }

  /**
   * Not an async function: the common publish is the promise of its write itself, without
   * one more promise resolved with it (two more microtask turns per request). A refusal
   * before the write is still a rejected promise, never a throw.
   */
  publish(stream: string, input: PublishInput): Promise<PublishResult> {
    try {
      this.fence.check(stream);
      this.check.batch(input.messages, 'messages');
      const messages = input.messages.map((m, i) => {
        this.check.message(m.pairs, `messages[${i}]`);
        return { id: m.id === undefined ? '*' : publishId(m.id, `messages[${i}].id`), pairs: m.pairs };
      });
      const trim = input.trim ? trimArgs(input.trim) : null;
      const idem = input.idempotencyKey;
      if (idem !== undefined && !IDEMPOTENCY_KEY.test(idem)) {
        throw invalid('Idempotency-Key must be 1 to 255 visible ASCII characters', 'Idempotency-Key');
      }
      // The Idempotency-Key's hash is of the messages as sent (a retry carries another trace context).
      const idempotency = idem === undefined ? undefined : { key: idem, requestHash: requestHash(messages, trim) };
      // Tracing on: written inside the publish span, each message carrying its context (tracing.ts).
      return this.tracing === null
        ? this.write(stream, messages, trim, idempotency)
        : this.tracing.publish(stream, messages, (stamped) => this.write(stream, stamped, trim, idempotency));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private async write(
    stream: string,
    messages: ReadonlyArray<{ id: string; pairs: readonly InputPair[] }>,
    trim: TrimArgs | null,
    idempotency: { key: string; requestHash: string } | undefined,
  ): Promise<PublishResult> {
    // The commonest publish, one message without Idempotency-Key or trim, is one plain XADD:
    // no script, no packing. Redis refuses an ID not above the top (ERR) before writing
    // anything; that refusal is answered by the script below, word for word as before.
    const only = messages.length === 1 && trim === null && idempotency === undefined ? messages[0] : undefined;
    if (only !== undefined) {
      const id = await this.backend.commands.xadd(stream, only.id, only.pairs);
      if (id !== null) {
        const result = { ids: [id], replayed: false };
        this.metrics?.published.inc();
        // STREAMGATE_PUBLISH_WAIT_REPLICAS 0 (the default): answered at once, as before.
        return this.wait === null ? result : this.replicated(stream, result, this.wait);
      }
    }
    const written = this.backend.scripts.publish(stream, messages, { trim, idempotency, ttlSec: this.config.idempotencyTtlSec }).then((r) => {
      if (!r.replayed) this.metrics?.published.inc(r.ids.length);
      return r;
    });
    const wait = this.wait;
    return wait === null ? written : written.then((result) => this.replicated(stream, result, wait));
  }

  /**
   * `result` once WAIT confirms `wait.replicas` replicas have the publish (a replayed one
   * too: WAIT covers every write of the connection). Otherwise the publish is on the
   * primary only and a failover may lose it: BACKEND_UNAVAILABLE, outcome unknown, so the
   * client retries with its Idempotency-Key (which answers the same IDs if they survive).
   */
  private async replicated(stream: string, result: PublishResult, wait: PublishWait): Promise<PublishResult> {
    let count: number;
    try {
      count = await this.backend.commands.waitReplicas(stream, wait.replicas, wait.timeoutMs);
    } catch (err) {
      // Whatever stopped the WAIT (the connection, a demoted primary...), the write happened.
      throw notReplicated(`the replicas could not be asked (${messageOf(err)})`, err);
    }
    if (count < wait.replicas) {
      throw notReplicated(`only ${count} of ${wait.replicas} replicas confirmed it within ${wait.timeoutMs} ms`);
    }
    return result;
  }

  /**
   * Entries of a range, stopping after `count` or after the entry whose bytes reach
   * STREAMGATE_MAX_RESPONSE_BYTES (at least one entry, so a page always moves on): a huge
   * count over big entries never brings them all into the gateway (RangeReader).
   */
  async read(stream: string, q: RangeQuery): Promise<RangePage> {
    this.fence.check(stream);
    const start = rangeBound(q.start, 'start');
    const end = rangeBound(q.end, 'end');
    const count = this.check.count(q.count);
    const budget = this.config.limits.maxResponseBytes;
    const { messages, cut } = await this.ranges.read(stream, { start, end, count, reverse: q.reverse, budget });
    if (messages.length === 0) await this.backend.assertStream(stream);
    return { messages, next: nextAfter(messages.at(-1)?.id, cut || messages.length === count, q.reverse) };
  }

  async deleteMessage(stream: string, id: string): Promise<number> {
    this.fence.check(stream);
    const exact = entryId(id);
    const deleted = await this.backend.commands.deleteEntry(stream, exact);
    if (deleted === 0) await this.backend.assertStream(stream);
    return deleted;
  }

  async trim(stream: string, spec: TrimSpec & { readonly safe?: boolean }): Promise<TrimResult> {
    this.fence.check(stream);
    const t = trimArgs(spec);
    const { trimmed, cut } = await this.backend.scripts.trim(stream, t, Boolean(spec.safe));
    return {
      trimmed,
      warning:
        cut
          ? 'the trim removed entries that some consumer group had not yet received or acknowledged; use safe: true to trim only entries every group is done with'
          : null,
    };
  }

  /**
   * One SCAN step. Only streams inside the fence are returned, and of those only the ones
   * `visible` accepts (the caller's grants): `match` narrows the listing, never widens it.
   */
  async list(
    q: { match?: string; cursor: string; count: number },
    visible: (stream: string) => boolean = () => true,
  ): Promise<{ streams: string[]; cursor: string }> {
    // The adapter's cursor (one node: SCAN's; a cluster: the master and its SCAN cursor),
    // checked first: a bad one is VALIDATION_FAILED, never sent to Redis.
    const cursor = this.backend.commands.scanCursor(q.cursor);
    // Checked here, not only in the REST schema, so gRPC refuses what REST refuses; a long
    // glob is also costly for Redis to match against every key.
    if (q.match !== undefined && q.match.length > MATCH_MAX_LENGTH) {
      throw invalid(`match must be at most ${MATCH_MAX_LENGTH} characters`, 'match');
    }
    const count = this.check.count(q.count);
    const { fence } = this;
    // A fence of one pattern lets Redis skip the rest of the keyspace; with a `match` too,
    // Redis matches that and the fence is applied below.
    const match = q.match !== undefined && q.match !== '' ? q.match : fence.scanPattern;
    const found = await this.backend.commands.scanStreams(cursor, match, count);
    const streams = found.keys.filter((name) => fence.allows(name) && visible(name));
    return { streams, cursor: found.cursor };
  }

  async info(stream: string): Promise<StreamInfo> {
    this.fence.check(stream);
    return this.backend.commands.streamInfo(stream);
  }

  async delete(stream: string): Promise<void> {
    this.fence.check(stream);
    await this.backend.scripts.deleteStream(stream);
  }
}

function trimArgs(spec: TrimSpec): TrimArgs {
  const { maxLen, minId, exact } = trimThreshold(spec);
  const op = exact ? '=' : '~';
  if (maxLen !== undefined) return { strategy: 'MAXLEN', op, threshold: String(nonNegativeInt(maxLen, 'maxLen')) };
  return { strategy: 'MINID', op, threshold: entryId(minId!, 'minId') };
}

/** Identifies a publish request for Idempotency-Key: same messages, IDs and trim, same hash. */
function requestHash(
  messages: ReadonlyArray<{ id: string; pairs: readonly InputPair[] }>,
  trim: TrimArgs | null,
): string {
  const h = createHash('sha256');
  const part = (b: Buffer | string) => {
    const bytes = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    h.update(len).update(bytes);
  };
  part(trim ? `${trim.strategy}${trim.op}${trim.threshold}` : '');
  for (const m of messages) {
    part(m.id);
    part(String(m.pairs.length));
    for (const [name, value] of m.pairs) {
      part(name);
      part(value);
    }
  }
  return h.digest('hex');
}

/** A publish the primary answered but the replicas did not confirm (STREAMGATE_PUBLISH_WAIT_REPLICAS). */
function notReplicated(why: string, cause?: unknown): BackendUnavailable {
  return new BackendUnavailable(
    'unknown',
    `the publish reached the Redis primary but ${why}: a failover may lose it. Retrying with the same Idempotency-Key is safe ` +
      '(it returns the first ids if the messages were kept); a retry without one may publish them twice',
    { cause },
  );
}
