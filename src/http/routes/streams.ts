import { z } from 'zod';
import { defaultOptions } from '../../contract/defaults.js';
import { MATCH_MAX_LENGTH } from '../../core/streams.js';
import { principalOf } from '../auth.js';
import type { RouteContext, ZodApp } from '../context.js';
import { StreamParams, problems } from '../schemas/common.js';
import { int, queryCount } from '../schemas/numbers.js';

const StreamInfoSchema = z
  .object({
    length: int().describe('Entries in the stream.'),
    firstId: z.string().nullable().describe('ID of the first entry; null when empty.'),
    lastId: z.string().nullable().describe('ID of the last entry; null when empty.'),
    lastGeneratedId: z.string().describe('Highest ID ever added (new IDs must be above it); "0-0" when none, as Redis reports it.'),
    groups: int().describe('Number of consumer groups.'),
    entriesAdded: int().nullable().describe('Entries ever added.'),
    maxDeletedEntryId: z.string().describe('Highest ID ever deleted; "0-0" when none, as Redis reports it.'),
  })
  .meta({
    id: 'StreamInfo',
    examples: [
      {
        length: 2,
        firstId: '1700000000000-0',
        lastId: '1700000000001-0',
        lastGeneratedId: '1700000000001-0',
        groups: 1,
        entriesAdded: 2,
        maxDeletedEntryId: '0-0',
      },
    ],
  });

export function streamRoutes(app: ZodApp, { core }: RouteContext): void {
  app.get('/v1/streams', {
    config: { operation: 'listStreams' },
    schema: {
      operationId: 'listStreams',
      tags: ['streams'],
      summary: 'List streams (SCAN TYPE stream)',
      description: 'One SCAN step over the keyspace: pass the returned `cursor` back until it is "0". A step may return no names and still not be the end. Only streams inside the gateway keyspace (STREAMGATE_STREAMS) on which the API key has some grant are listed; `match` narrows that, never widens it.',
      querystring: z.object({
        match: z.string().max(MATCH_MAX_LENGTH).optional().describe('Glob pattern of stream names (SCAN MATCH).'),
        cursor: z.string().max(24).default(defaultOptions.listStreams.cursor).describe('Cursor from the previous call; "0" to start.'),
        count: queryCount('Keys to examine in this step (a SCAN COUNT hint).', defaultOptions.listStreams.count),
      }),
      response: {
        200: z
          .object({
            streams: z.array(z.string()),
            cursor: z.string().describe('Pass back to continue; "0" when done.'),
          })
          .meta({ examples: [{ streams: ['orders', 'payments'], cursor: '0' }] }),
        ...problems(400),
      },
    },
    handler: async (req) => core.streams.list(req.query, core.access.visibleTo(principalOf(req))),
  });

  app.get('/v1/streams/:stream', {
    config: { operation: 'getStream' },
    schema: {
      operationId: 'getStream',
      tags: ['streams'],
      summary: 'Describe a stream (XINFO STREAM)',
      description: 'Length, first and last IDs, and counters of a stream.',
      params: StreamParams,
      response: { 200: StreamInfoSchema, ...problems(400, 404, 409) },
    },
    handler: async (req) => core.streams.info(req.params.stream),
  });

  app.delete('/v1/streams/:stream', {
    config: { operation: 'deleteStream' },
    schema: {
      operationId: 'deleteStream',
      tags: ['streams'],
      summary: 'Delete a stream (DEL)',
      description: 'Deletes the stream with all its entries, groups and group policies. A key of another type is refused (NOT_A_STREAM) and left alone. Admin scope.',
      params: StreamParams,
      response: { 204: z.null().describe('Deleted.'), ...problems(400, 404, 409) },
    },
    handler: async (req, reply) => {
      await core.streams.delete(req.params.stream);
      return reply.code(204).send(null);
    },
  });
}
