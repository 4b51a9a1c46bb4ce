import { Buffer } from 'node:buffer';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { PackedMessage, sameRange } from '../contract/packed-message.js';
import type { Message } from '../contract/types.js';
import type { AckOutcomes } from '../core/pull-session.js';
import { toProtoMessage } from './convert.js';
import { copyRange, utf8Length, varintSize, writeString, writeVarint } from './wire-writer.js';

/**
 * StreamingPullResponse bytes written straight from core values, for the two hot responses
 * of StreamingPull (a batch of messages, a batch of ack results): no protobuf object per
 * message and field, no protobufjs writer operations, one Buffer per response. The output is
 * what protobufjs writes for the objects convert.ts would build (test/grpc/pull-encoding.test.ts
 * checks it byte for byte, and decoded), except a map's entries follow Redis's field order
 * where a JS object would put integer-like names first: protobuf maps have no order.
 *
 * A message the fast path does not cover (a deleted entry, repeated field names or a name
 * that is not UTF-8, which also travel in `pairs`) is encoded by protobufjs, as a
 * one-message response: responses concatenate as their repeated fields do, so the bytes
 * are the same.
 *
 * A PackedMessage whose names are well-formed UTF-8 (so its names' UTF-8 is their bytes, and
 * equal names are equal bytes) has its names and values copied from the packed reply: no
 * pairs, no string per name. Any other goes through `pairs` as a plain message does.
 */

/** A StreamingPullResponse carrying `messages`, written by encodeMessages. */
export class MessagesResponse {
  constructor(readonly messages: readonly Message[]) {}
}

/** A StreamingPullResponse carrying one result per ID of each request's outcomes, written by encodeAckResults. */
export class AckResultsResponse {
  constructor(readonly outcomes: readonly AckOutcomes[]) {}
}

type Serialize = (value: unknown) => Buffer;

/** The service with StreamingPull's response serializer writing the two responses above (any other object: protobufjs). */
export function withPullEncoding(service: ServiceDefinition): ServiceDefinition {
  const method = service.StreamingPull;
  if (!method) return service;
  const original = method.responseSerialize as Serialize;
  const responseSerialize = (value: unknown): Buffer => {
    if (value instanceof MessagesResponse) return encodeMessages(value.messages, original);
    if (value instanceof AckResultsResponse) return encodeAckResults(value.outcomes);
    return original(value);
  };
  return { ...service, StreamingPull: { ...method, responseSerialize } };
}

/** Up to this many fields, repeated names are looked for pairwise (no Set). */
const PAIRWISE = 16;

/** True when the fast path writes `m` exactly as protobufjs would (see the header). */
function simple(m: Message): boolean {
  const pairs = m.pairs;
  if (pairs === null || pairs.length > PAIRWISE) return false;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    // A third element: the name's bytes, a name that is not UTF-8 (toProtoMessage puts it in pairs).
    if (pair.length > 2) return false;
    const name = pair[0];
    for (let j = 0; j < i; j++) if (pairs[j]![0] === name) return false;
  }
  return (m.deliveryCount ?? 0) <= 0xffffffff;
}

/** Name and value ranges of the packed message at hand (PackedMessage.ranges), four per field. */
const RANGES = new Int32Array(4 * PAIRWISE);

/** True when `m`'s fields can be copied from its reply (see the header); leaves its ranges in RANGES. */
function packedSimple(m: PackedMessage): boolean {
  if (m.at < 0 || m.fieldCount > PAIRWISE || !m.utf8Names || m.deliveryCount > 0xffffffff) return false;
  m.ranges(RANGES);
  const buf = m.reply.buf;
  for (let i = 4; i < 4 * m.fieldCount; i += 4) {
    for (let j = 0; j < i; j += 4) if (sameRange(buf, RANGES[i]!, RANGES[i + 1]!, RANGES[j]!, RANGES[j + 1]!)) return false;
  }
  return true;
}

