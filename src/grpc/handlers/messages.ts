import { defaultOptions } from '../../contract/defaults.js';
import { fromProtoFields, fromProtoTrim, orDefault, toProtoMessage } from '../convert.js';
import type { HandlersOf, Rpcs } from './rpc.js';

const { readRange } = defaultOptions;

/** Publish, read, delete and trim entries. */
export function messageHandlers({ core, unary }: Rpcs): HandlersOf<'Publish' | 'ReadRange' | 'DeleteMessage' | 'Trim'> {
  return {
    Publish: unary('Publish', async (r) => {
      const messages = r.messages.map((m, i) => ({ id: m.id, pairs: fromProtoFields(m.fields, m.pairs, `messages[${i}]`) }));
      const trim = r.trim ? fromProtoTrim(r.trim) : undefined;
      const idempotencyKey = r.idempotencyKey === '' ? undefined : r.idempotencyKey;
      const result = await core.streams.publish(r.stream, { messages, trim, idempotencyKey });
      return { ids: result.ids, replayed: result.replayed };
    }),

    ReadRange: unary('ReadRange', async (r) => {
      const messages = await core.streams.read(r.stream, {
        start: orDefault(r.start, readRange.start),
        end: orDefault(r.end, readRange.end),
        count: orDefault(r.count, readRange.count),
        reverse: r.reverse,
      });
      return { messages: messages.map(toProtoMessage) };
    }),

    DeleteMessage: unary('DeleteMessage', async (r) => ({ deleted: await core.streams.deleteMessage(r.stream, r.id) })),

    Trim: unary('Trim', async (r) => {
      const spec = r.trim ? fromProtoTrim(r.trim) : {};
      const result = await core.streams.trim(r.stream, { ...spec, safe: r.safe });
      return result.warning ? { trimmed: result.trimmed, warning: result.warning } : { trimmed: result.trimmed };
    }),
  };
}
