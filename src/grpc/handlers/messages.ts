import { defaultOptions } from '../../contract/defaults.js';
import { invalid } from '../../contract/errors.js';
import { fieldsForm } from '../../contract/messages.js';
import { fromProtoTrim, orDefault, toProtoMessage } from '../convert.js';
import { GAVE_FIELDS, GAVE_NAME_BYTES, GAVE_PAIRS, type PublishCall, type PublishReply, takeMessages } from '../publish-codec.js';
import type { HandlersOf, Rpcs } from './rpc.js';

const { readRange } = defaultOptions;

/** Publish, read, delete and trim entries. */
export function messageHandlers({ core, unary }: Rpcs): HandlersOf<'Publish' | 'ReadRange' | 'DeleteMessage' | 'Trim'> {
  return {
    // The request comes decoded by publish-codec.ts (its messages' pairs ready for the core),
    // the reply is written by it: the method's codec there, not protobufjs's objects.
    // Not async: the core's promise is the call's, without one more promise to resolve it.
    Publish: unary('Publish', (r: PublishCall): Promise<PublishReply> => {
      const messages = takeMessages(r);
      // Exactly one of fields or pairs per message: the contract's rule (fieldsForm), asked
      // only when it fails, so that its path string is built only then.
      for (let i = 0; i < messages.length; i++) {
        const { gave } = messages[i]!;
        if (gave === GAVE_FIELDS || gave === GAVE_PAIRS) continue;
        if (gave & GAVE_NAME_BYTES) {
          throw invalid(`messages[${i}].pairs has a Field with name_bytes; publishing takes UTF-8 names only (name)`, `messages[${i}].pairs`);
        }
        fieldsForm((gave & GAVE_FIELDS) !== 0, (gave & GAVE_PAIRS) !== 0, `messages[${i}]`);
      }
      const trim = r.trim ? fromProtoTrim(r.trim) : undefined;
      const idempotencyKey = r.idempotencyKey === '' ? undefined : r.idempotencyKey;
      return core.streams.publish(r.stream, { messages, trim, idempotencyKey });
    }) as unknown as HandlersOf<'Publish'>['Publish'],

    ReadRange: unary('ReadRange', async (r) => {
      const page = await core.streams.read(r.stream, {
        start: orDefault(r.start, readRange.start),
        end: orDefault(r.end, readRange.end),
        count: orDefault(r.count, readRange.count),
        reverse: r.reverse,
      });
      return { messages: page.messages.map(toProtoMessage), next: page.next ?? '' };
    }),

    DeleteMessage: unary('DeleteMessage', async (r) => ({ deleted: await core.streams.deleteMessage(r.stream, r.id) })),

    Trim: unary('Trim', async (r) => {
      const spec = r.trim ? fromProtoTrim(r.trim) : {};
      const result = await core.streams.trim(r.stream, { ...spec, safe: r.safe });
      return result.warning ? { trimmed: result.trimmed, warning: result.warning } : { trimmed: result.trimmed };
    }),
  };
}
