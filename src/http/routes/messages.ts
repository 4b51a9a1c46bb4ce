import { z } from 'zod';
import { defaultOptions } from '../../contract/defaults.js';
import { invalid } from '../../contract/errors.js';
import type { RouteContext, ZodApp } from '../context.js';
import { fieldsFromJsonText, messageToJson } from '../encoding.js';
import { EncodingQuery, StreamParams, problems, queryBool, streamId } from '../schemas/common.js';
import { int, queryCount, ranges } from '../schemas/numbers.js';
import { FieldsInputSchema, MessagesSchema, PublishMessageSchema } from '../schemas/message.js';
import { KEEP, MISS, Refused, isPlainObject, onlyKey, withFastPath, zodAt } from '../validation.js';

const TrimSchema = z
  .object({
    maxLen: z.number().int().min(0).optional().describe('Keep at most this many entries (the newest).'),
    minId: z.string().optional().describe('Remove entries with an ID below this one.'),
    exact: z
      .boolean()
      .default(defaultOptions.trim.exact)
      .describe('Trim exactly (`=`). Default false: approximate (`~`), which removes only whole internal nodes and is much cheaper.'),
  })
  .meta({ id: 'Trim', description: 'Trimming, as XADD/XTRIM take it: `maxLen` or `minId`.' });

const PublishBodySchema = FieldsInputSchema.extend({
  messages: z.array(PublishMessageSchema).optional().describe('A batch, written all or nothing. Alternative to a single `fields`/`pairs`.'),
  id: z.string().optional().describe('Explicit ID of a single message (with `fields`/`pairs`).'),
  trim: TrimSchema.optional().describe('Trim the stream after adding, in the same atomic step.'),
}).meta({
  examples: [
    { fields: { orderId: '42', status: 'paid' } },
    { messages: [{ fields: { n: '1' } }, { pairs: [['n', '2'], ['n', 'again']] }], trim: { maxLen: 100000 } },
  ],
});

/** `{...}` of string values that zod's record leaves as it is (nothing dropped). */
function stringRecord(fields: unknown): boolean {
  if (!isPlainObject(fields)) return false;
  for (const name in fields) {
    // zod drops a "__proto__" name (JSON.parse can make one an own key): let zod decide.
    if (name === '__proto__' || typeof fields[name] !== 'string' || !Object.prototype.hasOwnProperty.call(fields, name)) return false;
  }
  return true;
}

/** A batch item `{"fields": {...}}`, or with a string `id` too, as zod leaves it. */
function plainMessage(m: unknown): boolean {
  if (!isPlainObject(m)) return false;
  let n = 0;
  for (const k in m) {
    if (k === 'fields') {
      if (!stringRecord(m.fields)) return false;
    } else if (k !== 'id' || typeof m.id !== 'string') return false;
    n++;
  }
  return Object.prototype.hasOwnProperty.call(m, 'fields') && n === (Object.prototype.hasOwnProperty.call(m, 'id') ? 2 : 1);
}

/**
 * From this many messages, a batch that is not all plain is parsed message by message: zod
 * on the whole body would collect an issue for every wrong item of every message (a
 * million for 1000 messages of 1000 wrong pairs: 20 s of one core); this way a refusal is
 * zod's issues for the first wrong message only.
 */
const BATCH_BY_MESSAGE = 64;

/**
 * The body of a publish. Fast path (validation.ts): `{"fields": {...}}` with string values
 * only, or `{"messages": [...]}` of such messages (each maybe with a string `id`), as zod
 * leaves them (nothing to strip, no default to add); anything else goes to zod, a long
 * batch message by message (byMessage).
 */
export const PublishBody = withFastPath(PublishBodySchema, (body) => {
  if (!isPlainObject(body)) return MISS;
  const messages = body.messages;
  if (Array.isArray(messages) && messages.length >= BATCH_BY_MESSAGE) return byMessage(body, messages);
  if (onlyKey(body, 'fields')) return stringRecord(body.fields) ? body : MISS;
  if (!onlyKey(body, 'messages')) return MISS;
  if (!Array.isArray(messages) || Object.getPrototypeOf(messages) !== Array.prototype) return MISS;
  for (let i = 0; i < messages.length; i++) if (!plainMessage(messages[i])) return MISS;
  return body;
});

