import { Metadata } from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PullResponse__Output } from '../../src/grpc/generated/streamgate/v1/PullResponse.js';
import { redisUrl, testCore, uniq } from '../helpers/core.js';
import { until } from '../helpers/wait.js';
import { openPull } from '../grpc/streaming-support.js';
import { type Span, type TracedGateway, traceTree, tracedGateway } from './support.js';

/**
 * Tracing (STREAMGATE_TRACING) with an in-memory exporter: a span per REST request and RPC
 * continuing the client's traceparent, a child per Redis call, the publish span's context
 * written into each message, and the consumer's receive span linked to it, on REST, gRPC
 * Pull and StreamingPull.
 */

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const CLIENT_PARENT = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

let g: TracedGateway;
let redis: Redis;

beforeAll(async () => {
  g = await tracedGateway();
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  redis.disconnect();
  await g.close();
});
beforeEach(() => g.exporter.reset());

const spans = (): Span[] => g.exporter.getFinishedSpans();
const named = (name: string): Span[] => spans().filter((s) => s.name === name);
const one = (name: string): Span => {
  const found = named(name);
  expect(found.map((s) => s.name), `spans named ${name} among:\n${traceTree(spans())}`).toHaveLength(1);
  return found[0]!;
};
const idOf = (s: Span) => s.spanContext().spanId;
const parentOf = (s: Span) => s.parentSpanContext?.spanId;
const untilSpan = (name: string) => until(() => named(name).length > 0, 5000, `span ${name}`);

async function rest(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${g.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res;
}

/** The message's fields as Redis holds them (XRANGE), name → value. */
async function stored(stream: string): Promise<Array<Record<string, string>>> {
  const entries = await redis.xrange(stream, '-', '+');
  return entries.map(([, flat]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]])));
}

describe('REST', () => {
  it('continues the client trace: request → publish → Redis XADD, and the context written into the message', async () => {
    const s = uniq('tr');
    await rest('POST', `/v1/streams/${s}/messages`, { fields: { a: '1' } }, { traceparent: CLIENT_PARENT, tracestate: 'vendor=x' });
    await untilSpan('POST /v1/streams/:stream/messages');
    const request = one('POST /v1/streams/:stream/messages');
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(parentOf(request)).toBe(CLIENT_SPAN);
    expect(request.attributes['http.response.status_code']).toBe(201);
    const publish = one(`publish ${s}`);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf(publish)).toBe(idOf(request));
    const xadd = one('redis XADD');
    expect(parentOf(xadd)).toBe(idOf(publish));
    expect(xadd.kind).toBe(SpanKind.CLIENT);
    // The publish span's W3C context, plain, in the field (and the client's tracestate beside it).
    expect(await stored(s)).toEqual([{ a: '1', traceparent: `00-${CLIENT_TRACE}-${idOf(publish)}-01`, tracestate: 'vendor=x' }]);
  });

  it('a pull makes a receive span linked to the publish spans of what it delivers; the pull script is a child of the request', async () => {
    const s = uniq('tr');
    await rest('POST', `/v1/streams/${s}/groups`, { group: 'g', start: '0', createStream: true });
    await rest('POST', `/v1/streams/${s}/messages`, { messages: [{ fields: { n: '1' } }, { fields: { n: '2' } }] });
    await rest('POST', `/v1/streams/${s}/messages`, { fields: { n: '3' } });
    await until(() => named(`publish ${s}`).length === 2, 5000, 'two publish spans');
    const published = named(`publish ${s}`).map((p) => p.spanContext());
    g.exporter.reset();
    const res = await rest('POST', `/v1/streams/${s}/groups/g/pull`, { consumer: 'c', count: 10 });
    const body = (await res.json()) as { messages: Array<{ fields: Record<string, string> }> };
    expect(body.messages.map((m) => m.fields.n)).toEqual(['1', '2', '3']);
    // Delivered as stored: the field is an ordinary field of the message.
    for (const m of body.messages) expect(m.fields.traceparent).toMatch(TRACEPARENT);
    await untilSpan('POST /v1/streams/:stream/groups/:group/pull');
    const request = one('POST /v1/streams/:stream/groups/:group/pull');
    const receive = one(`receive ${s}`);
    expect(receive.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(receive)).toBe(idOf(request));
    expect(receive.attributes['messaging.batch.message_count']).toBe(3);
    // One link per publish (the two messages of one request share its span).
    expect(receive.links.map((l) => l.context.spanId).sort()).toEqual(published.map((c) => c.spanId).sort());
    expect(receive.links.map((l) => l.context.traceId).sort()).toEqual(published.map((c) => c.traceId).sort());
    expect(parentOf(one('redis pull.lua'))).toBe(idOf(request));
  });

  it('a message that has the field already keeps the client’s value', async () => {
    const s = uniq('tr');
    const own = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    await rest('POST', `/v1/streams/${s}/messages`, { fields: { traceparent: own } });
    expect(await stored(s)).toEqual([{ traceparent: own }]);
  });
});

