import { Buffer, isUtf8 } from 'node:buffer';

/**
 * The reading half of the hand-written request decoders (publish-codec.ts, pull-request-codec.ts):
 * a strict reader of canonical protobuf. It reads only what it is sure to read exactly as
 * protobufjs would (lengths inside their message, varints short enough to be exact numbers,
 * the wire type each known field is written with); anything else — an unknown field, a
 * group, a truncated or over-long value, a string past its message's end — makes it give up
 * (`Bail`), and the caller then decodes the bytes with protobufjs, which decides: the same
 * result, or the same error (decoding.ts turns it into INVALID_ARGUMENT). So a request the
 * fast path accepts is one protobufjs accepts with the same values
 * (test/grpc/request-codecs.test.ts checks this on random messages and random bytes).
 */
export const BAIL: unique symbol = Symbol('not canonical: decode with protobufjs');

/** Buffer's native slices without toString's argument handling (they exist on every Node Buffer). */
export interface Slices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

export class WireReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** A varint below 2^32 ending before `end` (tags, lengths, uint32 and bool fields). */
  uint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) throw BAIL;
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    let scale = 0x80;
    for (let i = 1; i < 5; i++) {
      if (pos >= end) throw BAIL;
      b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > 0xffffffff) throw BAIL;
        this.pos = pos;
        return value;
      }
      scale *= 0x80;
    }
    throw BAIL;
  }

  /** A varint up to 2^53 − 1 (uint64 fields, as protobufjs's `longs: Number` gives them), at most 8 bytes. */
  uint53(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= end) throw BAIL;
      const b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw BAIL;
        this.pos = pos;
        return value;
      }
      scale *= 0x80;
    }
    throw BAIL;
  }

  /** The end of a length-delimited value that starts here (its length read); it must end by `end`. */
  delimited(end: number): number {
    const len = this.uint32(end);
    const stop = this.pos + len;
    if (stop > end) throw BAIL;
    return stop;
  }

  /** A string field's value (its length read here), as protobufjs reading strictly gives it (bad UTF-8: InvalidUtf8). */
  string(end: number): string {
    const stop = this.delimited(end);
    const start = this.pos;
    this.pos = stop;
    return text(this.buf, start, stop);
  }

  /** A bytes field's value (its length read here): a view of the request, as protobufjs gives it. */
  bytes(end: number): Buffer {
    const stop = this.delimited(end);
    const start = this.pos;
    this.pos = stop;
    return this.buf.subarray(start, stop);
  }

  /**
   * A bytes field's value (its length read here) as text when every byte is ASCII (its
   * characters are then exactly its bytes, in UTF-8 as in latin1), else a view of the
   * request as `bytes` gives it. Text is what the publish packer writes cheapest (one
   * string for the whole batch); a view is an object of its own per value for the GC.
   */
  asciiOrBytes(end: number): string | Buffer {
    const stop = this.delimited(end);
    const start = this.pos;
    this.pos = stop;
    const buf = this.buf;
    let i = start;
    while (i < stop && buf[i]! < 0x80) i++;
    return i === stop ? (buf as unknown as Slices).latin1Slice(start, stop) : buf.subarray(start, stop);
  }
}

/** Up to this many bytes, ASCII is looked for in JS: a one-byte string (latin1Slice) is then exactly the UTF-8 reading. */
const SHORT = 32;

/** A string field's bytes as text; bytes that are not valid UTF-8 are refused (InvalidUtf8), never replaced. */
export function text(buf: Buffer, start: number, end: number): string {
  if (end - start <= SHORT) {
    let i = start;
    while (i < end && buf[i]! < 0x80) i++;
    if (i === end) return (buf as unknown as Slices).latin1Slice(start, end);
  }
  return strictUtf8(buf, start, end);
}

/** Buffer's own utf8Slice: bad UTF-8 becomes U+FFFD. */
const utf8Slice = (Buffer.prototype as unknown as Slices).utf8Slice;

/**
 * proto3 strings are UTF-8: a string field whose bytes are not (a stream, group or consumer
 * name, an ID...) makes the request undecodable (INVALID_ARGUMENT, decoding.ts), where
 * protobufjs would read it with U+FFFD and the gateway would act on another name.
 */
export class InvalidUtf8 extends Error {
  constructor() {
    super('a string field is not valid UTF-8 (proto3 strings are UTF-8; send bytes that are)');
  }
}

/** `buf[start, end)` as UTF-8 text, or InvalidUtf8. Only a decoding holding U+FFFD can come from bad bytes: only it is checked. */
function strictUtf8(buf: Buffer, start: number, end: number): string {
  const s = utf8Slice.call(buf, start, end);
  if (s.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) throw new InvalidUtf8();
  return s;
}

/**
 * Request bytes whose string fields protobufjs reads strictly: its BufferReader reads a
 * string with `buf.utf8Slice`, here an own function of these bytes that refuses bad UTF-8
 * (InvalidUtf8). Every method's request goes through it (decoding.ts): the hand-written
 * readers refuse the same strings (`text`), whichever path decides.
 */
export function strictStrings(bytes: Buffer): Buffer {
  (bytes as unknown as Slices).utf8Slice = strictSlice;
  return bytes;
}

function strictSlice(this: Buffer, start: number, end: number): string {
  return strictUtf8(this, start, end);
}

/** `deserialize` (protobufjs's, from proto-loader) reading strings strictly (strictStrings). */
export const strictDeserializer =
  <T>(deserialize: (bytes: Buffer) => T) =>
  (bytes: Buffer): T =>
    deserialize(strictStrings(bytes));


/**
 * A request deserializer that reads with `fast` and, where it bails (input that is not plain
 * canonical protobuf), lets the method's protobufjs deserializer (`reference`, reading
 * strings strictly) decide, its result passed through `fromReference`: the same value or the
 * same error as before, always.
 */
export function fastOrReference<Ref, Out>(
  reference: (bytes: Buffer) => unknown,
  fast: (bytes: Buffer) => Out,
  fromReference: (value: Ref) => Out,
): (bytes: Buffer) => Out {
  const strict = strictDeserializer(reference as (bytes: Buffer) => Ref);
  return (bytes) => {
    try {
      return fast(bytes);
    } catch (err) {
      if (err !== BAIL) throw err;
      return fromReference(strict(bytes));
    }
  };
}
