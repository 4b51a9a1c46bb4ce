import { z } from 'zod';
import { defaultOptions } from '../../contract/defaults.js';
import { KEEP, MISS, isPlainObject, onlyKey, withFastPath } from '../validation.js';
import { streamId } from './common.js';
import { int } from './numbers.js';

export const MessageSchema = z
  .object({
    id: streamId('Entry ID.'),
    fields: z
      .record(z.string(), z.string())
      .nullable()
      .describe("The entry's fields as in Redis, in Redis's order; null for an entry deleted while pending."),
    pairs: z
      .array(z.tuple([z.string(), z.string()]))
      .optional()
      .describe(
        'The fields as [name, value] pairs in Redis order; present when names repeat or when a name is integer-like (JSON objects cannot keep those).',
      ),
    deliveryCount: int()
      .optional()
      .describe('Times Redis has delivered this entry to the group (consumer reads only).'),
    encoding: z
      .literal('base64')
      .optional()
      .describe('Present when the values of this message are base64 (asked for, or not valid UTF-8).'),
    deleted: z.literal(true).optional().describe('The entry was deleted from the stream while still pending.'),
  })
  .meta({
    id: 'Message',
    description: 'A stream entry: exactly the field/value pairs Redis holds, no envelope.',
    examples: [{ id: '1700000000000-0', fields: { orderId: '42', status: 'paid' }, deliveryCount: 1 }],
  });

export const MessagesSchema = z.object({ messages: z.array(MessageSchema) });

export const FieldsInputSchema = z.object({
  fields: z
    .record(z.string(), z.string())
    .optional()
    .describe('Field names and values. Order: as given, except that integer-like names come first (JSON objects); use pairs for exact order.'),
  pairs: z
    .array(z.tuple([z.string(), z.string()]))
    .optional()
    .describe('Fields as [name, value] pairs, in order; allows repeated names.'),
});

export const PublishMessageSchema = FieldsInputSchema.extend({
  id: z
    .string()
    .optional()
    .describe('Explicit entry ID (`<ms>-<seq>` or `<ms>-*`); default `*`: Redis assigns one. Must be above the stream top ID.'),
}).meta({ id: 'PublishMessage', description: 'One message to publish: `fields` or `pairs`.' });

export const TrimSchema = z
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

/**
 * The body of a publish. Fast path (validation.ts): `{"fields": {...}}` with string values
 * only, as zod leaves it (nothing to strip, no default to add); anything else goes to zod.
 */
export const PublishBody = withFastPath(PublishBodySchema, (body) => {
  if (!isPlainObject(body) || !onlyKey(body, 'fields')) return MISS;
  const fields = body.fields;
  if (!isPlainObject(fields)) return MISS;
  for (const name in fields) {
    // zod drops a "__proto__" name (JSON.parse can make one an own key): let zod decide.
    if (name === '__proto__' || typeof fields[name] !== 'string' || !Object.prototype.hasOwnProperty.call(fields, name)) return MISS;
  }
  return body;
});

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
