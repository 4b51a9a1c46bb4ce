import { defaultOptions } from '../../contract/defaults.js';
import { orDefault, toProtoMessage } from '../convert.js';
import type { HandlersOf, Rpcs } from './rpc.js';

/** Messages that exceeded maxDeliveries. */
export function deadLetterHandlers({ core, unary }: Rpcs): HandlersOf<'ListDeadLetters' | 'RedriveDeadLetters'> {
  const { deadLetters } = core;
  return {
    ListDeadLetters: unary('ListDeadLetters', async (r) => {
      const count = orDefault(r.count, defaultOptions.listDeadLetters.count);
      const page = await deadLetters.list(r.stream, r.group, { count, after: r.after });
      return { messages: page.messages.map(toProtoMessage), next: page.next ?? '' };
    }),

    RedriveDeadLetters: unary('RedriveDeadLetters', async (r) =>
      deadLetters.redrive(r.stream, r.group, { ids: r.ids.length > 0 ? r.ids : undefined, count: r.count }),
    ),
  };
}
