import { z } from 'zod';
import { defaultOptions } from '../../contract/defaults.js';
import type { RouteContext, ZodApp } from '../context.js';
import { GroupParams, StreamParams, groupName, problems } from '../schemas/common.js';
import { GroupSchema, PolicyFields } from '../schemas/group.js';

const CreateGroupBody = z
  .object({
    group: groupName,
    start: z.string().default(defaultOptions.createGroup.start).describe('Where the group starts: `$` (only new messages, default), `0` (all), or an ID.'),
    createStream: z.boolean().default(defaultOptions.createGroup.createStream).describe('Create an empty stream if it does not exist (MKSTREAM).'),
    entriesRead: z.number().int().min(0).optional().describe('Logical read counter to set (ENTRIESREAD), for an exact lag.'),
    ...PolicyFields,
  })
  .meta({ examples: [{ group: 'billing', start: '0', createStream: true, leaseMs: 30000, maxDeliveries: 5 }] });

const PositionBody = z
  .object({
    id: z.string().optional().describe('New last-delivered ID: `$` (skip everything), `0` (replay all) or an ID.'),
    timestampMs: z.number().int().min(0).optional().describe('Replay every entry whose time is ≥ this Unix time in ms.'),
    entriesRead: z.number().int().min(0).optional().describe('Logical read counter to set (ENTRIESREAD).'),
  })
  .meta({ examples: [{ timestampMs: 1700000000000 }, { id: '0' }] });

export function groupRoutes(app: ZodApp, { core }: RouteContext): void {
  app.post('/v1/streams/:stream/groups', {
    config: { operation: 'createGroup' },
    schema: {
      operationId: 'createGroup',
      tags: ['groups'],
      summary: 'Create a consumer group (XGROUP CREATE)',
      description:
        'Creates the group and stores its policy beside the stream in Redis (so every gateway instance agrees). Unset policy fields take the configured defaults.',
      params: StreamParams,
      body: CreateGroupBody,
      response: { 201: GroupSchema, ...problems(400, 404, 409) },
    },
    handler: async (req, reply) => reply.code(201).send(await core.groups.create(req.params.stream, req.body)),
  });

  app.get('/v1/streams/:stream/groups', {
    config: { operation: 'listGroups' },
    schema: {
      operationId: 'listGroups',
      tags: ['groups'],
      summary: 'List consumer groups (XINFO GROUPS)',
      description: 'Every group of the stream with its position, pending count, lag and policy. Groups created by native Redis clients show the default policy.',
      params: StreamParams,
      response: { 200: z.object({ groups: z.array(GroupSchema) }), ...problems(400, 404, 409) },
    },
    handler: async (req) => ({ groups: await core.groups.list(req.params.stream) }),
  });

  app.get('/v1/streams/:stream/groups/:group', {
    config: { operation: 'getGroup' },
    schema: {
      operationId: 'getGroup',
      tags: ['groups'],
      summary: 'Describe a consumer group',
      description: 'One group of the stream, with its policy.',
      params: GroupParams,
      response: { 200: GroupSchema, ...problems(400, 404, 409) },
    },
    handler: async (req) => core.groups.get(req.params.stream, req.params.group),
  });

  app.patch('/v1/streams/:stream/groups/:group', {
    config: { operation: 'updateGroup' },
    schema: {
      operationId: 'updateGroup',
      tags: ['groups'],
      summary: 'Change a group policy',
      description:
        'Sets any of leaseMs, maxDeliveries, deadLetterStream, reapIdleMs, minBackoffMs, maxBackoffMs; the others keep their value. Takes effect at the next pull (or reaper pass) of any gateway instance. A change that leaves reapIdleMs > 0 below leaseMs, or with leaseMs 0, or minBackoffMs above maxBackoffMs, is refused (400 VALIDATION_FAILED).',
      params: GroupParams,
      body: z.object(PolicyFields).meta({ examples: [{ leaseMs: 60000, maxDeliveries: 10 }, { reapIdleMs: 3600000 }, { minBackoffMs: 1000, maxBackoffMs: 60000 }] }),
      response: { 200: GroupSchema, ...problems(400, 404, 409) },
    },
    handler: async (req) => core.groups.updatePolicy(req.params.stream, req.params.group, req.body),
  });

  app.delete('/v1/streams/:stream/groups/:group', {
    config: { operation: 'deleteGroup' },
    schema: {
      operationId: 'deleteGroup',
      tags: ['groups'],
      summary: 'Delete a consumer group (XGROUP DESTROY)',
      description: 'Destroys the group, its pending list and its stored policy. The stream and its entries stay.',
      params: GroupParams,
      response: { 204: z.null().describe('Deleted.'), ...problems(400, 404, 409) },
    },
    handler: async (req, reply) => {
      await core.groups.destroy(req.params.stream, req.params.group);
      return reply.code(204).send(null);
    },
  });

  app.put('/v1/streams/:stream/groups/:group/position', {
    config: { operation: 'setGroupPosition' },
    schema: {
      operationId: 'setGroupPosition',
      tags: ['groups'],
      summary: 'Set the group position: replay or skip (XGROUP SETID)',
      description:
        'Moves the group last-delivered ID: to an ID, to `$` (skip all), to `0` (replay all), or to a time (`timestampMs`: replay every entry at or after it). An admin override with Redis semantics: pending messages and their leases are unaffected.',
      params: GroupParams,
      body: PositionBody,
      response: { 200: GroupSchema, ...problems(400, 404, 409) },
    },
    handler: async (req) => core.groups.setPosition(req.params.stream, req.params.group, req.body),
  });
}
