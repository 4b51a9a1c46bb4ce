import { join } from 'node:path';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import type { Limits } from '../../src/runtime/config.js';
import { PROTO_DIR, PROTO_FILE, SERVICE_NAME } from '../../src/grpc/proto.js';
import { HOSTILE_NAMES, INT_EDGES, U64_MAX as U64, anyString, idArbitrary, nameArbitrary } from './hostile.js';
import type { Known } from './openapi-requests.js';
import { type WireField, WireMessage, type WireValue, encode } from './proto-wire.js';
import { edgesFor } from './settings.js';

/**
 * Request generators derived from the proto's descriptors (protobufjs reflection over
 * proto/streamgate/v1/streamgate.proto): every method of the service, every field by its
 * type, label, map-ness and oneof. Values are written on the wire directly (see
 * proto-wire.ts), so they include what a generated client would never send. A field type
 * without a generator throws, so a new field of a new kind fails the test instead of going
 * unfuzzed.
 */

export interface Rpc {
  readonly name: string;
  /** `/streamgate.v1.StreamGateway/<name>`. */
  readonly path: string;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

export function rpcsOf(): Rpc[] {
  const root = protobuf.loadSync(join(PROTO_DIR, PROTO_FILE));
  root.resolveAll();
  const service = root.lookupService(SERVICE_NAME);
  return service.methodsArray.map((m) => {
    if (!m.resolvedRequestType || !m.resolvedResponseType) throw new Error(`${m.name}: unresolved types`);
    return {
      name: m.name,
      path: `/${SERVICE_NAME}/${m.name}`,
      requestType: m.resolvedRequestType,
      responseType: m.resolvedResponseType,
      requestStream: m.requestStream === true,
      responseStream: m.responseStream === true,
    };
  });
}

export interface ProtoContext {
  readonly limits: Limits;
  readonly known: Known;
}

const ID_FIELDS = new Set(['id', 'ids', 'start', 'end', 'from', 'after', 'minId', 'ackIds', 'nackIds', 'extendIds']);

function stringFor(name: string, ctx: ProtoContext): fc.Arbitrary<string> {
  const k = ctx.known;
  if (name === 'stream' || name === 'deadLetterStream') return nameArbitrary(k.streams);
  if (name === 'group') return nameArbitrary(k.groups);
  if (name === 'consumer') return nameArbitrary(k.consumers);
  if (ID_FIELDS.has(name)) return idArbitrary;
  if (name === 'match') return fc.oneof(fc.constantFrom('*', 'li*', '[a-z]*', '\\', '[', 'x'.repeat(1024), 'x'.repeat(1025)), nameArbitrary(k.streams));
  if (name === 'cursor') return fc.oneof(fc.constantFrom('0', '', '1', '-1', '18446744073709551615', '18446744073709551616', '9'.repeat(21)), anyString);
  if (name === 'idempotencyKey') return fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('k'.repeat(255), 'k'.repeat(256), 'a b', ''), anyString);
  return fc.oneof(anyString, fc.constantFrom(...HOSTILE_NAMES));
}

/** UTF-8 that is not: a lone surrogate (CESU-8), an overlong NUL, stray continuation and invalid bytes. */
const NOT_UTF8 = [Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0x80]), Buffer.from([0x80]), Buffer.from([0x61, 0xff, 0xfe]), Buffer.from([0xf4, 0x90, 0x80, 0x80])];

function stringValue(name: string, ctx: ProtoContext): fc.Arbitrary<WireValue> {
  return fc.oneof(
    { weight: 12, arbitrary: stringFor(name, ctx).map((s): WireValue => ({ kind: 'len', value: Buffer.from(s, 'utf8') })) },
    { weight: 1, arbitrary: fc.constantFrom(...NOT_UTF8).map((b): WireValue => ({ kind: 'len', value: b })) },
  );
}

function integerValue(name: string, ctx: ProtoContext): fc.Arbitrary<WireValue> {
  const edges = [...INT_EDGES.filter((n) => Number.isSafeInteger(n)), ...edgesFor(name, ctx.limits)].flatMap((e) => [e - 1, e, e + 1]).map((n) => BigInt(n));
  const big = [U64, U64 - 1n, 1n << 63n, (1n << 63n) - 1n, 1n << 53n, (1n << 53n) + 1n, -(1n << 63n), 1n << 32n, (1n << 32n) - 1n];
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.constantFrom(...edges, ...big) },
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 1100 }).map(BigInt) },
      { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 63n), max: U64 }) },
    )
    .map((value): WireValue => ({ kind: 'varint', value }));
}

