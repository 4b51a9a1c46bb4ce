import { type StatusObject, status } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Message__Output } from '../../src/grpc/generated/streamgate/v1/Message.js';
import type { PullResponse__Output } from '../../src/grpc/generated/streamgate/v1/PullResponse.js';
import type { ReadRangeResponse__Output } from '../../src/grpc/generated/streamgate/v1/ReadRangeResponse.js';
import { GrpcWire } from '../fuzz/grpc-wire.js';
import { varint } from '../fuzz/proto-wire.js';
import { uniq } from '../helpers/core.js';
import { withGrpc } from '../helpers/fixtures.js';
import type { TestGrpc } from '../helpers/grpc.js';
import { openPull } from './streaming-support.js';

/**
 * Bytes never change silently on gRPC (docs/api.md#field-names-that-are-not-utf-8):
 * - a field name a native client wrote that is not UTF-8 comes back exactly, as `name_bytes`
 *   of a Field in `pairs` (range read, Pull, StreamingPull), never as U+FFFD;
 * - a stream, group or consumer name (any string) that is not UTF-8 is refused with
 *   INVALID_ARGUMENT / VALIDATION_FAILED, never replaced (stream `ord\xff` was stored as
 *   `ord\ufffd`).
 */

let g: TestGrpc;
let redis: Redis;
withGrpc((gg, r) => {
  g = gg;
  redis = r;
});

const BAD_NAME = Buffer.from([0xff, 0xfe, 0x41]);
const LONG_BAD_NAME = Buffer.concat([Buffer.alloc(40, 0x62), Buffer.from([0xc3])]);

/** A stream holding, written natively: a message with a name that is not UTF-8 between two that are, and a plain one. */
async function nativeStream(): Promise<{ s: string; ids: string[] }> {
  const s = uniq('bytes');
  const ids = [
    String(await redis.xadd(s, '*', 'a', '1', BAD_NAME, Buffer.from([0x00, 0xff]), 'b', '2', LONG_BAD_NAME, 'v')),
    String(await redis.xadd(s, '*', 'plain', 'x')),
  ];
  return { s, ids };
}

/** What such a message must look like: the map without the names that are not UTF-8, every field in pairs, exact. */
function expectExact(m: Message__Output): void {
  expect(m.fields).toEqual({ a: Buffer.from('1'), b: Buffer.from('2') });
  expect(m.pairs.map((p) => [p.name, p.value, p.nameBytes])).toEqual([
    ['a', Buffer.from('1'), Buffer.alloc(0)],
    ['', Buffer.from([0x00, 0xff]), BAD_NAME],
    ['b', Buffer.from('2'), Buffer.alloc(0)],
    ['', Buffer.from('v'), LONG_BAD_NAME],
  ]);
}

describe('field names that are not UTF-8 come back exactly', () => {
  it('ReadRange', async () => {
    const { s } = await nativeStream();
    const r = await g.call<ReadRangeResponse__Output>('ReadRange', { stream: s });
    expect(r.messages).toHaveLength(2);
    expectExact(r.messages[0]!);
    expect(r.messages[1]!.pairs).toEqual([]);
    expect(r.messages[1]!.fields).toEqual({ plain: Buffer.from('x') });
  });

  it('Pull', async () => {
    const { s } = await nativeStream();
    await redis.xgroup('CREATE', s, 'g', '0');
    const r = await g.call<PullResponse__Output>('Pull', { stream: s, group: 'g', consumer: 'c', count: 10 });
    expect(r.messages).toHaveLength(2);
    expectExact(r.messages[0]!);
  });

  it('StreamingPull', async () => {
    const { s } = await nativeStream();
    await redis.xgroup('CREATE', s, 'g', '0');
    const pull = openPull(g.client, { stream: s, group: 'g', consumer: 'c' });
    try {
      await pull.until(() => pull.messages().length >= 2, 5000, 'two messages');
      expectExact(pull.messages()[0]!);
      expect(pull.messages()[1]!.fields).toEqual({ plain: Buffer.from('x') });
    } finally {
      await pull.cancel();
    }
  });
});

/** A length-delimited field. */
const ld = (tag: number, body: Buffer | string): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from([tag]), varint(BigInt(b.length)), b]);
};
const ORD_FF = Buffer.from([0x6f, 0x72, 0x64, 0xff]);

