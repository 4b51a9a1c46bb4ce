import { createHash } from 'node:crypto';
import type { Backend } from '../redis/backend.js';
import type { Config } from '../runtime/config.js';
import { invalid } from '../contract/errors.js';
import { entryId, publishId, rangeBound } from '../contract/ids.js';
import { keys } from '../redis/keys.js';
import { LimitChecks, nonNegativeInt } from '../contract/limits.js';
import { packEntries } from '../redis/pack.js';
import { arr, entries, int, intOrNull, record, str, strOrNull } from '../redis/reply.js';
import type { FieldPair, Message, StreamInfo } from '../contract/types.js';
import { BackendUnavailable, publishOutcomeUnknown } from '../redis/unavailable.js';

/** Trimming as XADD/XTRIM take it: by length or by lowest ID (exactly one), exact or approximate. */
export interface TrimSpec {
  readonly maxLen?: number;
  readonly minId?: string;
  /** Exact trimming (`=`); default approximate (`~`): whole macro nodes only, much cheaper. */
  readonly exact?: boolean;
}

export interface PublishInput {
  readonly messages: ReadonlyArray<{ readonly id?: string; readonly pairs: readonly FieldPair[] }>;
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

export interface TrimResult {
  readonly trimmed: number;
  /** Set when a plain trim removed entries still pending or not yet delivered to some group. */
  readonly warning: string | null;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Longest SCAN MATCH pattern a stream listing takes (the REST schema says the same). */
export const MATCH_MAX_LENGTH = 1024;

export class StreamService {
  private readonly check: LimitChecks;

  constructor(
    private readonly backend: Backend,
    private readonly config: Config,
  ) {
    this.check = new LimitChecks(config.limits);
  }

  async publish(stream: string, input: PublishInput): Promise<PublishResult> {
    this.backend.stream(stream);
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

    const args: (string | Buffer | number)[] = [
      idem === undefined ? '' : requestHash(messages, trim),
      this.config.idempotencyTtlSec,
      trim?.strategy ?? '',
      trim?.op ?? '',
      trim?.threshold ?? '',
      packEntries(messages),
    ];
    const idemKey = idem === undefined ? keys.policy(stream) : keys.idempotency(stream, idem);
    const reply = await this.backend
      .call(stream, () => this.backend.scripts.run('publish', [stream, idemKey], args))
      .catch((err: unknown) => {
        throw err instanceof BackendUnavailable && err.outcome === 'unknown' ? publishOutcomeUnknown(err) : err;
      });
    const [status, ids] = arr(reply);
    return { ids: arr(ids).map(str), replayed: str(status) === 'REPLAY' };
  }

  async read(stream: string, q: RangeQuery): Promise<Message[]> {
    this.backend.stream(stream);
    const start = rangeBound(q.start, 'start');
    const end = rangeBound(q.end, 'end');
    const count = this.check.count(q.count);
    const { redis } = this.backend;
    const raw = await this.backend.call(stream, () =>
      q.reverse
        ? redis.xrevrangeBuffer(stream, end, start, 'COUNT', count)
        : redis.xrangeBuffer(stream, start, end, 'COUNT', count),
    );
    const messages = entries(raw);
    if (messages.length === 0) await this.backend.assertStream(stream);
    return messages;
  }

  async deleteMessage(stream: string, id: string): Promise<number> {
    this.backend.stream(stream);
    const exact = entryId(id);
    const deleted = await this.backend.call(stream, () => this.backend.redis.xdel(stream, exact));
    if (deleted === 0) await this.backend.assertStream(stream);
    return deleted;
  }

  async trim(stream: string, spec: TrimSpec & { readonly safe?: boolean }): Promise<TrimResult> {
    this.backend.stream(stream);
    const t = trimArgs(spec);
    const reply = await this.backend.call(stream, () =>
      this.backend.scripts.run('trim', [stream], [t.strategy, t.op, t.threshold, spec.safe ? '1' : '0']),
    );
    const [trimmed, cut] = arr(reply);
    return {
      trimmed: int(trimmed),
      warning:
        int(cut) === 1
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
    // 20 digits may still exceed 64 bits; Redis answers that with a generic ERR, which
    // (checked against the key '') would come back as STREAM_NOT_FOUND.
    if (!/^\d{1,20}$/.test(q.cursor) || BigInt(q.cursor) > 18446744073709551615n) {
      throw invalid('cursor must be a cursor returned by an earlier call, or "0"', 'cursor');
    }
    // Checked here, not only in the REST schema, so gRPC refuses what REST refuses; a long
    // glob is also costly for Redis to match against every key.
    if (q.match !== undefined && q.match.length > MATCH_MAX_LENGTH) {
      throw invalid(`match must be at most ${MATCH_MAX_LENGTH} characters`, 'match');
    }
    const count = this.check.count(q.count);
    const { fence } = this.backend;
    // A fence of one pattern lets Redis skip the rest of the keyspace; with a `match` too,
    // Redis matches that and the fence is applied below.
    const match = q.match !== undefined && q.match !== '' ? q.match : fence.scanPattern;
    const args: (string | number)[] = [];
    if (match !== undefined) args.push('MATCH', match);
    args.push('COUNT', count, 'TYPE', 'stream');
    const reply = await this.backend.call('', () => this.backend.redis.call('SCAN', q.cursor, ...args));
    const [cursor, found] = arr(reply);
    const streams = arr(found)
      .map(str)
      .filter((name) => fence.allows(name) && visible(name));
    return { streams, cursor: str(cursor) };
  }

  async info(stream: string): Promise<StreamInfo> {
    this.backend.stream(stream);
    const raw = await this.backend.call(stream, () => this.backend.redis.call('XINFO', 'STREAM', stream));
    const r = record(raw);
    const firstEntry = r.get('first-entry');
    const lastEntry = r.get('last-entry');
    const maxDeleted = strOrNull(r.get('max-deleted-entry-id'));
    return {
      length: int(r.get('length')),
      firstId: firstEntry ? str(arr(firstEntry)[0]) : null,
      lastId: lastEntry ? str(arr(lastEntry)[0]) : null,
      lastGeneratedId: str(r.get('last-generated-id')),
      groups: int(r.get('groups')),
      entriesAdded: intOrNull(r.get('entries-added')),
      maxDeletedEntryId: maxDeleted === '0-0' ? null : maxDeleted,
    };
  }

  async delete(stream: string): Promise<void> {
    this.backend.stream(stream);
    await this.backend.call(stream, () => this.backend.scripts.run('deleteStream', [stream, keys.policy(stream)], []));
  }
}

interface TrimArgs {
  readonly strategy: 'MAXLEN' | 'MINID';
  readonly op: '=' | '~';
  readonly threshold: string;
}

function trimArgs(spec: TrimSpec): TrimArgs {
  const op = spec.exact ? '=' : '~';
  if (spec.maxLen !== undefined && spec.minId !== undefined) {
    throw invalid('trim takes maxLen or minId, not both', 'trim');
  }
  if (spec.maxLen !== undefined) return { strategy: 'MAXLEN', op, threshold: String(nonNegativeInt(spec.maxLen, 'maxLen')) };
  if (spec.minId !== undefined) return { strategy: 'MINID', op, threshold: entryId(spec.minId, 'minId') };
  throw invalid('trim needs maxLen or minId', 'trim');
}

/** Identifies a publish request for Idempotency-Key: same messages, IDs and trim, same hash. */
function requestHash(
  messages: ReadonlyArray<{ id: string; pairs: readonly FieldPair[] }>,
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
