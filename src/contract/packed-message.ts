import { type Buffer, isUtf8 } from 'node:buffer';
import { pairsBytes } from './limits.js';
import type { FieldPair, Message } from './types.js';

/**
 * A pulled message whose fields stay in the packed reply they came in (pull-5.lua's one
 * msgpack string, read by src/redis/unpack.ts): no pairs array, no array per field, no
 * Buffer per value until someone asks for `pairs`. The two hot consumers of pulled messages
 * (StreamingPull's encoder, the REST pull's JSON) read names and values from the reply
 * instead (`ranges`); every other consumer reads `pairs`, decoded once, exactly what the
 * eager form carries.
 *
 * Opt-in (the pull's `packed` flag): a class with a getter does not compare equal to a plain
 * `{id, pairs, deliveryCount}`, so the default pulls keep answering plain objects.
 */
export class PackedMessage implements Message {
  private decoded: readonly FieldPair[] | null | undefined = undefined;

  constructor(
    readonly id: string,
    readonly deliveryCount: number,
    /** The reply the fields are read from. */
    readonly reply: PackedReply,
    /** Offset of the entry's msgpack fields array in `reply.buf`; DELETED for an entry deleted while pending. */
    readonly at: number,
    /** Number of fields (0 when deleted). */
    readonly fieldCount: number,
    /** What pairsBytes(this.pairs) answers: the bytes of its names and values. */
    readonly bytes: number,
    /** Every name is well-formed UTF-8: its string's UTF-8 is its bytes, equal bytes mean equal names. */
    readonly utf8Names: boolean,
  ) {}

  get pairs(): readonly FieldPair[] | null {
    if (this.decoded === undefined) this.decoded = this.decode();
    return this.decoded;
  }

  /**
   * Fills `out` with `[nameStart, nameEnd, valueStart, valueEnd]` per field (offsets into
   * `reply.buf`); `out` holds at least 4 × fieldCount numbers. Nothing for a deleted entry.
   */
  ranges(out: Int32Array): void {
    if (this.at === DELETED) return;
    const buf = this.reply.buf;
    let pos = arrayBody(buf, this.at);
    for (let i = 0, k = 0; i < this.fieldCount; i++, k += 4) {
      out[k] = strBody(buf, pos);
      pos = out[k + 1] = strEnd;
      out[k + 2] = strBody(buf, pos);
      pos = out[k + 3] = strEnd;
    }
  }

  private decode(): FieldPair[] | null {
    if (this.at === DELETED) return null;
    const { buf, names } = this.reply;
    const out = new Array<FieldPair>(this.fieldCount);
    let pos = arrayBody(buf, this.at);
    for (let i = 0; i < out.length; i++) {
      const nameStart = strBody(buf, pos);
      const nameEnd = strEnd;
      const valueStart = strBody(buf, nameEnd);
      pos = strEnd;
      out[i] = names.pair(nameStart, nameEnd, i, buf.subarray(valueStart, pos));
    }
    return out;
  }
}

/** PackedMessage.at of an entry deleted while pending. */
export const DELETED = -1;

/** One packed reply: its bytes, and the field names decoded from it so far. */
export class PackedReply {
  readonly names: PackedNames;
  constructor(readonly buf: Buffer) {
    this.names = new PackedNames(buf);
  }
}

/** Bytes of a message as the size limits count them (pairsBytes), precomputed for a packed one. */
export const messageBytes = (m: Message): number => (m instanceof PackedMessage ? m.bytes : pairsBytes(m.pairs));

/** True when `buf[a, aEnd)` and `buf[b, bEnd)` hold the same bytes. */
export function sameRange(buf: Buffer, a: number, aEnd: number, b: number, bEnd: number): boolean {
  const len = aEnd - a;
  if (bEnd - b !== len) return false;
  for (let i = 0; i < len; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** Names up to this many bytes are compared in JS against the name last seen at their position. */
const SHORT_NAME = 32;

/**
 * Field names of one packed reply, as FieldNames (src/redis/reply.ts) keeps them: a name
 * whose bytes equal those of the name last decoded at its position reuses that string
 * (UTF-8 decoding is deterministic), and whether it is well-formed UTF-8, found once when
 * it was decoded. Kept as offsets into the reply: no Buffer per name.
 */
export class PackedNames {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly texts: string[] = [];
  private readonly wellFormed: boolean[] = [];

  constructor(private readonly buf: Buffer) {}

  /** The name at `buf[start, end)`, the field at `position` of its entry. */
  text(start: number, end: number, position: number): string {
    const k = this.slot(start, end, position);
    return k < 0 ? this.buf.toString('utf8', start, end) : this.texts[k]!;
  }

  /**
   * The field at `position` of its entry, its name at `buf[start, end)`: `[name, value]`,
   * plus the name's bytes (a view) when they are not well-formed UTF-8 (FieldPair).
   */
  pair(start: number, end: number, position: number, value: Buffer): FieldPair {
    const k = this.slot(start, end, position);
    if (k >= 0) return this.wellFormed[k] ? [this.texts[k]!, value] : [this.texts[k]!, value, this.buf.subarray(start, end)];
    const text = this.buf.toString('utf8', start, end);
    // A long name is decoded every time; only one decoding to U+FFFD can be malformed.
    if (!text.includes('\uFFFD') || isUtf8(this.buf.subarray(start, end))) return [text, value];
    return [text, value, this.buf.subarray(start, end)];
  }

  /** Set by `check` when a name's bytes are not well-formed UTF-8; the caller resets it. */
  malformed = false;

  /** Sets `malformed` when the name at `buf[start, end)` is not well-formed UTF-8 (known once per name and position). */
  check(start: number, end: number, position: number): void {
    const buf = this.buf;
    let i = start;
    while (i < end && buf[i]! < 0x80) i++;
    if (i === end) return;
    const k = this.slot(start, end, position);
    if (k >= 0 ? !this.wellFormed[k] : !isUtf8(buf.subarray(start, end))) this.malformed = true;
  }

  /** The position's slot holding these bytes (decoded now if new), or -1 for a long name. */
  private slot(start: number, end: number, position: number): number {
    if (end - start > SHORT_NAME) return -1;
    const seen = this.starts[position];
    if (seen !== undefined && sameRange(this.buf, seen, this.ends[position]!, start, end)) return position;
    const text = this.buf.toString('utf8', start, end);
    this.starts[position] = start;
    this.ends[position] = end;
    this.texts[position] = text;
    this.wellFormed[position] = !text.includes('\uFFFD') || isUtf8(this.buf.subarray(start, end));
    return position;
  }
}

/** End of the string strBody read last. */
let strEnd = 0;

/** Start of the msgpack string at `pos` (its end: strEnd). The reply was checked whole by unpack.ts. */
function strBody(buf: Buffer, pos: number): number {
  const t = buf[pos]!;
  let start: number;
  let len: number;
  if (t >= 0xa0 && t <= 0xbf) {
    start = pos + 1;
    len = t & 0x1f;
  } else if (t === 0xd9) {
    start = pos + 2;
    len = buf[pos + 1]!;
  } else if (t === 0xda) {
    start = pos + 3;
    len = buf.readUInt16BE(pos + 1);
  } else {
    start = pos + 5;
    len = buf.readUInt32BE(pos + 1);
  }
  strEnd = start + len;
  return start;
}

/** Start of the items of the msgpack array at `pos`. */
function arrayBody(buf: Buffer, pos: number): number {
  const t = buf[pos]!;
  return t >= 0x90 && t <= 0x9f ? pos + 1 : t === 0xdc ? pos + 3 : pos + 5;
}
