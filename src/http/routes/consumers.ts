import { z } from 'zod';
import type { RouteContext, ZodApp } from '../context.js';
import { defaultOptions } from '../../contract/defaults.js';
import { ConsumerParams, GroupParams, problems, queryBool } from '../schemas/common.js';
import { int, ranges } from '../schemas/numbers.js';

const ConsumerSchema = z
  .object({
    name: z.string(),
    pending: int().describe('Messages it owns that are not acked.'),
    idleMs: int().describe('Since its last read or claim attempt.'),
    inactiveMs: int(ranges.inactiveMs)
      .nullable()
      .describe('Since its last successful read or claim; null before Redis 7.2, −1 when it never had one.'),
  })
  .meta({ id: 'Consumer', examples: [{ name: 'worker-1', pending: 2, idleMs: 1200, inactiveMs: null }] });

export function consumerRoutes(app: ZodApp, { core }: RouteContext): void {
  app.get('/v1/streams/:stream/groups/:group/consumers', {
    config: { operation: 'listConsumers' },
    schema: {
      operationId: 'listConsumers',
      tags: ['consumers'],
      summary: 'List consumers (XINFO CONSUMERS)',
      description:
        'Every consumer of the group with its pending count and idle times. In a group with reapIdleMs, messages released from reaped consumers wait under the reserved consumer `streamgate released` until the next pull of the group takes them.',
      params: GroupParams,
      response: { 200: z.object({ consumers: z.array(ConsumerSchema) }), ...problems(400, 404, 409) },
    },
    handler: async (req) => ({ consumers: await core.groups.listConsumers(req.params.stream, req.params.group) }),
  });

  const Created = z
    .object({ consumer: z.string(), created: z.boolean().describe('False when it already existed.') })
    .meta({ examples: [{ consumer: 'worker-1', created: true }] });

  app.put('/v1/streams/:stream/groups/:group/consumers/:consumer', {
    config: { operation: 'createConsumer' },
    schema: {
      operationId: 'createConsumer',
      tags: ['consumers'],
      summary: 'Create a consumer (XGROUP CREATECONSUMER)',
      description: 'Idempotent: 201 when created, 200 when it existed. (A pull creates its consumer by itself; this is for tooling.)',
      params: ConsumerParams,
      response: { 201: Created, 200: Created, ...problems(400, 404, 409) },
    },
    handler: async (req, reply) => {
      const { stream, group, consumer } = req.params;
      const created = await core.groups.createConsumer(stream, group, consumer);
      return reply.code(created ? 201 : 200).send({ consumer, created });
    },
  });

  app.delete('/v1/streams/:stream/groups/:group/consumers/:consumer', {
    config: { operation: 'deleteConsumer' },
    schema: {
      operationId: 'deleteConsumer',
      tags: ['consumers'],
      summary: 'Delete a consumer (XGROUP DELCONSUMER)',
      description:
        'Refused with CONSUMER_HAS_PENDING while the consumer owns unacked messages, so none is dropped by mistake. With `force=true` it is deleted anyway and, as in Redis, its pending entries leave the group pending list (they will not be redelivered to this group): release them first (nack) to keep them.',
      params: ConsumerParams,
      querystring: z.object({ force: queryBool('Delete even if it owns pending messages, dropping them.', defaultOptions.deleteConsumer.force) }),
      response: {
        200: z
          .object({ pendingDropped: int().describe('Pending entries dropped with it.') })
          .meta({ examples: [{ pendingDropped: 0 }] }),
        ...problems(400, 404, 409),
      },
    },
    handler: async (req) => {
      const { stream, group, consumer } = req.params;
      return { pendingDropped: await core.groups.deleteConsumer(stream, group, consumer, req.query.force) };
    },
  });
}