/**
 * A long batch as zod parses it, one message at a time: zod's value (the rest of the body
 * by the body's schema, each message as it is when plain, else by its schema), or zod's
 * refusal of the rest or of the first message it refuses.
 */
function byMessage(body: Record<string, unknown>, messages: unknown[]): unknown {
  let plain = onlyKey(body, 'messages') && Object.getPrototypeOf(messages) === Array.prototype;
  for (let i = 0; plain && i < messages.length; i++) plain = plainMessage(messages[i]);
  if (plain) return body;
  const rest = zodAt(PublishBodySchema, { ...body, messages: [] }, []);
  if (rest instanceof Refused) return rest;
  const out: unknown[] = new Array(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (plainMessage(m)) out[i] = m;
    else {
      const parsed = zodAt(PublishMessageSchema, m, ['messages', i]);
      if (parsed instanceof Refused) return parsed;
      out[i] = parsed.value;
    }
  }
  (rest.value as { messages: unknown[] }).messages = out;
  return rest.value;
}

const IDEMPOTENCY_KEY = 'idempotency-key';

/**
 * The headers a publish reads. Fast path: no Idempotency-Key or a string one (Node's own
 * header values always are), and the headers stay as they are: zod's value would only
 * repeat that header.
 */
export const PublishHeaders = withFastPath(
  z.object({
    [IDEMPOTENCY_KEY]: z.string().optional().describe('Makes retries safe: 1–255 visible ASCII characters.'),
  }),
  (headers) => {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return MISS;
    const own = Object.prototype.hasOwnProperty.call(headers, IDEMPOTENCY_KEY);
    const key = (headers as Record<string, unknown>)[IDEMPOTENCY_KEY];
    if (own ? typeof key === 'string' : !(IDEMPOTENCY_KEY in headers)) return KEEP;
    return MISS;
  },
);

const PublishReply = z
  .object({ ids: z.array(z.string()).describe('IDs of the new entries, in order.') })
  .meta({ examples: [{ ids: ['1700000000000-0', '1700000000000-1'] }] });

const TrimBody = TrimSchema.extend({
  safe: z
    .boolean()
    .default(defaultOptions.trim.safe)
    .describe('Never remove entries some consumer group still needs (pending, or not yet delivered to it).'),
}).meta({ examples: [{ maxLen: 1000, safe: true }] });

