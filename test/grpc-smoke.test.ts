import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamingPullResponse__Output } from '../src/grpc/generated/streamgate/v1/StreamingPullResponse.js';
import { sleep, uniq } from './helpers/core.js';
import { type TestGrpc, errorCode, testGrpc } from './helpers/grpc.js';

describe('gRPC smoke', () => {
  let g: TestGrpc;
  beforeAll(async () => {
    g = await testGrpc();
  });
  afterAll(async () => {
    await g.close();
  });

  it('publish, pull, ack, errors carry error-code', async () => {
    const s = uniq();
    await g.call('CreateGroup', { stream: s, group: 'g', createStream: true, start: '0' });
    const pub = await g.call<{ ids: string[] }>('Publish', { stream: s, messages: [{ fields: { a: Buffer.from([0xff, 0]) } }] });
    expect(pub.ids).toHaveLength(1);
    const pulled = await g.call<{ messages: { id: string; fields: Record<string, Buffer>; deliveryCount: number }[] }>('Pull', {
      stream: s,
      group: 'g',
      consumer: 'c',
    });
    expect(pulled.messages[0]?.fields.a).toEqual(Buffer.from([0xff, 0]));
    expect(pulled.messages[0]?.deliveryCount).toBe(1);
    const err = await g.call('Pull', { stream: s, group: 'nope', consumer: 'c' }).catch((e: unknown) => e);
    expect((err as { code: number }).code).toBe(status.NOT_FOUND);
    expect(errorCode(err)).toBe('GROUP_NOT_FOUND');
  });

  it('StreamingPull delivers within credit and takes acks', async () => {
    const s = uniq();
    await g.call('CreateGroup', { stream: s, group: 'g', createStream: true, start: '0', leaseMs: 200 });
    await g.call('Publish', { stream: s, messages: [1, 2, 3, 4, 5].map((n) => ({ fields: { n: Buffer.from(String(n)) } })) });
    const call = g.client.StreamingPull();
    call.on('error', () => {}); // the CANCELLED status of our own cancel() below
    const got: StreamingPullResponse__Output[] = [];
    call.on('data', (r: StreamingPullResponse__Output) => got.push(r));
    call.write({ stream: s, group: 'g', consumer: 'c', maxOutstandingMessages: 2 });
    await sleep(500);
    const ids = got.flatMap((r) => r.messages.map((m) => m.id));
    expect(ids).toHaveLength(2);
    call.write({ ackIds: ids });
    await sleep(300);
    const results = got.flatMap((r) => r.ackResults);
    expect(results.map((r) => r.status)).toEqual(['ACK_STATUS_OK', 'ACK_STATUS_OK']);
    expect(got.flatMap((r) => r.messages)).toHaveLength(4);
    call.cancel();
    await sleep(200);
    const pending = await g.call<{ count: number }>('Pending', { stream: s, group: 'g' });
    expect(pending.count).toBe(2);
    const again = await g.call<{ messages: unknown[] }>('Pull', { stream: s, group: 'g', consumer: 'other', count: 10 });
    expect(again.messages).toHaveLength(3);
  });
});