function bytesValue(ctx: ProtoContext): fc.Arbitrary<WireValue> {
  const { maxMessageBytes, maxBodyBytes } = ctx.limits;
  return fc
    .oneof(
      { weight: 8, arbitrary: fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)) },
      { weight: 1, arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from([0xff, 0x00, 0xfe]), Buffer.from('text')) },
      { weight: 1, arbitrary: fc.constantFrom(maxMessageBytes - 1, maxMessageBytes + 1, maxBodyBytes + 1).map((n) => Buffer.alloc(n, 0x61)) },
    )
    .map((value): WireValue => ({ kind: 'len', value }));
}

function scalarValue(type: string, name: string, ctx: ProtoContext): fc.Arbitrary<WireValue> {
  switch (type) {
    case 'string':
      return stringValue(name, ctx);
    case 'bytes':
      return bytesValue(ctx);
    case 'bool':
      return fc.constantFrom(0n, 1n, 1n, 2n, U64).map((value): WireValue => ({ kind: 'varint', value }));
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
    case 'sint32':
    case 'sint64':
      return integerValue(name, ctx);
    case 'fixed32':
    case 'sfixed32':
    case 'float':
      return fc.integer().map((value): WireValue => ({ kind: 'fixed32', value }));
    case 'fixed64':
    case 'sfixed64':
    case 'double':
      return fc.bigInt({ min: 0n, max: U64 }).map((value): WireValue => ({ kind: 'fixed64', value }));
    default:
      throw new Error(`no generator for protobuf type ${type} (field ${name})`);
  }
}

/** A field's value on the wire: its own type, a nested message, or (rarely) the wrong wire type. */
function valueOf(field: protobuf.FieldBase, ctx: ProtoContext, depth: number): fc.Arbitrary<WireValue> {
  const resolved = field.resolvedType;
  let typed: fc.Arbitrary<WireValue>;
  if (resolved instanceof protobuf.Type) {
    typed =
      depth >= 3
        ? fc.constant<WireValue>({ kind: 'len', value: Buffer.alloc(0) })
        : messageArbitrary(resolved, ctx, depth + 1).map((value): WireValue => ({ kind: 'len', value }));
  } else if (resolved instanceof protobuf.Enum) {
    typed = fc.oneof(fc.constantFrom(...Object.values(resolved.values)).map(BigInt), fc.constantFrom(-1n, 99n, U64)).map((value): WireValue => ({ kind: 'varint', value }));
  } else {
    typed = scalarValue(field.type, field.name, ctx);
  }
  const wrongWireType = fc.constantFrom<WireValue>(
    { kind: 'varint', value: 1n },
    { kind: 'len', value: Buffer.from('x') },
    { kind: 'fixed32', value: 7 },
    { kind: 'fixed64', value: 7n },
  );
  return fc.oneof({ weight: 30, arbitrary: typed }, { weight: 1, arbitrary: wrongWireType });
}

function mapEntries(field: protobuf.MapField, ctx: ProtoContext, depth: number): fc.Arbitrary<WireField[]> {
  const key = scalarValue(field.keyType, 'name', ctx);
  const value = valueOf(field, ctx, depth);
  const entry = fc.tuple(key, value).map(([k, v]): WireField => ({
    no: field.id,
    name: field.name,
    value: { kind: 'len', value: new WireMessage([{ no: 1, name: 'key', value: k }, { no: 2, name: 'value', value: v }]) },
  }));
  const many = fc.constantFrom(ctx.limits.maxFields, ctx.limits.maxFields + 1).map((n) =>
    Array.from({ length: n }, (_, i): WireField => ({
      no: field.id,
      name: field.name,
      value: { kind: 'len', value: new WireMessage([{ no: 1, name: 'key', value: { kind: 'len', value: Buffer.from(`f${i}`) } }, { no: 2, name: 'value', value: { kind: 'len', value: Buffer.from('v') } }]) },
    })),
  );
  return fc.oneof({ weight: 10, arbitrary: fc.array(entry, { maxLength: 4 }) }, { weight: 1, arbitrary: many });
}

