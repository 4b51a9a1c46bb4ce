import { z } from 'zod';
import type { RouteContext, ZodApp } from '../context.js';
import { messageToJson } from '../encoding.js';
import { defaultOptions } from '../../contract/defaults.js';
import { EncodingQuery, GroupParams, problems } from '../schemas/common.js';
import { countInt, int, queryCount } from '../schemas/numbers.js';
import { MessageSchema } from '../schemas/message.js';

export function deadLetterRoutes(app: ZodApp, { core }: RouteContext): void {
  app.get('/v1/streams/:stream/groups/:group/dead-letters', {
    config: { operation: 'listDeadLetters' },
    schema: {
      operationId: 'listDeadLetters',
      tags: ['dead-letters'],
      summary: 'List dead letters of the group (XRANGE on the dead-letter stream)',
      description:
        'Oldest first. Each carries the original fields plus x-original-id, x-original-stream, x-group, x-deliveries and x-last-consumer. A dead-letter stream may be shared: only entries of this stream and group are shown. The listing stops after `count` dead letters, after the one whose bytes (ID, field names, values) reach STREAMGATE_MAX_RESPONSE_BYTES, or after reading STREAMGATE_SCAN_LIMIT entries. Continue with `after` = `next`.',
      params: GroupParams,
      querystring: EncodingQuery.extend({
        count: queryCount('Most dead letters to return.', defaultOptions.listDeadLetters.count),
        after: z.string().optional().describe('Continue after this dead-letter ID (the previous `next`).'),
      }),
      response: {
        200: z
          .object({
            messages: z.array(MessageSchema),
            next: z.string().nullable().describe('Pass as `after` to continue; null at the end.'),
          })
          .meta({
            examples: [
              {
                messages: [
                  {
                    id: '1700000009000-0',
                    fields: {
                      orderId: '42',
                      'x-original-id': '1700000000000-0',
                      'x-original-stream': 'orders',
                      'x-group': 'billing',
                      'x-deliveries': '5',
                      'x-last-consumer': 'worker-1',
                    },
                  },
                ],
                next: null,
              },
            ],
          }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const { count, after, encoding } = req.query;
      const page = await core.deadLetters.list(req.params.stream, req.params.group, { count, after });
      return { messages: page.messages.map((m) => messageToJson(m, encoding)), next: page.next };
    },
  });

  app.post('/v1/streams/:stream/groups/:group/dead-letters/redrive', {
    config: { operation: 'redriveDeadLetters' },
    schema: {
      operationId: 'redriveDeadLetters',
      tags: ['dead-letters'],
      summary: 'Redrive dead letters to the stream (XADD + XDEL)',
      description:
        'Republishes the original fields of the given dead letters (or the oldest `count` of this group; default STREAMGATE_MAX_BATCH) to the stream as new entries, and deletes them from the dead-letter stream, atomically.',
      params: GroupParams,
      body: z
        .object({
          ids: z.array(z.string()).optional().describe('Dead-letter entry IDs.'),
          count: countInt().optional().describe('Redrive the oldest this many.'),
        })
        .meta({ examples: [{ count: 10 }] }),
      response: {
        200: z
          .object({ redriven: int(), ids: z.array(z.string()).describe('New IDs in the stream.') })
          .meta({ examples: [{ redriven: 1, ids: ['1700000100000-0'] }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => core.deadLetters.redrive(req.params.stream, req.params.group, req.body),
  });
}
