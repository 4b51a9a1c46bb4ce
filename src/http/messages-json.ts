import { isUtf8 } from 'node:buffer';
import type { FastifyReply } from 'fastify';
import { needsPairs } from '../contract/messages.js';
import type { FieldPair, Message } from '../contract/types.js';
import { type Encoding, messageToJson } from './encoding.js';

/**
 * The JSON text of delivered messages, written straight from the core's messages: exactly
 * `JSON.stringify(messages.map((m) => messageToJson(m, encoding)))` (a property test checks
 * it), without an object per message and field first. A pull answers up to a thousand
 * messages; building `fields` objects (null-prototype, so dictionaries) for JSON.stringify
 * to walk again was most of the REST pull's own cost.
 *
 * The common message (text values, names that are neither repeated nor index-like) is
 * written here; any other (deleted, base64, a value that is not UTF-8, a message that needs
 * `pairs`) goes through messageToJson, so its rules live in one place.
 */
export function messagesJson(messages: readonly Message[], encoding: Encoding): string {
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) out += ',';
    const m = messages[i]!;
    out += (encoding === 'utf8' ? plainJson(m) : null) ?? JSON.stringify(messageToJson(m, encoding));
  }
  return `${out}]`;
}

/** Up to this many fields, repeated names are looked for pairwise (no Set). */
const PAIRWISE = 16;

/** The message as messageToJson + JSON.stringify would write it, or null when it is not a plain one. */
function plainJson(m: Message): string | null {
  const pairs = m.pairs;
  if (pairs === null || pairs.length > PAIRWISE) return null;
  let fields = '';
  for (let i = 0; i < pairs.length; i++) {
    const [name, value] = pairs[i]!;
    if (needsPairs('json', name, repeated(pairs, i))) return null;
    const text = value.toString('utf8');
    // Invalid UTF-8 decodes to U+FFFD; only then is the value checked (U+FFFD may be real).
    if (text.includes('\uFFFD') && !isUtf8(value)) return null;
    fields += `${i > 0 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(text)}`;
  }
  const count = m.deliveryCount === undefined ? '' : `,"deliveryCount":${m.deliveryCount}`;
  return `{"id":${JSON.stringify(m.id)},"fields":{${fields}}${count}}`;
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
export function sendJsonText(reply: { type(t: string): unknown }, text: string): FastifyReply {
  return (reply.type(JSON_CONTENT_TYPE) as FastifyReply).send(text);
}
