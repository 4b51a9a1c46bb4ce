import fc from 'fast-check';

/**
 * A protobuf wire writer that writes whatever it is given: any 64-bit varint in any integer
 * field (a negative one is ten bytes, as int64 writes it), bytes that are not UTF-8 in a
 * string field, a field twice, a wrong wire type, a length that runs past the end. Messages
 * are kept as field lists and printed as such, so a failing case reads as what was sent.
 */

export const WIRE = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const;

export type WireValue =
  | { readonly kind: 'varint'; readonly value: bigint }
  | { readonly kind: 'len'; readonly value: Buffer | WireMessage }
  | { readonly kind: 'fixed64'; readonly value: bigint }
  | { readonly kind: 'fixed32'; readonly value: number }
  /** Raw bytes after the tag: a truncated or otherwise broken field. */
  | { readonly kind: 'raw'; readonly wireType: number; readonly value: Buffer };

export interface WireField {
  readonly no: number;
  /** The field's name in the proto, or `?` for an unknown field number. */
  readonly name: string;
  readonly value: WireValue;
}

export class WireMessage {
  constructor(readonly fields: readonly WireField[]) {}
  [fc.toStringMethod](): string {
    return `{${this.fields.map((f) => `${f.name}#${f.no}=${show(f.value)}`).join(', ')}}`;
  }
}

function show(v: WireValue): string {
  switch (v.kind) {
    case 'varint':
    case 'fixed64':
      return `${v.value}n`;
    case 'fixed32':
      return String(v.value);
    case 'raw':
      return `raw(wt${v.wireType}:${v.value.toString('hex').slice(0, 40)})`;
    case 'len':
      if (v.value instanceof WireMessage) return v.value[fc.toStringMethod]();
      return v.value.length > 80 ? `bytes(${v.value.length})` : JSON.stringify(v.value.toString('latin1'));
  }
}

const U64_MASK = (1n << 64n) - 1n;

export function varint(n: bigint): Buffer {
  let v = n & U64_MASK;
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}

// BigInt: field numbers go up to 2^29 - 1, and `<<` on a number would overflow 32 bits.
const tag = (no: number, wireType: number): Buffer => varint((BigInt(no) << 3n) | BigInt(wireType));

export function encode(message: WireMessage): Buffer {
  const parts: Buffer[] = [];
  for (const f of message.fields) {
    const v = f.value;
    switch (v.kind) {
      case 'varint':
        parts.push(tag(f.no, WIRE.varint), varint(v.value));
        break;
      case 'fixed64': {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(v.value & U64_MASK);
        parts.push(tag(f.no, WIRE.fixed64), b);
        break;
      }
      case 'fixed32': {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(v.value >>> 0);
        parts.push(tag(f.no, WIRE.fixed32), b);
        break;
      }
      case 'len': {
        const bytes = v.value instanceof WireMessage ? encode(v.value) : v.value;
        parts.push(tag(f.no, WIRE.len), varint(BigInt(bytes.length)), bytes);
        break;
      }
      case 'raw':
        parts.push(tag(f.no, v.wireType), v.value);
        break;
    }
  }
  return Buffer.concat(parts);
}
