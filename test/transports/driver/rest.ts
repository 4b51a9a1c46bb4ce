import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { enc } from '../../helpers/http.js';
import { expectDocumented } from '../../helpers/openapi-check.js';
import { CONTRACT, type Claimed, ContractError, type Driver, type Fields, type Msg, type Pairs, type PerId, type PublishMsg, byName, repeats } from './types.js';

/**
 * The REST side of the transport-neutral driver: every request asks for base64 values, and
 * every answer (success or problem) is checked against the committed OpenAPI document for
 * its route and status before it is read.
 */

type Json = any;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
    method: Method;
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

/**
 * A per-ID answer: REST has `notOwned` exactly when the request named its consumer; the
 * driver answers it only when it is not empty (as the gRPC driver does).
 */
function perId(count: number, r: Json, named: boolean): PerId {
  if (!named) {
    expect(r.notOwned, 'no `notOwned` without a consumer').toBeUndefined();
    return { count, notPending: r.notPending };
  }
  expect(Array.isArray(r.notOwned), '`notOwned` with a consumer').toBe(true);
  return r.notOwned.length > 0 ? { count, notPending: r.notPending, notOwned: r.notOwned } : { count, notPending: r.notPending };
}

/** Route templates as the OpenAPI document names them. */
const S = '/v1/streams/{stream}';
const G = `${S}/groups/{group}`;

