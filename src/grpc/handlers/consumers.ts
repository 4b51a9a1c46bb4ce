import { toProtoConsumer } from '../convert.js';
import type { HandlersOf, Rpcs } from './rpc.js';

/** Consumers of a group. */
export function consumerHandlers({ core, unary }: Rpcs): HandlersOf<'ListConsumers' | 'CreateConsumer' | 'DeleteConsumer'> {
  const { groups } = core;
  return {
    ListConsumers: unary('ListConsumers', async (r) => ({ consumers: (await groups.listConsumers(r.stream, r.group)).map(toProtoConsumer) })),

    CreateConsumer: unary('CreateConsumer', async (r) => ({ created: await groups.createConsumer(r.stream, r.group, r.consumer) })),

    DeleteConsumer: unary('DeleteConsumer', async (r) => ({
      pendingDropped: await groups.deleteConsumer(r.stream, r.group, r.consumer, r.force),
    })),
  };
}
