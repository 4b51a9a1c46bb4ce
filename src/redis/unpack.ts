import { DELETED, PackedMessage, PackedNames, PackedReply } from '../contract/packed-message.js';
import type { FieldPair, Message } from '../contract/types.js';

/**
 * Reads the entries a script packed with Redis's `cmsgpack.pack`: the flat list
 * `{id, fields, deliveryCount, ...}` of pull-5.lua, `fields` being the entry's
 * `{name, value, ...}` or `false` for an entry deleted while pending.
 *
 * Why: as a RESP reply, every ID, name and value is a Buffer of its own and every entry an
 * array or two, all made by the parser and dropped at once (about a kilobyte of garbage per
 * message on StreamingPull). Packed, the batch is one bulk string; IDs and names become
 * strings (a name seen at the same position before reuses its string, and whether it is
 * well-formed UTF-8: a name that is not also carries its bytes, FieldPair), values are views
 * into that one buffer.
 *
 * Only what cmsgpack writes for these values is read: arrays (fixarray, array 16/32),
 * strings (fixstr, str 8/16/32; binary-safe), non-negative integers, false. Anything else
 * is a reply we do not understand: an error, never a guess.
 *
 * `packed`: PackedMessages instead (contract/packed-message.ts), whose fields stay in `buf`,
 * read whole here all the same (the same checks, the same errors).
 */
export function unpackCountedEntries(buf: Buffer, packed = false): Message[] {
  const r = new Reader(buf);
  const n = r.arrayLength();
  if (n % 3 !== 0) throw new Error(`unexpected packed entries: ${n} items is not a multiple of 3`);
  if (packed) return unpackPacked(buf, r, n / 3);
  const out = new Array<Message>(n / 3);
  const names = new PackedNames(buf);
  for (let k = 0; k < out.length; k++) {
    const id = r.latin1();
    let pairs: FieldPair[] | null = null;
    if (buf[r.pos] === 0xc2) r.pos++;
    else {
      const count = r.arrayLength() >> 1;
      pairs = new Array<FieldPair>(count);
      for (let i = 0; i < count; i++) {
        const start = r.strStart();
        const end = r.pos;
        const vStart = r.strStart();
        pairs[i] = names.pair(start, end, i, buf.subarray(vStart, r.pos));
      }
    }
    out[k] = { id, pairs, deliveryCount: r.uint() };
  }
  if (r.pos !== buf.length) throw new Error(`unexpected packed entries: ${buf.length - r.pos} bytes left over`);
  return out;
}

/** The entries as PackedMessages: fields walked (checked, measured), nothing made per field. */
function unpackPacked(buf: Buffer, r: Reader, n: number): PackedMessage[] {
  const out = new Array<PackedMessage>(n);
  const reply = new PackedReply(buf);
  const names = reply.names;
  for (let k = 0; k < n; k++) {
    const id = r.latin1();
    let at = DELETED;
    let count = 0;
    let bytes = 0;
    names.malformed = false;
    if (buf[r.pos] === 0xc2) r.pos++;
    else {
      at = r.pos;
      count = r.arrayLength() >> 1;
      for (let i = 0; i < count; i++) {
        const start = r.strStart();
        names.check(start, r.pos, i);
        bytes += r.pos - start;
        const valueStart = r.strStart();
        bytes += r.pos - valueStart;
      }
    }
    out[k] = new PackedMessage(id, r.uint(), reply, at, count, bytes, !names.malformed);
  }
  if (r.pos !== buf.length) throw new Error(`unexpected packed entries: ${buf.length - r.pos} bytes left over`);
  return out;
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  private byte(): number {
    if (this.pos >= this.buf.length) throw new Error('unexpected packed entries: truncated');
    return this.buf[this.pos++]!;
  }

  arrayLength(): number {
    const t = this.byte();
    if (t >= 0x90 && t <= 0x9f) return t & 0x0f;
    if (t === 0xdc) return this.be(2);
    if (t === 0xdd) return this.be(4);
    throw new Error(`unexpected packed entries: type 0x${t.toString(16)} where an array belongs`);
  }

  /** Skips a string's header and body; returns where its bytes start (they end at `pos`). */
  strStart(): number {
    const t = this.byte();
    let len: number;
    if (t >= 0xa0 && t <= 0xbf) len = t & 0x1f;
    else if (t === 0xd9) len = this.be(1);
    else if (t === 0xda) len = this.be(2);
    else if (t === 0xdb) len = this.be(4);
    else throw new Error(`unexpected packed entries: type 0x${t.toString(16)} where a string belongs`);
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.buf.length) throw new Error('unexpected packed entries: truncated');
    return start;
  }

  /** A string of ASCII (an entry ID). */
  latin1(): string {
    const start = this.strStart();
    return this.buf.toString('latin1', start, this.pos);
  }

  uint(): number {
    const t = this.byte();
    if (t <= 0x7f) return t;
    if (t === 0xcc) return this.be(1);
    if (t === 0xcd) return this.be(2);
    if (t === 0xce) return this.be(4);
    if (t === 0xcf) {
      const hi = this.be(4);
      return hi * 0x1_0000_0000 + this.be(4);
    }
    throw new Error(`unexpected packed entries: type 0x${t.toString(16)} where a count belongs`);
  }

  private be(bytes: number): number {
    if (this.pos + bytes > this.buf.length) throw new Error('unexpected packed entries: truncated');
    let v = 0;
    for (let i = 0; i < bytes; i++) v = v * 256 + this.buf[this.pos++]!;
    return v;
  }
}
