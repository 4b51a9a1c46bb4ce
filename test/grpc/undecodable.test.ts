import { type StatusObject, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { GrpcWire } from '../fuzz/grpc-wire.js';
import { type Gw, withGateway } from './unary-support.js';

/**
 * Request bytes that are not a protobuf message of the method's type. grpc-js answered them
 * INTERNAL without `error-code` (its deserializer threw), as if the server had failed; they
 * are the client's mistake: INVALID_ARGUMENT / VALIDATION_FAILED (src/grpc/decoding.ts).
 * Found by test/fuzz/grpc.test.ts.
 */

let gw: Gw;
withGateway((g) => {
  gw = g;
});

const NOT_MESSAGES: Array<[string, Buffer]> = [
  ['an unknown field of wire type 6 (there is none)', Buffer.from([0x7e, 0x00])],
  ['a group that never ends', Buffer.from([0x7b])],
  ['a length varint that runs past the end', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff])],
]

describe('requests that are not messages of their type', () => {
  it.each(NOT_MESSAGES)('unary (%s): INVALID_ARGUMENT with VALIDATION_FAILED', async (_, bytes) => {
    const wire = new GrpcWire(gw.t.server.address);
    try {
      for (const method of ['Publish', 'ReadRange', 'Pull', 'CreateGroup']) {
        const out = await wire.unary(`/streamgate.v1.StreamGateway/${method}`, bytes);
        if (out.ok) throw new Error(`${method} accepted ${bytes.toString('hex')}`);
        expect({ status: out.error.code, code: out.error.metadata.get('error-code')[0] }, `${method}: ${out.error.details}`).toEqual({
          status: status.INVALID_ARGUMENT,
          code: 'VALIDATION_FAILED',
        });
      }
    } finally {
      wire.close();
    }
  });

  it('StreamingPull whose first request is not a message ends INVALID_ARGUMENT with VALIDATION_FAILED', async () => {
    const wire = new GrpcWire(gw.t.server.address);
    try {
      const call = wire.duplex('/streamgate.v1.StreamGateway/StreamingPull');
      const ended = new Promise<StatusObject>((resolve) => call.on('status', resolve));
      call.on('error', () => undefined);
      call.write(Buffer.from([0x7e, 0x00]));
      const s = await ended;
      expect({ status: s.code, code: s.metadata.get('error-code')[0] }).toEqual({ status: status.INVALID_ARGUMENT, code: 'VALIDATION_FAILED' });
    } finally {
      wire.close();
    }
  });

  it('a well-formed request still works on the same server', async () => {
    const s = uniq();
    const r = await gw.rpc('Publish', { stream: s, messages: [{ fields: { a: Buffer.from('1') } }] });
    expect(r.ids).toHaveLength(1);
  });
});
