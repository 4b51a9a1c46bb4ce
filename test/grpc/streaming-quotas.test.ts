import { type ServiceError, type StatusObject, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandCalls, privateRedis, sleep, uniq } from '../helpers/core.js';
import { type TestGrpc, errorCode, testGrpc } from '../helpers/grpc.js';
import { type AuthGateway, tempDirs, withAuthGateway, writeKeys } from '../access/support.js';
import { type PullCall, openPull, setupStream, until } from './streaming-support.js';

/**
 * StreamingPull within its key's quotas (issue 11, rows 4 and 5): every request on an open
 * call spends the key's rate (the call is read no faster, nothing is refused); a call is a
 * waiting pull of its key from the moment it opens, first request or not; a key's open
 * calls are capped (STREAMGATE_MAX_STREAMING_PULLS_PER_KEY); and a message over the receive
 * limit is refused with the contract's error-code like every other error. The flood's
 * memory bound is in streaming-flood.test.ts (a gateway process of its own, for its RSS).
 */

/** The key of every anonymous caller of these tests (auth off: the client's address). */
const LOCAL = 'address:127.0.0.1';

/** A StreamingPull opened without a first request; resolves `ended` with its final status. */
function openIdle(g: TestGrpc): { call: PullCall; ended: Promise<StatusObject>; isEnded: () => boolean } {
  const call = g.client.StreamingPull();
  let done = false;
  call.on('error', (_err: ServiceError) => undefined);
  const ended = new Promise<StatusObject>((resolve) =>
    call.on('status', (s: StatusObject) => {
      done = true;
      resolve(s);
    }),
  );
  return { call, ended, isEnded: () => done };
}

describe('every request on an open StreamingPull spends the key rate', () => {
  const own = privateRedis();
  let g: TestGrpc;
  beforeAll(async () => {
    // 10 a second, 10 at once: 40 requests take about 3 s, where wire speed takes milliseconds.
    g = await testGrpc({ STREAMGATE_RATE_LIMIT_RPS: '10', STREAMGATE_RATE_LIMIT_BURST: '10' }, own.server.url);
  });
  afterAll(async () => {
    await g.close();
  });

  it('over budget, requests are read later (not refused): EVALSHA follows the rate, every request is answered', async () => {
    const { s } = await setupStream(g);
    const p = openPull(g.client, { stream: s, group: 'g', consumer: 'c', maxOutstandingMessages: 1 });
    // The call is open and its session has read once (nothing there yet).
    await until(() => g.server.activeStreams === 1 && g.core.admission.waits.waiting(LOCAL) === 1, 5000, 'the call open');
    await sleep(1200); // the bucket full again after the calls above
    await own.redis.config('RESETSTAT');
    // 40 extend requests of 10 IDs (not pending: each is answered NOT_PENDING after a script call).
    const ids = Array.from({ length: 10 }, (_, i) => `1-${i}`);
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) p.send({ extendIds: ids });
    await sleep(1000);
    const answered = p.results().length / ids.length;
    const scripts = (await commandCalls(own.redis)).evalsha ?? 0;
    const elapsed = (Date.now() - t0) / 1000;
    // Burst 10, then 10 a second: at most 10 + 10 × elapsed (+2 for timer slack), never all 40.
    const allowed = 10 + 10 * elapsed + 2;
    expect(answered).toBeLessThanOrEqual(allowed);
    expect(scripts).toBeLessThanOrEqual(allowed);
    expect(answered).toBeGreaterThanOrEqual(10);
    expect(answered).toBeLessThan(40);
    // Slowed, not refused: the call stays open and every request is answered in order.
    await p.until(() => p.results().length === 40 * ids.length, 10_000, 'every request answered');
    expect(p.isEnded()).toBe(false);
    expect(new Set(p.results().map((r) => r.status))).toEqual(new Set(['ACK_STATUS_NOT_PENDING']));
    const took = (Date.now() - t0) / 1000;
    // 30 requests past the burst at 10 a second: about 3 s, not wire speed.
    expect(took).toBeGreaterThan(2.5);
    await p.cancel();
    await until(() => g.core.admission.waits.keys === 0 && g.core.admission.streams.keys === 0, 5000, 'every slot given back');
  });

  it('a client that half-closes over budget has the requests it sent handled first', async () => {
    await sleep(1200); // a full bucket after the test above
    const { s, ids } = await setupStream(g, { n: 1 });
    await sleep(500);
    const p = openPull(g.client, { stream: s, group: 'g', consumer: 'h', maxOutstandingMessages: 1 });
    await p.until(() => p.ids().length === 1, 5000, 'the message delivered');
    // Spend the bucket (10 requests answered), then ack and half-close at once: the ack waits
    // for a token while the client's half-close has already arrived.
    for (let i = 0; i < 10; i++) p.send({ extendIds: ['1-1'] });
    await p.until(() => p.results().length >= 10, 5000, 'the bucket spent');
    p.send({ ackIds: ids });
    p.call.end();
    const end = await p.ended;
    expect(end.code).toBe(status.OK);
    expect(p.results().at(-1)).toMatchObject({ id: ids[0], status: 'ACK_STATUS_OK' });
    // Acked, not released: nothing pending in the group.
    expect(await own.redis.xpending(s, 'g')).toEqual([0, null, null, null]);
  });
});

