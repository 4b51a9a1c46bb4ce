import type { ServiceError } from '@grpc/grpc-js';
import { expect } from 'vitest';
import { errorCode } from '../../helpers/grpc.js';
import {
  CONTRACT,
  type Claimed,
  ContractError,
  type Driver,
  type Fields,
  type GroupView,
  type Msg,
  type PerId,
  type PublishMsg,
  type TrimSpec,
  byName,
  orNull,
} from './types.js';

/**
 * The gRPC side of the transport-neutral driver: unary calls through a real grpc-js client,
 * answers mapped to the driver's shapes (empty strings of absent IDs to null, unset proto3
 * `optional` fields to null), errors checked for their status and `error-code` metadata.
 */

type Json = any;

function grpcMessage(m: Json): Msg {
  if (m.deleted) return { id: m.id, fields: null, pairs: null, deliveryCount: m.deliveryCount, deleted: true };
  const pairs = (m.pairs as Array<{ name: string; value: Buffer }>).map((p): [string, Buffer] => [p.name, Buffer.from(p.value)]);
  const fields: Fields = {};
  for (const [k, v] of Object.entries(m.fields as Fields)) fields[k] = Buffer.from(v);
  return { id: m.id, fields, pairs: pairs.length > 0 ? pairs : null, deliveryCount: m.deliveryCount, deleted: false };
}

const grpcGroup = (g: Json): GroupView => ({
  name: g.name,
  consumers: g.consumers,
  pending: g.pending,
  lastDeliveredId: g.lastDeliveredId,
  entriesRead: g.entriesRead ?? null,
  lag: g.lag ?? null,
  leaseMs: g.leaseMs,
  maxDeliveries: g.maxDeliveries,
  deadLetterStream: g.deadLetterStream,
  reapIdleMs: g.reapIdleMs,
  minBackoffMs: g.minBackoffMs,
  maxBackoffMs: g.maxBackoffMs,
});

const grpcClaimed = (r: Json, justId: boolean | undefined): Claimed => {
  // Both repeated fields always decode (as []): the one that does not apply must be empty.
  if (justId) {
    expect(r.messages).toEqual([]);
    return { messages: null, ids: r.ids };
  }
  expect(r.ids).toEqual([]);
  return { messages: (r.messages as Json[]).map(grpcMessage), ids: null };
};

/** Drops undefined members, so that proto3 `optional` fields stay unset. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A per-ID answer; `notOwned` (always in the response) only when it is not empty, as the REST driver answers it. */
const perId = (count: number, r: Json): PerId =>
  r.notOwned.length > 0 ? { count, notPending: r.notPending, notOwned: r.notOwned } : { count, notPending: r.notPending };

