import { status } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { withGrpc } from '../helpers/fixtures.js';
import { type TestGrpc, errorCode } from '../helpers/grpc.js';
import { untilWaiting, waitingPulls } from '../helpers/wait.js';
import { openPull, openPulls, setupStream } from './streaming-support.js';

/**
 * A StreamingPull waiting for messages whose group goes away ends at once with the error, as
 * Redis ends a blocked XREADGROUP: NOT_FOUND (GROUP_NOT_FOUND, STREAM_NOT_FOUND) or
 * FAILED_PRECONDITION (NOT_A_STREAM), with the contract's error-code. "At once" is within
 * the watcher's probe interval (1 s); the bound leaves room on a busy machine. Without it
 * the stream would wait on until the client gave up.
 */

const AT_ONCE_MS = 1500;

let g: TestGrpc;
let redis: Redis;
withGrpc((server, r) => {
  g = server;
  redis = r;
});
const open = openPulls();

/** Opens a StreamingPull on `s`/g, waits until it waits, runs `goAway`, and answers its end and how long after it came. */
async function endAfter(s: string, goAway: () => Promise<unknown>): Promise<{ code: number; errorCode: string | undefined; took: number; messages: number }> {
  const before = waitingPulls(g.core);
  const p = openPull(g.client, { stream: s, group: 'g', consumer: 'c', maxOutstandingMessages: 10 });
  open.push(p);
  await untilWaiting(g.core, before + 1);
  await goAway();
  const t0 = Date.now();
  const end = await p.ended;
  return { code: end.code, errorCode: errorCode(end), took: Date.now() - t0, messages: p.messages().length };
}

describe('a StreamingPull waiting on a group that goes away', () => {
  for (const leaseMs of [0, 30_000]) {
    it(`group destroyed (leaseMs ${leaseMs}): NOT_FOUND, GROUP_NOT_FOUND, within ${AT_ONCE_MS} ms`, async () => {
      const { s } = await setupStream(g, { leaseMs });
      const end = await endAfter(s, () => g.call('DeleteGroup', { stream: s, group: 'g' }));
      expect(end).toMatchObject({ code: status.NOT_FOUND, errorCode: 'GROUP_NOT_FOUND', messages: 0 });
      expect(end.took).toBeLessThan(AT_ONCE_MS);
    });
  }

  it(`stream deleted: NOT_FOUND, STREAM_NOT_FOUND, within ${AT_ONCE_MS} ms`, async () => {
    const { s } = await setupStream(g, { leaseMs: 0 });
    const end = await endAfter(s, () => g.call('DeleteStream', { stream: s }));
    expect(end).toMatchObject({ code: status.NOT_FOUND, errorCode: 'STREAM_NOT_FOUND' });
    expect(end.took).toBeLessThan(AT_ONCE_MS);
  });

  it(`key turned into a string: FAILED_PRECONDITION, NOT_A_STREAM, within ${AT_ONCE_MS} ms`, async () => {
    const { s } = await setupStream(g, { leaseMs: 0 });
    const end = await endAfter(s, () => redis.set(s, 'v'));
    expect(end).toMatchObject({ code: status.FAILED_PRECONDITION, errorCode: 'NOT_A_STREAM' });
    expect(end.took).toBeLessThan(AT_ONCE_MS);
  });

  it('a group of the same stream that stays is not disturbed', async () => {
    const { s } = await setupStream(g, { leaseMs: 0 });
    await g.call('CreateGroup', { stream: s, group: 'h', start: '$', leaseMs: 0 });
    const stays = openPull(g.client, { stream: s, group: 'h', consumer: 'c', maxOutstandingMessages: 10 });
    open.push(stays);
    await untilWaiting(g.core, 1);
    const end = await endAfter(s, () => g.call('DeleteGroup', { stream: s, group: 'g' }));
    expect(end.errorCode).toBe('GROUP_NOT_FOUND');
    expect(stays.isEnded()).toBe(false);
    const { ids } = await g.call<{ ids: string[] }>('Publish', { stream: s, messages: [{ fields: { n: Buffer.from('1') } }] });
    await stays.until(() => stays.ids().length === 1, 3000, 'the message on the group that stays');
    expect(stays.ids()).toEqual(ids);
  });
});
