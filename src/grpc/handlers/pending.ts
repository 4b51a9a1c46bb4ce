import { defaultOptions } from '../../contract/defaults.js';
import type { Claimed } from '../../core/pending.js';
import { orDefault, toProtoMessage } from '../convert.js';
import type { HandlersOf, Rpcs } from './rpc.js';

const { listPending, autoClaim } = defaultOptions;

const claimed = (r: Claimed) => ('ids' in r ? { ids: r.ids } : { messages: r.messages.map(toProtoMessage) });

/** Pending lists and explicit claims, exactly as in Redis. */
export function pendingHandlers({ core, unary }: Rpcs): HandlersOf<'Pending' | 'ListPending' | 'Claim' | 'AutoClaim'> {
  const { pending } = core;
  return {
    Pending: unary('Pending', async (r) => {
      const p = await pending.summary(r.stream, r.group);
      return { count: p.count, minId: p.minId ?? '', maxId: p.maxId ?? '', consumers: p.consumers };
    }),

    ListPending: unary('ListPending', async (r) => {
      const start = orDefault(r.start, listPending.start);
      const end = orDefault(r.end, listPending.end);
      const count = orDefault(r.count, listPending.count);
      const page = await pending.entries(r.stream, r.group, { start, end, count, consumer: r.consumer, minIdleMs: r.minIdleMs });
      return { entries: page.entries, next: page.next ?? '' };
    }),

    Claim: unary('Claim', async (r) => {
      const { consumer, minIdleMs, ids, idleMs, timeMs, retryCount, force, justId } = r;
      const result = await pending.claim(r.stream, r.group, { consumer, minIdleMs, ids, idleMs, timeMs, retryCount, force, justId });
      return { ...claimed(result), remainingIds: result.untried };
    }),

    AutoClaim: unary('AutoClaim', async (r) => {
      const start = orDefault(r.start, autoClaim.start);
      const count = orDefault(r.count, autoClaim.count);
      const result = await pending.autoclaim(r.stream, r.group, { consumer: r.consumer, minIdleMs: r.minIdleMs, start, count, justId: r.justId });
      return { next: result.next, ...claimed(result.claimed), deletedIds: result.deletedIds };
    }),
  };
}