describe('gRPC', () => {
  const withParent = () => {
    const md = new Metadata();
    md.set('traceparent', CLIENT_PARENT);
    return md;
  };

  it('Publish continues the metadata traceparent; Pull links its receive span to the publish span', async () => {
    const s = uniq('tr');
    await g.call('CreateGroup', { stream: s, group: 'g', createStream: true, start: '0' });
    await g.call('Publish', { stream: s, messages: [{ fields: { a: Buffer.from('1') } }] }, withParent());
    await untilSpan('streamgate.v1.StreamGateway/Publish');
    const rpc = one('streamgate.v1.StreamGateway/Publish');
    expect(rpc.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(parentOf(rpc)).toBe(CLIENT_SPAN);
    expect(rpc.attributes['rpc.grpc.status_code']).toBe(0);
    const publish = one(`publish ${s}`);
    expect(parentOf(publish)).toBe(idOf(rpc));
    expect(parentOf(one('redis XADD'))).toBe(idOf(publish));
    expect(await stored(s)).toEqual([{ a: '1', traceparent: `00-${CLIENT_TRACE}-${idOf(publish)}-01` }]);

    g.exporter.reset();
    const r = await g.call<PullResponse__Output>('Pull', { stream: s, group: 'g', consumer: 'c', count: 10 });
    expect(r.messages).toHaveLength(1);
    await untilSpan('streamgate.v1.StreamGateway/Pull');
    const pull = one('streamgate.v1.StreamGateway/Pull');
    const receive = one(`receive ${s}`);
    expect(parentOf(receive)).toBe(idOf(pull));
    expect(receive.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[CLIENT_TRACE, idOf(publish)]]);
    expect(parentOf(one('redis pull.lua'))).toBe(idOf(pull));
  });

  it('StreamingPull: a span for the call, a receive span per delivered batch inside it, linked to the producer', async () => {
    const s = uniq('tr');
    await g.call('CreateGroup', { stream: s, group: 'g', createStream: true, start: '0' });
    await g.call('Publish', { stream: s, messages: [{ fields: { a: Buffer.from('1') } }] });
    const publish = one(`publish ${s}`);
    g.exporter.reset();
    const pull = openPull(g.client, { stream: s, group: 'g', consumer: 'c', maxOutstandingMessages: 10 }, undefined, withParent());
    await pull.until(() => pull.messages().length === 1);
    pull.send({ ackIds: pull.ids() });
    await pull.until(() => pull.results().length === 1);
    pull.call.end();
    await pull.ended;
    await untilSpan('streamgate.v1.StreamGateway/StreamingPull');
    const call = one('streamgate.v1.StreamGateway/StreamingPull');
    expect(call.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(parentOf(call)).toBe(CLIENT_SPAN);
    const receive = one(`receive ${s}`);
    expect(parentOf(receive)).toBe(idOf(call));
    expect(receive.links.map((l) => l.context.spanId)).toEqual([idOf(publish)]);
    // The session's Redis calls (its pull, the ack) are inside the call's trace.
    expect(named('redis pull.lua').every((p) => p.spanContext().traceId === CLIENT_TRACE)).toBe(true);
    expect(named('redis ack.lua').map(parentOf)).toEqual([idOf(call)]);
  });

  it('a refused call still has its span, with its status', async () => {
    await expect(g.call('Pull', { stream: uniq('tr'), group: 'g', consumer: 'c', count: 1 })).rejects.toThrow();
    await untilSpan('streamgate.v1.StreamGateway/Pull');
    expect(one('streamgate.v1.StreamGateway/Pull').attributes['rpc.grpc.status_code']).toBe(5);
  });
});

describe('tracing off', () => {
  it('publishes messages byte-exact: no field added', async () => {
    const core = testCore();
    try {
      expect(core.tracing).toBeNull();
      const s = uniq('tr');
      await core.streams.publish(s, { messages: [{ pairs: [['a', '1']] }, { pairs: [['b', Buffer.from([0xff])]] }] });
      await core.streams.publish(s, { messages: [{ pairs: [['c', '3']] }] });
      const raw = await redis.xrangeBuffer(s, '-', '+');
      expect(raw.map(([, flat]) => flat.map((b) => b.toString('hex')))).toEqual([
        [Buffer.from('a').toString('hex'), Buffer.from('1').toString('hex')],
        [Buffer.from('b').toString('hex'), 'ff'],
        [Buffer.from('c').toString('hex'), Buffer.from('3').toString('hex')],
      ]);
    } finally {
      await core.close();
    }
  });
});

describe('trace tree', () => {
  it('prints a publish and its delivery on both transports (for the record)', async () => {
    const s = uniq('tree');
    await rest('POST', `/v1/streams/${s}/groups`, { group: 'g', start: '0', createStream: true });
    g.exporter.reset();
    await rest('POST', `/v1/streams/${s}/messages`, { fields: { order: '42' } }, { traceparent: CLIENT_PARENT });
    await rest('POST', `/v1/streams/${s}/groups/g/pull`, { consumer: 'c', count: 10 });
    await g.call('Publish', { stream: s, messages: [{ fields: { order: Buffer.from('43') } }] });
    await g.call('Pull', { stream: s, group: 'g', consumer: 'c', count: 10 });
    await until(() => named('streamgate.v1.StreamGateway/Pull').length === 1 && named('POST /v1/streams/:stream/groups/:group/pull').length === 1);
    const tree = traceTree(spans().filter((x) => !x.name.startsWith('POST /v1/streams/:stream/groups') || x.name.endsWith('/pull')));
    console.log(`trace tree:\n${tree}`);
    expect(tree).toContain(`publish ${s}`);
    expect(tree).toContain('↳ link to span');
  });
});