describe('a name that is not UTF-8 is refused, never replaced', () => {
  const expectRefused = async (wire: GrpcWire, method: string, bytes: Buffer) => {
    const out = await wire.unary(`/streamgate.v1.StreamGateway/${method}`, bytes);
    if (out.ok) throw new Error(`${method} accepted ${bytes.toString('hex')}`);
    expect({ status: out.error.code, code: out.error.metadata.get('error-code')[0] }, out.error.details).toEqual({
      status: status.INVALID_ARGUMENT,
      code: 'VALIDATION_FAILED',
    });
    expect(out.error.details).toMatch(/not valid UTF-8/);
  };

  it('stream (Publish: nothing written under ord\\ufffd), group and consumer (unary calls)', async () => {
    const wire = new GrpcWire(g.server.address);
    try {
      const s = uniq('ord');
      const message = ld(0x12, ld(0x0a, Buffer.concat([ld(0x0a, 'n'), ld(0x12, 'v')])));
      // Publish { stream: "ord\xff", messages: [{ fields: { n: "v" } }] }
      await expectRefused(wire, 'Publish', Buffer.concat([ld(0x0a, ORD_FF), message]));
      expect(await redis.exists('ord\uFFFD')).toBe(0);
      // Publish with a field name that is not UTF-8
      await expectRefused(wire, 'Publish', Buffer.concat([ld(0x0a, s), ld(0x12, ld(0x0a, Buffer.concat([ld(0x0a, BAD_NAME), ld(0x12, 'v')])))]));
      expect(await redis.exists(s)).toBe(0);
      await redis.xadd(s, '*', 'n', 'v');
      // CreateGroup { stream, group: "g\xc3" }, Pull { stream, group: "g", consumer: "c\x80" }, ReadRange { stream: "ord\xff" }
      await expectRefused(wire, 'CreateGroup', Buffer.concat([ld(0x0a, s), ld(0x12, Buffer.from([0x67, 0xc3]))]));
      expect(await redis.xinfo('GROUPS', s)).toEqual([]);
      await redis.xgroup('CREATE', s, 'g', '0');
      await expectRefused(wire, 'Pull', Buffer.concat([ld(0x0a, s), ld(0x12, 'g'), ld(0x1a, Buffer.from([0x63, 0x80]))]));
      expect(await redis.xinfo('CONSUMERS', s, 'g')).toEqual([]);
      await expectRefused(wire, 'ReadRange', ld(0x0a, ORD_FF));
    } finally {
      wire.close();
    }
  });

  it('StreamingPull: a group in the first request, an ack ID in a later one', async () => {
    const s = uniq('sp');
    await redis.xadd(s, '*', 'n', 'v');
    await redis.xgroup('CREATE', s, 'g', '0');
    const wire = new GrpcWire(g.server.address);
    try {
      for (const requests of [
        [Buffer.concat([ld(0x0a, s), ld(0x12, Buffer.from([0x67, 0xff])), ld(0x1a, 'c')])],
        [Buffer.concat([ld(0x0a, s), ld(0x12, 'g'), ld(0x1a, 'c')]), ld(0x3a, Buffer.from([0x31, 0x2d, 0xff]))],
      ]) {
        const call = wire.duplex('/streamgate.v1.StreamGateway/StreamingPull');
        const ended = new Promise<StatusObject>((resolve) => call.on('status', resolve));
        call.on('error', () => undefined);
        call.on('data', () => undefined);
        for (const r of requests) call.write(r);
        const st = await ended;
        expect({ status: st.code, code: st.metadata.get('error-code')[0] }, st.details).toEqual({ status: status.INVALID_ARGUMENT, code: 'VALIDATION_FAILED' });
        expect(st.details).toMatch(/not valid UTF-8/);
      }
    } finally {
      wire.close();
    }
  });

  it('a published Field with name_bytes is refused (publishing takes UTF-8 names), not written without it', async () => {
    const s = uniq('nb');
    const err = await g.call('Publish', { stream: s, messages: [{ pairs: [{ name: 'a', value: Buffer.from('1'), nameBytes: BAD_NAME }] }] }).catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(status.INVALID_ARGUMENT);
    expect(String((err as Error).message)).toMatch(/name_bytes/);
    expect(await redis.exists(s)).toBe(0);
  });
});
