import { type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, uniq } from '../helpers/core.js';
import { openPull, until } from '../grpc/streaming-support.js';
import { type AuthGateway, bearer, metadataFor, tempDirs, withAuthGateway, writeKeys } from '../access/support.js';
import { CONTRACT } from '../transports/driver.js';

/**
 * Every limit configurable and enforced on both transports (issue 5): per-key request rate
 * and waiting pulls (one budget per key across REST and gRPC), name lengths, and the size
 * and count limits, each set low here and exceeded on REST and on gRPC.
 */

let redis: Redis;
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

interface Reply {
  status: number;
  body: { code?: string; messages?: unknown[] } & Record<string, unknown>;
  headers: Headers;
}

async function rest(g: AuthGateway, method: string, path: string, body?: unknown, secret?: string): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (secret !== undefined) headers.authorization = bearer(secret);
  const res = await fetch(`${g.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Reply['body']) : {}, headers: res.headers };
}

/** A unary RPC's outcome: OK, or the status code with the contract code and metadata. */
async function rpc(
  g: AuthGateway,
  method: string,
  request: object,
  secret?: string,
): Promise<{ ok: true } | { ok: false; code: number; errorCode: string | undefined; metadata: Metadata }> {
  const fn = (g.client as unknown as Record<string, (r: object, md: Metadata, cb: (e: ServiceError | null) => void) => void>)[method];
  if (!fn) throw new Error(`no RPC ${method}`);
  return new Promise((resolve) =>
    fn.call(g.client, request, metadataFor(secret), (err) =>
      resolve(
        err
          ? { ok: false, code: err.code, errorCode: err.metadata.get('error-code')[0] as string | undefined, metadata: err.metadata }
          : { ok: true },
      ),
    ),
  );
}

const enc = encodeURIComponent;

describe('requests per second per key: one budget across REST and gRPC', () => {
  const dir = tempDirs();
  const keys = () =>
    writeKeys(dir(), [
      { name: 'a', secret: 'secret-a', grants: [{ scopes: ['publish', 'consume', 'admin'], streams: ['*'] }] },
      { name: 'b', secret: 'secret-b', grants: [{ scopes: ['publish', 'consume', 'admin'], streams: ['*'] }] },
    ]);
  let g!: AuthGateway;
  withAuthGateway(
    // One token every 2 s: slow enough that no token comes back between the checks below,
    // however loaded the machine (at 2 a second, a gRPC call 500 ms late found one).
    () => ({ STREAMGATE_AUTH_FILE: keys(), STREAMGATE_RATE_LIMIT_RPS: '0.5', STREAMGATE_RATE_LIMIT_BURST: '4' }),
    (x) => {
      g = x;
    },
  );
  it('a key gets its burst, then 429 RATE_LIMITED with Retry-After; gRPC then RESOURCE_EXHAUSTED; another key is unaffected', async () => {
    const s = uniq('rl');
    const info = (secret: string) => rest(g, 'GET', `/v1/streams/${enc(s)}`, undefined, secret);
    const first = await Promise.all(Array.from({ length: 4 }, () => info('secret-a')));
    expect(first.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    expect(first.map((r) => r.headers.get('x-ratelimit-limit'))).toEqual(['4', '4', '4', '4']);

    const over = await info('secret-a');
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('RATE_LIMITED');
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // The same key over gRPC finds its bucket empty too.
    const g1 = await rpc(g, 'GetStream', { stream: s }, 'secret-a');
    expect(g1).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED, errorCode: 'RATE_LIMITED' });
    const retryMs = g1.ok ? Number.NaN : Number(g1.metadata.get('retry-after-ms')[0]);
    expect(retryMs).toBeGreaterThan(0);
    expect(retryMs).toBeLessThanOrEqual(2000);

    // Key b has its own budget, and probes are never limited.
    expect((await info('secret-b')).status).toBe(404);
    expect((await rpc(g, 'GetStream', { stream: s }, 'secret-b')).ok).toBe(false);
    for (let i = 0; i < 10; i++) expect((await rest(g, 'GET', '/healthz')).status).toBe(200);

    // Once its retry-after has passed, key a may call again.
    await new Promise((r) => setTimeout(r, retryMs + 100));
    expect((await info('secret-a')).status).toBe(404);
  });

  it('a refused request does no work: a publish over the limit writes nothing', async () => {
    const s = uniq('rl-pub');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await rest(g, 'POST', `/v1/streams/${enc(s)}/messages`, { fields: { n: String(i) } }, 'secret-b')).status);
    }
    const written = statuses.filter((x) => x === 201).length;
    expect(statuses).toContain(429);
    expect(await redis.xlen(s)).toBe(written);
  });
});

describe('waiting pulls per key (REST long polls and StreamingPull streams)', () => {
  let g!: AuthGateway;
  withAuthGateway(
    () => ({ STREAMGATE_MAX_WAITING_PER_KEY: '2' }),
    (x) => {
      g = x;
    },
  );
  it('a third waiting pull of the key is refused with RATE_LIMITED until one ends; nothing is left counted', async () => {
    const s = uniq('wq');
    await redis.xgroup('CREATE', s, 'g', '$', 'MKSTREAM');
    const path = `/v1/streams/${enc(s)}/groups/g/pull`;
    // A pull that finds messages never waits, so it never counts.
    await redis.xadd(s, '*', 'k', 'v');
    expect((await rest(g, 'POST', path, { consumer: 'c0', count: 10, waitMs: 10_000 })).status).toBe(200);

    const waiting = [rest(g, 'POST', path, { consumer: 'c1', waitMs: 10_000 }), rest(g, 'POST', path, { consumer: 'c2', waitMs: 10_000 })];
    await until(() => g.core.waitStats().waiting >= 2, 5000, 'two waiting pulls');
    const third = await rest(g, 'POST', path, { consumer: 'c3', waitMs: 10_000 });
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('RATE_LIMITED');
    // gRPC is the same key (anonymous from 127.0.0.1): a StreamingPull is refused as well.
    const sp = openPull(g.client, { stream: s, group: 'g', consumer: 'sp', maxOutstandingMessages: 1 });
    const ended = await sp.ended;
    expect(ended.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(ended.metadata.get('error-code')[0]).toBe('RATE_LIMITED');

    // One message ends one wait; then a new waiter fits again.
    await redis.xadd(s, '*', 'k', 'v');
    const done = await Promise.race(waiting);
    expect(done.status).toBe(200);
    const sp2 = openPull(g.client, { stream: s, group: 'g', consumer: 'sp2', maxOutstandingMessages: 1 });
    await until(() => g.core.admission.waits.waiting('address:127.0.0.1') === 2, 5000, 'the stream counted');
    await redis.xadd(s, '*', 'k', 'v');
    await Promise.all(waiting);
    await sp2.cancel();
    await until(() => g.core.admission.waits.keys === 0, 5000, 'every slot given back');
  });
});

describe('name lengths (STREAMGATE_MAX_STREAM_NAME_BYTES, _MEMBER_NAME_BYTES)', () => {
  describe('set low', () => {
    let g!: AuthGateway;
    withAuthGateway(
      () => ({ STREAMGATE_MAX_STREAM_NAME_BYTES: '20', STREAMGATE_MAX_MEMBER_NAME_BYTES: '8' }),
      (x) => {
        g = x;
      },
    );
    it('names over the configured lengths are VALIDATION_FAILED on both transports, before Redis', async () => {
      const long = 's'.repeat(21);
      const r = await rest(g, 'POST', `/v1/streams/${long}/messages`, { fields: { a: '1' } });
      expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(await rpc(g, 'Publish', { stream: long, messages: [{ fields: { a: Buffer.from('1') } }] })).toMatchObject({
        code: status.INVALID_ARGUMENT,
        errorCode: 'VALIDATION_FAILED',
      });
      expect(await redis.exists(long)).toBe(0);
      const s = 's'.repeat(20);
      await redis.del(s);
      expect((await rest(g, 'POST', `/v1/streams/${s}/groups`, { group: 'g'.repeat(9), createStream: true })).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect(await rpc(g, 'CreateGroup', { stream: s, group: 'g'.repeat(9), createStream: true })).toMatchObject({
        errorCode: 'VALIDATION_FAILED',
      });
      expect((await rest(g, 'POST', `/v1/streams/${s}/groups`, { group: 'g'.repeat(8), createStream: true })).status).toBe(201);
      const pull = await rest(g, 'POST', `/v1/streams/${s}/groups/${'g'.repeat(8)}/pull`, { consumer: 'c'.repeat(9) });
      expect(pull.body.code).toBe('VALIDATION_FAILED');
      await redis.del(s);
    });
  });

  describe('raised above the default', () => {
    let g!: AuthGateway;
    withAuthGateway(
      () => ({ STREAMGATE_MAX_STREAM_NAME_BYTES: '1000' }),
      (x) => {
        g = x;
      },
    );
    it('a raised limit admits names the default (512) would refuse, on both transports', async () => {
      const s = `${uniq('long')}-${'é'.repeat(400)}`; // 800+ bytes
      const r = await rest(g, 'POST', `/v1/streams/${enc(s)}/messages`, { fields: { a: '1' } });
      expect(r.status).toBe(201);
      expect(await rpc(g, 'Publish', { stream: s, messages: [{ fields: { a: Buffer.from('2') } }] })).toEqual({ ok: true });
      expect(await redis.xlen(s)).toBe(2);
      await redis.del(s);
    });
  });
});

describe('size and count limits, set low, on both transports', () => {
  let g!: AuthGateway;
  withAuthGateway(
    () => ({
      STREAMGATE_MAX_BATCH: '3',
      STREAMGATE_MAX_FIELDS: '2',
      STREAMGATE_MAX_MESSAGE_BYTES: '64',
      STREAMGATE_MAX_COUNT: '5',
      STREAMGATE_MAX_WAIT_MS: '100',
      STREAMGATE_MAX_BODY_BYTES: '2048',
    }),
    (x) => {
      g = x;
    },
  );
  const s = uniq('lim');
  beforeAll(async () => {
    await redis.xgroup('CREATE', s, 'g', '$', 'MKSTREAM');
  });
  afterAll(async () => {
    await redis.del(s);
  });
  type Fields = Record<string, string>;
  const one = (fields: Fields) => ({ fields });
  const bytes = (fields: Fields) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Buffer.from(v)]));

  /** A REST request over one limit; the same request over gRPC is derived from it (rpcOf). */
  interface Case {
    what: string;
    path: 'messages' | 'groups/g/pull';
    body: Record<string, unknown>;
    code: 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE';
  }
  const cases: Case[] = [
    { what: 'batch of 4 > 3', path: 'messages', body: { messages: [one({ a: '1' }), one({ a: '1' }), one({ a: '1' }), one({ a: '1' })] }, code: 'VALIDATION_FAILED' },
    { what: '3 fields > 2', path: 'messages', body: { fields: { a: '1', b: '2', c: '3' } }, code: 'VALIDATION_FAILED' },
    { what: 'a message of 65 bytes > 64', path: 'messages', body: { fields: { a: 'x'.repeat(64) } }, code: 'PAYLOAD_TOO_LARGE' },
    { what: 'count 6 > 5', path: 'groups/g/pull', body: { consumer: 'c', count: 6 }, code: 'VALIDATION_FAILED' },
    { what: 'waitMs 101 > 100', path: 'groups/g/pull', body: { consumer: 'c', waitMs: 101 }, code: 'VALIDATION_FAILED' },
    { what: 'a body of 3000 bytes > 2048', path: 'messages', body: { messages: [one({ a: 'x'.repeat(3000) })] }, code: 'PAYLOAD_TOO_LARGE' },
  ];

  /** The case's request as an RPC: a publish's messages with their values as bytes, a pull's body as it is. */
  const rpcOf = (c: Case): [string, object] => {
    if (c.path === 'groups/g/pull') return ['Pull', { stream: s, group: 'g', ...c.body }];
    const b = c.body as { fields?: Fields; messages?: Array<{ fields: Fields }> };
    const messages = b.messages ?? [{ fields: b.fields ?? {} }];
    return ['Publish', { stream: s, messages: messages.map((m) => ({ fields: bytes(m.fields) })) }];
  };

  it.each(cases)('$what: $code on REST and gRPC, nothing written', async (c) => {
    const before = await redis.xlen(s);
    const r = await rest(g, 'POST', `/v1/streams/${enc(s)}/${c.path}`, c.body);
    expect([r.status, r.body.code]).toEqual([CONTRACT[c.code]?.http, c.code]);
    const [method, request] = rpcOf(c);
    const out = await rpc(g, method, request);
    expect(out.ok).toBe(false);
    // The gRPC message limit is the body limit: grpc-js refuses it before our code runs.
    if (!out.ok) {
      expect(out.code).toBe(CONTRACT[c.code]?.grpc);
      if (out.errorCode !== undefined) expect(out.errorCode).toBe(c.code);
    }
    expect(await redis.xlen(s)).toBe(before);
  });

  it('within every limit both transports succeed', async () => {
    expect((await rest(g, 'POST', `/v1/streams/${enc(s)}/messages`, { messages: [one({ a: '1', b: '2' })] })).status).toBe(201);
    expect(await rpc(g, 'Publish', { stream: s, messages: [{ fields: bytes({ a: '1', b: '2' }) }] })).toEqual({ ok: true });
    const pulled = await rest(g, 'POST', `/v1/streams/${enc(s)}/groups/g/pull`, { consumer: 'c', count: 5, waitMs: 100 });
    expect(pulled.status).toBe(200);
    expect(pulled.body.messages).toHaveLength(2);
  });
});
