import { defaultOptions } from '../../contract/defaults.js';
import type { PerIdResult } from '../../contract/types.js';
import { orDefault, toProtoMessage } from '../convert.js';
import type { HandlersOf, Rpcs } from './rpc.js';

const { pull } = defaultOptions;

/** The IDs a per-ID operation (ack, nack, extend, term) did not act on, as its response lists them. */
const untouched = (r: PerIdResult) => ({ notPending: r.notPending, notOwned: r.notOwned ?? [] });
/** An ack's result as Ack answers it, and a Pull carrying acks too. */
const ackResponse = (r: PerIdResult) => ({ acked: r.count, ...untouched(r) });
/** proto3's "" is no consumer: act whoever holds the messages. */
const owner = (consumer: string): string | undefined => (consumer === '' ? undefined : consumer);

/** Pull, ack, nack, extend and term: at-least-once delivery with leases (StreamingPull: streaming-pull.ts). */
export function consumeHandlers({ core, unary, cancellable }: Rpcs): HandlersOf<'Pull' | 'Ack' | 'Nack' | 'ExtendLease' | 'Term'> {
  const { consume, deadLetters } = core;
  return {
    Pull: cancellable('Pull', async (r, ctx, signal) => {
      const input = { consumer: r.consumer, count: orDefault(r.count, pull.count), waitMs: r.waitMs, from: orDefault(r.from, pull.from), noAck: r.noAck };
      const { messages, acked } = await consume.pullAcking(r.stream, r.group, input, r.ackIds, signal, ctx.caller);
      const out = messages.map(toProtoMessage);
      // proto3 cannot tell an absent list from an empty one: `acked` is set when IDs were given.
      return r.ackIds.length === 0 ? { messages: out } : { messages: out, acked: ackResponse(acked) };
    }),

    Ack: unary('Ack', async (r) => ackResponse(await consume.ack(r.stream, r.group, r.ids, owner(r.consumer)))),

    Nack: unary('Nack', async (r) => {
      const result = await consume.nack(r.stream, r.group, r.consumer, r.ids, r.delayMs);
      return { released: result.count, ...untouched(result) };
    }),

    ExtendLease: unary('ExtendLease', async (r) => {
      const result = await consume.extend(r.stream, r.group, r.consumer, r.ids);
      return { extended: result.count, ...untouched(result) };
    }),

    Term: unary('Term', async (r) => {
      const result = await deadLetters.term(r.stream, r.group, r.ids, { reason: r.reason, consumer: owner(r.consumer) });
      return { terminated: result.count, ...untouched(result), deleted: result.deleted };
    }),
  };
}
