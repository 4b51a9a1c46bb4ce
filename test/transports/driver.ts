import { type Client, type ServiceError, credentials, status } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { expect } from 'vitest';
import { createCore } from '../../src/core/core.js';
import { loadProto } from '../../src/grpc/proto.js';
import { startGrpcServer } from '../../src/grpc/server.js';
import { buildHttpApp } from '../../src/http/app.js';
import { testConfig } from '../helpers/core.js';
import { errorCode, testGrpc } from '../helpers/grpc.js';
import { enc, testApp } from '../helpers/http.js';

/**
 * A transport-neutral driver of the gateway (not a test file itself): the same verbs over
 * REST (inject into the fastify app, values base64) and over gRPC (a real grpc-js client),
 * each answering plain values in one shape. A failure throws ContractError with the
 * contract's code, after checking that the transport carried it with the status
 * docs/api.md#errors gives it (HTTP status + problem+json; gRPC status + `error-code` metadata).
 */

export type Transport = 'rest' | 'grpc';

/** docs/api.md#errors: the HTTP and gRPC status of each code, written out (not read from src). */
export const CONTRACT: Record<string, { http: number; grpc: status }> = {
  VALIDATION_FAILED: { http: 400, grpc: status.INVALID_ARGUMENT },
  INVALID_ID: { http: 400, grpc: status.INVALID_ARGUMENT },
  UNAUTHENTICATED: { http: 401, grpc: status.UNAUTHENTICATED },
  PERMISSION_DENIED: { http: 403, grpc: status.PERMISSION_DENIED },
  STREAM_NOT_FOUND: { http: 404, grpc: status.NOT_FOUND },
  GROUP_NOT_FOUND: { http: 404, grpc: status.NOT_FOUND },
  CONSUMER_NOT_FOUND: { http: 404, grpc: status.NOT_FOUND },
  GROUP_EXISTS: { http: 409, grpc: status.ALREADY_EXISTS },
  NOT_A_STREAM: { http: 409, grpc: status.FAILED_PRECONDITION },
  CONSUMER_HAS_PENDING: { http: 409, grpc: status.FAILED_PRECONDITION },
  ID_TOO_SMALL: { http: 409, grpc: status.FAILED_PRECONDITION },
  LEASES_DISABLED: { http: 409, grpc: status.FAILED_PRECONDITION },
  IDEMPOTENCY_CONFLICT: { http: 409, grpc: status.FAILED_PRECONDITION },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: status.RESOURCE_EXHAUSTED },
  RATE_LIMITED: { http: 429, grpc: status.RESOURCE_EXHAUSTED },
  BACKEND_UNAVAILABLE: { http: 503, grpc: status.UNAVAILABLE },
};

/** A contract error, as either transport reported it. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export type Fields = Record<string, Buffer>;
export type Pairs = Array<[string, Buffer]>;

export interface Msg {
  id: string;
  /** Last value per name; null for an entry deleted while pending. */
  fields: Fields | null;
  /** Every field in order, only when names repeat. */
  pairs: Pairs | null;
  /** 0 outside consumer reads. */
  deliveryCount: number;
  deleted: boolean;
}

export interface PublishMsg {
  fields?: Fields;
  pairs?: Pairs;
  id?: string;
}

export interface TrimSpec {
  maxLen?: number;
  minId?: string;
  exact?: boolean;
}

export interface GroupView {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  entriesRead: number | null;
  lag: number | null;
  leaseMs: number;
  maxDeliveries: number;
  deadLetterStream: string;
  reapIdleMs: number;
}

export interface Policy {
  leaseMs?: number;
  maxDeliveries?: number;
  deadLetterStream?: string;
  reapIdleMs?: number;
}

export interface StreamView {
  length: number;
  firstId: string | null;
  lastId: string | null;
  lastGeneratedId: string;
  groups: number;
  entriesAdded: number | null;
  maxDeletedEntryId: string | null;
}

export interface PerId {
  count: number;
  notPending: string[];
}

export interface PendingView {
  count: number;
  minId: string | null;
  maxId: string | null;
  consumers: Array<{ name: string; count: number }>;
}

export interface PendingEntryView {
  id: string;
  consumer: string;
  idleMs: number;
  deliveryCount: number;
}

