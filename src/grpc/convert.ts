import { Buffer } from 'node:buffer';
import { type TrimInput, fieldsForm, needsPairs, trimThreshold } from '../contract/messages.js';
import type { ConsumerInfo, GroupInfo, Message, TextPair } from '../contract/types.js';
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
  let withPairs = false;
  for (const [name, value, nameBytes] of m.pairs) {
    // A name that is not UTF-8 cannot be a map key (a proto3 string): it travels in pairs only.
    if (nameBytes) {
      withPairs = true;
      continue;
    }
    if (!withPairs && needsPairs('protobuf', name, Object.hasOwn(fields, name))) withPairs = true;
    fields[name] = value;
  }
  out.fields = fields;
  // What the map cannot hold travels in pairs too (contract/messages.ts).
  if (withPairs) out.pairs = m.pairs.map(([name, value, nameBytes]) => (nameBytes ? { name: '', value, nameBytes } : { name, value }));
  return out;
}

/** `fields` or `pairs` of a PublishMessage, in the order the client gave. */
export function fromProtoFields(
  fields: Record<string, Buffer> | undefined,
  pairs: readonly Pick<Field__Output, 'name' | 'value'>[] | undefined,
  path: string,
): TextPair[] {
  const map = Object.entries(fields ?? {});
  const list = pairs ?? [];
  if (fieldsForm(map.length > 0, list.length > 0, path) === 'pairs') return list.map((f) => [f.name, Buffer.from(f.value)] as const);
  return map.map(([name, value]) => [name, Buffer.from(value)] as const);
}

/** The oneof `threshold` as the contract's trim (contract/messages.ts: exactly one of maxLen, minId). */
export function fromProtoTrim(t: TrimSpec__Output): TrimInput {
  return trimThreshold({
    maxLen: t.threshold === 'maxLen' ? (t.maxLen ?? 0) : undefined,
    minId: t.threshold === 'minId' ? (t.minId ?? '') : undefined,
    exact: t.exact,
  });
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
    minBackoffMs: g.minBackoffMs,
    maxBackoffMs: g.maxBackoffMs,
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
