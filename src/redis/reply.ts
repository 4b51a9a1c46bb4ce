import { Buffer, isUtf8 } from 'node:buffer';
import type { FieldPair, Message } from '../contract/types.js';

/**
 * Parsers for raw Redis replies. Message-carrying calls run in Buffer mode so values stay
 * byte-exact; everything else (IDs, names, counts) is turned into strings and numbers here.
 */

export type Raw = unknown;

export const str = (v: Raw): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

export const strOrNull = (v: Raw): string | null => (v === null || v === undefined ? null : str(v));

export const int = (v: Raw): number => (typeof v === 'number' ? v : Number(str(v)));

export const intOrNull = (v: Raw): number | null => (v === null || v === undefined ? null : int(v));

export function arr(v: Raw): Raw[] {
  if (!Array.isArray(v)) throw new Error(`unexpected Redis reply: expected an array, got ${typeof v}`);
  return v;
}

/** An array reply of strings (IDs, names). */
export const strings = (v: Raw): string[] => arr(v).map(str);

/** An array reply of integers (per-ID flags): as it came when every item is a number already (no copy). */
export function ints(v: Raw): number[] {
  const a = arr(v);
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number') return a.map(int);
  return a as number[];
}

export const buf = (v: Raw): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));

/** Flat `[name, value, name, value, ...]` into pairs (names read by `names`); null for a deleted entry. */
export function pairs(v: Raw, names: FieldNames): FieldPair[] | null {
  if (v === null || v === undefined) return null;
  const flat = arr(v);
  const out = new Array<FieldPair>(flat.length >> 1);
  for (let i = 0, k = 0; i + 1 < flat.length; i += 2, k++) out[k] = names.pair(flat[i], k, buf(flat[i + 1]));
  return out;
}

/** Names up to this many bytes are compared in JS against the name last seen at their position. */
const SHORT_NAME = 32;

/**
 * Field names of one reply: the entries of a stream usually have the same names in the same
 * order, so a name whose bytes equal those of the name last decoded at its position reuses
 * that string (UTF-8 decoding is deterministic), and whether it is well-formed UTF-8, found
 * once: no string per field and message. A name that is not well-formed UTF-8 also carries
 * its bytes (FieldPair).
 */
export class FieldNames {
  private readonly bytes: Buffer[] = [];
  private readonly texts: string[] = [];
  private readonly wellFormed: boolean[] = [];

  /** The field at `position` of its entry: `[name, value]`, plus the name's bytes when they are not UTF-8. */
  pair(v: Raw, position: number, value: Buffer): FieldPair {
    if (!Buffer.isBuffer(v)) return [String(v), value];
    if (v.length > SHORT_NAME) {
      const text = v.toString('utf8');
      return !text.includes('\uFFFD') || isUtf8(v) ? [text, value] : [text, value, v];
    }
    const seen = this.bytes[position];
    if (seen === undefined || !sameBytes(seen, v)) {
      const text = v.toString('utf8');
      this.bytes[position] = v;
      this.texts[position] = text;
      this.wellFormed[position] = !text.includes('\uFFFD') || isUtf8(v);
    }
    return this.wellFormed[position] ? [this.texts[position]!, value] : [this.texts[position]!, value, v];
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A flat `{name, value, ...}` reply (XINFO) into a Map keyed by name. */
export function record(v: Raw): Map<string, Raw> {
  const flat = arr(v);
  const out = new Map<string, Raw>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(str(flat[i]), flat[i + 1]);
  return out;
}

/** `[[id, fields], ...]` (XRANGE, XCLAIM) into messages. */
export function entries(v: Raw): Message[] {
  const names = new FieldNames();
  return arr(v).map((e) => {
    const [id, fields] = arr(e);
    return { id: str(id), pairs: pairs(fields, names) };
  });
}

/** Our scripts' flat `{id, fields, deliveryCount, ...}` into messages. */
export function countedEntries(v: Raw): Message[] {
  const flat = arr(v);
  const out = new Array<Message>(Math.floor(flat.length / 3));
  const names = new FieldNames();
  for (let i = 0, k = 0; i + 2 < flat.length; i += 3, k++) {
    out[k] = { id: str(flat[i]), pairs: pairs(flat[i + 1], names), deliveryCount: int(flat[i + 2]) };
  }
  return out;
}
