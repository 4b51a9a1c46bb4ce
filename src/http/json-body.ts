import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { type GatewayError, invalid, messageOf } from '../contract/errors.js';
import type { Limits } from '../contract/limits.js';
import { MAX_JSON_DEPTH, jsonShape } from './json-shape.js';
import { type RepeatedName, repeatedName } from './validation.js';

/**
 * JSON bodies, parsed as Fastify does by default (secure-json-parse refusing prototype
 * poisoning), but with errors a client can act on. A field named `__proto__` cannot travel
 * in a JSON object safely (it would be dropped or turn into a prototype), so it is refused
 * with a pointer to `pairs`, never silently lost. So is a name an object repeats (JSON.parse
 * would keep its last value only): a field name repeated in `fields` belongs in `pairs`.
 */
export function registerJsonBodyParser(app: FastifyInstance, limits: Limits): void {
  // Pathological shapes are refused before JSON.parse builds anything (json-shape.ts).
  const shape = { maxDepth: MAX_JSON_DEPTH, maxItems: Math.max(limits.maxBatch, limits.maxFields) };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(invalid('the body is empty; send a JSON object', 'body'), undefined);
    // The same pass counts the members the text writes, for the repeated-name check.
    const members = jsonShape(text, shape);
    if (typeof members !== 'number') return done(invalid(members.message, 'body'), undefined);
    if (text.length < YIELD_FROM_CHARS) return parse(text, members, done);
    // A large body is parsed, then validated and served, in separate turns of the event
    // loop, so that other requests get in between (each step stays a single block).
    setImmediate(() => parse(text, members, (err, value) => (err ? done(err, undefined) : setImmediate(done, null, value))));
  });
}

/** From this size (characters), a body's parse and what follows run in turns of their own. */
const YIELD_FROM_CHARS = 1 << 20;

/** `members`: the members the text writes (json-shape.ts). */
function parse(text: string, members: number, done: (err: Error | null, value: unknown) => void): void {
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    const message = messageOf(err);
    if (/prototype/i.test(message)) {
      done(invalid('a JSON object may not hold "__proto__" (or "constructor.prototype"); send such field names in "pairs"', 'body'), undefined);
    } else done(invalid(`the body is not valid JSON: ${message}`, 'body'), undefined);
    return;
  }
  // After the parse (and after the shape pass above, which bounds its cost).
  const repeat = repeatedName(text, value, members);
  if (repeat) done(repeatError(repeat), undefined);
  else done(null, value);
}

/** The refusal of a repeated name; in a `fields` object, it points to `pairs`. */
function repeatError({ path, name }: RepeatedName): GatewayError {
  const where = path === '' ? 'the body' : path;
  const inFields = path === 'fields' || path.endsWith('.fields');
  return invalid(
    inFields
      ? `${where} repeats the field name ${JSON.stringify(name)}; a JSON object keeps one value per name: send repeated field names in "pairs" ([[name, value], ...])`
      : `${where} repeats the name ${JSON.stringify(name)}; a JSON object keeps one value per name`,
    path === '' ? 'body' : path,
  );
}