function fieldArbitrary(field: protobuf.Field, ctx: ProtoContext, depth: number): fc.Arbitrary<WireField[]> {
  if (field instanceof protobuf.MapField) return mapEntries(field, ctx, depth);
  const one = valueOf(field, ctx, depth).map((value): WireField => ({ no: field.id, name: field.name, value }));
  if (field.repeated) {
    const batch = ctx.limits.maxBatch;
    return fc.oneof(
      { weight: 10, arbitrary: fc.array(one, { maxLength: 4 }) },
      // At and over the batch limit: one small value repeated (a big one would only test the size limit).
      { weight: 1, arbitrary: fc.tuple(one, fc.constantFrom(batch, batch + 1)).map(([f, n]) => (encode(new WireMessage([f])).length <= 64 ? Array.from({ length: n }, () => f) : [f])) },
    );
  }
  // Present, absent, or twice (protobuf keeps the last of a scalar, merges a message).
  return fc.oneof(
    { weight: 6, arbitrary: one.map((f) => [f]) },
    { weight: 3, arbitrary: fc.constant<WireField[]>([]) },
    { weight: 1, arbitrary: fc.tuple(one, one).map(([a, b]) => [a, b]) },
  );
}

/** Fields with numbers the message does not have: a decoder must skip them. */
const unknownFields = fc.array(
  fc.record({
    no: fc.integer({ min: 100, max: 536_870_911 }),
    name: fc.constant('?'),
    value: fc.constantFrom<WireValue>({ kind: 'varint', value: 5n }, { kind: 'len', value: Buffer.from('zz') }, { kind: 'fixed32', value: 1 }, { kind: 'fixed64', value: 1n }),
  }),
  { maxLength: 2 },
);

export function messageArbitrary(type: protobuf.Type, ctx: ProtoContext, depth = 0): fc.Arbitrary<WireMessage> {
  const parts: fc.Arbitrary<WireField[]>[] = [];
  const inOneof = new Set<string>();
  for (const oneof of type.oneofsArray) {
    const members = oneof.fieldsArray;
    // A proto3 `optional` is a oneof of one: fieldArbitrary's present/absent covers it.
    if (members.length < 2) continue;
    for (const m of members) inOneof.add(m.name);
    const choices = members.map((m) => fieldArbitrary(m, ctx, depth).filter((fs) => fs.length > 0));
    parts.push(
      fc.oneof(
        { weight: 2, arbitrary: fc.constant<WireField[]>([]) },
        { weight: 6, arbitrary: fc.oneof(...choices) },
        // Two members of one oneof: the last one written wins.
        { weight: 1, arbitrary: fc.tuple(...choices).map((all) => all.flat()) },
      ),
    );
  }
  for (const field of type.fieldsArray) if (!inOneof.has(field.name)) parts.push(fieldArbitrary(field, ctx, depth));
  const extra = depth === 0 ? fc.oneof({ weight: 8, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: unknownFields }) : fc.constant([]);
  return fc
    .tuple(fc.tuple(...parts), extra, fc.boolean())
    // Fields in declaration order mostly; any order is as valid on the wire.
    .map(([fs, more, reversed]) => new WireMessage(reversed && depth === 0 ? [...fs.flat()].reverse().concat(more) : [...fs.flat(), ...more]));
}

/** A request on the wire: a generated message, or (sometimes) bytes that are not one. */
export class WireRequest {
  constructor(
    readonly message: WireMessage | null,
    readonly bytes: Buffer,
  ) {}

  static of(message: WireMessage): WireRequest {
    return new WireRequest(message, encode(message));
  }

  [fc.toStringMethod](): string {
    const hex = this.bytes.subarray(0, 48).toString('hex');
    const bytes = `${this.bytes.length} bytes ${hex}${this.bytes.length > 48 ? '…' : ''}`;
    return this.message ? `${this.message[fc.toStringMethod]()} (${bytes})` : `not a message: ${bytes}`;
  }
}

const corrupt = (m: WireMessage): fc.Arbitrary<Buffer> => {
  const bytes = encode(m);
  return fc.oneof(
    // Cut short: a length or varint runs past the end.
    fc.nat({ max: Math.max(0, bytes.length - 1) }).map((n) => bytes.subarray(0, n)),
    fc.constantFrom(
      Buffer.from([0x0a, 0x7f, 0x61]), // field 1, length 127, one byte
      Buffer.from([0x0b]), // field 1, wire type 3 (start group)
      Buffer.from([0x0e, 0x00]), // field 1, wire type 6 (none such)
      Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // an 11-byte varint
      Buffer.from([0x00, 0x01]), // field number 0
    ),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => Buffer.from(a)),
  );
};