export function messageRoutes(app: ZodApp, { core }: RouteContext): void {
  app.post('/v1/streams/:stream/messages', {
    config: { operation: 'publish' },
    schema: {
      operationId: 'publishMessages',
      tags: ['messages'],
      summary: 'Publish messages (XADD)',
      description:
        'Adds one message (`fields` or `pairs`) or a batch (`messages`), all or nothing, as plain Redis entries. Creates the stream if needed. With an `Idempotency-Key` header, a retry of the same request returns the first IDs (200, `Idempotent-Replayed: true`) and adds nothing; the same key with another body is IDEMPOTENCY_CONFLICT. Keys are scoped to the stream and kept 24 h (STREAMGATE_IDEMPOTENCY_TTL_SEC).',
      params: StreamParams,
      querystring: EncodingQuery,
      headers: PublishHeaders,
      body: PublishBody,
      response: { 201: PublishReply, 200: PublishReply, ...problems(400, 409, 413) },
    },
    handler: async (req, reply) => {
      const { stream } = req.params;
      const { encoding } = req.query;
      const b = req.body;
      // Not kept by the request while Redis works: once packed, a batch's values are
      // garbage, and the young generation collects them only if nothing holds them
      // (docs/decisions.md, "Per-message cost").
      (req as { body: unknown }).body = undefined;
      const single = b.fields !== undefined || b.pairs !== undefined;
      if (single === (b.messages !== undefined)) throw invalid('give either messages or fields/pairs', 'body');
      if (!single && b.id !== undefined) throw invalid('id belongs inside each message of a batch', 'id');
      const messages = single
        ? [{ id: b.id, pairs: fieldsFromJsonText(b, encoding, 'body') }]
        : (b.messages ?? []).map((m, i) => ({ id: m.id, pairs: fieldsFromJsonText(m, encoding, `messages[${i}]`) }));
      const result = await core.streams.publish(stream, {
        messages,
        trim: b.trim,
        idempotencyKey: req.headers['idempotency-key'],
      });
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(result.replayed ? 200 : 201).send({ ids: result.ids });
    },
  });

  app.get('/v1/streams/:stream/messages', {
    config: { operation: 'readRange' },
    schema: {
      operationId: 'readMessages',
      tags: ['messages'],
      summary: 'Read a range of messages (XRANGE / XREVRANGE)',
      description:
        '`start` and `end` are the lower and upper bounds (`-`, `+`, an ID, or `(ID` for exclusive); `reverse=true` only flips the order. Reads history without touching any group. The read stops after `count` entries or after the entry whose bytes (ID, field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES (at least one entry is always answered); `next` says where to continue.',
      params: StreamParams,
      querystring: EncodingQuery.extend({
        start: z.string().default(defaultOptions.readRange.start).describe('Lower bound.'),
        end: z.string().default(defaultOptions.readRange.end).describe('Upper bound.'),
        count: queryCount('Most messages to return (at most STREAMGATE_MAX_COUNT, 1000 unless configured).', defaultOptions.readRange.count),
        reverse: queryBool('Newest first.', defaultOptions.readRange.reverse),
      }),
      response: {
        200: MessagesSchema.extend({
          next: z
            .string()
            .nullable()
            .describe(
              'The last ID answered when the read stopped at `count` or at STREAMGATE_MAX_RESPONSE_BYTES: continue with `start` = `(<next>` (`end` when reverse). Null when the range has nothing more.',
            ),
        }).meta({ examples: [{ messages: [{ id: '1700000000000-0', fields: { orderId: '42' } }], next: null }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const q = req.query;
      const page = await core.streams.read(req.params.stream, q);
      return { messages: page.messages.map((m) => messageToJson(m, q.encoding)), next: page.next };
    },
  });

  app.delete('/v1/streams/:stream/messages/:id', {
    config: { operation: 'deleteMessage' },
    schema: {
      operationId: 'deleteMessage',
      tags: ['messages'],
      summary: 'Delete a message (XDEL)',
      description: 'Removes the entry from the stream. Groups that have it pending keep it pending; reading it from history then shows `deleted: true`.',
      params: StreamParams.extend({ id: streamId('Entry ID.') }),
      response: {
        200: z.object({ deleted: int(ranges.flag).describe('1 if the entry existed, else 0.') }).meta({ examples: [{ deleted: 1 }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => ({ deleted: await core.streams.deleteMessage(req.params.stream, req.params.id) }),
  });

  app.post('/v1/streams/:stream/trim', {
    config: { operation: 'trim' },
    schema: {
      operationId: 'trimStream',
      tags: ['messages'],
      summary: 'Trim a stream (XTRIM)',
      description:
        'Removes the oldest entries by length (`maxLen`) or ID (`minId`). With `safe: true` it never removes an entry that some consumer group has pending or has not yet received. A plain trim that did remove such entries says so in `warning`.',
      params: StreamParams,
      body: TrimBody,
      response: {
        200: z
          .object({
            trimmed: int().describe('Entries removed.'),
            warning: z.string().optional().describe('Set when the trim removed entries some group still needed.'),
          })
          .meta({ examples: [{ trimmed: 120 }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const r = await core.streams.trim(req.params.stream, req.body);
      return r.warning ? { trimmed: r.trimmed, warning: r.warning } : { trimmed: r.trimmed };
    },
  });
}
