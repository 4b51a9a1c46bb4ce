import { type Buffer, isUtf8 } from 'node:buffer';
import type { FastifyReply } from 'fastify';
import { needsPairs } from '../contract/messages.js';
import { PackedMessage, sameRange } from '../contract/packed-message.js';
import type { FieldPair, Message } from '../contract/types.js';
import { type Encoding, messageToJson } from './encoding.js';
import { JsonOut } from './json-out.js';

/**
 * The JSON text of delivered messages, written straight from the core's messages: exactly
 * `JSON.stringify(messages.map((m) => messageToJson(m, encoding)))` (a property test checks
 * it), without an object per message and field first. A pull answers up to a thousand
 * messages; building `fields` objects (null-prototype, so dictionaries) for JSON.stringify
 * to walk again was most of the REST pull's own cost.
 *
 * The common message (text values, names that are neither repeated nor index-like) is
 * written here; any other (deleted, base64, a value or a name that is not UTF-8, a message
 * that needs `pairs`) goes through messageToJson, so its rules live in one place.
 *
 * A PackedMessage whose names are well-formed UTF-8 is read from its packed reply: names
 * and values copied from the reply's bytes with JSON's escapes (json-out.ts; a value that is
 * not UTF-8 sends the message down the other path), repeated names found by comparing bytes
 * (equal for well-formed names exactly when the strings are), a name's string made only when
 * it may be index-like; no pairs. Any other goes through `pairs` as a plain message does.
 */
export function messagesJson(messages: readonly Message[], encoding: Encoding): string {
  const out = new JsonOut(256);
  writeMessagesJson(out, messages, encoding);
  return out.finish().toString('utf8');
}

/**
 * messagesJson written into `out` as UTF-8 bytes (the REST pull's reply is one Buffer): a
 * packed message with well-formed names has its names and values copied from its packed
 * reply, escaped (json-out.ts); any other is written as text.
 */
export function writeMessagesJson(out: JsonOut, messages: readonly Message[], encoding: Encoding): void {
  out.ascii('[');
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) out.ascii(',');
    const m = messages[i]!;
    if (encoding === 'utf8' && m instanceof PackedMessage && m.at >= 0 && m.fieldCount <= PAIRWISE && m.utf8Names && packedJsonInto(out, m)) continue;
    out.text((encoding === 'utf8' ? plainJson(m) : null) ?? JSON.stringify(messageToJson(m, encoding)));
  }
  out.ascii(']');
}

/** Up to this many fields, repeated names are looked for pairwise (no Set). */
const PAIRWISE = 16;

/** Name and value ranges of the packed message at hand (PackedMessage.ranges), four per field. */
const RANGES = new Int32Array(4 * PAIRWISE);

/** The message as messageToJson + JSON.stringify would write it, or null when it is not a plain one. */
function plainJson(m: Message): string | null {
  const pairs = m.pairs;
  if (pairs === null || pairs.length > PAIRWISE) return null;
  let fields = '';
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    // A third element: the name's bytes, a name that is not UTF-8 (messageToJson presents it).
    if (pair.length > 2) return null;
    const [name, value] = pair;
    if (needsPairs('json', name, repeated(pairs, i))) return null;
    const text = value.toString('utf8');
    // Invalid UTF-8 decodes to U+FFFD; only then is the value checked (U+FFFD may be real).
    if (text.includes('\uFFFD') && !isUtf8(value)) return null;
    fields += `${i > 0 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(text)}`;
  }
  const count = m.deliveryCount === undefined ? '' : `,"deliveryCount":${m.deliveryCount}`;
  return `{"id":${JSON.stringify(m.id)},"fields":{${fields}}${count}}`;
}

/**
 * plainJson for a packed message with well-formed names, written into `out` from its reply's
 * bytes; false (nothing written) when it is not a plain one.
 */
function packedJsonInto(out: JsonOut, m: PackedMessage): boolean {
  m.ranges(RANGES);
  const { buf, names } = m.reply;
  const mark = out.mark();
  // An ID is digits and a dash: nothing to escape.
  out.ascii('{"id":"');
  out.ascii(m.id);
  out.ascii('","fields":{');
  for (let i = 0, k = 0; i < m.fieldCount; i++, k += 4) {
    const start = RANGES[k]!;
    const end = RANGES[k + 1]!;
    let again = false;
    for (let j = 0; j < k && !again; j += 4) again = sameRange(buf, start, end, RANGES[j]!, RANGES[j + 1]!);
    // Only a name beginning with a digit can be index-like: the others need no string.
    const first = end > start ? buf[start]! : 0;
    if (again || (first >= 0x30 && first <= 0x39 && needsPairs('json', names.text(start, end, i), false))) {
      out.rewind(mark);
      return false;
    }
    if (i > 0) out.ascii(',');
    // The name is well-formed UTF-8 (utf8Names); the value falls back when it is not.
    out.quoted(buf, start, end);
    out.ascii(':');
    if (!out.quoted(buf, RANGES[k + 2]!, RANGES[k + 3]!)) {
      out.rewind(mark);
      return false;
    }
  }
  out.ascii('},"deliveryCount":');
  out.ascii(String(m.deliveryCount));
  out.ascii('}');
  return true;
}

function repeated(pairs: readonly FieldPair[], i: number): boolean {
  const name = pairs[i]![0];
  for (let j = 0; j < i; j++) if (pairs[j]![0] === name) return true;
  return false;
}

/** What Fastify sets for a JSON reply it serializes itself. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Sends JSON text already written (a string with a JSON content type goes out as it is).
 * The route's response schema still documents the reply; the type provider cannot know
 * that this text is one, hence the one cast.
 */
export function sendJsonText(reply: { type(t: string): unknown }, text: string | Buffer): FastifyReply {
  return (reply.type(JSON_CONTENT_TYPE) as FastifyReply).send(text);
}