export interface ClaimOptions {
  idleMs?: number;
  retryCount?: number;
  force?: boolean;
  justId?: boolean;
}

/** Claimed messages, or with justId their IDs (the other member null). */
export interface Claimed {
  messages: Msg[] | null;
  ids: string[] | null;
}

export interface Driver {
  readonly transport: Transport;
  publish(stream: string, messages: PublishMsg[], opts?: { idempotencyKey?: string; trim?: TrimSpec }): Promise<{ ids: string[]; replayed: boolean }>;
  read(stream: string, q?: { start?: string; end?: string; count?: number; reverse?: boolean }): Promise<Msg[]>;
  deleteMessage(stream: string, id: string): Promise<number>;
  trim(stream: string, spec: TrimSpec & { safe?: boolean }): Promise<{ trimmed: number; warning: string | null }>;
  listStreams(q: { match?: string; cursor?: string; count?: number }): Promise<{ streams: string[]; cursor: string }>;
  streamInfo(stream: string): Promise<StreamView>;
  deleteStream(stream: string): Promise<void>;
  createGroup(stream: string, group: string, opts?: Policy & { start?: string; createStream?: boolean }): Promise<GroupView>;
  groups(stream: string): Promise<GroupView[]>;
  group(stream: string, group: string): Promise<GroupView>;
  updateGroup(stream: string, group: string, patch: Policy): Promise<GroupView>;
  deleteGroup(stream: string, group: string): Promise<void>;
  setPosition(stream: string, group: string, pos: { id: string } | { timestampMs: number }): Promise<GroupView>;
  consumers(stream: string, group: string): Promise<Array<{ name: string; pending: number }>>;
  createConsumer(stream: string, group: string, consumer: string): Promise<boolean>;
  deleteConsumer(stream: string, group: string, consumer: string, force?: boolean): Promise<number>;
  pull(stream: string, group: string, consumer: string, opts?: { count?: number; waitMs?: number; from?: string; noAck?: boolean }): Promise<Msg[]>;
  ack(stream: string, group: string, ids: string[]): Promise<PerId>;
  nack(stream: string, group: string, consumer: string, ids: string[], delayMs?: number): Promise<PerId>;
  extend(stream: string, group: string, consumer: string, ids: string[]): Promise<PerId>;
  pending(stream: string, group: string): Promise<PendingView>;
  listPending(stream: string, group: string, q?: { consumer?: string; minIdleMs?: number; count?: number }): Promise<PendingEntryView[]>;
  claim(stream: string, group: string, consumer: string, minIdleMs: number, ids: string[], opts?: ClaimOptions): Promise<Claimed>;
  autoclaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    opts?: { start?: string; count?: number; justId?: boolean },
  ): Promise<Claimed & { next: string; deletedIds: string[] }>;
  deadLetters(stream: string, group: string, q?: { count?: number; after?: string }): Promise<{ messages: Msg[]; next: string | null }>;
  redrive(stream: string, group: string, q?: { ids?: string[]; count?: number }): Promise<{ redriven: number; ids: string[] }>;
  close(): Promise<void>;
}

const byName = <T extends { name: string }>(list: T[]): T[] => [...list].sort((a, b) => a.name.localeCompare(b.name));
const repeats = (names: string[]): boolean => new Set(names).size !== names.length;
const orNull = (s: string | undefined | null): string | null => (s === '' || s === undefined ? null : s);

// ---------------------------------------------------------------------------------------
// REST

type Json = any;
const b64 = (v: Buffer): string => v.toString('base64');

function restMessage(m: Json): Msg {
  if (m.fields === null) {
    return { id: m.id, fields: null, pairs: null, deliveryCount: m.deliveryCount ?? 0, deleted: m.deleted === true };
  }
  // Every read asks for encoding=base64, so every value is base64 and says so.
  expect(m.encoding, `message ${m.id} should be base64`).toBe('base64');
  const fields: Fields = Object.create(null) as Fields;
  for (const [k, v] of Object.entries(m.fields as Record<string, string>)) fields[k] = Buffer.from(v, 'base64');
  const pairs: Pairs | undefined = (m.pairs as [string, string][] | undefined)?.map(([k, v]) => [k, Buffer.from(v, 'base64')]);
  return {
    id: m.id,
    fields: { ...fields },
    pairs: pairs && repeats(pairs.map(([k]) => k)) ? pairs : null,
    deliveryCount: m.deliveryCount ?? 0,
    deleted: false,
  };
}

