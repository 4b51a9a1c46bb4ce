import { Metadata, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { type TestGrpc, testGrpc } from '../helpers/grpc.js';
import { fuzzRedisUrl } from './redis-state.js';
import { FUZZ_SEED, runs } from './settings.js';

/**
 * Huge counts over big entries (issue 11): every read that answers entries (range reads both
 * ways, pending entries, claim, autoclaim, dead letters, history reads), on REST and gRPC,
 * with counts up to and past STREAMGATE_MAX_COUNT, random bounds and encodings, over a stream
 * of entries up to 8 times STREAMGATE_MAX_RESPONSE_BYTES. Every answer is 200 / OK (or 400 /
 * INVALID_ARGUMENT for a count over the limit), never a 5xx, and holds entries whose bytes
 * reach the budget only at the last one; a range read answers exactly the entries a plain
 * XRANGE has from the same bound, and `next` is its last ID whenever it stopped short.
 */

const DB = 9;
const RUNS = runs(120);
const BUDGET = 64 * 1024;
const MAX_COUNT = 1000;
const ENV = { STREAMGATE_MAX_RESPONSE_BYTES: String(BUDGET), STREAMGATE_MAX_COUNT: String(MAX_COUNT) };
const S = 'big';

let app: TestApp;
let grpc: TestGrpc;
let client: StreamGatewayClient;
let redis: Redis;
let ids: string[] = [];

/** Seeded sizes: mostly small, some near the budget, some 8 times over it. */
function sizeAt(i: number): number {
  const x = (i * 2654435761) % 1000;
  if (i % 11 === 3) return 8 * BUDGET;
  if (i % 5 === 1) return BUDGET - 100 + (x % 200);
  return 1 + x * 3;
}

beforeAll(async () => {
  redis = new Redis(fuzzRedisUrl(DB));
  await redis.flushdb();
  for (let i = 0; i < 60; i++) ids.push((await redis.xadd(S, '*', 'v', Buffer.alloc(sizeAt(i), 0x61 + (i % 26)), 'i', String(i)))!);
  // Some entries of a group: c1 holds them; dead letters of the group among others'.
  await redis.xgroup('CREATE', S, 'g', '0');
  await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 1000, 'STREAMS', S, '>');
  for (let i = 0; i < 30; i++) {
    await redis.xadd(`${S}:dlq`, '*', 'v', Buffer.alloc(sizeAt(i)), 'x-original-stream', S, 'x-group', i % 4 === 0 ? 'other' : 'g');
  }
  app = await testApp(ENV, fuzzRedisUrl(DB));
  await app.listen();
  grpc = await testGrpc(ENV, fuzzRedisUrl(DB));
  client = grpc.client;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await grpc?.close();
  await redis?.flushdb();
  redis?.disconnect();
});

/** Entry bytes as the budget counts them: ID, names, values. */
const bytesOf = (m: { id: string; pairs: Array<[string, Buffer]> }) => m.id.length + m.pairs.reduce((n, [k, v]) => n + Buffer.byteLength(k) + v.length, 0);

function expectBounded(entries: Array<{ id: string; pairs: Array<[string, Buffer]> }>): void {
  const before = entries.slice(0, -1).reduce((n, m) => n + bytesOf(m), 0);
  expect(before).toBeLessThan(BUDGET);
}

type Read = 'range' | 'reverse' | 'pending' | 'claim' | 'autoclaim' | 'deadLetters' | 'history';
interface Case {
  readonly read: Read;
  readonly transport: 'rest' | 'grpc';
  readonly count: number;
  readonly at: number;
  readonly encoding: 'utf8' | 'base64';
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  read: fc.constantFrom<Read>('range', 'reverse', 'pending', 'claim', 'autoclaim', 'deadLetters', 'history'),
  transport: fc.constantFrom<'rest' | 'grpc'>('rest', 'grpc'),
  count: fc.oneof(fc.constant(MAX_COUNT), fc.integer({ min: 1, max: MAX_COUNT }), fc.constant(MAX_COUNT + 1), fc.constant(4_000_000_000)),
  at: fc.integer({ min: 0, max: 59 }),
  encoding: fc.constantFrom<'utf8' | 'base64'>('utf8', 'base64'),
});

/** What a call answered: its entries (bytes), and the continuation it gave. */
interface Answer {
  readonly refused: boolean;
  readonly entries: Array<{ id: string; pairs: Array<[string, Buffer]> }>;
  readonly next: string | null;
}

const G = `/v1/streams/${S}/groups/g`;

