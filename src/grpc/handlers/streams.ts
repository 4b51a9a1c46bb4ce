import { defaultOptions } from '../../contract/defaults.js';
import type { StreamInfo } from '../../contract/types.js';
import { orDefault } from '../convert.js';
import type { GetStreamResponse } from '../generated/streamgate/v1/GetStreamResponse.js';
import type { HandlersOf, Rpcs } from './rpc.js';

const { listStreams } = defaultOptions;

/** proto3 strings cannot be null: an absent ID is "", an unknown counter is left unset. */
const toProtoStream = (info: StreamInfo): GetStreamResponse => ({
  length: info.length,
  firstId: info.firstId ?? '',
  lastId: info.lastId ?? '',
  lastGeneratedId: info.lastGeneratedId,
  groups: info.groups,
  ...(info.entriesAdded === null ? {} : { entriesAdded: info.entriesAdded }),
  maxDeletedEntryId: info.maxDeletedEntryId,
});

/** List, describe and delete streams. */
export function streamHandlers({ core, unary }: Rpcs): HandlersOf<'ListStreams' | 'GetStream' | 'DeleteStream'> {
  return {
    ListStreams: unary('ListStreams', async (r, ctx) =>
      core.streams.list(
        { match: r.match, cursor: orDefault(r.cursor, listStreams.cursor), count: orDefault(r.count, listStreams.count) },
        core.access.visibleTo(ctx.principal),
      ),
    ),

    GetStream: unary('GetStream', async (r) => toProtoStream(await core.streams.info(r.stream))),

    DeleteStream: unary('DeleteStream', async (r) => {
      await core.streams.delete(r.stream);
      return {};
    }),
  };
}