describe('a StreamingPull is a waiting pull of its key from the moment it opens', () => {
  let g: TestGrpc;
  beforeAll(async () => {
    g = await testGrpc({ STREAMGATE_MAX_WAITING_PER_KEY: '5' });
  });
  afterAll(async () => {
    await g.close();
  });

  it('calls that never send a request are counted, and refused past STREAMGATE_MAX_WAITING_PER_KEY; an ended one frees its slot', async () => {
    const idle = Array.from({ length: 5 }, () => openIdle(g));
    await until(() => g.core.admission.waits.waiting(LOCAL) === 5, 5000, 'five idle calls counted');
    const sixth = openIdle(g);
    const end = await sixth.ended;
    expect(end.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(errorCode(end)).toBe('RATE_LIMITED');
    expect(end.details).toContain('STREAMGATE_MAX_WAITING_PER_KEY');
    // A REST-style waiting pull of the key would be refused as well: the unary Pull that waits.
    const { s } = await setupStream(g);
    const waited = await g.call('Pull', { stream: s, group: 'g', consumer: 'u', count: 1, waitMs: 5000 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(errorCode(waited)).toBe('RATE_LIMITED');

    // One ends (the client cancels before any request): its slot is free for a new call.
    idle[0]!.call.cancel();
    await idle[0]!.ended;
    await until(() => g.core.admission.waits.waiting(LOCAL) === 4, 5000, 'the cancelled call released');
    const again = openIdle(g);
    await until(() => g.core.admission.waits.waiting(LOCAL) === 5, 5000, 'the new call counted');
    await sleep(100);
    expect(again.isEnded()).toBe(false);

    for (const c of [...idle.slice(1), again]) c.call.cancel();
    await Promise.all([...idle.slice(1), again].map((c) => c.ended));
    await until(() => g.core.admission.waits.keys === 0 && g.core.admission.streams.keys === 0, 5000, 'every slot given back');
  });
});

describe('open StreamingPull calls per key (STREAMGATE_MAX_STREAMING_PULLS_PER_KEY)', () => {
  const dir = tempDirs();
  const grants = [{ scopes: ['publish', 'consume', 'admin'] as const, streams: ['*'] }];
  let g!: AuthGateway;
  withAuthGateway(
    () => ({
      STREAMGATE_AUTH_FILE: writeKeys(dir(), [
        { name: 'a', secret: 'secret-a', grants: [...grants] },
        { name: 'b', secret: 'secret-b', grants: [...grants] },
      ]),
      STREAMGATE_MAX_STREAMING_PULLS_PER_KEY: '3',
    }),
    (x) => {
      g = x;
    },
  );

  it("a key's fourth open call is refused RESOURCE_EXHAUSTED / RATE_LIMITED; another key is unaffected; an ended call frees its place", async () => {
    const s = uniq('cap');
    await new Promise<void>((resolve, reject) =>
      g.client.CreateGroup({ stream: s, group: 'g', createStream: true, start: '0' }, g.metadata('secret-a'), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    const first = (consumer: string) => ({ stream: s, group: 'g', consumer, maxOutstandingMessages: 1 });
    const a = ['a1', 'a2', 'a3'].map((c) => openPull(g.client, first(c), undefined, g.metadata('secret-a')));
    await until(() => g.core.admission.streams.held('key:a') === 3, 5000, "key a's three calls");
    // A fourth call of key a, even one that never sends a request.
    const refused = openPull(g.client, first('a4'), undefined, g.metadata('secret-a'));
    const end = await refused.ended;
    expect(end.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(errorCode(end)).toBe('RATE_LIMITED');
    expect(end.details).toContain('STREAMGATE_MAX_STREAMING_PULLS_PER_KEY');
    const idle = g.client.StreamingPull(g.metadata('secret-a'));
    idle.on('error', () => undefined);
    const idleEnd = await new Promise<StatusObject>((resolve) => idle.on('status', resolve));
    expect(errorCode(idleEnd)).toBe('RATE_LIMITED');
    // The refused calls took no slot; key b has its own three.
    expect(g.core.admission.streams.held('key:a')).toBe(3);
    const b = openPull(g.client, first('b1'), undefined, g.metadata('secret-b'));
    await until(() => g.core.admission.streams.held('key:b') === 1, 5000, "key b's call");
    expect(b.isEnded()).toBe(false);

    await a[0]!.cancel();
    await until(() => g.core.admission.streams.held('key:a') === 2, 5000, 'the ended call released');
    const a5 = openPull(g.client, first('a5'), undefined, g.metadata('secret-a'));
    await until(() => g.core.admission.streams.held('key:a') === 3, 5000, 'a new call of key a');
    expect(a5.isEnded()).toBe(false);
    for (const p of [...a.slice(1), a5, b]) await p.cancel();
    await until(() => g.core.admission.streams.keys === 0 && g.core.admission.waits.keys === 0, 5000, 'every slot given back');
  });
});

describe('a message over the receive limit (STREAMGATE_MAX_BODY_BYTES)', () => {
  let g: TestGrpc;
  beforeAll(async () => {
    g = await testGrpc({ STREAMGATE_MAX_BODY_BYTES: '4096' });
  });
  afterAll(async () => {
    await g.close();
  });

  it('is RESOURCE_EXHAUSTED with error-code PAYLOAD_TOO_LARGE, unary or inside a StreamingPull', async () => {
    const s = uniq('big');
    const unary = await g
      .call('Publish', { stream: s, messages: [{ fields: { v: Buffer.alloc(8192, 0x61) } }] })
      .then(() => null, (err: unknown) => err as ServiceError);
    expect(unary?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(errorCode(unary)).toBe('PAYLOAD_TOO_LARGE');

    const { s: s2 } = await setupStream(g);
    const p = openPull(g.client, { stream: s2, group: 'g', consumer: 'c', maxOutstandingMessages: 1 });
    await until(() => g.server.activeStreams === 1, 5000, 'the call open');
    p.send({ ackIds: Array.from({ length: 2000 }, (_, i) => `1-${i}`) }); // about 13 KB
    const end = await p.ended;
    expect(end.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(errorCode(end)).toBe('PAYLOAD_TOO_LARGE');
  });
});