/** Body size of a packed message packedSimple accepted (RANGES hold its fields). */
function packedBody(m: PackedMessage, idLen: number): number {
  let body = 1 + varintSize(idLen) + idLen;
  for (let k = 0; k < 4 * m.fieldCount; k += 4) {
    const nameLen = RANGES[k + 1]! - RANGES[k]!;
    const valueLen = RANGES[k + 3]! - RANGES[k + 2]!;
    const entry = 1 + varintSize(nameLen) + nameLen + 1 + varintSize(valueLen) + valueLen;
    body += 1 + varintSize(entry) + entry;
  }
  return body + 1 + varintSize(m.deliveryCount);
}

/** Writes the map entries of a packed message packedSimple accepted (RANGES hold its fields) at `pos`. */
function writePackedFields(out: Buffer, pos: number, m: PackedMessage): number {
  const src = m.reply.buf;
  for (let k = 0; k < 4 * m.fieldCount; k += 4) {
    const nameLen = RANGES[k + 1]! - RANGES[k]!;
    const valueLen = RANGES[k + 3]! - RANGES[k + 2]!;
    const entry = 1 + varintSize(nameLen) + nameLen + 1 + varintSize(valueLen) + valueLen;
    out[pos++] = 0x12; // fields = 2, one map entry
    pos = writeVarint(out, pos, entry);
    out[pos++] = 0x0a; // key
    pos = writeVarint(out, pos, nameLen);
    pos = copyRange(src, RANGES[k]!, RANGES[k + 1]!, out, pos);
    out[pos++] = 0x12; // value
    pos = writeVarint(out, pos, valueLen);
    pos = copyRange(src, RANGES[k + 2]!, RANGES[k + 3]!, out, pos);
  }
  return pos;
}

/** StreamingPullResponse { messages } for `messages`; `fallback` is the method's protobufjs serializer. */
export function encodeMessages(messages: readonly Message[], fallback: Serialize): Buffer {
  // Sizes first (names measured once), then one buffer.
  const n = messages.length;
  const bodies = new Array<number>(n);
  const others: (Buffer | null)[] = new Array<Buffer | null>(n);
  // Per message: its fields are copied from its packed reply (packedSimple).
  const fromReply = new Array<boolean>(n);
  const names: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    fromReply[i] = m instanceof PackedMessage && packedSimple(m);
    if (fromReply[i]) {
      others[i] = null;
      const body = packedBody(m as PackedMessage, utf8Length(m.id));
      bodies[i] = body;
      total += 1 + varintSize(body) + body;
      continue;
    }
    if (!simple(m)) {
      const b = fallback({ messages: [toProtoMessage(m)] });
      others[i] = b;
      bodies[i] = 0;
      total += b.length;
      continue;
    }
    others[i] = null;
    const idLen = utf8Length(m.id);
    let body = 1 + varintSize(idLen) + idLen;
    for (const [name, value] of m.pairs!) {
      const nameLen = utf8Length(name);
      names.push(nameLen);
      const entry = 1 + varintSize(nameLen) + nameLen + 1 + varintSize(value.length) + value.length;
      body += 1 + varintSize(entry) + entry;
    }
    if (m.deliveryCount !== undefined) body += 1 + varintSize(m.deliveryCount);
    bodies[i] = body;
    total += 1 + varintSize(body) + body;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const other = others[i];
    if (other) {
      pos += other.copy(buf, pos);
      continue;
    }
    const m = messages[i]!;
    buf[pos++] = 0x0a; // messages = 1, length-delimited
    pos = writeVarint(buf, pos, bodies[i]!);
    buf[pos++] = 0x0a; // id = 1
    const idLen = utf8Length(m.id);
    pos = writeVarint(buf, pos, idLen);
    pos = writeString(buf, pos, m.id, idLen);
    if (fromReply[i]) {
      const p = m as PackedMessage;
      p.ranges(RANGES);
      pos = writePackedFields(buf, pos, p);
      buf[pos++] = 0x20; // delivery_count = 4, varint
      pos = writeVarint(buf, pos, p.deliveryCount);
      continue;
    }
    for (const [name, value] of m.pairs!) {
      const nameLen = names[k++]!;
      const entry = 1 + varintSize(nameLen) + nameLen + 1 + varintSize(value.length) + value.length;
      buf[pos++] = 0x12; // fields = 2, one map entry
      pos = writeVarint(buf, pos, entry);
      buf[pos++] = 0x0a; // key
      pos = writeVarint(buf, pos, nameLen);
      pos = writeString(buf, pos, name, nameLen);
      buf[pos++] = 0x12; // value
      pos = writeVarint(buf, pos, value.length);
      pos += value.copy(buf, pos);
    }
    if (m.deliveryCount !== undefined) {
      buf[pos++] = 0x20; // delivery_count = 4, varint
      pos = writeVarint(buf, pos, m.deliveryCount);
    }
  }
  if (pos !== total) throw new Error(`StreamingPull response encoding: wrote ${pos} of ${total} bytes`);
  return buf;
}

