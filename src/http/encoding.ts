import { Buffer, isUtf8 } from 'node:buffer';
import { invalid } from '../contract/errors.js';
import { fieldsForm, needsPairs } from '../contract/messages.js';
import type { InputPair } from '../contract/limits.js';
import type { Message, TextPair } from '../contract/types.js';

/**
 * REST carries field values as JSON strings. `utf8` (default) sends text; `base64` sends
 * every value base64-encoded. In utf8 mode a message holding a value that is not valid
 * UTF-8 comes back with `encoding: "base64"` and all its values base64: never altered.
 *
 * Names are text. A message holding a name that is not valid UTF-8 (written by a native
 * client) comes back with `nameEncoding: "base64"`, in either encoding: its `pairs` are
 * always present and hold every name base64, exactly; `fields` holds only the fields whose
 * names are UTF-8, as text (docs/api.md#field-names-that-are-not-utf-8).
 */
export type Encoding = 'utf8' | 'base64';

export interface MessageJson {
  id: string;
  fields: Record<string, string> | null;
  pairs?: [string, string][];
  deliveryCount?: number;
  encoding?: 'base64';
  nameEncoding?: 'base64';
  deleted?: true;
}

const valueText = (value: Buffer, base64: boolean): string => (base64 ? value.toString('base64') : value.toString('utf8'));

export function messageToJson(m: Message, encoding: Encoding): MessageJson {
  if (m.pairs === null) {
    const out: MessageJson = { id: m.id, fields: null, deleted: true };
    if (m.deliveryCount !== undefined) out.deliveryCount = m.deliveryCount;
    return out;
  }
  const base64 = encoding === 'base64' || m.pairs.some(([, v]) => !isUtf8(v));
  // A null-prototype object keeps a field named "__proto__" as an ordinary field.
  const fields = Object.create(null) as Record<string, string>;
  let withPairs = false;
  let names64 = false;
  for (const [name, value, nameBytes] of m.pairs) {
    // A name that is not UTF-8 cannot be a JSON object's key exactly: it travels in pairs only.
    if (nameBytes) {
      names64 = withPairs = true;
      continue;
    }
    if (!withPairs && needsPairs('json', name, Object.hasOwn(fields, name))) withPairs = true;
    fields[name] = valueText(value, base64);
  }
  const out: MessageJson = { id: m.id, fields };
  // pairs carries what a JSON object cannot (contract/messages.ts). Built only then: most
  // messages need none, and this runs for every message delivered.
  if (names64) {
    out.pairs = m.pairs.map(([name, value, nameBytes]) => [(nameBytes ?? Buffer.from(name, 'utf8')).toString('base64'), valueText(value, base64)]);
  } else if (withPairs) out.pairs = m.pairs.map(([name, value]) => [name, valueText(value, base64)]);
  if (m.deliveryCount !== undefined) out.deliveryCount = m.deliveryCount;
  if (base64) out.encoding = 'base64';
  if (names64) out.nameEncoding = 'base64';
  return out;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes of a value, or null when it is not valid in `encoding` (problemOf says why).
 * With `text`, a utf8 value stays the (well-formed) string: its UTF-8 bytes are written
 * later, straight into the packed batch (redis/pack.ts).
 */
function valueBytes(value: string, encoding: Encoding, text: boolean): Buffer | string | null {
  if (encoding === 'base64') return BASE64.test(value) ? Buffer.from(value, 'base64') : null;
  // A lone surrogate cannot be encoded as UTF-8; refuse it rather than store U+FFFD.
  if (!value.isWellFormed()) return null;
  return text ? value : Buffer.from(value, 'utf8');
}

/** The refusal of a value valueBytes turned down; its path is built only then. */
const badValue = (encoding: Encoding, path: string) =>
  invalid(encoding === 'base64' ? `${path} is not valid base64` : `${path} is not valid Unicode (lone surrogate)`, path);

export interface FieldsInput {
  readonly fields?: Record<string, string>;
  readonly pairs?: ReadonlyArray<readonly [string, string]>;
  /** Read messages only: refused in a publish, never ignored (its names would be stored as base64 text). */
  readonly nameEncoding?: 'base64' | undefined;
}

/** The fields of a message as bytes. */
export function fieldsFromJson(input: FieldsInput, encoding: Encoding, path: string): TextPair[] {
  return pairsOf(input, encoding, path, false) as TextPair[];
}

/**
 * The fields of a message to publish: utf8 values stay strings (no Buffer per value; the
 * core counts their UTF-8 bytes and the packer writes them), base64 ones are decoded.
 */
export function fieldsFromJsonText(input: FieldsInput, encoding: Encoding, path: string): InputPair[] {
  return pairsOf(input, encoding, path, true);
}

function pairsOf(input: FieldsInput, encoding: Encoding, path: string, text: boolean): InputPair[] {
  if (input.nameEncoding !== undefined) {
    throw invalid(`${path}.nameEncoding: publishing takes UTF-8 names only (names are text; nameEncoding is for reading)`, `${path}.nameEncoding`);
  }
  const out: InputPair[] = [];
  if (fieldsForm(input.fields !== undefined, input.pairs !== undefined, path) === 'pairs') {
    const pairs = input.pairs ?? [];
    for (let i = 0; i < pairs.length; i++) {
      const [name, value] = pairs[i]!;
      const bytes = valueBytes(value, encoding, text);
      if (bytes === null) throw badValue(encoding, `${path}.pairs[${i}]`);
      out.push([name, bytes]);
    }
    return out;
  }
  const fields = input.fields ?? {};
  // Object.entries order (own enumerable string keys), without its arrays.
  for (const name of Object.keys(fields)) {
    const bytes = valueBytes(fields[name]!, encoding, text);
    if (bytes === null) throw badValue(encoding, `${path}.fields.${name}`);
    out.push([name, bytes]);
  }
  return out;
}