export function grpcDriver(call: (method: string, request: object) => Promise<Json>, close: () => Promise<void>): Driver {
  async function rpc(method: string, request: object): Promise<Json> {
    try {
      return await call(method, request);
    } catch (err) {
      const e = err as ServiceError;
      const code = errorCode(e);
      if (code === undefined || CONTRACT[code]?.grpc !== e.code) {
        throw new Error(`gRPC ${method}: error-code ${String(code)} came with status ${e.code} (${e.message})`);
      }
      throw new ContractError(code, e.details);
    }
  }
  const wire = (m: PublishMsg) =>
    defined({
      fields: m.fields,
      pairs: m.pairs?.map(([name, value]) => ({ name, value })),
      id: m.id,
    });
  const trimSpec = (t: TrimSpec) => defined({ maxLen: t.maxLen, minId: t.minId, exact: t.exact });

  return {
    transport: 'grpc',
    async publish(stream, messages, opts = {}) {
      const r = await rpc(
        'Publish',
        defined({ stream, messages: messages.map(wire), trim: opts.trim ? trimSpec(opts.trim) : undefined, idempotencyKey: opts.idempotencyKey }),
      );
      return { ids: r.ids, replayed: r.replayed };
    },
    async read(stream, q = {}) {
      return ((await rpc('ReadRange', { stream, ...defined(q) })).messages as Json[]).map(grpcMessage);
    },
    async deleteMessage(stream, id) {
      return (await rpc('DeleteMessage', { stream, id })).deleted;
    },
    async trim(stream, spec) {
      const r = await rpc('Trim', { stream, trim: trimSpec(spec), safe: spec.safe ?? false });
      return { trimmed: r.trimmed, warning: r.warning ?? null };
    },
    async listStreams(q) {
      const r = await rpc('ListStreams', defined(q));
      return { streams: r.streams, cursor: r.cursor };
    },
    async streamInfo(stream) {
      const r = await rpc('GetStream', { stream });
      return {
        length: r.length,
        firstId: orNull(r.firstId),
        lastId: orNull(r.lastId),
        lastGeneratedId: r.lastGeneratedId,
        groups: r.groups,
        entriesAdded: r.entriesAdded ?? null,
        maxDeletedEntryId: orNull(r.maxDeletedEntryId),
      };
    },
    async deleteStream(stream) {
      await rpc('DeleteStream', { stream });
    },
    async createGroup(stream, group, opts = {}) {
      return grpcGroup((await rpc('CreateGroup', defined({ stream, group, ...opts }))).group);
    },
    async groups(stream) {
      return byName(((await rpc('ListGroups', { stream })).groups as Json[]).map(grpcGroup));
    },
    async group(stream, group) {
      return grpcGroup((await rpc('GetGroup', { stream, group })).group);
    },
    async updateGroup(stream, group, patch) {
      return grpcGroup((await rpc('UpdateGroup', defined({ stream, group, ...patch }))).group);
    },
    async deleteGroup(stream, group) {
      await rpc('DeleteGroup', { stream, group });
    },
    async setPosition(stream, group, pos) {
      return grpcGroup((await rpc('SetGroupPosition', { stream, group, ...pos })).group);
    },
    async consumers(stream, group) {
      const list = (await rpc('ListConsumers', { stream, group })).consumers as Json[];
      return byName(list.map((c) => ({ name: c.name, pending: c.pending, idleMs: c.idleMs, inactiveMs: c.inactiveMs ?? null })));
    },
    async createConsumer(stream, group, consumer) {
      return (await rpc('CreateConsumer', { stream, group, consumer })).created;
    },
    async deleteConsumer(stream, group, consumer, force = false) {
      return (await rpc('DeleteConsumer', { stream, group, consumer, force })).pendingDropped;
    },
    async pull(stream, group, consumer, opts = {}) {
      const r = await rpc('Pull', defined({ stream, group, consumer, ...opts }));
      expect(r.acked, 'a Pull without ack_ids answers no acked').toBeNull();
      return (r.messages as Json[]).map(grpcMessage);
    },
    async pullAcking(stream, group, consumer, ack, opts = {}) {
      const r = await rpc('Pull', defined({ stream, group, consumer, ackIds: ack, ...opts }));
      // proto3 cannot tell an empty ack_ids from none: `acked` is set only when IDs were given.
      if (ack.length === 0) expect(r.acked).toBeNull();
      const acked = r.acked ?? { acked: 0, notPending: [] };
      return { acked: { count: acked.acked, notPending: acked.notPending }, messages: (r.messages as Json[]).map(grpcMessage) };
    },
    async ack(stream, group, ids, consumer) {
      const r = await rpc('Ack', defined({ stream, group, ids, consumer }));
      return perId(r.acked, r);
    },
    async nack(stream, group, consumer, ids, delayMs) {
      const r = await rpc('Nack', defined({ stream, group, consumer, ids, delayMs }));
      return perId(r.released, r);
    },
    async extend(stream, group, consumer, ids) {
      const r = await rpc('ExtendLease', { stream, group, consumer, ids });
      return perId(r.extended, r);
    },
    async term(stream, group, ids, opts = {}) {
      const r = await rpc('Term', defined({ stream, group, ids, ...opts }));
      return { ...perId(r.terminated, r), deleted: r.deleted };
    },
    async pending(stream, group) {
      const p = await rpc('Pending', { stream, group });
      return { count: p.count, minId: orNull(p.minId), maxId: orNull(p.maxId), consumers: byName(p.consumers) };
    },
    async listPending(stream, group, q = {}) {
      return (await rpc('ListPending', defined({ stream, group, ...q }))).entries;
    },
    async claim(stream, group, consumer, minIdleMs, ids, opts = {}) {
      return grpcClaimed(await rpc('Claim', defined({ stream, group, consumer, minIdleMs, ids, ...opts })), opts.justId);
    },
    async autoclaim(stream, group, consumer, minIdleMs, opts = {}) {
      const r = await rpc('AutoClaim', defined({ stream, group, consumer, minIdleMs, ...opts }));
      return { ...grpcClaimed(r, opts.justId), next: r.next, deletedIds: r.deletedIds };
    },
    async deadLetters(stream, group, q = {}) {
      const r = await rpc('ListDeadLetters', defined({ stream, group, ...q }));
      return { messages: (r.messages as Json[]).map(grpcMessage), next: orNull(r.next) };
    },
    async redrive(stream, group, q = {}) {
      const r = await rpc('RedriveDeadLetters', defined({ stream, group, ids: q.ids ?? [], count: q.count }));
      return { redriven: r.redriven, ids: r.ids };
    },
    close,
  };
}