const restClaimed = (r: Json): Claimed =>
  r.ids !== undefined ? { messages: null, ids: r.ids } : { messages: (r.messages as Json[]).map(restMessage), ids: null };

const qs = (q: Record<string, unknown>): string => {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${enc(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
};

/** What the REST driver needs of a server: fastify's `inject`, or the same over real HTTP (httpInjector). */
export interface Injector {
  inject(opts: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    payload?: object;
    headers?: Record<string, string>;
  }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string; json(): Json }>;
}

/** An Injector over real HTTP (fetch, keep-alive) to `baseUrl`, adding `headers` to every request. */
export function httpInjector(baseUrl: string, headers: Record<string, string> = {}): Injector {
  return {
    async inject(opts) {
      const res = await fetch(`${baseUrl}${opts.url}`, {
        method: opts.method,
        headers: { ...(opts.payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers, ...opts.headers },
        body: opts.payload === undefined ? undefined : JSON.stringify(opts.payload),
        signal: AbortSignal.timeout(15_000),
      });
      const body = await res.text();
      return { statusCode: res.status, headers: Object.fromEntries(res.headers), body, json: () => JSON.parse(body) };
    },
  };
}

export function restDriver(app: Injector | FastifyInstance, close: () => Promise<void>): Driver {
  async function send(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    expected: number[],
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Json; headers: Record<string, unknown> }> {
    const res = await app.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }), ...(headers ? { headers } : {}) });
    if (res.statusCode >= 400) {
      const type = String(res.headers['content-type']);
      if (!type.startsWith('application/problem+json')) throw new Error(`REST ${method} ${url}: ${res.statusCode} ${type}: ${res.body}`);
      const p = res.json() as { code: string; detail: string; status: number };
      if (CONTRACT[p.code]?.http !== res.statusCode || p.status !== res.statusCode) {
        throw new Error(`REST ${method} ${url}: ${p.code} came as HTTP ${res.statusCode} (status member ${p.status})`);
      }
      throw new ContractError(p.code, p.detail);
    }
    expect(expected, `REST ${method} ${url} answered ${res.statusCode}: ${res.body}`).toContain(res.statusCode);
    return { status: res.statusCode, json: res.statusCode === 204 ? null : res.json(), headers: res.headers };
  }
  const sp = (s: string, tail = '') => `/v1/streams/${enc(s)}${tail}`;
  const gp = (s: string, g: string, tail = '') => `${sp(s)}/groups/${enc(g)}${tail}`;
  const B64 = '?encoding=base64';
  const wire = (m: PublishMsg) => ({
    ...(m.fields ? { fields: Object.fromEntries(Object.entries(m.fields).map(([k, v]) => [k, b64(v)])) } : {}),
    ...(m.pairs ? { pairs: m.pairs.map(([k, v]) => [k, b64(v)]) } : {}),
    ...(m.id === undefined ? {} : { id: m.id }),
  });

  return {
    transport: 'rest',
    async publish(stream, messages, opts = {}) {
      const r = await send(
        'POST',
        sp(stream, `/messages${B64}`),
        [200, 201],
        { messages: messages.map(wire), ...(opts.trim ? { trim: opts.trim } : {}) },
        opts.idempotencyKey === undefined ? undefined : { 'idempotency-key': opts.idempotencyKey },
      );
      const replayed = r.status === 200;
      expect(r.headers['idempotent-replayed'] === 'true', 'Idempotent-Replayed header goes with 200').toBe(replayed);
      return { ids: r.json.ids, replayed };
    },
    async read(stream, q = {}) {
      const r = await send('GET', sp(stream, `/messages${qs({ encoding: 'base64', ...q })}`), [200]);
      return (r.json.messages as Json[]).map(restMessage);
    },
    async deleteMessage(stream, id) {
      return (await send('DELETE', sp(stream, `/messages/${enc(id)}`), [200])).json.deleted;
    },
    async trim(stream, spec) {
      const r = await send('POST', sp(stream, '/trim'), [200], spec);
      return { trimmed: r.json.trimmed, warning: r.json.warning ?? null };
    },
    async listStreams(q) {
      return (await send('GET', `/v1/streams${qs(q)}`, [200])).json;
    },
    async streamInfo(stream) {
      return (await send('GET', sp(stream), [200])).json;
    },
    async deleteStream(stream) {
      await send('DELETE', sp(stream), [204]);
    },
    async createGroup(stream, group, opts = {}) {
      return (await send('POST', sp(stream, '/groups'), [201], { group, ...opts })).json;
    },
    async groups(stream) {
      return byName((await send('GET', sp(stream, '/groups'), [200])).json.groups);
    },
    async group(stream, group) {
      return (await send('GET', gp(stream, group), [200])).json;
    },
    async updateGroup(stream, group, patch) {
      return (await send('PATCH', gp(stream, group), [200], patch)).json;
    },
    async deleteGroup(stream, group) {
      await send('DELETE', gp(stream, group), [204]);
    },
    async setPosition(stream, group, pos) {
      return (await send('PUT', gp(stream, group, '/position'), [200], pos)).json;
    },
    async consumers(stream, group) {
      const list = (await send('GET', gp(stream, group, '/consumers'), [200])).json.consumers as Json[];
      return byName(list.map((c) => ({ name: c.name, pending: c.pending })));
    },
    async createConsumer(stream, group, consumer) {
      const r = await send('PUT', gp(stream, group, `/consumers/${enc(consumer)}`), [200, 201]);
      expect(r.status).toBe(r.json.created ? 201 : 200);
      return r.json.created;
    },
    async deleteConsumer(stream, group, consumer, force = false) {
      return (await send('DELETE', gp(stream, group, `/consumers/${enc(consumer)}${qs({ force })}`), [200])).json.pendingDropped;
    },
    async pull(stream, group, consumer, opts = {}) {
      const r = await send('POST', gp(stream, group, `/pull${B64}`), [200], { consumer, ...opts });
      return (r.json.messages as Json[]).map(restMessage);
    },
    async ack(stream, group, ids) {
      const r = await send('POST', gp(stream, group, '/ack'), [200], { ids });
      return { count: r.json.acked, notPending: r.json.notPending };
    },
    async nack(stream, group, consumer, ids, delayMs) {
      const r = await send('POST', gp(stream, group, '/nack'), [200], { consumer, ids, ...(delayMs === undefined ? {} : { delayMs }) });
      return { count: r.json.released, notPending: r.json.notPending };
    },
    async extend(stream, group, consumer, ids) {
      const r = await send('POST', gp(stream, group, '/extend'), [200], { consumer, ids });
      return { count: r.json.extended, notPending: r.json.notPending };
    },
    async pending(stream, group) {
      const p = (await send('GET', gp(stream, group, '/pending'), [200])).json;
      return { ...p, consumers: byName(p.consumers) };
    },
    async listPending(stream, group, q = {}) {
      return (await send('GET', gp(stream, group, `/pending/entries${qs(q)}`), [200])).json.entries;
    },
    async claim(stream, group, consumer, minIdleMs, ids, opts = {}) {
      return restClaimed((await send('POST', gp(stream, group, `/claim${B64}`), [200], { consumer, minIdleMs, ids, ...opts })).json);
    },
    async autoclaim(stream, group, consumer, minIdleMs, opts = {}) {
      const r = (await send('POST', gp(stream, group, `/autoclaim${B64}`), [200], { consumer, minIdleMs, ...opts })).json;
      return { ...restClaimed(r), next: r.next, deletedIds: r.deletedIds };
    },
    async deadLetters(stream, group, q = {}) {
      const r = (await send('GET', gp(stream, group, `/dead-letters${qs({ encoding: 'base64', ...q })}`), [200])).json;
      return { messages: (r.messages as Json[]).map(restMessage), next: r.next };
    },
    async redrive(stream, group, q = {}) {
      return (await send('POST', gp(stream, group, '/dead-letters/redrive'), [200], q)).json;
    },
    close,
  };
}

