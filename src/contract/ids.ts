import { GatewayError } from './errors.js';

/**
 * Stream IDs as Redis reads them: `<ms>-<seq>`, both unsigned 64-bit, or `<ms>` alone
 * (seq then 0 for a start, max for an end). Checked here so that a malformed ID is
 * INVALID_ID before any Redis round trip, and never a generic ERR from Redis.
 */

const U64_MAX = 18446744073709551615n;

/** The largest entry ID (nothing follows it) and the smallest (nothing precedes it). */
export const LAST_ID = '18446744073709551615-18446744073709551615';
const FIRST_ID = '0-1';

/**
 * Where a page of a range read continues: its last ID when the page `stopped` at its count
 * or byte budget (more may follow), unless no entry can follow that ID in the read's
 * direction; else null.
 */
export function nextAfter(last: string | undefined, stopped: boolean, reverse = false): string | null {
  return last !== undefined && stopped && last !== (reverse ? FIRST_ID : LAST_ID) ? last : null;
}
const DIGITS = /^\d{1,20}$/;

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

function u64(part: string): bigint | null {
  if (!DIGITS.test(part)) return null;
  const n = BigInt(part);
  return n <= U64_MAX ? n : null;
}

/** Parses `<ms>-<seq>` or `<ms>`; null when malformed. */
export function parseId(text: string): StreamId | null {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const ms = u64(text);
    return ms === null ? null : { ms, seq: 0n };
  }
  const ms = u64(text.slice(0, dash));
  const seq = u64(text.slice(dash + 1));
  return ms === null || seq === null ? null : { ms, seq };
}

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export const formatId = (id: StreamId): string => `${id.ms}-${id.seq}`;

function fail(text: string, what: string): never {
  throw new GatewayError('INVALID_ID', `${what} ${JSON.stringify(text)} is not a valid stream ID`, [
    { path: what, message: 'expected <ms>-<seq> with unsigned 64-bit parts' },
  ]);
}

/**
 * `<ms>-<seq>` already in the form formatId writes (no leading zeros, at most 19 digits a
 * part, so below 2^64): entryId returns such a text as is, without parsing it.
 */
const CANONICAL = /^(?:0|[1-9]\d{0,18})-(?:0|[1-9]\d{0,18})$/;

export const isCanonicalId = (text: string): boolean => CANONICAL.test(text);

/**
 * Order of two canonical IDs (isCanonicalId), without parsing: a longer part is the larger
 * (no leading zeros), parts of one length compare as text.
 */
export function compareCanonicalIds(a: string, b: string): number {
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  if (da !== db) return da - db;
  const sa = a.length - da;
  const sb = b.length - db;
  for (let i = 0; i < da; i++) {
    const c = a.charCodeAt(i) - b.charCodeAt(i);
    if (c !== 0) return c;
  }
  if (sa !== sb) return sa - sb;
  for (let i = da + 1; i < a.length; i++) {
    const c = a.charCodeAt(i) - b.charCodeAt(i);
    if (c !== 0) return c;
  }
  return 0;
}

/** An exact entry ID (ack, nack, claim, delete...). `5` means `5-0`, as in Redis. */
export function entryId(text: string, what = 'id'): string {
  if (CANONICAL.test(text)) return text;
  const id = parseId(text);
  if (!id) fail(text, what);
  return formatId(id);
}

/**
 * A range bound for XRANGE / XPENDING: `-`, `+`, an id, or an exclusive `(id`. Also refuses
 * what Redis cannot take as that side's bound: an exclusive start at the largest ID, or an
 * exclusive end at 0-0, which Redis answers with a generic ERR ("invalid start/end ID for
 * the interval") that would otherwise surface as a 500. `what` names the input in errors.
 */
export function rangeBound(text: string, side: 'start' | 'end', what: string = side): string {
  if (text === '-' || text === '+') return text;
  const exclusive = text.startsWith('(');
  const body = exclusive ? text.slice(1) : text;
  const id = parseId(body);
  if (!id) fail(text, what);
  if (exclusive && body.includes('-')) {
    const edge = side === 'start' ? id.ms === U64_MAX && id.seq === U64_MAX : id.ms === 0n && id.seq === 0n;
    if (edge) {
      throw new GatewayError('INVALID_ID', `${what} ${JSON.stringify(text)} leaves no ID in the interval`, [
        { path: what, message: `an exclusive ${side} cannot be ${side === 'start' ? 'the largest ID' : '0-0'}` },
      ]);
    }
  }
  return text;
}

/** An ID for XADD: `<ms>-<seq>` or `<ms>-*` (Redis picks the sequence). `0-0` is never valid. */
export function publishId(text: string, what = 'id'): string {
  if (text.endsWith('-*')) {
    const ms = u64(text.slice(0, -2));
    if (ms === null) fail(text, what);
    // Canonical digits: publish-2.lua compares IDs as decimal strings, longest first.
    return `${ms}-*`;
  }
  const id = parseId(text);
  if (!id || (id.ms === 0n && id.seq === 0n)) fail(text, what);
  return formatId(id);
}

/** A group position: `$`, `0` or an id. */
export function positionId(text: string, what = 'id'): string {
  if (text === '$') return text;
  return entryId(text, what);
}

/** Last-delivered ID that makes a group replay every entry whose time is >= timestampMs. */
export function idBeforeTimestamp(timestampMs: number): string {
  if (timestampMs <= 0) return '0-0';
  return `${BigInt(timestampMs) - 1n}-${U64_MAX}`;
}

/** The smallest ID strictly greater than `id` (used to turn "last delivered" into a floor). */
export function nextId(id: StreamId): StreamId {
  if (id.seq < U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  return { ms: id.ms + 1n, seq: 0n };
}

/**
 * Lowest and highest of canonical entry IDs (ack-2 reads the pending range between them),
 * compared as text, no BigInt per ID: the core passes IDs its checks made canonical
 * (LimitChecks.ids). ['0-0', '0-0'] for none.
 */
export function idBounds(ids: readonly string[]): [string, string] {
  if (ids.length === 0) return ['0-0', '0-0'];
  let lo = ids[0]!;
  let hi = lo;
  // Above the highest first: IDs acked in the order they were delivered cost one comparison each.
  for (let i = 1; i < ids.length; i++) {
    const id = ids[i]!;
    if (compareCanonicalIds(id, hi) > 0) hi = id;
    else if (compareCanonicalIds(id, lo) < 0) lo = id;
  }
  return [lo, hi];
}
