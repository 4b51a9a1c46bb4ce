import { z } from 'zod';
import { Cancel } from '../../contract/cancel.js';
import { defaultOptions } from '../../contract/defaults.js';
import type { PerIdResult } from '../../contract/types.js';
import { callerKey } from '../../core/admission.js';
import { principalOf } from '../auth.js';
import type { RouteContext, ZodApp } from '../context.js';
import { JsonOut } from '../json-out.js';
import { sendJsonText, writeMessagesJson } from '../messages-json.js';
import { EncodingQuery, GroupParams, consumerName, problems } from '../schemas/common.js';
import { MessagesSchema } from '../schemas/message.js';
import { countInt, int, limitedInt, ranges } from '../schemas/numbers.js';
import { MISS, isPlainObject, ownKeysAmong, withFastPath } from '../validation.js';
import { MEMBER_NAME_CEILING_BYTES, memberNameProblem } from '../../contract/names.js';
import { MAX_REASON_BYTES } from '../../contract/limits.js';

const { pull, nack } = defaultOptions;

const Ids = z.array(z.string()).describe('Entry IDs (at most STREAMGATE_MAX_BATCH, 1000 unless configured).');
const NotPending = z
  .array(z.string())
  .describe(
    'IDs that were not pending (for this consumer, where ownership matters): acked already, lease lost, or never delivered. Not acted on. An ID another consumer holds is here too, and in `notOwned`.',
  );
const NotOwned = z
  .array(z.string())
  .describe('Of `notPending`, the IDs pending for another consumer than `consumer` (its lease was lost to it): left alone.');
/** `notOwned` of the operations where `consumer` is optional (ack, term). */
const NotOwnedIfNamed = NotOwned.optional().describe('Present when the request named `consumer`: ' + NotOwned.description);
const OwnerConsumer = consumerName.optional().describe(
  'Act only on the entries this consumer holds (XPENDING owner); the others come back in `notOwned`. Absent: whoever holds them.',
);

const PullBodySchema = z
  .object({
    consumer: consumerName,
    count: countInt().default(pull.count).describe('Most messages to receive (at most STREAMGATE_MAX_COUNT, 1000 unless configured).'),
    waitMs: limitedInt(0, 'maxWaitMs').default(pull.waitMs).describe('Wait up to this long for messages when there are none (at most STREAMGATE_MAX_WAIT_MS, 60000 unless configured). A group destroyed, or a stream deleted or turned into another type, meanwhile ends the wait at once with 404 GROUP_NOT_FOUND / STREAM_NOT_FOUND or 409 NOT_A_STREAM.'),
    from: z
      .string()
      .default(pull.from)
      .describe('`>`: expired leases of the group, then new messages. `0` or an ID: this consumer own pending messages after it (history, as in Redis; a history read counts as a delivery).'),
    noAck: z.boolean().default(pull.noAck).describe('New messages only, not tracked as pending (XREADGROUP NOACK): at-most-once. No effect on a history read (accepted, as Redis ignores NOACK there).'),
    ack: z
      .array(z.string())
      .optional()
      .describe(
        'Entry IDs to acknowledge before pulling (the previous batch: one round trip per batch), exactly as the ack operation would, whoever holds them; at most STREAMGATE_MAX_BATCH (1000 unless configured), may be empty. Checked with the rest of the request first; a failing ack fails the request before anything is pulled. The answer then carries `acked`.',
      ),
  })
  .meta({
    examples: [
      { consumer: 'worker-1', count: 10, waitMs: 5000 },
      { consumer: 'worker-1', count: 10, waitMs: 5000, ack: ['1700000000000-0', '1700000000000-1'] },
    ],
  });

const PULL_KEYS = new Set(['consumer', 'count', 'waitMs', 'from', 'noAck', 'ack']);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/**
 * Fast path (validation.ts): every key known and of its type (a valid consumer name,
 * integers, `ack` strings), answered as zod does: a new object with the defaults filled in,
 * `ack` only when given. Anything else goes to zod.
 */
export const PullBody = withFastPath(PullBodySchema, (body) => {
  if (!isPlainObject(body)) return MISS;
  if (ownKeysAmong(body, PULL_KEYS) < 0) return MISS;
  // A key present as undefined (never from JSON) is zod's to answer.
  for (const k in body) if (body[k] === undefined) return MISS;
  const { consumer, count = pull.count, waitMs = pull.waitMs, from = pull.from, noAck = pull.noAck, ack } = body;
  if (typeof consumer !== 'string' || memberNameProblem(consumer, MEMBER_NAME_CEILING_BYTES) !== null) return MISS;
  if (!isInt(count) || !isInt(waitMs) || typeof from !== 'string' || typeof noAck !== 'boolean') return MISS;
  if (ack === undefined) return { consumer, count, waitMs, from, noAck };
  if (!Array.isArray(ack) || Object.getPrototypeOf(ack) !== Array.prototype) return MISS;
  for (let i = 0; i < ack.length; i++) if (typeof ack[i] !== 'string') return MISS;
  return { consumer, count, waitMs, from, noAck, ack: ack as string[] };
});

