import type { Buffer } from 'node:buffer';
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { StreamingPullRequest__Output } from './generated/streamgate/v1/StreamingPullRequest.js';
import { BAIL, type Slices, WireReader, fastOrReference, text } from './wire-reader.js';

/**
 * StreamingPullRequest read by hand: after the first, a stream's requests are lists of ack
 * IDs (one per message delivered), decoded by protobufjs into a message and then copied
 * by toObject. This gives the object proto-loader's deserializer gives (defaults, longs as
 * numbers, `_nackDelayMs` when set), from a strict reader (wire-reader.ts): anything it does
 * not read exactly as protobufjs is decoded by protobufjs, which decides
 * (test/grpc/request-codecs.test.ts). ASCII IDs are cut out of one string of the request
 * (a substring each) instead of one native call per ID.
 */

/** IDs of a repeated string field, ASCII ones as substrings of the whole request read as Latin-1 once. */
class Ids {
  private whole: string | null = null;

  constructor(private readonly buf: Buffer) {}

  read(r: WireReader, end: number): string {
    const stop = r.delimited(end);
    const start = r.pos;
    r.pos = stop;
    const buf = this.buf;
    for (let i = start; i < stop; i++) if (buf[i]! >= 0x80) return text(buf, start, stop);
    this.whole ??= (buf as unknown as Slices).latin1Slice(0, buf.length);
    return this.whole.substring(start, stop);
  }
}

/** The repeated ID field a tag (0x3a, 0x42, 0x52 or 0x5a) names. */
const idList = (out: StreamingPullRequest__Output, tag: number): string[] =>
  tag === 0x3a ? out.ackIds : tag === 0x42 ? out.nackIds : tag === 0x52 ? out.extendIds : out.termIds;

export function decodeStreamingPullFast(buf: Buffer): StreamingPullRequest__Output {
  const r = new WireReader(buf);
  const end = buf.length;
  const ids = new Ids(buf);
  const out: StreamingPullRequest__Output = {
    stream: '',
    group: '',
    consumer: '',
    maxOutstandingMessages: 0,
    maxOutstandingBytes: 0,
    maxLeaseExtensionMs: 0,
    ackIds: [],
    nackIds: [],
    extendIds: [],
    termIds: [],
    termReason: '',
  };
  let nackDelayMs: number | undefined;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case 0x3a: // ack_ids (7), the common case, then nack_ids (8), extend_ids (10), term_ids (11)
      case 0x42:
      case 0x52:
      case 0x5a:
        idList(out, tag).push(ids.read(r, end));
        break;
      case 0x0a:
        out.stream = r.string(end);
        break;
      case 0x12:
        out.group = r.string(end);
        break;
      case 0x1a:
        out.consumer = r.string(end);
        break;
      case 0x20:
        out.maxOutstandingMessages = r.uint32(end);
        break;
      case 0x28:
        out.maxOutstandingBytes = r.uint53(end);
        break;
      case 0x30:
        out.maxLeaseExtensionMs = r.uint53(end);
        break;
      case 0x48:
        nackDelayMs = r.uint53(end);
        break;
      case 0x62:
        out.termReason = r.string(end);
        break;
      default:
        throw BAIL;
    }
  }
  if (nackDelayMs !== undefined) {
    out.nackDelayMs = nackDelayMs;
    out._nackDelayMs = 'nackDelayMs';
  }
  return out;
}

/** The service with StreamingPull's requests read by this module (protobufjs deciding whatever the fast path does not read). */
export function withPullRequestCodec(service: ServiceDefinition): ServiceDefinition {
  const method = service.StreamingPull;
  if (!method) return service;
  const requestDeserialize = fastOrReference(method.requestDeserialize, decodeStreamingPullFast, (value) => value);
  return { ...service, StreamingPull: { ...method, requestDeserialize } };
}