const OPERATION = { ack: 1, nack: 2, extend: 3, term: 4 } as const;

/**
 * StreamingPullResponse { ack_results } for `outcomes`, in order (AckOperation / AckStatus
 * numbers of the proto). IDs are ASCII and short in practice (the core checked them): each
 * is then written in one pass, its header of fixed size; any other ID sends the whole
 * response through encodeAckResultsMeasured.
 */
export function encodeAckResults(outcomes: readonly AckOutcomes[]): Buffer {
  // Exact when every ID is ASCII and at most ASCII_ID_MAX long: 8 bytes around each ID.
  let total = 0;
  for (const { ids } of outcomes) for (let i = 0; i < ids.length; i++) total += 8 + ids[i]!.length;
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const { operation, ids, notOk } of outcomes) {
    const op = OPERATION[operation];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const idLen = id.length;
      if (idLen > ASCII_ID_MAX) return encodeAckResultsMeasured(outcomes);
      buf[pos++] = 0x12; // ack_results = 2
      buf[pos++] = idLen + 6; // body: the ID's tag and length, the ID, operation and status (< 0x80)
      buf[pos++] = 0x0a; // id = 1
      buf[pos++] = idLen;
      for (let j = 0; j < idLen; j++) {
        const c = id.charCodeAt(j);
        if (c > 0x7f) return encodeAckResultsMeasured(outcomes);
        buf[pos++] = c;
      }
      pos = writeResultEnd(buf, pos, op, notOk !== null && notOk[i] === 1);
    }
  }
  return checkedAckResults(buf, pos, total);
}

/** An ack result's operation (2) and status (3) fields: ok 1, NOT_PENDING 2. */
function writeResultEnd(buf: Buffer, pos: number, op: number, notPending: boolean): number {
  buf[pos] = 0x10;
  buf[pos + 1] = op;
  buf[pos + 2] = 0x18;
  buf[pos + 3] = notPending ? 2 : 1;
  return pos + 4;
}

function checkedAckResults(buf: Buffer, pos: number, total: number): Buffer {
  if (pos !== total) throw new Error(`StreamingPull ack results encoding: wrote ${pos} of ${total} bytes`);
  return buf;
}

/** Longest ID written in one pass: its result's body length (the ID + 6) stays one varint byte. */
const ASCII_ID_MAX = 0x7f - 6;

/** encodeAckResults for any IDs: each measured as UTF-8 first. */
function encodeAckResultsMeasured(outcomes: readonly AckOutcomes[]): Buffer {
  let total = 0;
  for (const { ids } of outcomes) {
    for (let i = 0; i < ids.length; i++) {
      const idLen = utf8Length(ids[i]!);
      const body = 1 + varintSize(idLen) + idLen + 2 + 2;
      total += 1 + varintSize(body) + body;
    }
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const { operation, ids, notOk } of outcomes) {
    const op = OPERATION[operation];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const idLen = utf8Length(id);
      const body = 1 + varintSize(idLen) + idLen + 2 + 2;
      buf[pos++] = 0x12; // ack_results = 2
      pos = writeVarint(buf, pos, body);
      buf[pos++] = 0x0a; // id = 1
      pos = writeVarint(buf, pos, idLen);
      pos = writeString(buf, pos, id, idLen);
      pos = writeResultEnd(buf, pos, op, notOk !== null && notOk[i] === 1);
    }
  }
  return checkedAckResults(buf, pos, total);
}