// ---------------------------------------------------------------------------------------
// gRPC

function grpcMessage(m: Json): Msg {
  if (m.deleted) return { id: m.id, fields: null, pairs: null, deliveryCount: m.deliveryCount, deleted: true };
  const pairs = (m.pairs as Array<{ name: string; value: Buffer }>).map((p): [string, Buffer] => [p.name, Buffer.from(p.value)]);
  const fields: Fields = {};
  for (const [k, v] of Object.entries(m.fields as Fields)) fields[k] = Buffer.from(v);
  return { id: m.id, fields, pairs: pairs.length > 0 ? pairs : null, deliveryCount: m.deliveryCount, deleted: false };
}

const grpcGroup = (g: Json): GroupView => ({
  name: g.name,
  consumers: g.consumers,
  pending: g.pending,
  lastDeliveredId: g.lastDeliveredId,
  entriesRead: g.entriesRead ?? null,
  lag: g.lag ?? null,
  leaseMs: g.leaseMs,
  maxDeliveries: g.maxDeliveries,
  deadLetterStream: g.deadLetterStream,
  reapIdleMs: g.reapIdleMs,
});

const grpcClaimed = (r: Json, justId: boolean | undefined): Claimed => {
  // Both repeated fields always decode (as []): the one that does not apply must be empty.
  if (justId) {
    expect(r.messages).toEqual([]);
    return { messages: null, ids: r.ids };
  }
  expect(r.ids).toEqual([]);
  return { messages: (r.messages as Json[]).map(grpcMessage), ids: null };
};