async function rest(c: Case, start: string): Promise<Answer> {
  const q = (extra: Record<string, string | number>) => new URLSearchParams({ encoding: c.encoding, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) });
  const send = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${app.url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const json = (await res.json()) as Record<string, unknown>;
    expect([200, 400], JSON.stringify(json).slice(0, 300)).toContain(res.status);
    if (res.status === 400) expect(json.code).toBe('VALIDATION_FAILED');
    return { status: res.status, json };
  };
  const pairsOf = (m: Record<string, unknown>): Array<[string, Buffer]> =>
    Object.entries(m.fields as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, m.encoding === 'base64' || c.encoding === 'base64' ? 'base64' : 'utf8')]);
  const messages = (json: Record<string, unknown>) => ((json.messages as Array<Record<string, unknown>>) ?? []).map((m) => ({ id: m.id as string, pairs: pairsOf(m) }));
  let r: { status: number; json: Record<string, unknown> };
  switch (c.read) {
    case 'range':
    case 'reverse':
      r = await send('GET', `/v1/streams/${S}/messages?${q(c.read === 'range' ? { start, count: c.count } : { end: start === '-' ? '+' : start, count: c.count, reverse: 'true' })}`);
      return { refused: r.status === 400, entries: r.status === 200 ? messages(r.json) : [], next: (r.json.next as string | null) ?? null };
    case 'pending':
      r = await send('GET', `${G}/pending/entries?${new URLSearchParams({ start, count: String(c.count) })}`);
      return {
        refused: r.status === 400,
        entries: ((r.json.entries as Array<{ id: string; consumer: string }>) ?? []).map((e) => ({ id: e.id, pairs: [[e.consumer, Buffer.alloc(16)]] })),
        next: (r.json.next as string | null) ?? null,
      };
    case 'claim':
      r = await send('POST', `${G}/claim?${q({})}`, { consumer: `c${c.at % 3}`, minIdleMs: 0, ids: ids.slice(c.at, c.at + Math.min(c.count, 50)) });
      return { refused: r.status === 400, entries: r.status === 200 ? messages(r.json) : [], next: null };
    case 'autoclaim':
      r = await send('POST', `${G}/autoclaim?${q({})}`, { consumer: `c${c.at % 3}`, minIdleMs: 0, count: c.count, start: start === '-' ? '0-0' : start.replace('(', '') });
      return { refused: r.status === 400, entries: r.status === 200 ? messages(r.json) : [], next: null };
    case 'deadLetters':
      r = await send('GET', `${G}/dead-letters?${q({ count: c.count })}`);
      return { refused: r.status === 400, entries: r.status === 200 ? messages(r.json) : [], next: null };
    case 'history':
      r = await send('POST', `${G}/pull?${q({})}`, { consumer: `c${c.at % 3}`, count: Math.min(c.count, MAX_COUNT + 1), from: '0' });
      return { refused: r.status === 400, entries: r.status === 200 ? messages(r.json) : [], next: null };
  }
}

async function rpc(c: Case, start: string): Promise<Answer> {
  const call = (method: string, request: object) =>
    new Promise<{ refused: boolean; r: Record<string, unknown> }>((resolve, reject) =>
      (client as unknown as Record<string, (q: object, md: Metadata, cb: (e: ServiceError | null, r: Record<string, unknown>) => void) => void>)[method]!.call(
        client,
        request,
        new Metadata(),
        (err, r) => {
          if (!err) return resolve({ refused: false, r });
          if (err.code === 3 && err.metadata.get('error-code')[0] === 'VALIDATION_FAILED') return resolve({ refused: true, r: {} });
          reject(err);
        },
      ),
    );
  const messages = (r: Record<string, unknown>) =>
    ((r.messages as Array<{ id: string; fields: Record<string, Buffer> }>) ?? []).map((m) => ({ id: m.id, pairs: Object.entries(m.fields) }));
  const consumer = `c${c.at % 3}`;
  const group = { stream: S, group: 'g' };
  let a: { refused: boolean; r: Record<string, unknown> };
  switch (c.read) {
    case 'range':
    case 'reverse':
      a = await call('ReadRange', c.read === 'range' ? { stream: S, start, count: c.count } : { stream: S, end: start === '-' ? '+' : start, count: c.count, reverse: true });
      return { refused: a.refused, entries: messages(a.r), next: (a.r.next as string) || null };
    case 'pending':
      a = await call('ListPending', { ...group, start, count: c.count });
      return { refused: a.refused, entries: ((a.r.entries as Array<{ id: string; consumer: string }>) ?? []).map((e) => ({ id: e.id, pairs: [[e.consumer, Buffer.alloc(16)]] })), next: (a.r.next as string) || null };
    case 'claim':
      a = await call('Claim', { ...group, consumer, minIdleMs: 0, ids: ids.slice(c.at, c.at + Math.min(c.count, 50)) });
      return { refused: a.refused, entries: messages(a.r), next: null };
    case 'autoclaim':
      a = await call('AutoClaim', { ...group, consumer, minIdleMs: 0, count: c.count, start: start === '-' ? '0-0' : start.replace('(', '') });
      return { refused: a.refused, entries: messages(a.r), next: null };
    case 'deadLetters':
      a = await call('ListDeadLetters', { ...group, count: c.count });
      return { refused: a.refused, entries: messages(a.r), next: null };
    case 'history':
      a = await call('Pull', { ...group, consumer, count: Math.min(c.count, MAX_COUNT + 1), from: '0' });
      return { refused: a.refused, entries: messages(a.r), next: null };
  }
}

describe('huge counts over big entries (fast-check, REST and gRPC)', () => {
  it('every read answers within the byte budget, never a 5xx, and a range read continues exactly', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const start = c.at === 0 ? '-' : `(${ids[c.at]}`;
        const a = c.transport === 'rest' ? await rest(c, start) : await rpc(c, start);
        if (c.count > MAX_COUNT && c.read !== 'claim') expect(a.refused).toBe(true);
        if (a.refused) return;
        answered++;
        expect(a.entries.length).toBeLessThanOrEqual(c.count);
        if (a.entries.length > 0) expectBounded(a.entries);
        if (c.read !== 'range' && c.read !== 'reverse') return;
        // Exactly the entries a plain XRANGE has from that bound, in order.
        const plain = c.read === 'range' ? ids.slice(c.at === 0 ? 0 : c.at + 1) : ids.slice(0, c.at === 0 ? ids.length : c.at).reverse();
        expect(a.entries.map((m) => m.id)).toEqual(plain.slice(0, a.entries.length));
        if (a.entries.length < Math.min(c.count, plain.length)) expect(a.next).toBe(a.entries.at(-1)!.id);
        if (a.entries.length === plain.length) expect([null, a.entries.at(-1)?.id ?? null]).toContain(a.next);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    expect(answered).toBeGreaterThan(RUNS / 3);
    // Still healthy.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  }, 180_000);
});