export function requestArbitrary(rpc: Rpc, ctx: ProtoContext): fc.Arbitrary<WireRequest> {
  const message = messageArbitrary(rpc.requestType, ctx);
  return fc.oneof(
    { weight: 15, arbitrary: message.map((m) => WireRequest.of(m)) },
    { weight: 1, arbitrary: message.chain((m) => corrupt(m)).map((bytes) => new WireRequest(null, bytes)) },
  );
}

/** The `stream` the server decodes from a top-level message (the last one written wins). */
export function streamOf(message: WireMessage | null): string | null {
  let found: string | null = null;
  for (const f of message?.fields ?? []) {
    if (f.name !== 'stream') continue;
    // Written with another wire type, the field decodes as something else: unknown.
    if (f.value.kind !== 'len' || !Buffer.isBuffer(f.value.value)) return null;
    found = f.value.value.toString('utf8');
  }
  return found;
}

/**
 * A plausible request on `stream` (group `g`, consumer `c`, ID `3-0`, one field `a=1` where
 * a message needs fields, the first member of each oneof): fast-check runs these before the
 * generated ones, so every RPC meets every known key, other-type ones included, with a
 * request that passes validation.
 */
export function exampleMessage(type: protobuf.Type, stream: string, depth = 0): WireMessage {
  const text = (s: string): WireValue => ({ kind: 'len', value: Buffer.from(s, 'utf8') });
  const valueFor = (f: protobuf.Field): WireValue | null => {
    if (f.resolvedType instanceof protobuf.Type) return depth < 2 ? { kind: 'len', value: exampleMessage(f.resolvedType, stream, depth + 1) } : null;
    if (f.type !== 'string') return f.type === 'bytes' ? text('1') : null;
    if (f.name === 'stream') return text(stream);
    if (f.name === 'group') return text('g');
    if (f.name === 'consumer') return text('c');
    if (ID_FIELDS.has(f.name) && f.name !== 'start' && f.name !== 'end' && f.name !== 'from' && f.name !== 'after') return text('3-0');
    return null;
  };
  const fields: WireField[] = [];
  const skip = new Set<string>();
  for (const oneof of type.oneofsArray) {
    if (oneof.fieldsArray.length > 1) for (const m of oneof.fieldsArray.slice(1)) skip.add(m.name);
  }
  for (const f of type.fieldsArray) {
    // `pairs` is the alternative to the `fields` map: one of them is enough.
    if (skip.has(f.name) || f.name === 'pairs') continue;
    if (f instanceof protobuf.MapField) {
      fields.push({ no: f.id, name: f.name, value: { kind: 'len', value: new WireMessage([{ no: 1, name: 'key', value: text('a') }, { no: 2, name: 'value', value: text('1') }]) } });
      continue;
    }
    const v = valueFor(f);
    if (v) fields.push({ no: f.id, name: f.name, value: v });
    else if (oneofMember(f)) fields.push({ no: f.id, name: f.name, value: { kind: 'varint', value: 10n } });
  }
  return new WireMessage(fields);
}

/** A numeric member of a real oneof (e.g. TrimSpec.max_len): set, so the oneof has a value. */
const oneofMember = (f: protobuf.Field): boolean => (f.partOf?.fieldsArray.length ?? 0) > 1 && !(f.resolvedType instanceof protobuf.Type) && f.type !== 'string';

/** A message from plain values by field name (strings, lists of strings, 64-bit integers as bigint), written as given. */
export function wireOf(type: protobuf.Type, values: Readonly<Record<string, string | readonly string[] | bigint | undefined>>): WireMessage {
  const fields: WireField[] = [];
  for (const [name, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const field = type.fields[name];
    if (!field) throw new Error(`${type.name} has no field ${name}`);
    const text = (s: string): WireField => ({ no: field.id, name, value: { kind: 'len', value: Buffer.from(s, 'utf8') } });
    if (typeof v === 'bigint') fields.push({ no: field.id, name, value: { kind: 'varint', value: v } });
    else if (typeof v === 'string') fields.push(text(v));
    else fields.push(...v.map(text));
  }
  return new WireMessage(fields);
}
