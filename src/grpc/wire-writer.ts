import { Buffer } from 'node:buffer';

/**
 * The writing half of the hand-written encoders (pull-encoding.ts, publish-codec.ts): varints
 * and strings written straight into one Buffer, short ASCII ones in JS (no native call).
 */

export const varintSize = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

export function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n > 0x7f) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

/** Strings up to this long are measured and copied in JS when ASCII (IDs, most field names): no native call. */
const SHORT = 64;

/** UTF-8 length of `s`. */
export function utf8Length(s: string): number {
  if (s.length > SHORT) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/** Writes `s` (`len` bytes of UTF-8, utf8Length) at `pos`; returns the position after it. */
export function writeString(buf: Buffer, pos: number, s: string, len: number): number {
  if (len !== s.length || len > SHORT) return pos + buf.write(s, pos, len, 'utf8');
  for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
  return pos + len;
}

/** Copies `src[start, end)` to `out` at `pos` (short ranges in JS: no native call); returns the position after it. */
export function copyRange(src: Buffer, start: number, end: number, out: Buffer, pos: number): number {
  if (end - start > SHORT) return pos + src.copy(out, pos, start, end);
  for (let i = start; i < end; i++) out[pos++] = src[i]!;
  return pos;
}