/** Drops undefined members, so that proto3 `optional` fields stay unset. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function grpcDriver(call: (method: string, request: object) => Promise<Json>, close: () => Promise<void>): Driver {
  async function rpc(method: string, request: object): Promise<Json> {
    try {
      return await call(method, request);
    } catch (err) {
      const e = err as ServiceError;
      const code = errorCode(e);
      if (code === undefined || CONTRACT[code]?.grpc !== e.code) {
        throw new Error(`gRPC ${method}: error-code ${String(code)} came with status ${e.code} (${e.message})`);
      }
      throw new ContractError(code, e.details);
    }
  }
  const wire = (m: PublishMsg) =>
    defined({
      fields: m.fields,
      pairs: m.pairs?.map(([name, value]) => ({ name, value })),
      id: m.id,
    });
  const trimSpec = (t: TrimSpec) => defined({ maxLen: t.maxLen, minId: t.minId, exact: t.exact });

  return {
    transport: 'grpc',
    async publish(stream, messages, opts = {}) {
      const r = await rpc(
        'Publish',
        defined({ stream, messages: messages.map(wire), trim: opts.trim ? trimSpec(opts.trim) : undefined, idempotencyKey: opts.idempotencyKey }),
      );
      return { ids: r.ids, replayed: r.replayed };
    },
    async read(stream, q = {}) {
      return ((await rpc('ReadRange', { stream, ...defined(q) })).messages as Json[]).map(grpcMessage);
    },
    async deleteMessage(stream, id) {
      return (await rpc('DeleteMessage', { stream, id })).deleted;
    },
    async trim(stream, spec) {
      const r = await rpc('Trim', { stream, trim: trimSpec(spec), safe: spec.safe ?? false });
      return { trimmed: r.trimmed, warning: r.warning ?? null };
    },
    async listStreams(q) {
      const r = await rpc('ListStreams', defined(q));
      return { streams: r.streams, cursor: r.cursor };
    },
    async streamInfo(stream) {
      const r = await rpc('GetStream', { stream });
      return {
        length: r.length,
        firstId: orNull(r.firstId),
        lastId: orNull(r.lastId),
        lastGeneratedId: r.lastGeneratedId,
        groups: r.groups,
        entriesAdded: r.entriesAdded ?? null,
        maxDeletedEntryId: orNull(r.maxDeletedEntryId),
      };
    },
    async deleteStream(stream) {
      await rpc('DeleteStream', { stream });
    },
    async createGroup(stream, group, opts = {}) {
      return grpcGroup((await rpc('CreateGroup', defined({ stream, group, ...opts }))).group);
    },
    async groups(stream) {
      return byName(((await rpc('ListGroups', { stream })).groups as Json[]).map(grpcGroup));
    },
    async group(stream, group) {
      return grpcGroup((await rpc('GetGroup', { stream, group })).group);
    },
    async updateGroup(stream, group, patch) {
      return grpcGroup((await rpc('UpdateGroup', defined({ stream, group, ...patch }))).group);
    },
    async deleteGroup(stream, group) {
      await rpc('DeleteGroup', { stream, group });
    },
    async setPosition(stream, group, pos) {
      return grpcGroup((await rpc('SetGroupPosition', { stream, group, ...pos })).group);
    },
    async consumers(stream, group) {
      const list = (await rpc('ListConsumers', { stream, group })).consumers as Json[];
      return byName(list.map((c) => ({ name: c.name, pending: c.pending })));
    },
    async createConsumer(stream, group, consumer) {
      return (await rpc('CreateConsumer', { stream, group, consumer })).created;
    },
    async deleteConsumer(stream, group, consumer, force = false) {
      return (await rpc('DeleteConsumer', { stream, group, consumer, force })).pendingDropped;
    },
    async pull(stream, group, consumer, opts = {}) {
      return ((await rpc('Pull', defined({ stream, group, consumer, ...opts }))).messages as Json[]).map(grpcMessage);
    },
    async ack(stream, group, ids) {
      const r = await rpc('Ack', { stream, group, ids });
      return { count: r.acked, notPending: r.notPending };
    },
    async nack(stream, group, consumer, ids, delayMs) {
      const r = await rpc('Nack', defined({ stream, group, consumer, ids, delayMs }));
      return { count: r.released, notPending: r.notPending };
    },
    async extend(stream, group, consumer, ids) {
      const r = await rpc('ExtendLease', { stream, group, consumer, ids });
      return { count: r.extended, notPending: r.notPending };
    },
    async pending(stream, group) {
      const p = await rpc('Pending', { stream, group });
      return { count: p.count, minId: orNull(p.minId), maxId: orNull(p.maxId), consumers: byName(p.consumers) };
    },
    async listPending(stream, group, q = {}) {
      return (await rpc('ListPending', defined({ stream, group, ...q }))).entries;
    },
    async claim(stream, group, consumer, minIdleMs, ids, opts = {}) {
      return grpcClaimed(await rpc('Claim', defined({ stream, group, consumer, minIdleMs, ids, ...opts })), opts.justId);
    },
    async autoclaim(stream, group, consumer, minIdleMs, opts = {}) {
      const r = await rpc('AutoClaim', defined({ stream, group, consumer, minIdleMs, ...opts }));
      return { ...grpcClaimed(r, opts.justId), next: r.next, deletedIds: r.deletedIds };
    },
    async deadLetters(stream, group, q = {}) {
      const r = await rpc('ListDeadLetters', defined({ stream, group, ...q }));
      return { messages: (r.messages as Json[]).map(grpcMessage), next: orNull(r.next) };
    },
    async redrive(stream, group, q = {}) {
      const r = await rpc('RedriveDeadLetters', defined({ stream, group, ids: q.ids ?? [], count: q.count }));
      return { redriven: r.redriven, ids: r.ids };
    },
    close,
  };
}

// ---------------------------------------------------------------------------------------
// Factories

/** The REST driver over the test Redis (testApp), or over `redisUrl` when given. */
export async function makeRest(env: Record<string, string>, redisUrl?: string): Promise<Driver> {
  if (redisUrl === undefined) {
    const t = await testApp(env);
    return restDriver(t.app, () => t.close());
  }
  const core = createCore(testConfig(env), redisUrl);
  const app = await buildHttpApp({ core });
  return restDriver(app, async () => {
    await app.close();
    await core.close();
  });
}

/** The gRPC driver over the test Redis (testGrpc), or over `redisUrl` when given. */
export async function makeGrpc(env: Record<string, string>, redisUrl?: string): Promise<Driver> {
  if (redisUrl === undefined) {
    const g = await testGrpc(env);
    return grpcDriver((method, request) => g.call(method as never, request), () => g.close());
  }
  const core = createCore(testConfig(env), redisUrl);
  const server = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  const client = new (loadProto().grpc.streamgate.v1.StreamGateway)(server.address, credentials.createInsecure());
  const call = (method: string, request: object) =>
    new Promise<Json>((resolve, reject) => {
      const fn = (client as unknown as Record<string, (req: object, cb: (err: ServiceError | null, res: Json) => void) => void>)[method];
      if (!fn) throw new Error(`no RPC ${method}`);
      fn.call(client, request, (err, res) => (err ? reject(err) : resolve(res)));
    });
  return grpcDriver(call, async () => {
    (client as unknown as Client).close();
    await server.shutdown(2000);
    await core.close();
  });
}
