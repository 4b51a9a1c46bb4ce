import { z } from 'zod';
import { streamId } from './common.js';
import { int } from './numbers.js';

export const MessageSchema = z
  .object({
    id: streamId('Entry ID.'),
    fields: z
      .record(z.string(), z.string())
      .nullable()
      .describe(
        "The entry's fields as in Redis, in Redis's order; null for an entry deleted while pending. With `nameEncoding`, only the fields whose names are UTF-8 (the others are in `pairs`).",
      ),
    pairs: z
      .array(z.tuple([z.string(), z.string()]))
      .optional()
      .describe(
        'The fields as [name, value] pairs in Redis order; present when names repeat, when a name is integer-like (JSON objects cannot keep those), or when a name is not UTF-8 (`nameEncoding`).',
      ),
    deliveryCount: int()
      .optional()
      .describe('Times Redis has delivered this entry to the group (consumer reads only).'),
    encoding: z
      .literal('base64')
      .optional()
      .describe('Present when the values of this message are base64 (asked for, or not valid UTF-8).'),
    nameEncoding: z
      .literal('base64')
      .optional()
      .describe(
        'Present when a field name of this message is not valid UTF-8 (written by a native Redis client): every name in `pairs` is then base64 of its exact bytes, and `fields` holds only the fields whose names are UTF-8.',
      ),
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
  // Refused (encoding.ts), not stripped: a message read with nameEncoding and sent back as
  // it is would otherwise store its base64 names as text.
  nameEncoding: z
    .literal('base64')
    .optional()
    .describe('Refused (VALIDATION_FAILED): published names are UTF-8 text. A message read with `nameEncoding` cannot be published back as it is.'),
});

export const PublishMessageSchema = FieldsInputSchema.extend({
  id: z
    .string()
    .optional()
    .describe('Explicit entry ID (`<ms>-<seq>` or `<ms>-*`); default `*`: Redis assigns one. Must be above the stream top ID.'),
}).meta({ id: 'PublishMessage', description: 'One message to publish: `fields` or `pairs`.' });
