/**
 * Encodes a list of lists of byte strings as MessagePack, for Redis's Lua `cmsgpack.unpack`.
 *
 * Why: a publish batch passed as script arguments costs ioredis one conversion per name and
 * per value (about 800 for 100 messages), measured at a quarter of the gateway's CPU; one
 * packed argument costs one. Only `array 32` and `str 32` are written: Redis bundles an old
 * lua-cmsgpack that reads `str` as binary-safe Lua strings but rejects the newer `bin` types.
 * Strings are written straight into the one output buffer (two passes: sizes, then bytes),
 * never through a Buffer of their own: per-string Buffers were a fifth of publish's GC.
 */
export type Packable = string | Buffer;

/** A publish message as packed: its ID, then its names and values in order. */
export interface PackableEntry {
  readonly id: string;
  readonly pairs: ReadonlyArray<readonly [string, Packable]>;
}

const itemBytes = (item: Packable): number =>
  5 + (typeof item === 'string' ? Buffer.byteLength(item, 'utf8') : item.length);

function writeItem(out: Buffer, at: number, item: Packable): number {
  out[at] = 0xdb;
  if (typeof item === 'string') {
    const n = out.write(item, at + 5, 'utf8');
    out.writeUInt32BE(n, at + 1);
    return at + 5 + n;
  }
  out.writeUInt32BE(item.length, at + 1);
  return at + 5 + item.copy(out, at + 5);
}

/** `[[id, name, value, ...], ...]` for every entry, without building those lists. */
export function packEntries(entries: readonly PackableEntry[]): Buffer {
  return packAscii(entries) ?? packBytes(entries);
}

/** A MessagePack header (`tag`, 32-bit big-endian `n`) as 5 latin1 characters. */
const header = (tag: number, n: number): string =>
  String.fromCharCode(tag, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

/**
 * The common batch, text only and all of it ASCII: the whole packing as one latin1 string,
 * turned into bytes by one call (a write per name and value cost twice as much). Null when
 * an item is a Buffer or a character is not ASCII (its UTF-8 bytes are then not its
 * characters): packBytes does it.
 */
function packAscii(entries: readonly PackableEntry[]): Buffer | null {
  let out = header(0xdd, entries.length);
  // Every text, to check at once that each character is one UTF-8 byte: a string's UTF-8
  // length equals its length exactly when all its characters are below U+0080.
  let texts = '';
  for (const e of entries) {
    out += header(0xdd, 1 + 2 * e.pairs.length) + header(0xdb, e.id.length) + e.id;
    texts += e.id;
    for (const [name, value] of e.pairs) {
      if (typeof value !== 'string') return null;
      out += header(0xdb, name.length) + name + header(0xdb, value.length) + value;
      texts += name;
      texts += value;
    }
  }
  return Buffer.byteLength(texts, 'utf8') === texts.length ? Buffer.from(out, 'latin1') : null;
}

function packBytes(entries: readonly PackableEntry[]): Buffer {
  let size = 5;
  for (const e of entries) {
    size += 5 + itemBytes(e.id);
    for (const [name, value] of e.pairs) size += itemBytes(name) + itemBytes(value);
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = 0xdd;
  let at = out.writeUInt32BE(entries.length, 1);
  for (const e of entries) {
    out[at] = 0xdd;
    at = out.writeUInt32BE(1 + 2 * e.pairs.length, at + 1);
    at = writeItem(out, at, e.id);
    for (const [name, value] of e.pairs) {
      at = writeItem(out, at, name);
      at = writeItem(out, at, value);
    }
  }
  return out;
}
