import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { type TestApp, enc } from '../helpers/http.js';
import { type HttpAnswer, type Json, expectDocumented } from '../helpers/openapi-check.js';

/** Shared steps of the REST route tests. Every answer they read is checked against the document. */

export { enc };

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function call(
  t: TestApp,
  method: Method,
  url: string,
  payload?: unknown,
  headers?: Record<string, string>,
): Promise<HttpAnswer> {
  const opts: InjectOptions = { method, url };
  if (payload !== undefined) opts.payload = payload as InjectOptions['payload'];
  if (headers) opts.headers = headers;
  return t.app.inject(opts);
}

/** Calls, expects `status`, checks the body against the document, returns it. */
export async function ok(
  t: TestApp,
  status: number,
  method: Method,
  route: string,
  url: string,
  payload?: unknown,
  headers?: Record<string, string>,
): Promise<Json> {
  const res = await call(t, method, url, payload, headers);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return expectDocumented(res, method, route);
}

export const R = {
  streams: '/v1/streams',
  stream: '/v1/streams/{stream}',
  messages: '/v1/streams/{stream}/messages',
  message: '/v1/streams/{stream}/messages/{id}',
  trim: '/v1/streams/{stream}/trim',
  groups: '/v1/streams/{stream}/groups',
  group: '/v1/streams/{stream}/groups/{group}',
  position: '/v1/streams/{stream}/groups/{group}/position',
  consumers: '/v1/streams/{stream}/groups/{group}/consumers',
  consumer: '/v1/streams/{stream}/groups/{group}/consumers/{consumer}',
  pull: '/v1/streams/{stream}/groups/{group}/pull',
  ack: '/v1/streams/{stream}/groups/{group}/ack',
  nack: '/v1/streams/{stream}/groups/{group}/nack',
  extend: '/v1/streams/{stream}/groups/{group}/extend',
  pending: '/v1/streams/{stream}/groups/{group}/pending',
  pendingEntries: '/v1/streams/{stream}/groups/{group}/pending/entries',
  claim: '/v1/streams/{stream}/groups/{group}/claim',
  autoclaim: '/v1/streams/{stream}/groups/{group}/autoclaim',
  deadLetters: '/v1/streams/{stream}/groups/{group}/dead-letters',
  redrive: '/v1/streams/{stream}/groups/{group}/dead-letters/redrive',
} as const;

/** `/v1/streams/<stream>` with the name URL-encoded, plus `tail`. */
export const sp = (stream: string, tail = ''): string => `/v1/streams/${enc(stream)}${tail}`;
/** `/v1/streams/<stream>/groups/<group>` with both names URL-encoded, plus `tail`. */
export const gp = (stream: string, group: string, tail = ''): string => `${sp(stream)}/groups/${enc(group)}${tail}`;

/** Publishes one message per fields object (one batch); returns the new IDs. */
export async function publish(t: TestApp, stream: string, ...fields: Array<Record<string, string>>): Promise<string[]> {
  const body = await ok(t, 201, 'POST', R.messages, sp(stream, '/messages'), { messages: fields.map((f) => ({ fields: f })) });
  expect(body.ids).toHaveLength(fields.length);
  return body.ids as string[];
}

/** Publishes entries with the given explicit IDs (field `n` = the ID). */
export async function publishIds(t: TestApp, stream: string, ids: readonly string[]): Promise<void> {
  const body = await ok(t, 201, 'POST', R.messages, sp(stream, '/messages'), {
    messages: ids.map((id) => ({ id, fields: { n: id } })),
  });
  expect(body.ids).toEqual(ids);
}

export async function createGroup(t: TestApp, stream: string, body: Record<string, unknown>): Promise<Json> {
  return ok(t, 201, 'POST', R.groups, sp(stream, '/groups'), body);
}

export async function pull(t: TestApp, stream: string, group: string, body: Record<string, unknown>): Promise<Json[]> {
  const res = await ok(t, 200, 'POST', R.pull, gp(stream, group, '/pull'), body);
  return res.messages as Json[];
}

export const idsOf = (messages: readonly Json[]): string[] => messages.map((m) => m.id as string);

export const ID = /^\d+-\d+$/;
