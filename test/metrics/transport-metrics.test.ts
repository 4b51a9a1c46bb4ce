import { type Client, credentials } from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { loadProto } from '../../src/grpc/proto.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { openPull } from '../grpc/streaming-support.js';
import { sample, scrape } from './support.js';

/**
 * REST and gRPC on one core (one registry), scraped over real HTTP: the message counters
 * move the same on both transports, and the gRPC call metrics follow real calls.
 */

let t: TestApp;
let grpc: GrpcGateway;
let client: StreamGatewayClient;
let base: string;

beforeAll(async () => {
  t = await testApp({ STREAMGATE_DEFAULT_LEASE_MS: '60000' });
  base = await t.listen();
  grpc = await startGrpcServer(t.core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  const { grpc: g } = loadProto();
  client = new g.streamgate.v1.StreamGateway(grpc.address, credentials.createInsecure());
});

afterAll(async () => {
  (client as unknown as Client)?.close();
  await grpc?.shutdown(2000);
  await t?.close();
});

function rpc<Res>(method: string, request: object): Promise<Res> {
  const fn = (client as unknown as Record<string, (r: object, cb: (e: Error | null, res: Res) => void) => void>)[method]!;
  return new Promise((resolve, reject) => fn.call(client, request, (e, res) => (e ? reject(e) : resolve(res))));
}

async function rest(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

const COUNTERS = [
  ['streamgate_messages_published_total', {}],
  ['streamgate_messages_delivered_total', { kind: 'new' }],
  ['streamgate_messages_acked_total', {}],
  ['streamgate_messages_nacked_total', {}],
  ['streamgate_messages_dead_lettered_total', {}],
] as const;

async function counters(): Promise<number[]> {
  const text = await scrape(base);
  return COUNTERS.map(([name, labels]) => sample(text, name, labels) ?? 0);
}

const delta = (after: number[], before: number[]) => after.map((v, i) => v - before[i]!);

describe('message counters', () => {
  it('move the same for the same work on REST and on gRPC', async () => {
    const s1 = uniq('cnt-rest');
    const s2 = uniq('cnt-grpc');
    const p = (s: string, tail = '') => `/v1/streams/${encodeURIComponent(s)}${tail}`;

    let before = await counters();
    // maxDeliveries 1: the nacked message is dead-lettered by the next pull.
    await rest('POST', p(s1, '/groups'), { group: 'g', start: '0', createStream: true, maxDeliveries: 1 });
    await rest('POST', p(s1, '/messages'), { messages: [{ fields: { a: '1' } }, { fields: { a: '2' } }, { fields: { a: '3' } }] });
    const pulled = (await rest('POST', p(s1, '/groups/g/pull'), { consumer: 'c', count: 3 })).messages as Array<{ id: string }>;
    await rest('POST', p(s1, '/groups/g/ack'), { ids: [pulled[0]!.id, '1-1'] });
    await rest('POST', p(s1, '/groups/g/nack'), { consumer: 'c', ids: [pulled[1]!.id] });
    expect((await rest('POST', p(s1, '/groups/g/pull'), { consumer: 'c', count: 3 })).messages).toEqual([]);
    const viaRest = delta(await counters(), before);

    before = await counters();
    await rpc('CreateGroup', { stream: s2, group: 'g', start: '0', createStream: true, maxDeliveries: 1 });
    await rpc('Publish', { stream: s2, messages: [{ fields: { a: Buffer.from('1') } }, { fields: { a: Buffer.from('2') } }, { fields: { a: Buffer.from('3') } }] });
    const got = await rpc<{ messages: Array<{ id: string }> }>('Pull', { stream: s2, group: 'g', consumer: 'c', count: 3 });
    await rpc('Ack', { stream: s2, group: 'g', ids: [got.messages[0]!.id, '1-1'] });
    await rpc('Nack', { stream: s2, group: 'g', consumer: 'c', ids: [got.messages[1]!.id] });
    expect((await rpc<{ messages: unknown[] }>('Pull', { stream: s2, group: 'g', consumer: 'c', count: 3 })).messages).toEqual([]);
    const viaGrpc = delta(await counters(), before);

    expect(viaRest).toEqual([3, 3, 1, 1, 1]);
    expect(viaGrpc).toEqual(viaRest);
  });
});

describe('gRPC metrics', () => {
  it('count calls by method and status code, with durations', async () => {
    const s = uniq('grpc-calls');
    const before = await scrape(base);
    const ok = { method: 'Publish', code: 'OK' };
    const missing = { method: 'GetStream', code: 'NOT_FOUND' };
    await rpc('Publish', { stream: s, messages: [{ fields: { a: Buffer.from('1') } }] });
    await rpc('Publish', { stream: s, messages: [{ fields: { a: Buffer.from('2') } }] });
    await expect(rpc('GetStream', { stream: `${s}-missing` })).rejects.toThrow();
    const text = await scrape(base);
    expect((sample(text, 'streamgate_grpc_calls_total', ok) ?? 0) - (sample(before, 'streamgate_grpc_calls_total', ok) ?? 0)).toBe(2);
    expect((sample(text, 'streamgate_grpc_calls_total', missing) ?? 0) - (sample(before, 'streamgate_grpc_calls_total', missing) ?? 0)).toBe(1);
    expect((sample(text, 'streamgate_grpc_call_duration_seconds_count', ok) ?? 0) - (sample(before, 'streamgate_grpc_call_duration_seconds_count', ok) ?? 0)).toBe(2);
    expect(sample(text, 'streamgate_grpc_call_duration_seconds_bucket', { ...ok, le: '+Inf' })).toBe(sample(text, 'streamgate_grpc_calls_total', ok));
  });

  it('show open StreamingPull calls, their outstanding messages, results by operation, and a cancelled call', async () => {
    const s = uniq('grpc-sp');
    await t.core.groups.create(s, { group: 'g', start: '0', createStream: true });
    await t.core.streams.publish(s, { messages: [1, 2, 3, 4].map((n) => ({ pairs: [['n', String(n)] as const] })) });
    const op = (operation: string, result: string) => ({ operation, result });
    const before = await scrape(base);
    const sp = openPull(client, { stream: s, group: 'g', consumer: 'c', maxOutstandingMessages: 10 });
    await sp.until(() => sp.ids().length === 4);
    let text = await scrape(base);
    expect(sample(text, 'streamgate_grpc_streaming_pulls')).toBe(1);
    expect(sample(text, 'streamgate_grpc_streaming_pull_outstanding_messages')).toBe(4);

    const [a, b, c] = sp.ids();
    sp.send({ ackIds: [a!, b!], nackIds: [c!], extendIds: [a!] });
    await sp.until(() => sp.results().length === 4);
    text = await scrape(base);
    const moved = (name: string, labels: Record<string, string>) => (sample(text, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(moved('streamgate_grpc_streaming_pull_operations_total', op('ack', 'ok'))).toBe(2);
    expect(moved('streamgate_grpc_streaming_pull_operations_total', op('nack', 'ok'))).toBe(1);
    // Acks, nacks and extends of one request run together: the extend of an acked ID may come first or not.
    expect(moved('streamgate_grpc_streaming_pull_operations_total', op('extend', 'ok')) + moved('streamgate_grpc_streaming_pull_operations_total', op('extend', 'not_pending'))).toBe(1);
    expect(sample(text, 'streamgate_grpc_streaming_pull_outstanding_messages')).toBeLessThanOrEqual(2);

    const cancelled = { method: 'StreamingPull', code: 'CANCELLED' };
    await sp.cancel();
    await sp.until(() => grpc.activeStreams === 0);
    text = await scrape(base);
    expect(sample(text, 'streamgate_grpc_streaming_pulls')).toBe(0);
    expect(sample(text, 'streamgate_grpc_streaming_pull_outstanding_messages')).toBe(0);
    expect(moved('streamgate_grpc_calls_total', cancelled)).toBe(1);
  });
});
