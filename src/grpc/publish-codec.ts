import { Buffer } from 'node:buffer';
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { InputPair } from '../contract/limits.js';
import type { PublishRequest__Output } from './generated/streamgate/v1/PublishRequest.js';
import type { TrimSpec__Output } from './generated/streamgate/v1/TrimSpec.js';
import { sameRange } from '../contract/packed-message.js';
import { BAIL, WireReader, fastOrReference, text } from './wire-reader.js';
import { utf8Length, varintSize, writeString, writeVarint } from './wire-writer.js';

/**
 * Publish's request and response written by hand (grpc-js takes a serializer and a
 * deserializer per method): the request is read straight into what the handler hands the
 * core — per message its field pairs, in the order `fromProtoFields` gave them, each value
 * as text when it is all ASCII and as a view of the request otherwise —
 * instead of protobufjs's decode, then toObject, then a copy of every field. A request that
 * is not plain canonical protobuf (wire-reader.ts) is decoded by protobufjs and converted
 * the old way (`fromReference`), so both give the same result and refuse the same bytes
 * (test/grpc/request-codecs.test.ts).
 */

/** Which of `fields` (map) and `pairs` (list) a PublishMessage gave, non-empty (contract/messages.ts fieldsForm). */
export const GAVE_FIELDS = 1;
export const GAVE_PAIRS = 2;
/** A Field of its `pairs` has `name_bytes`, which publishing refuses (names are UTF-8 text): never ignored. */
export const GAVE_NAME_BYTES = 4;

/**
 * A PublishMessage: `pairs` are those of the form it gave (the map's in JS object order, as
 * Object.entries gave them). A value is its bytes, or text when they are all ASCII (the
 * fast path; the same bytes written).
 */
export interface DecodedMessage {
  readonly id: string | undefined;
  readonly pairs: InputPair[];
  /** GAVE_FIELDS | GAVE_PAIRS bits: valid when exactly one (and no GAVE_NAME_BYTES). */
  readonly gave: number;
}

/** A PublishRequest as the Publish handler takes it. */
export interface PublishCall {
  readonly stream: string;
  /**
   * Taken by the handler (`takeMessages`): grpc-js keeps the decoded request until the call
   * ends, and with it every value of the batch while Redis works, unless the call lets go.
   */
  messages: DecodedMessage[];
  /** protobufjs's toObject shape (defaults, oneofs), absent when the request has none. */
  readonly trim: TrimSpec__Output | undefined;
  readonly idempotencyKey: string;
}

function decoded(id: string | undefined, fields: InputPair[], pairs: InputPair[], nameBytes = false): DecodedMessage {
  const gave = (fields.length > 0 ? GAVE_FIELDS : 0) | (pairs.length > 0 ? GAVE_PAIRS : 0) | (nameBytes ? GAVE_NAME_BYTES : 0);
  return { id, pairs: gave === GAVE_PAIRS ? pairs : fields, gave };
}

/** The map's pairs as a JS object orders them: integer-like names first, ascending; one pair per name, its last value. */
function objectOrder(fields: InputPair[]): InputPair[] {
  const map = Object.create(null) as Record<string, Buffer | string>;
  for (const [name, value] of fields) map[name] = value;
  return Object.entries(map);
}

/**
 * Field names decoded once per request and position: the messages of a batch usually repeat
 * them, so a name whose bytes are those of the name at the same position in the message
 * before is that string again (no native call, no new string).
 */
class Names {
  private readonly start: number[] = [];
  private readonly len: number[] = [];
  private readonly str: string[] = [];

  constructor(private readonly buf: Buffer) {}

  at(k: number, start: number, end: number): string {
    const len = end - start;
    if (k < this.str.length && sameRange(this.buf, this.start[k]!, this.start[k]! + this.len[k]!, start, end)) return this.str[k]!;
    const s = text(this.buf, start, end);
    this.start[k] = start;
    this.len[k] = len;
    this.str[k] = s;
    return s;
  }
}

/** Up to this many map entries, repeated names are looked for pairwise. */
const PAIRWISE = 16;

function decodeMessage(r: WireReader, end: number, names: Names): DecodedMessage {
  let id: string | undefined;
  const fields: InputPair[] = [];
  let pairs: InputPair[] | null = null;
  // A repeated name, or one a JS object would move first (starts with a digit): object order.
  let reorder = false;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === 0x0a || tag === 0x12) {
      // fields (map entry) or pairs (Field): name = 1, value = 2, both length-delimited.
      const stop = r.delimited(end);
      let nameStart = -1;
      let nameEnd = -1;
      let value: Buffer | string = '';
      while (r.pos < stop) {
        const t = r.uint32(stop);
        if (t === 0x0a) {
          // A name given twice in one entry: protobufjs reads (and checks) both, keeping the
          // last; this reader would check only the last. Rare and not canonical: it decides.
          if (nameStart >= 0) throw BAIL;
          nameEnd = r.delimited(stop);
          nameStart = r.pos;
          r.pos = nameEnd;
        } else if (t === 0x12) value = r.asciiOrBytes(stop);
        else throw BAIL;
      }
      const k = tag === 0x0a ? fields.length : (pairs?.length ?? 0);
      const name = nameStart < 0 ? '' : names.at(k, nameStart, nameEnd);
      if (tag === 0x12) {
        (pairs ??= []).push([name, value]);
        continue;
      }
      if (!reorder) {
        const c = name.charCodeAt(0);
        if ((c >= 0x30 && c <= 0x39) || k >= PAIRWISE) reorder = true;
        else for (let i = 0; i < k; i++) if (fields[i]![0] === name) reorder = true;
      }
      fields.push([name, value]);
    } else if (tag === 0x1a) id = r.string(end);
    else throw BAIL;
  }
  return decoded(id, reorder ? objectOrder(fields) : fields, pairs ?? []);
}

