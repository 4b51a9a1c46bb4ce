import { type ServiceError, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { PullRequest } from '../../src/grpc/generated/streamgate/v1/PullRequest.js';
import type { PullResponse__Output } from '../../src/grpc/generated/streamgate/v1/PullResponse.js';
import { uniq } from '../helpers/core.js';
import { until, untilWaiting, waitingPulls } from '../helpers/wait.js';
import { type Gw, b, publish, setup, withGateway } from './unary-support.js';

/**
 * What only gRPC has, through a real grpc-js client. Everything a user can do through both
 * transports is in the scenario table (test/transports/scenarios.test.ts), which runs each
 * behaviour over gRPC too: here are proto3's empty strings (it has no null, and an empty
 * name reaches the handler where REST has no path for it), and the ends of a call
 * (cancel, deadline) while a Pull waits.
 */

let gw: Gw;
withGateway((g) => {
  gw = g;
});

describe('proto3 empty strings', () => {
  it('absent IDs travel as empty strings, never as missing fields', async () => {
    const s = uniq();
    await setup(gw, s, 0);
    expect(await gw.rpc('Pending', { stream: s, group: 'g' })).toEqual({ count: 0, minId: '', maxId: '', consumers: [] });
    expect(await gw.rpc('ListDeadLetters', { stream: s, group: 'g' })).toEqual({ messages: [], next: '' });
    expect(await gw.rpc('GetStream', { stream: s })).toMatchObject({ length: 0, firstId: '', lastId: '', lastGeneratedId: '0-0', maxDeletedEntryId: '0-0' });
  });

  it('an empty idempotency_key is no key, and an empty cursor starts the scan', async () => {
    const s = uniq();
    const req = { stream: s, messages: [{ fields: { order: b('42') } }], idempotencyKey: '' };
    expect((await gw.rpc('Publish', req)).replayed).toBe(false);
    expect((await gw.rpc('Publish', req)).replayed).toBe(false);
    expect(await gw.redis.xlen(s)).toBe(2);
    const found: string[] = [];
    let cursor = '';
    do {
      const r = await gw.rpc('ListStreams', { match: s, cursor, count: 1000 });
      found.push(...r.streams);
      cursor = r.cursor;
    } while (cursor !== '0');
    expect(found).toEqual([s]);
  });

  it('empty names and IDs, which no REST path can carry, are refused: VALIDATION_FAILED / INVALID_ID', async () => {
    const s = uniq();
    await setup(gw, s, 1);
    await gw.fails('Publish', { stream: '', messages: [{ fields: { a: b('1') } }] }, 'VALIDATION_FAILED');
    await gw.fails('GetStream', { stream: '' }, 'VALIDATION_FAILED');
    await gw.fails('Pending', { stream: s, group: '' }, 'VALIDATION_FAILED');
    await gw.fails('CreateGroup', { stream: s, group: '' }, 'VALIDATION_FAILED');
    await gw.fails('CreateConsumer', { stream: s, group: 'g', consumer: '' }, 'VALIDATION_FAILED');
    // `consumer` is optional in ListPending: set but empty is refused, not read as unset.
    await gw.fails('ListPending', { stream: s, group: 'g', consumer: '' }, 'VALIDATION_FAILED');
    await gw.fails('DeleteMessage', { stream: s, id: '' }, 'INVALID_ID');
    expect(await gw.redis.exists('')).toBe(0);
  });
});

describe('the end of a waiting Pull call', () => {
  /** A Pull through the raw client, resolving with its error or response. */
  const rawPull = (request: PullRequest, deadlineMs?: number) => {
    let cancel = () => {};
    const done = new Promise<ServiceError | PullResponse__Output>((resolve) => {
      const cb = (err: ServiceError | null, res?: PullResponse__Output) => resolve(err ?? res!);
      const call = deadlineMs === undefined ? gw.t.client.Pull(request, cb) : gw.t.client.Pull(request, { deadline: Date.now() + deadlineMs }, cb);
      cancel = () => call.cancel();
    });
    return { done, cancel: () => cancel() };
  };

  it.each([
    ['call.cancel()', status.CANCELLED],
    ['a deadline', status.DEADLINE_EXCEEDED],
  ])('a waiting Pull ended by %s leases nothing: the next message goes to the next puller, delivery_count 1', async (how, code) => {
    const s = uniq();
    await setup(gw, s, 0, { leaseMs: 30000 });
    const request = { stream: s, group: 'g', consumer: 'gone', waitMs: 10_000 };
    const p = code === status.CANCELLED ? rawPull(request) : rawPull(request, 300);
    // The call is ended while the gateway holds it waiting.
    await untilWaiting(gw.t.core, 1);
    if (code === status.CANCELLED) p.cancel();
    const ended = (await p.done) as ServiceError;
    expect(ended.code, how).toBe(code);
    // The server has seen the end of the call before the message arrives.
    await until(() => waitingPulls(gw.t.core) === 0, 5000, 'the gateway to drop the waiting pull');
    const [id] = await publish(gw, s, { after: 'cancel' });
    const got = (await gw.rpc('Pull', { stream: s, group: 'g', consumer: 'next', count: 100 })).messages;
    expect(got.map((m) => [m.id, m.deliveryCount])).toEqual([[id, 1]]);
    const pending = (await gw.rpc('ListPending', { stream: s, group: 'g' })).entries.map((e) => [e.id, e.consumer, e.deliveryCount]);
    expect(pending).toEqual([[id, 'next', 1]]);
  });
});