const AckedSchema = z.object({ acked: limitedInt(0, 'maxBatch'), notPending: NotPending });
/** An ack's result as the ack route answers it, and a pull carrying acks too. */
const ackedJson = (r: PerIdResult) => ({ acked: r.count, notPending: r.notPending });
/** `notOwned` when the request named its consumer (nack and extend always do). */
const owned = (r: PerIdResult, consumer: string | undefined) => (consumer === undefined ? {} : { notOwned: r.notOwned ?? [] });

const PulledSchema = MessagesSchema.extend({
  acked: AckedSchema.optional().describe(
    'Present when the request carried `ack`: the result of those acks, as the ack operation answers it (`acked`: how many were pending and are now acknowledged; `notPending`: the others).',
  ),
});

export function consumeRoutes(app: ZodApp, { core, closing }: RouteContext): void {
  app.post('/v1/streams/:stream/groups/:group/pull', {
    config: { operation: 'pull' },
    schema: {
      operationId: 'pullMessages',
      tags: ['consume'],
      summary: 'Pull messages: expired leases, then new ones (XREADGROUP)',
      description:
        'Each message is leased to the consumer for the group leaseMs. A message whose lease expired without an ack is delivered again, to whichever consumer pulls first, with deliveryCount incremented; one that would exceed maxDeliveries goes to the dead-letter stream instead. With waitMs the call waits for messages and answers an empty list when the wait ends. If the client disconnects before the answer, the messages are released at once (after the group retry backoff, if any). With a retry backoff (minBackoffMs, maxBackoffMs), a message whose lease expired is delivered again only after min(maxBackoffMs, minBackoffMs × 2^(deliveryCount − 1)) more.',
      params: GroupParams,
      querystring: EncodingQuery,
      body: PullBody,
      response: {
        200: PulledSchema.meta({
          examples: [
            { messages: [{ id: '1700000000000-0', fields: { orderId: '42' }, deliveryCount: 1 }] },
            { messages: [{ id: '1700000000000-2', fields: { orderId: '43' }, deliveryCount: 1 }], acked: { acked: 2, notPending: [] } },
          ],
        }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req, reply) => {
      // Ends the pull when the client goes away or the server begins to close: a Cancel,
      // not an AbortController (about 10 µs less per request with its listener), tracked by
      // the server's closing scope (a Set) while the request runs.
      const stop = new Cancel();
      closing.add(stop);
      // The response closing before it was written means the client went away.
      reply.raw.once('close', () => {
        if (!reply.raw.writableEnded) stop.abort();
      });
      try {
        const caller = callerKey(principalOf(req), req.ip);
        const { ack } = req.body;
        const { messages, acked } = await core.consume.pullAcking(
          req.params.stream,
          req.params.group,
          // Packed messages: messagesJson reads their fields from the packed reply.
          { ...req.body, packed: true },
          ack ?? [],
          stop,
          caller,
        );
        // The reply's JSON is written here (messages-json.ts), not by the serializer: as
        // bytes, into a buffer sized for a typical message (it grows when needed).
        const out = new JsonOut(256 + 256 * messages.length);
        out.ascii('{"messages":');
        writeMessagesJson(out, messages, req.query.encoding);
        if (ack !== undefined) {
          out.ascii(',"acked":');
          out.text(JSON.stringify(ackedJson(acked)));
        }
        out.ascii('}');
        return sendJsonText(reply, out.finish());
      } finally {
        closing.delete(stop);
      }
    },
  });

  app.post('/v1/streams/:stream/groups/:group/ack', {
    config: { operation: 'ack' },
    schema: {
      operationId: 'ackMessages',
      tags: ['consume'],
      summary: 'Acknowledge messages (XACK)',
      description:
        'Ends processing of the messages for this group. Each ID is answered on its own: `notPending` lists the ones that were not pending. Without `consumer`, acks whoever holds them (XACK); with `consumer`, only the ones it holds: one whose lease was lost to another consumer is left alone and listed in `notOwned` (and `notPending`).',
      params: GroupParams,
      body: z
        .object({ ids: Ids, consumer: OwnerConsumer })
        .meta({ examples: [{ ids: ['1700000000000-0'] }, { ids: ['1700000000000-0'], consumer: 'worker-1' }] }),
      response: {
        200: AckedSchema.extend({ notOwned: NotOwnedIfNamed }).meta({
          examples: [{ acked: 1, notPending: [] }, { acked: 1, notPending: ['1700000000000-1'], notOwned: ['1700000000000-1'] }],
        }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const { ids, consumer } = req.body;
      const r = await core.consume.ack(req.params.stream, req.params.group, ids, consumer);
      return { ...ackedJson(r), ...owned(r, consumer) };
    },
  });

  app.post('/v1/streams/:stream/groups/:group/nack', {
    config: { operation: 'nack' },
    schema: {
      operationId: 'nackMessages',
      tags: ['consume'],
      summary: 'Release leases, optionally after a delay (XCLAIM IDLE)',
      description:
        'Makes the consumer own messages eligible for redelivery after `delayMs` (up to 43200000, 12 h, whatever the group leaseMs), or, with 0, after the group retry backoff (at once when it has none). Messages of other consumers are left alone (in `notOwned` and `notPending`). deliveryCount is unchanged. LEASES_DISABLED when the group leaseMs is 0.',
      params: GroupParams,
      body: z
        .object({ consumer: consumerName, ids: Ids, delayMs: int(ranges.nackDelayMs).default(nack.delayMs).describe('Redeliver after this long (0: after the group backoff, at once without one).') })
        .meta({ examples: [{ consumer: 'worker-1', ids: ['1700000000000-0'], delayMs: 5000 }] }),
      response: {
        200: z
          .object({ released: limitedInt(0, 'maxBatch'), notPending: NotPending, notOwned: NotOwned })
          .meta({ examples: [{ released: 1, notPending: [], notOwned: [] }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const { consumer, ids, delayMs } = req.body;
      const r = await core.consume.nack(req.params.stream, req.params.group, consumer, ids, delayMs);
      return { released: r.count, notPending: r.notPending, notOwned: r.notOwned ?? [] };
    },
  });

  app.post('/v1/streams/:stream/groups/:group/extend', {
    config: { operation: 'extendLease' },
    schema: {
      operationId: 'extendLeases',
      tags: ['consume'],
      summary: 'Extend leases (XCLAIM JUSTID)',
      description:
        'Restarts the lease clock of the consumer own messages, as a heartbeat while processing takes long. Messages of other consumers are left alone (in `notOwned` and `notPending`). deliveryCount is unchanged. LEASES_DISABLED when the group leaseMs is 0.',
      params: GroupParams,
      body: z.object({ consumer: consumerName, ids: Ids }).meta({ examples: [{ consumer: 'worker-1', ids: ['1700000000000-0'] }] }),
      response: {
        200: z
          .object({ extended: limitedInt(0, 'maxBatch'), notPending: NotPending, notOwned: NotOwned })
          .meta({ examples: [{ extended: 1, notPending: [], notOwned: [] }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const r = await core.consume.extend(req.params.stream, req.params.group, req.body.consumer, req.body.ids);
      return { extended: r.count, notPending: r.notPending, notOwned: r.notOwned ?? [] };
    },
  });

  app.post('/v1/streams/:stream/groups/:group/term', {
    config: { operation: 'term' },
    schema: {
      operationId: 'terminateMessages',
      tags: ['consume'],
      summary: 'Terminate messages: dead-letter them now',
      description:
        'Moves each pending message to the group dead-letter stream and acks it (in one atomic step; on a Redis Cluster with the dead-letter stream in another slot, in two steps that can leave a duplicate dead letter, never a lost message), exactly as after maxDeliveries (the same x-* fields), plus `x-reason` when a reason is given; whatever maxDeliveries is (0 included). Redrive brings it back like any other dead letter. Without `consumer`, whoever holds the messages; with `consumer`, only the ones it holds (the others in `notOwned` and `notPending`). IDs not pending are listed in `notPending`; a message pending but deleted from the stream is acked with nothing to copy, and listed in `deleted`.',
      params: GroupParams,
      body: z
        .object({
          ids: Ids,
          reason: z
            .string()
            .max(MAX_REASON_BYTES)
            .optional()
            .describe(`Written to the dead letter as \`x-reason\`: at most ${MAX_REASON_BYTES} bytes (UTF-8); "" or absent: no x-reason.`),
          consumer: OwnerConsumer,
        })
        .meta({ examples: [{ ids: ['1700000000000-0'], reason: 'unparseable payload', consumer: 'worker-1' }] }),
      response: {
        200: z
          .object({
            terminated: limitedInt(0, 'maxBatch').describe('Messages moved to the dead-letter stream and acked.'),
            notPending: NotPending,
            notOwned: NotOwnedIfNamed,
            deleted: z.array(z.string()).describe('IDs that were pending but deleted from the stream: acked, nothing to dead-letter.'),
          })
          .meta({ examples: [{ terminated: 1, notPending: [], notOwned: [], deleted: [] }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const { ids, reason, consumer } = req.body;
      const r = await core.deadLetters.term(req.params.stream, req.params.group, ids, { reason, consumer });
      return { terminated: r.count, notPending: r.notPending, ...owned(r, consumer), deleted: r.deleted };
    },
  });
}