function decodeTrim(r: WireReader, end: number): TrimSpec__Output {
  let maxLen: number | undefined;
  let minId: string | undefined;
  let exact = false;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === 0x08) maxLen = r.uint53(end);
    else if (tag === 0x12) minId = r.string(end);
    else if (tag === 0x18) exact = r.uint32(end) !== 0;
    else throw BAIL;
  }
  // protobufjs keeps both members of the oneof when both come; toObject names the last declared.
  const out: TrimSpec__Output = { exact };
  if (maxLen !== undefined) {
    out.maxLen = maxLen;
    out.threshold = 'maxLen';
  }
  if (minId !== undefined) {
    out.minId = minId;
    out.threshold = 'minId';
  }
  return out;
}

/** The fast path: a PublishCall, or BAIL (thrown) for anything it does not read exactly as protobufjs. */
export function decodePublishFast(buf: Buffer): PublishCall {
  const r = new WireReader(buf);
  const end = buf.length;
  const names = new Names(buf);
  let stream = '';
  let idempotencyKey = '';
  let trim: TrimSpec__Output | undefined;
  const messages: DecodedMessage[] = [];
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === 0x0a) stream = r.string(end);
    else if (tag === 0x12) {
      const stop = r.delimited(end);
      messages.push(decodeMessage(r, stop, names));
    } else if (tag === 0x1a) {
      const stop = r.delimited(end);
      trim = decodeTrim(r, stop);
    } else if (tag === 0x22) idempotencyKey = r.string(end);
    else throw BAIL;
  }
  return { stream, messages, trim, idempotencyKey };
}

const NONE: DecodedMessage[] = [];

/**
 * The request's messages, which it no longer holds. A batch's pairs are garbage once the
 * core has packed them (before its first wait on Redis), but grpc-js keeps the request it
 * decoded until the call ends: holding them there made them outlive a young-generation
 * collection or two while Redis worked, so each scavenge copied and promoted the batches in
 * flight (docs/decisions.md, "Per-message cost").
 */
export function takeMessages(call: PublishCall): DecodedMessage[] {
  const { messages } = call;
  call.messages = NONE;
  return messages;
}

/** What protobufjs's decode + toObject (proto-loader's deserializer) gives, converted as the handler did before. */
export function fromReference(req: PublishRequest__Output): PublishCall {
  const messages = req.messages.map((m) =>
    decoded(
      m.id,
      Object.entries(m.fields ?? {}).map(([name, value]) => [name, Buffer.from(value)] as const),
      (m.pairs ?? []).map((f) => [f.name, Buffer.from(f.value)] as const),
      // The fast path never reads name_bytes (field 3 of Field): such a request comes here.
      (m.pairs ?? []).some((f) => f.nameBytes.length > 0),
    ),
  );
  return { stream: req.stream, messages, trim: req.trim ?? undefined, idempotencyKey: req.idempotencyKey };
}

/** PublishResponse as the handler returns it. */
export interface PublishReply {
  readonly ids: readonly string[];
  readonly replayed: boolean;
}

/** PublishResponse bytes, as protobufjs writes them (`replayed` always written, false too). */
export function encodePublishReply(reply: PublishReply): Buffer {
  const { ids } = reply;
  let total = 2;
  for (const id of ids) {
    const len = utf8Length(id);
    total += 1 + varintSize(len) + len;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const id of ids) {
    buf[pos++] = 0x0a; // ids = 1
    const len = utf8Length(id);
    pos = writeVarint(buf, pos, len);
    pos = writeString(buf, pos, id, len);
  }
  buf[pos++] = 0x10; // replayed = 2
  buf[pos++] = reply.replayed ? 1 : 0;
  return buf;
}

/** The service with Publish read and written by this module (protobufjs deciding whatever the fast path does not read). */
export function withPublishCodec(service: ServiceDefinition): ServiceDefinition {
  const method = service.Publish;
  if (!method) return service;
  const requestDeserialize = fastOrReference(method.requestDeserialize, decodePublishFast, fromReference);
  const responseSerialize = (value: PublishReply): Buffer => encodePublishReply(value);
  return { ...service, Publish: { ...method, requestDeserialize, responseSerialize } };
}
