import { z } from 'zod';
import { defaultOptions } from '../../contract/defaults.js';
import type { Claimed } from '../../core/pending.js';
import type { RouteContext, ZodApp } from '../context.js';
import { messageToJson } from '../encoding.js';
import type { Encoding } from '../encoding.js';
import { EncodingQuery, GroupParams, consumerName, problems } from '../schemas/common.js';
import { countInt, int, queryCount, queryInt } from '../schemas/numbers.js';

const { listPending, autoClaim } = defaultOptions;
import { MessageSchema } from '../schemas/message.js';

const PendingEntrySchema = z
  .object({
    id: z.string(),
    consumer: z.string().describe('Owner.'),
    idleMs: int().describe('Since the last delivery (the lease clock).'),
    deliveryCount: int(),
  })
  .meta({ id: 'PendingEntry', examples: [{ id: '1700000000000-0', consumer: 'worker-1', idleMs: 1520, deliveryCount: 1 }] });

const claimed = (r: Claimed, encoding: Encoding) =>
  'ids' in r ? { ids: r.ids } : { messages: r.messages.map((m) => messageToJson(m, encoding)) };

const ClaimReply = z.object({
  messages: z
    .array(MessageSchema)
    .optional()
    .describe('Claimed messages (without justId). The reply stops after the message whose bytes (ID, field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES.'),
  ids: z.array(z.string()).optional().describe('Claimed IDs (with justId).'),
});

const RemainingIds = z
  .array(z.string())
  .describe(
    'IDs of the request not tried (not claimed) because the reply reached STREAMGATE_MAX_RESPONSE_BYTES, in request order: claim them in another call. Empty with justId.',
  );

export function pendingRoutes(app: ZodApp, { core }: RouteContext): void {
  app.get('/v1/streams/:stream/groups/:group/pending', {
    config: { operation: 'pending' },
    schema: {
      operationId: 'getPendingSummary',
      tags: ['pending'],
      summary: 'Pending summary (XPENDING)',
      description: 'How many messages are delivered and not acked, their ID range, and how many each consumer owns.',
      params: GroupParams,
      response: {
        200: z
          .object({
            count: int(),
            minId: z.string().nullable(),
            maxId: z.string().nullable(),
            consumers: z.array(z.object({ name: z.string(), count: int() })),
          })
          .meta({
            examples: [{ count: 2, minId: '1700000000000-0', maxId: '1700000000001-0', consumers: [{ name: 'worker-1', count: 2 }] }],
          }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => core.pending.summary(req.params.stream, req.params.group),
  });

  app.get('/v1/streams/:stream/groups/:group/pending/entries', {
    config: { operation: 'listPending' },
    schema: {
      operationId: 'listPendingEntries',
      tags: ['pending'],
      summary: 'Pending entries (XPENDING with range)',
      description: 'Pending messages in ID order with owner, idle time and delivery count; filter by consumer and by minimum idle time.',
      params: GroupParams,
      querystring: z.object({
        start: z.string().default(listPending.start).describe('Lower bound (`-`, an ID, or `(ID`).'),
        end: z.string().default(listPending.end).describe('Upper bound (`+`, an ID, or `(ID`).'),
        count: queryCount('Most entries (at most STREAMGATE_MAX_COUNT).', listPending.count),
        consumer: consumerName.optional().describe('Only this consumer entries.'),
        minIdleMs: queryInt('Only entries idle at least this long.'),
      }),
      response: {
        200: z.object({
          entries: z
            .array(PendingEntrySchema)
            .describe('At most `count`; the listing stops after the entry whose bytes (ID, consumer, 16 for its numbers) reach STREAMGATE_MAX_RESPONSE_BYTES.'),
          next: z
            .string()
            .nullable()
            .describe('The last ID answered when the listing stopped at `count` or at the byte limit: continue with `start` = `(<next>`. Null when the range has nothing more.'),
        }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => core.pending.entries(req.params.stream, req.params.group, req.query),
  });

  app.post('/v1/streams/:stream/groups/:group/claim', {
    config: { operation: 'claim' },
    schema: {
      operationId: 'claimMessages',
      tags: ['pending'],
      summary: 'Claim messages (XCLAIM)',
      description:
        'Exactly XCLAIM: takes ownership of the given pending messages idle at least minIdleMs, in the order given. No lease or dead-letter rule applies. Without justId the call stops after the message whose bytes reach STREAMGATE_MAX_RESPONSE_BYTES; the IDs after it are not tried and come back in `remainingIds`.',
      params: GroupParams,
      querystring: EncodingQuery,
      body: z
        .object({
          consumer: consumerName,
          minIdleMs: int().describe('Only messages idle at least this long.'),
          ids: z.array(z.string()),
          idleMs: int().optional().describe('Set the idle time (IDLE).'),
          timeMs: int().optional().describe('Set the last delivery time, Unix ms (TIME).'),
          retryCount: int().optional().describe('Set the delivery count (RETRYCOUNT).'),
          force: z.boolean().optional().describe('Create pending entries for IDs not pending (FORCE).'),
          justId: z.boolean().optional().describe('Answer IDs only and leave the delivery count (JUSTID).'),
        })
        .meta({ examples: [{ consumer: 'worker-2', minIdleMs: 60000, ids: ['1700000000000-0'] }] }),
      response: {
        200: ClaimReply.extend({ remainingIds: RemainingIds }).meta({ examples: [{ ids: ['1700000000000-0'], remainingIds: [] }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const r = await core.pending.claim(req.params.stream, req.params.group, req.body);
      return { ...claimed(r, req.query.encoding), remainingIds: r.untried };
    },
  });

  app.post('/v1/streams/:stream/groups/:group/autoclaim', {
    config: { operation: 'autoClaim' },
    schema: {
      operationId: 'autoClaimMessages',
      tags: ['pending'],
      summary: 'Claim idle messages by scanning (XAUTOCLAIM)',
      description:
        'Exactly XAUTOCLAIM: scans the pending list from `start`, claims messages idle at least minIdleMs, and answers the cursor to continue from (`0-0` when done) and IDs deleted from the stream meanwhile. Without justId the scan stops after the message whose bytes reach STREAMGATE_MAX_RESPONSE_BYTES, and `next` continues after it.',
      params: GroupParams,
      querystring: EncodingQuery,
      body: z
        .object({
          consumer: consumerName,
          minIdleMs: int(),
          start: z.string().default(autoClaim.start).describe('Cursor: `0-0` or the `next` of the previous call.'),
          count: countInt().default(autoClaim.count),
          justId: z.boolean().optional(),
        })
        .meta({ examples: [{ consumer: 'worker-2', minIdleMs: 60000, count: 10 }] }),
      response: {
        200: ClaimReply.extend({ next: z.string(), deletedIds: z.array(z.string()) }).meta({
          examples: [{ next: '0-0', messages: [], deletedIds: [] }],
        }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const r = await core.pending.autoclaim(req.params.stream, req.params.group, req.body);
      return { next: r.next, ...claimed(r.claimed, req.query.encoding), deletedIds: r.deletedIds };
    },
  });
}