export function restDriver(app: Injector | FastifyInstance, close: () => Promise<void>): Driver {
  async function send(
    method: Method,
    route: string,
    url: string,
    expected: number[],
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Json; headers: Record<string, unknown> }> {
    const res = await app.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }), ...(headers ? { headers } : {}) });
    if (res.statusCode >= 400) {
      const type = String(res.headers['content-type']);
      if (!type.startsWith('application/problem+json')) throw new Error(`REST ${method} ${url}: ${res.statusCode} ${type}: ${res.body}`);
      const p = expectDocumented(res, method, route) as { code: string; detail: string; status: number };
      if (CONTRACT[p.code]?.http !== res.statusCode || p.status !== res.statusCode) {
        throw new Error(`REST ${method} ${url}: ${p.code} came as HTTP ${res.statusCode} (status member ${p.status})`);
      }
      throw new ContractError(p.code, p.detail);
    }
    expect(expected, `REST ${method} ${url} answered ${res.statusCode}: ${res.body}`).toContain(res.statusCode);
    return { status: res.statusCode, json: expectDocumented(res, method, route) ?? null, headers: res.headers };
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
        `${S}/messages`,
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
      const r = await send('GET', `${S}/messages`, sp(stream, `/messages${qs({ encoding: 'base64', ...q })}`), [200]);
      return (r.json.messages as Json[]).map(restMessage);
    },
    async deleteMessage(stream, id) {
      return (await send('DELETE', `${S}/messages/{id}`, sp(stream, `/messages/${enc(id)}`), [200])).json.deleted;
    },
    async trim(stream, spec) {
      const r = await send('POST', `${S}/trim`, sp(stream, '/trim'), [200], spec);
      return { trimmed: r.json.trimmed, warning: r.json.warning ?? null };
    },
    async listStreams(q) {
      return (await send('GET', '/v1/streams', `/v1/streams${qs(q)}`, [200])).json;
    },
    async streamInfo(stream) {
      return (await send('GET', S, sp(stream), [200])).json;
    },
    async deleteStream(stream) {
      await send('DELETE', S, sp(stream), [204]);
    },
    async createGroup(stream, group, opts = {}) {
      return (await send('POST', `${S}/groups`, sp(stream, '/groups'), [201], { group, ...opts })).json;
    },
    async groups(stream) {
      return byName((await send('GET', `${S}/groups`, sp(stream, '/groups'), [200])).json.groups);
    },
    async group(stream, group) {
      return (await send('GET', G, gp(stream, group), [200])).json;
    },
    async updateGroup(stream, group, patch) {
      return (await send('PATCH', G, gp(stream, group), [200], patch)).json;
    },
    async deleteGroup(stream, group) {
      await send('DELETE', G, gp(stream, group), [204]);
    },
    async setPosition(stream, group, pos) {
      return (await send('PUT', `${G}/position`, gp(stream, group, '/position'), [200], pos)).json;
    },
    async consumers(stream, group) {
      const list = (await send('GET', `${G}/consumers`, gp(stream, group, '/consumers'), [200])).json.consumers as Json[];
      return byName(list.map((c) => ({ name: c.name, pending: c.pending, idleMs: c.idleMs, inactiveMs: c.inactiveMs })));
    },
    async createConsumer(stream, group, consumer) {
      const r = await send('PUT', `${G}/consumers/{consumer}`, gp(stream, group, `/consumers/${enc(consumer)}`), [200, 201]);
      expect(r.status, 'PUT of a consumer: 201 when created, 200 when it existed').toBe(r.json.created ? 201 : 200);
      expect(r.json.consumer).toBe(consumer);
      return r.json.created;
    },
    async deleteConsumer(stream, group, consumer, force = false) {
      const url = gp(stream, group, `/consumers/${enc(consumer)}${qs({ force })}`);
      return (await send('DELETE', `${G}/consumers/{consumer}`, url, [200])).json.pendingDropped;
    },
    async pull(stream, group, consumer, opts = {}) {
      const r = await send('POST', `${G}/pull`, gp(stream, group, `/pull${B64}`), [200], { consumer, ...opts });
      expect(r.json.acked, 'a pull without `ack` answers no `acked`').toBeUndefined();
      return (r.json.messages as Json[]).map(restMessage);
    },
    async pullAcking(stream, group, consumer, ack, opts = {}) {
      const r = await send('POST', `${G}/pull`, gp(stream, group, `/pull${B64}`), [200], { consumer, ack, ...opts });
      expect(r.json.acked, 'a pull with `ack` answers `acked`').toBeDefined();
      return { acked: { count: r.json.acked.acked, notPending: r.json.acked.notPending }, messages: (r.json.messages as Json[]).map(restMessage) };
    },
    async ack(stream, group, ids, consumer) {
      const r = await send('POST', `${G}/ack`, gp(stream, group, '/ack'), [200], { ids, consumer });
      return perId(r.json.acked, r.json, consumer !== undefined);
    },
    async nack(stream, group, consumer, ids, delayMs) {
      const r = await send('POST', `${G}/nack`, gp(stream, group, '/nack'), [200], { consumer, ids, ...(delayMs === undefined ? {} : { delayMs }) });
      return perId(r.json.released, r.json, true);
    },
    async extend(stream, group, consumer, ids) {
      const r = await send('POST', `${G}/extend`, gp(stream, group, '/extend'), [200], { consumer, ids });
      return perId(r.json.extended, r.json, true);
    },
    async term(stream, group, ids, opts = {}) {
      const r = await send('POST', `${G}/term`, gp(stream, group, '/term'), [200], { ids, ...opts });
      return { ...perId(r.json.terminated, r.json, opts.consumer !== undefined), deleted: r.json.deleted };
    },
    async pending(stream, group) {
      const p = (await send('GET', `${G}/pending`, gp(stream, group, '/pending'), [200])).json;
      return { ...p, consumers: byName(p.consumers) };
    },
    async listPending(stream, group, q = {}) {
      return (await send('GET', `${G}/pending/entries`, gp(stream, group, `/pending/entries${qs(q)}`), [200])).json.entries;
    },
    async claim(stream, group, consumer, minIdleMs, ids, opts = {}) {
      return restClaimed((await send('POST', `${G}/claim`, gp(stream, group, `/claim${B64}`), [200], { consumer, minIdleMs, ids, ...opts })).json);
    },
    async autoclaim(stream, group, consumer, minIdleMs, opts = {}) {
      const r = (await send('POST', `${G}/autoclaim`, gp(stream, group, `/autoclaim${B64}`), [200], { consumer, minIdleMs, ...opts })).json;
      return { ...restClaimed(r), next: r.next, deletedIds: r.deletedIds };
    },
    async deadLetters(stream, group, q = {}) {
      const url = gp(stream, group, `/dead-letters${qs({ encoding: 'base64', ...q })}`);
      const r = (await send('GET', `${G}/dead-letters`, url, [200])).json;
      return { messages: (r.messages as Json[]).map(restMessage), next: r.next };
    },
    async redrive(stream, group, q = {}) {
      return (await send('POST', `${G}/dead-letters/redrive`, gp(stream, group, '/dead-letters/redrive'), [200], q)).json;
    },
    close,
  };
}
