import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { ClaimResult } from '../core/pending.js';
import { fromProtoFields, fromProtoTrim, orDefault, toProtoConsumer, toProtoGroup, toProtoMessage } from './convert.js';
import type { StreamGatewayHandlers } from './generated/streamgate/v1/StreamGateway.js';
import type { ActiveStreams } from './streaming-pull.js';
import { streamingPull } from './streaming-pull.js';
import type { CallContext } from './auth.js';
import type { RpcName } from './operations.js';
import { cancellableUnary, unary } from './unary.js';

/**
 * The StreamGateway service: each RPC validates nothing itself and calls the core, which
 * holds every rule, so REST and gRPC behave alike. proto3 has no "unset" for plain strings
 * and numbers, so an empty string or 0 means the contract's default, as in REST.
 */
export function streamGatewayHandlers(core: Core, logger: Logger, active: ActiveStreams): StreamGatewayHandlers {
  const opts = { core, logger };
  const u = <Req extends object, Res>(rpc: RpcName, fn: (request: Req, ctx: CallContext) => Promise<Res>) => unary(opts, rpc, fn);
  const claimed = (r: ClaimResult) => ('ids' in r ? { ids: r.ids } : { messages: r.messages.map(toProtoMessage) });

  return {
    Publish: u('Publish', async (r) => {
      const result = await core.streams.publish(r.stream, {
        messages: r.messages.map((m, i) => ({
          id: m.id,
          pairs: fromProtoFields(m.fields, m.pairs, `messages[${i}]`),
        })),
        trim: r.trim ? fromProtoTrim(r.trim) : undefined,
        idempotencyKey: r.idempotencyKey === '' ? undefined : r.idempotencyKey,
      });
      return { ids: result.ids, replayed: result.replayed };
    }),

    ReadRange: u('ReadRange', async (r) => {
      const messages = await core.streams.read(r.stream, {
        start: orDefault(r.start, '-'),
        end: orDefault(r.end, '+'),
        count: orDefault(r.count, 100),
        reverse: r.reverse,
      });
      return { messages: messages.map(toProtoMessage) };
    }),

    DeleteMessage: u('DeleteMessage', async (r) => ({ deleted: await core.streams.deleteMessage(r.stream, r.id) })),

    Trim: u('Trim', async (r) => {
      const spec = r.trim ? fromProtoTrim(r.trim) : {};
      const result = await core.streams.trim(r.stream, { ...spec, safe: r.safe });
      return result.warning ? { trimmed: result.trimmed, warning: result.warning } : { trimmed: result.trimmed };
    }),

    ListStreams: u('ListStreams', async (r, ctx) =>
      core.streams.list(
        { match: r.match, cursor: orDefault(r.cursor, '0'), count: orDefault(r.count, 100) },
        core.access.visibleTo(ctx.principal),
      ),
    ),

    GetStream: u('GetStream', async (r) => {
      const info = await core.streams.info(r.stream);
      return {
        length: info.length,
        firstId: info.firstId ?? '',
        lastId: info.lastId ?? '',
        lastGeneratedId: info.lastGeneratedId,
        groups: info.groups,
        ...(info.entriesAdded === null ? {} : { entriesAdded: info.entriesAdded }),
        maxDeletedEntryId: info.maxDeletedEntryId ?? '',
      };
    }),

    DeleteStream: u('DeleteStream', async (r) => {
      await core.streams.delete(r.stream);
      return {};
    }),

    CreateGroup: u('CreateGroup', async (r) => ({
      group: toProtoGroup(
        await core.groups.create(r.stream, {
          group: r.group,
          start: orDefault(r.start, '$'),
          createStream: r.createStream,
          entriesRead: r.entriesRead,
          leaseMs: r.leaseMs,
          maxDeliveries: r.maxDeliveries,
          deadLetterStream: r.deadLetterStream,
          reapIdleMs: r.reapIdleMs,
        }),
      ),
    })),

    ListGroups: u('ListGroups', async (r) => ({ groups: (await core.groups.list(r.stream)).map(toProtoGroup) })),

    GetGroup: u('GetGroup', async (r) => ({ group: toProtoGroup(await core.groups.get(r.stream, r.group)) })),

    UpdateGroup: u('UpdateGroup', async (r) => ({
      group: toProtoGroup(
        await core.groups.updatePolicy(r.stream, r.group, {
          leaseMs: r.leaseMs,
          maxDeliveries: r.maxDeliveries,
          deadLetterStream: r.deadLetterStream,
          reapIdleMs: r.reapIdleMs,
        }),
      ),
    })),

    DeleteGroup: u('DeleteGroup', async (r) => {
      await core.groups.destroy(r.stream, r.group);
      return {};
    }),

    SetGroupPosition: u('SetGroupPosition', async (r) => ({
      group: toProtoGroup(
        await core.groups.setPosition(r.stream, r.group, {
          id: r.position === 'id' ? r.id : undefined,
          timestampMs: r.position === 'timestampMs' ? r.timestampMs : undefined,
          entriesRead: r.entriesRead,
        }),
      ),
    })),

    ListConsumers: u('ListConsumers', async (r) => ({
      consumers: (await core.groups.listConsumers(r.stream, r.group)).map(toProtoConsumer),
    })),

    CreateConsumer: u('CreateConsumer', async (r) => ({ created: await core.groups.createConsumer(r.stream, r.group, r.consumer) })),

    DeleteConsumer: u('DeleteConsumer', async (r) => ({
      pendingDropped: await core.groups.deleteConsumer(r.stream, r.group, r.consumer, r.force),
    })),

    Pull: cancellableUnary(opts, 'Pull', async (r, ctx, signal) => {
      const messages = await core.consume.pull(
        r.stream,
        r.group,
        { consumer: r.consumer, count: orDefault(r.count, 1), waitMs: r.waitMs, from: orDefault(r.from, '>'), noAck: r.noAck },
        signal,
        ctx.caller,
      );
      return { messages: messages.map(toProtoMessage) };
    }),

    Ack: u('Ack', async (r) => {
      const result = await core.consume.ack(r.stream, r.group, r.ids);
      return { acked: result.count, notPending: result.notPending };
    }),

    Nack: u('Nack', async (r) => {
      const result = await core.consume.nack(r.stream, r.group, r.consumer, r.ids, r.delayMs);
      return { released: result.count, notPending: result.notPending };
    }),

    ExtendLease: u('ExtendLease', async (r) => {
      const result = await core.consume.extend(r.stream, r.group, r.consumer, r.ids);
      return { extended: result.count, notPending: result.notPending };
    }),

    StreamingPull: streamingPull(core, logger, active),

    Pending: u('Pending', async (r) => {
      const p = await core.pending.summary(r.stream, r.group);
      return { count: p.count, minId: p.minId ?? '', maxId: p.maxId ?? '', consumers: p.consumers };
    }),

    ListPending: u('ListPending', async (r) => ({
      entries: await core.pending.entries(r.stream, r.group, {
        start: orDefault(r.start, '-'),
        end: orDefault(r.end, '+'),
        count: orDefault(r.count, 100),
        consumer: r.consumer,
        minIdleMs: r.minIdleMs,
      }),
    })),

    Claim: u('Claim', async (r) =>
      claimed(
        await core.pending.claim(r.stream, r.group, {
          consumer: r.consumer,
          minIdleMs: r.minIdleMs,
          ids: r.ids,
          idleMs: r.idleMs,
          timeMs: r.timeMs,
          retryCount: r.retryCount,
          force: r.force,
          justId: r.justId,
        }),
      ),
    ),

    AutoClaim: u('AutoClaim', async (r) => {
      const result = await core.pending.autoclaim(r.stream, r.group, {
        consumer: r.consumer,
        minIdleMs: r.minIdleMs,
        start: orDefault(r.start, '0-0'),
        count: orDefault(r.count, 100),
        justId: r.justId,
      });
      return { next: result.next, ...claimed(result.claimed), deletedIds: result.deletedIds };
    }),

    ListDeadLetters: u('ListDeadLetters', async (r) => {
      const page = await core.deadLetters.list(r.stream, r.group, { count: orDefault(r.count, 100), after: r.after });
      return { messages: page.messages.map(toProtoMessage), next: page.next ?? '' };
    }),

    RedriveDeadLetters: u('RedriveDeadLetters', async (r) =>
      core.deadLetters.redrive(r.stream, r.group, { ids: r.ids.length > 0 ? r.ids : undefined, count: r.count }),
    ),
  };
}
