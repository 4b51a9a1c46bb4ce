import { status } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { AckResult__Output } from '../../src/grpc/generated/streamgate/v1/AckResult.js';
import { withGrpc } from '../helpers/fixtures.js';
import { type TestGrpc, errorCode } from '../helpers/grpc.js';
import { type OpenPull, openPull, openPulls, pendingEntries, setupStream } from './streaming-support.js';

/**
 * StreamingPull's term_ids (with term_reason): each answered by an AckResult of operation
 * ACK_OPERATION_TERM, the message dead-lettered and acked as the Term RPC does it, only if
 * the stream's consumer still holds it; its credit given back.
 */

let g: TestGrpc;
let redis: Redis;
const open = openPulls();
withGrpc((server, r) => {
  g = server;
  redis = r;
});

function pull(s: string, consumer: string, credit: number): OpenPull {
  const p = openPull(g.client, { stream: s, group: 'g', consumer, maxOutstandingMessages: credit });
  open.push(p);
  return p;
}

const result = (id: string, operation: string, ok: boolean): AckResult__Output =>
  ({ id, operation, status: ok ? 'ACK_STATUS_OK' : 'ACK_STATUS_NOT_PENDING' }) as AckResult__Output;

const deadLetters = async (s: string): Promise<string[][]> => (await redis.xrange(`${s}:dlq`, '-', '+')).map(([, f]) => f);

describe('StreamingPull term_ids', () => {
  it('dead-letters the messages with x-reason, acks them, answers per ID in request order, and gives the credit back', async () => {
    const { s, ids } = await setupStream(g, { n: 3 });
    const [a, b, c] = ids as [string, string, string];
    const p = pull(s, 'c', 2);
    await p.until(() => p.ids().length === 2, 5000, '2 messages');
    expect(p.ids()).toEqual([a, b]);
    p.send({ ackIds: [b], termIds: [a, '1-1'], termReason: 'poison' });
    await p.until(() => p.results().length === 3);
    expect(p.results()).toEqual([result(b, 'ACK_OPERATION_ACK', true), result(a, 'ACK_OPERATION_TERM', true), result('1-1', 'ACK_OPERATION_TERM', false)]);
    expect(await deadLetters(s)).toEqual([
      ['n', '0', 'x-original-id', a, 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '1', 'x-last-consumer', 'c', 'x-reason', 'poison'],
    ]);
    // Both credits back: the third message comes on the stream.
    await p.until(() => p.ids().length === 3, 5000, 'the third message');
    expect(p.ids()[2]).toBe(c);
    // No reason: no x-reason.
    p.send({ termIds: [c] });
    await p.until(() => p.results().length === 4);
    expect(p.results()[3]).toEqual(result(c, 'ACK_OPERATION_TERM', true));
    expect((await deadLetters(s))[1]).toEqual(['n', '2', 'x-original-id', c, 'x-original-stream', s, 'x-group', 'g', 'x-deliveries', '1', 'x-last-consumer', 'c']);
    expect(await pendingEntries(redis, s)).toEqual([]);
    await p.cancel();
  });

  it('a message the stream lost to another consumer is NOT_PENDING, left with its new holder', async () => {
    const { s, ids } = await setupStream(g, { n: 1 });
    const a = ids[0]!;
    const p = pull(s, 'c', 1);
    await p.until(() => p.ids().length === 1);
    await redis.xclaim(s, 'g', 'other', 0, a);
    p.send({ termIds: [a], termReason: 'late' });
    await p.until(() => p.results().length === 1);
    expect(p.results()).toEqual([result(a, 'ACK_OPERATION_TERM', false)]);
    expect((await pendingEntries(redis, s)).map((e) => [e.id, e.consumer])).toEqual([[a, 'other']]);
    expect(await redis.exists(`${s}:dlq`)).toBe(0);
    await p.cancel();
  });

  it('a term_reason over 1024 bytes ends the stream with INVALID_ARGUMENT, VALIDATION_FAILED, terminating nothing', async () => {
    const { s, ids } = await setupStream(g, { n: 1 });
    const p = pull(s, 'c', 1);
    await p.until(() => p.ids().length === 1);
    p.send({ termIds: [ids[0]!], termReason: 'x'.repeat(1025) });
    const end = await p.ended;
    expect(end.code).toBe(status.INVALID_ARGUMENT);
    expect(errorCode(end)).toBe('VALIDATION_FAILED');
    expect(await redis.exists(`${s}:dlq`)).toBe(0);
  });
});
