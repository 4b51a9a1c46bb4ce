import { invalid } from '../contract/errors.js';
import type { TrimSpec } from '../core/streams.js';
import type { ConsumerInfo, FieldPair, GroupInfo, Message } from '../contract/types.js';
import type { Consumer } from './generated/streamgate/v1/Consumer.js';
import type { Field__Output } from './generated/streamgate/v1/Field.js';
import type { Group } from './generated/streamgate/v1/Group.js';
import type { Message as ProtoMessage } from './generated/streamgate/v1/Message.js';
import type { TrimSpec__Output } from './generated/streamgate/v1/TrimSpec.js';

/** Core values ↔ protobuf objects. Field values are bytes both ways: nothing is re-encoded. */

export function toProtoMessage(m: Message): ProtoMessage {
  const out: ProtoMessage = { id: m.id };
  if (m.deliveryCount !== undefined) out.deliveryCount = m.deliveryCount;
  if (m.pairs === null) {
    out.deleted = true;
    return out;
  }
  const fields: Record<string, Buffer> = Object.create(null) as Record<string, Buffer>;
  let repeated = false;
  for (const [name, value] of m.pairs) {
    if (Object.hasOwn(fields, name)) repeated = true;
    fields[name] = value;
  }
  out.fields = fields;
  // A protobuf map keeps one value per name: repeated names travel in pairs too.
  if (repeated) out.pairs = m.pairs.map(([name, value]) => ({ name, value }));
  return out;
}

/** `fields` or `pairs` of a PublishMessage, in the order the client gave. */
export function fromProtoFields(
  fields: Record<string, Buffer> | undefined,
  pairs: readonly Field__Output[] | undefined,
  path: string,
): FieldPair[] {
  const map = Object.entries(fields ?? {});
  const list = pairs ?? [];
  if (map.length > 0 && list.length > 0) throw invalid(`${path} takes fields or pairs, not both`, path);
  if (list.length > 0) return list.map((f) => [f.name, Buffer.from(f.value)] as const);
  return map.map(([name, value]) => [name, Buffer.from(value)] as const);
}

export function fromProtoTrim(t: TrimSpec__Output): TrimSpec {
  if (t.threshold === 'maxLen') return { maxLen: t.maxLen ?? 0, exact: t.exact };
  if (t.threshold === 'minId') return { minId: t.minId ?? '', exact: t.exact };
  throw invalid('trim needs max_len or min_id', 'trim');
}

export function toProtoGroup(g: GroupInfo): Group {
  const out: Group = {
    name: g.name,
    consumers: g.consumers,
    pending: g.pending,
    lastDeliveredId: g.lastDeliveredId,
    leaseMs: g.leaseMs,
    maxDeliveries: g.maxDeliveries,
    deadLetterStream: g.deadLetterStream,
    reapIdleMs: g.reapIdleMs,
  };
  if (g.entriesRead !== null) out.entriesRead = g.entriesRead;
  if (g.lag !== null) out.lag = g.lag;
  return out;
}

export function toProtoConsumer(c: ConsumerInfo): Consumer {
  const out: Consumer = { name: c.name, pending: c.pending, idleMs: c.idleMs };
  if (c.inactiveMs !== null) out.inactiveMs = c.inactiveMs;
  return out;
}

/** proto3 strings and numbers are empty/0 when absent: the contract's defaults apply then. */
export const orDefault = <T extends string | number>(value: T, fallback: T): T =>
  value === '' || value === 0 ? fallback : value;
