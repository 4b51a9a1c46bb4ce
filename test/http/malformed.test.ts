import type { InjectOptions } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { redisUrl, uniq } from '../helpers/core.js';
import { type TestApp, enc, testApp } from '../helpers/http.js';

/**
 * Malformed requests on every REST route of the contract (docs/api.md#rest): each answers a 4xx
 * problem (application/problem+json) with the right contract code, never a 5xx; validation
 * comes before any existence check (docs/api.md#limits); keys of another type are NOT_A_STREAM and
 * left alone.
 */

/** The codes of docs/api.md#errors a request to an existing route may get (not NOT_FOUND, SHUTTING_DOWN, INTERNAL). */
const CONTRACT_CODES = [
  'VALIDATION_FAILED',
  'INVALID_ID',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'STREAM_NOT_FOUND',
  'GROUP_NOT_FOUND',
  'GROUP_EXISTS',
  'NOT_A_STREAM',
  'CONSUMER_NOT_FOUND',
  'CONSUMER_HAS_PENDING',
  'ID_TOO_SMALL',
  'LEASES_DISABLED',
  'IDEMPOTENCY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'BACKEND_UNAVAILABLE',
];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Code = 'VALIDATION_FAILED' | 'INVALID_ID' | 'PAYLOAD_TOO_LARGE' | 'NOT_A_STREAM' | 'STREAM_NOT_FOUND';

interface Req {
  method: Method;
  url: string;
  /** A JSON value (sent as JSON text) or, with `raw`, the exact body text. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

interface Case extends Req {
  label: string;
  status: number;
  code: Code;
}

const U64 = '18446744073709551615';
const MAX_ID = `${U64}-${U64}`;

/** Malformed stream IDs, every one INVALID_ID wherever an ID goes. */
const BAD_IDS = ['abc', '1-2-3', '-1', `${BigInt(U64) + 1n}-0`, `1-${BigInt(U64) + 1n}`, '', '1-', '1.5-0', ' 1-0', '0x10-0'];
/** Malformed counts in a JSON body (VALIDATION_FAILED). */
const BAD_COUNTS: unknown[] = [0, -1, 1.5, 1001, 'abc', null, 1e21];
/** The same as query text. */
const BAD_QUERY_COUNTS = ['0', '-1', '1.5', '1001', 'abc', '1e21'];

const ids = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}-0`);

/** Path segments (already URL-encoded) that are not acceptable stream names. */
const BAD_STREAM_SEGMENTS: Array<[string, string]> = [
  ['empty', ''],
  ['NUL', 'a%00b'],
  ['newline', '%0A'],
  ['carriage return', 'a%0Db'],
  ['DEL (a control character)', 'a%7F'],
  ['C1 control', 'a%C2%85b'],
  ['513 bytes', 'a'.repeat(513)],
  ['514 bytes in 257 characters', enc('é'.repeat(257))],
  ['undecodable %ZZ', 'a%ZZ'],
  ['lone surrogate (CESU-8 bytes)', 'a%ED%A0%80'],
  ['truncated UTF-8', 'a%C3'],
  ['over the router param length', 'a'.repeat(5000)],
];

/** Path segments that are not acceptable group or consumer names. */
const BAD_MEMBER_SEGMENTS: Array<[string, string]> = [
  ['empty', ''],
  ['NUL', 'a%00b'],
  ['newline', '%0A'],
  ['space', 'a%20b'],
  ['tab', '%09x'],
  ['no-break space', 'a%C2%A0b'],
  ['line separator', 'a%E2%80%A8b'],
  ['257 bytes', 'g'.repeat(257)],
  ['258 bytes in 129 characters', enc('é'.repeat(129))],
  ['undecodable %ZZ', '%ZZ'],
  ['lone surrogate (CESU-8 bytes)', '%ED%B0%80'],
];

/** Group or consumer names as JSON strings (bodies and queries): all VALIDATION_FAILED. */
const BAD_MEMBER_STRINGS: Array<[string, unknown]> = [
  ['empty', ''],
  ['NUL', 'a\u0000b'],
  ['newline', 'a\nb'],
  ['space', 'a b'],
  ['leading space', ' a'],
  ['tab', '\t'],
  ['no-break space', 'a\u00a0b'],
  ['257 bytes', 'g'.repeat(257)],
  ['258 bytes in 129 characters', 'é'.repeat(129)],
  ['lone high surrogate', 'a\ud800'],
  ['lone low surrogate', '\udc00b'],
  ['a number', 42],
  ['null', null],
  ['an array', ['a']],
];

/** Every REST route that names a stream, with a valid request apart from what a case breaks. */
interface Route {
  name: string;
  method: Method;
  /** Encoded segments in, path out. */
  path: (s: string, g: string, c: string) => string;
  body?: unknown;
  group?: boolean;
  consumer?: boolean;
}

const gpath = (s: string, g: string, tail = '') => `/v1/streams/${s}/groups/${g}${tail}`;

const ROUTES: Route[] = [
  { name: 'publish', method: 'POST', path: (s) => `/v1/streams/${s}/messages`, body: { fields: { a: '1' } } },
  { name: 'read range', method: 'GET', path: (s) => `/v1/streams/${s}/messages` },
  { name: 'delete message', method: 'DELETE', path: (s) => `/v1/streams/${s}/messages/1-0` },
  { name: 'trim', method: 'POST', path: (s) => `/v1/streams/${s}/trim`, body: { maxLen: 10 } },
  { name: 'stream info', method: 'GET', path: (s) => `/v1/streams/${s}` },
  { name: 'delete stream', method: 'DELETE', path: (s) => `/v1/streams/${s}` },
  { name: 'group create', method: 'POST', path: (s) => `/v1/streams/${s}/groups`, body: { group: 'g', createStream: true } },
  { name: 'group list', method: 'GET', path: (s) => `/v1/streams/${s}/groups` },
  { name: 'group get', method: 'GET', path: (s, g) => gpath(s, g), group: true },
  { name: 'group patch', method: 'PATCH', path: (s, g) => gpath(s, g), body: { leaseMs: 1000 }, group: true },
  { name: 'group delete', method: 'DELETE', path: (s, g) => gpath(s, g), group: true },
  { name: 'group position', method: 'PUT', path: (s, g) => gpath(s, g, '/position'), body: { id: '0' }, group: true },
  { name: 'consumers list', method: 'GET', path: (s, g) => gpath(s, g, '/consumers'), group: true },
  { name: 'consumer put', method: 'PUT', path: (s, g, c) => gpath(s, g, `/consumers/${c}`), group: true, consumer: true },
  { name: 'consumer delete', method: 'DELETE', path: (s, g, c) => gpath(s, g, `/consumers/${c}`), group: true, consumer: true },
  { name: 'pull', method: 'POST', path: (s, g) => gpath(s, g, '/pull'), body: { consumer: 'c' }, group: true },
  { name: 'ack', method: 'POST', path: (s, g) => gpath(s, g, '/ack'), body: { ids: ['1-0'] }, group: true },
  { name: 'nack', method: 'POST', path: (s, g) => gpath(s, g, '/nack'), body: { consumer: 'c', ids: ['1-0'] }, group: true },
  { name: 'extend', method: 'POST', path: (s, g) => gpath(s, g, '/extend'), body: { consumer: 'c', ids: ['1-0'] }, group: true },
  { name: 'pending summary', method: 'GET', path: (s, g) => gpath(s, g, '/pending'), group: true },
  { name: 'pending entries', method: 'GET', path: (s, g) => gpath(s, g, '/pending/entries'), group: true },
  {
    name: 'claim',
    method: 'POST',
    path: (s, g) => gpath(s, g, '/claim'),
    body: { consumer: 'c', minIdleMs: 0, ids: ['1-0'] },
    group: true,
  },
  { name: 'autoclaim', method: 'POST', path: (s, g) => gpath(s, g, '/autoclaim'), body: { consumer: 'c', minIdleMs: 0 }, group: true },
  { name: 'dead-letters list', method: 'GET', path: (s, g) => gpath(s, g, '/dead-letters'), group: true },
  { name: 'dead-letters redrive', method: 'POST', path: (s, g) => gpath(s, g, '/dead-letters/redrive'), body: {}, group: true },
];

const route = (name: string): Route => {
  const r = ROUTES.find((x) => x.name === name);
  if (!r) throw new Error(`no route ${name}`);
  return r;
};

// A stream no test ever creates: every malformed request about it must answer 400, not 404.
const MISSING = uniq('malformed-missing');
// A stream that exists, with group `g` (leaseMs 1000): validation must not depend on existence.
const EXISTING = uniq('malformed-existing');

const VF = (label: string, req: Req): Case => ({ label, ...req, status: 400, code: 'VALIDATION_FAILED' });
const BADID = (label: string, req: Req): Case => ({ label, ...req, status: 400, code: 'INVALID_ID' });

/** Cases generated for every route × every bad name. */
function nameCases(): Case[] {
  const out: Case[] = [];
  for (const r of ROUTES) {
    const req = (s: string, g = 'g', c = 'c'): Req => ({ method: r.method, url: r.path(s, g, c), body: r.body });
    for (const [what, seg] of BAD_STREAM_SEGMENTS) out.push(VF(`${r.name}: stream name ${what}`, req(seg)));
    if (r.group) {
      for (const [what, seg] of BAD_MEMBER_SEGMENTS) out.push(VF(`${r.name}: group name ${what}`, req(enc(MISSING), seg)));
    }
    if (r.consumer) {
      for (const [what, seg] of BAD_MEMBER_SEGMENTS) out.push(VF(`${r.name}: consumer name ${what}`, req(enc(MISSING), 'g', seg)));
    }
  }
  // Names carried in bodies and queries.
  for (const [what, name] of BAD_MEMBER_STRINGS) {
    out.push(VF(`group create: group ${what}`, { method: 'POST', url: `/v1/streams/${enc(MISSING)}/groups`, body: { group: name, createStream: true } }));
    for (const r of ['pull', 'nack', 'extend', 'claim', 'autoclaim'].map(route)) {
      const body = { ...(r.body as object), consumer: name };
      out.push(VF(`${r.name}: consumer ${what} in the body`, { method: r.method, url: r.path(enc(MISSING), 'g', 'c'), body }));
    }
  }
  for (const [what, seg] of BAD_MEMBER_SEGMENTS) {
    const url = `${gpath(enc(MISSING), 'g', '/pending/entries')}?consumer=${seg}`;
    // An undecodable query value is not a routing failure: the query parser keeps it as text.
    if (seg.includes('%ZZ') || seg.includes('%ED')) continue;
    out.push(VF(`pending entries: consumer ${what} in the query`, { method: 'GET', url }));
  }
  return out;
}

/** Per-route malformed requests about `stream` (exists or not: same answers). */
function routeCases(stream: string): Case[] {
  const s = enc(stream);
  const g = (tail: string) => gpath(s, 'g', tail);
  const out: Case[] = [];
  const json = { 'content-type': 'application/json' };
  const postUrls: Array<[string, Method, string]> = [
    ['publish', 'POST', `/v1/streams/${s}/messages`],
    ['trim', 'POST', `/v1/streams/${s}/trim`],
    ['group create', 'POST', `/v1/streams/${s}/groups`],
    ['group patch', 'PATCH', g('')],
    ['group position', 'PUT', g('/position')],
    ['pull', 'POST', g('/pull')],
    ['ack', 'POST', g('/ack')],
    ['nack', 'POST', g('/nack')],
    ['extend', 'POST', g('/extend')],
    ['claim', 'POST', g('/claim')],
    ['autoclaim', 'POST', g('/autoclaim')],
    ['dead-letters redrive', 'POST', g('/dead-letters/redrive')],
  ];
  // Bodies that are not a JSON object, on every route that takes a body.
  for (const [name, method, url] of postUrls) {
    for (const [what, raw] of [
      ['not JSON', 'not json'],
      ['truncated JSON', '{"a":'],
      ['a JSON array', '[{"group":"g","consumer":"c","ids":["1-0"]}]'],
      ['JSON null', 'null'],
      ['a JSON string', '"x"'],
      ['a JSON number', '42'],
      ['an empty body', ''],
      ['a __proto__ key', '{"__proto__":{"x":1}}'],
    ] as const) {
      out.push(VF(`${name}: body is ${what}`, { method, url, raw, headers: json }));
    }
    out.push(VF(`${name}: body of another media type`, { method, url, raw: '<x/>', headers: { 'content-type': 'application/xml' } }));
  }

  // publish
  const pub = `/v1/streams/${s}/messages`;
  const P = (label: string, body: unknown, query = '') => VF(`publish: ${label}`, { method: 'POST', url: pub + query, body });
  out.push(
    P('unknown shape', { foo: 1 }),
    P('neither fields nor pairs', {}),
    P('both fields and pairs', { fields: { a: '1' }, pairs: [['a', '1']] }),
    P('empty fields {}', { fields: {} }),
    P('empty pairs []', { pairs: [] }),
    P('fields is a string', { fields: 'a=1' }),
    P('fields is an array', { fields: ['a', '1'] }),
    P('a numeric value', { fields: { a: 1 } }),
    P('a null value', { fields: { a: null } }),
    P('an object value', { fields: { a: { b: 'c' } } }),
    P('a boolean value', { fields: { a: true } }),
    P('pairs is an object', { pairs: { a: '1' } }),
    P('a pair of one', { pairs: [['a']] }),
    P('a pair of three', { pairs: [['a', '1', '2']] }),
    P('a pair with a number', { pairs: [['a', 1]] }),
    P('a pair with null name', { pairs: [[null, '1']] }),
    P('a lone surrogate value (fields)', { fields: { a: 'x\ud800' } }),
    P('a lone surrogate value (pairs)', { pairs: [['a', '\udfff']] }),
    P('a lone surrogate name (fields)', { fields: { '\ud800': 'v' } }),
    P('a lone surrogate name (pairs)', { pairs: [['n\udc00', 'v']] }),
    P('messages empty', { messages: [] }),
    P('messages an object', { messages: { fields: { a: '1' } } }),
    P('a message with neither', { messages: [{}] }),
    P('a message with empty fields', { messages: [{ fields: { a: '1' } }, { fields: {} }] }),
    P('a message with both', { messages: [{ fields: { a: '1' }, pairs: [['a', '1']] }] }),
    P('messages and fields', { messages: [{ fields: { a: '1' } }], fields: { a: '1' } }),
    P('messages and a top-level id', { messages: [{ fields: { a: '1' } }], id: '5-0' }),
    P('1001 messages', { messages: Array.from({ length: 1001 }, () => ({ fields: { a: '1' } })) }),
    P('a numeric id', { fields: { a: '1' }, id: 5 }),
    P('trim {}', { fields: { a: '1' }, trim: {} }),
    P('trim maxLen -1', { fields: { a: '1' }, trim: { maxLen: -1 } }),
    P('trim maxLen 1.5', { fields: { a: '1' }, trim: { maxLen: 1.5 } }),
    P('trim maxLen "10"', { fields: { a: '1' }, trim: { maxLen: '10' } }),
    P('trim maxLen and minId', { fields: { a: '1' }, trim: { maxLen: 1, minId: '1-0' } }),
    P('trim exact "yes"', { fields: { a: '1' }, trim: { maxLen: 1, exact: 'yes' } }),
    P('trim a string', { fields: { a: '1' }, trim: 'maxLen=1' }),
    P('encoding=latin1', { fields: { a: '1' } }, '?encoding=latin1'),
    P('encoding=BASE64', { fields: { a: '1' } }, '?encoding=BASE64'),
    P('encoding empty', { fields: { a: '1' } }, '?encoding='),
    P('encoding twice', { fields: { a: '1' } }, '?encoding=utf8&encoding=base64'),
  );
  // A field named __proto__ in `fields` is refused (the JSON parser forbids the key), never
  // silently dropped; `pairs` carries such names (interop.test.ts).
  out.push(VF('publish: a __proto__ field in fields', { method: 'POST', url: pub, raw: '{"fields":{"__proto__":"x"}}', headers: json }));
  for (const bad of ['***', 'a', 'YWJj=', 'YQ', 'Y Q==', 'YQ==YQ==', '\ud800']) {
    out.push(P(`invalid base64 ${JSON.stringify(bad)} (fields)`, { fields: { a: 'YQ==', b: bad } }, '?encoding=base64'));
    out.push(P(`invalid base64 ${JSON.stringify(bad)} (pairs)`, { pairs: [['b', bad]] }, '?encoding=base64'));
  }
  out.push(P('invalid base64 in a batch', { messages: [{ fields: { a: 'YQ==' } }, { fields: { a: '!' } }] }, '?encoding=base64'));
  for (const bad of [...BAD_IDS, '0-0', '0', 'abc-*', '-*', `${BigInt(U64) + 1n}-*`, '*', '1-*-*']) {
    out.push(BADID(`publish: id ${JSON.stringify(bad)}`, { method: 'POST', url: pub, body: { fields: { a: '1' }, id: bad } }));
    out.push(
      BADID(`publish: batch id ${JSON.stringify(bad)}`, {
        method: 'POST',
        url: pub,
        body: { messages: [{ fields: { a: '1' } }, { fields: { a: '2' }, id: bad }] },
      }),
    );
  }
  for (const bad of BAD_IDS) {
    out.push(BADID(`publish: trim minId ${JSON.stringify(bad)}`, { method: 'POST', url: pub, body: { fields: { a: '1' }, trim: { minId: bad } } }));
  }
  for (const [what, key] of [
    ['empty', ''],
    ['with a space', 'a b'],
    ['256 characters', 'k'.repeat(256)],
  ] as const) {
    out.push(VF(`publish: Idempotency-Key ${what}`, { method: 'POST', url: pub, body: { fields: { a: '1' } }, headers: { 'idempotency-key': key } }));
  }

  // read range
  const read = (q: string) => `/v1/streams/${s}/messages?${q}`;
  for (const bad of BAD_IDS.filter((b) => b !== '')) {
    out.push(BADID(`read range: start ${JSON.stringify(bad)}`, { method: 'GET', url: read(`start=${enc(bad)}`) }));
    out.push(BADID(`read range: end ${JSON.stringify(bad)}`, { method: 'GET', url: read(`end=${enc(bad)}`) }));
    out.push(BADID(`read range: exclusive start (${bad}`, { method: 'GET', url: read(`start=${enc(`(${bad}`)}`) }));
  }
  for (const bad of ['(', '((1-0', '(-', '(+', '[1-0', '--']) {
    out.push(BADID(`read range: start ${JSON.stringify(bad)}`, { method: 'GET', url: read(`start=${enc(bad)}`) }));
  }
  out.push(BADID('read range: empty start', { method: 'GET', url: read('start=') }));
  for (const c of BAD_QUERY_COUNTS) out.push(VF(`read range: count=${c}`, { method: 'GET', url: read(`count=${c}`) }));
  out.push(
    VF('read range: count twice', { method: 'GET', url: read('count=1&count=2') }),
    VF('read range: empty count', { method: 'GET', url: read('count=') }),
    VF('read range: reverse=yes', { method: 'GET', url: read('reverse=yes') }),
    VF('read range: encoding=latin1', { method: 'GET', url: read('encoding=latin1') }),
    BADID('read range: a 66-digit start is a malformed ID, whatever its length', { method: 'GET', url: read(`start=${'1'.repeat(66)}`) }),
  );

  // delete message
  for (const bad of BAD_IDS) {
    out.push(BADID(`delete message: id ${JSON.stringify(bad)}`, { method: 'DELETE', url: `/v1/streams/${s}/messages/${enc(bad)}` }));
  }
  out.push(BADID('delete message: id "(1-0"', { method: 'DELETE', url: `/v1/streams/${s}/messages/${enc('(1-0')}` }));
  out.push(BADID('delete message: id "-"', { method: 'DELETE', url: `/v1/streams/${s}/messages/-` }));

  // trim
  const trim = `/v1/streams/${s}/trim`;
  const T = (label: string, body: unknown) => VF(`trim: ${label}`, { method: 'POST', url: trim, body });
  out.push(
    T('neither maxLen nor minId', {}),
    T('unknown shape', { max: 5 }),
    T('maxLen -1', { maxLen: -1 }),
    T('maxLen 1.5', { maxLen: 1.5 }),
    T('maxLen "5"', { maxLen: '5' }),
    T('maxLen 1e300', { maxLen: 1e300 }),
    T('maxLen and minId', { maxLen: 1, minId: '1-0' }),
    T('safe "yes"', { maxLen: 1, safe: 'yes' }),
    T('exact 1', { maxLen: 1, exact: 1 }),
    T('minId a number', { minId: 5 }),
  );
  for (const bad of BAD_IDS) out.push(BADID(`trim: minId ${JSON.stringify(bad)}`, { method: 'POST', url: trim, body: { minId: bad } }));

  // group create (createStream: true: a malformed request must not create the stream either)
  const groups = `/v1/streams/${s}/groups`;
  const C = (label: string, body: object) =>
    VF(`group create: ${label}`, { method: 'POST', url: groups, body: { group: 'g', createStream: true, ...body } });
  out.push(
    VF('group create: missing group', { method: 'POST', url: groups, body: { createStream: true } }),
    C('leaseMs 10', { leaseMs: 10 }),
    C('leaseMs 49', { leaseMs: 49 }),
    C('leaseMs -1', { leaseMs: -1 }),
    C('leaseMs 43200001', { leaseMs: 43_200_001 }),
    C('leaseMs 1.5', { leaseMs: 1.5 }),
    C('leaseMs "1000"', { leaseMs: '1000' }),
    C('maxDeliveries 1001', { maxDeliveries: 1001 }),
    C('maxDeliveries -1', { maxDeliveries: -1 }),
    C('maxDeliveries 2.5', { maxDeliveries: 2.5 }),
    C('deadLetterStream = the stream itself', { deadLetterStream: stream }),
    C('deadLetterStream empty', { deadLetterStream: '' }),
    C('deadLetterStream 513 bytes', { deadLetterStream: 'd'.repeat(513) }),
    C('deadLetterStream with a control character', { deadLetterStream: 'd\u0001' }),
    C('deadLetterStream a lone surrogate', { deadLetterStream: 'd\ud800' }),
    C('deadLetterStream a number', { deadLetterStream: 5 }),
    C('createStream "yes"', { createStream: 'yes' }),
    C('entriesRead -1', { entriesRead: -1 }),
    C('entriesRead 1.5', { entriesRead: 1.5 }),
    C('start a number', { start: 0 }),
  );
  for (const bad of [...BAD_IDS, '>', '+', '-', '(1-0']) {
    out.push(BADID(`group create: start ${JSON.stringify(bad)}`, { method: 'POST', url: groups, body: { group: 'g', createStream: true, start: bad } }));
  }

  // group patch
  const PT = (label: string, body: unknown) => VF(`group patch: ${label}`, { method: 'PATCH', url: g(''), body });
  out.push(
    PT('leaseMs 10', { leaseMs: 10 }),
    PT('leaseMs 43200001', { leaseMs: 43_200_001 }),
    PT('leaseMs -1', { leaseMs: -1 }),
    PT('leaseMs null', { leaseMs: null }),
    PT('maxDeliveries 1001', { maxDeliveries: 1001 }),
    PT('maxDeliveries 1.5', { maxDeliveries: 1.5 }),
    PT('deadLetterStream = the stream itself', { deadLetterStream: stream }),
    PT('deadLetterStream empty', { deadLetterStream: '' }),
    PT('deadLetterStream with a newline', { deadLetterStream: 'a\nb' }),
    PT('one good, one bad field', { leaseMs: 1000, maxDeliveries: 1001 }),
  );

  // group position
  const PO = (label: string, body: unknown) => VF(`group position: ${label}`, { method: 'PUT', url: g('/position'), body });
  out.push(
    PO('neither id nor timestampMs', {}),
    PO('both id and timestampMs', { id: '0', timestampMs: 1 }),
    PO('timestampMs -1', { timestampMs: -1 }),
    PO('timestampMs 1.5', { timestampMs: 1.5 }),
    PO('timestampMs "now"', { timestampMs: 'now' }),
    PO('id a number', { id: 0 }),
    PO('entriesRead -1', { id: '0', entriesRead: -1 }),
  );
  for (const bad of [...BAD_IDS, '>', '+', '(1-0']) {
    out.push(BADID(`group position: id ${JSON.stringify(bad)}`, { method: 'PUT', url: g('/position'), body: { id: bad } }));
  }

  // consumer delete
  for (const f of ['yes', '1', 'TRUE', '']) {
    out.push(VF(`consumer delete: force=${f}`, { method: 'DELETE', url: `${g('/consumers/c')}?force=${f}` }));
  }

  // pull
  const PL = (label: string, body: object, query = '') =>
    VF(`pull: ${label}`, { method: 'POST', url: g('/pull') + query, body: { consumer: 'c', ...body } });
  out.push(VF('pull: missing consumer', { method: 'POST', url: g('/pull'), body: { count: 1 } }));
  for (const c of BAD_COUNTS) out.push(PL(`count ${JSON.stringify(c)}`, { count: c }));
  for (const w of [60_001, -1, 1.5, 'abc', 1e12]) out.push(PL(`waitMs ${JSON.stringify(w)}`, { waitMs: w }));
  out.push(
    PL('noAck "yes"', { noAck: 'yes' }),
    PL('from a number', { from: 0 }),
    PL('encoding=latin1', {}, '?encoding=latin1'),
  );
  for (const bad of BAD_IDS) out.push(BADID(`pull: from ${JSON.stringify(bad)}`, { method: 'POST', url: g('/pull'), body: { consumer: 'c', from: bad } }));

  // ack, nack, extend: IDs and batches
  for (const [name, extra] of [
    ['ack', {}],
    ['nack', { consumer: 'c' }],
    ['extend', { consumer: 'c' }],
  ] as const) {
    const url = g(`/${name}`);
    const A = (label: string, body: object) => VF(`${name}: ${label}`, { method: 'POST', url, body: { ...extra, ...body } });
    out.push(
      A('missing ids', {}),
      A('ids a string', { ids: '1-0' }),
      A('ids empty', { ids: [] }),
      A('ids with a number', { ids: [1] }),
      A('ids with null', { ids: [null] }),
      A('1001 ids', { ids: ids(1001) }),
    );
    for (const bad of BAD_IDS) {
      out.push(BADID(`${name}: id ${JSON.stringify(bad)}`, { method: 'POST', url, body: { ...extra, ids: ['1-0', bad] } }));
    }
  }
  out.push(
    VF('nack: missing consumer', { method: 'POST', url: g('/nack'), body: { ids: ['1-0'] } }),
    VF('extend: missing consumer', { method: 'POST', url: g('/extend'), body: { ids: ['1-0'] } }),
  );
  for (const d of [-1, 1.5, 'abc', 43_200_001]) {
    out.push(VF(`nack: delayMs ${JSON.stringify(d)}`, { method: 'POST', url: g('/nack'), body: { consumer: 'c', ids: ['1-0'], delayMs: d } }));
  }

  // pending entries
  const pe = (q: string) => `${g('/pending/entries')}?${q}`;
  for (const bad of BAD_IDS.filter((b) => b !== '')) {
    out.push(BADID(`pending entries: start ${JSON.stringify(bad)}`, { method: 'GET', url: pe(`start=${enc(bad)}`) }));
    out.push(BADID(`pending entries: end ${JSON.stringify(bad)}`, { method: 'GET', url: pe(`end=${enc(bad)}`) }));
  }
  for (const c of BAD_QUERY_COUNTS) out.push(VF(`pending entries: count=${c}`, { method: 'GET', url: pe(`count=${c}`) }));
  for (const m of ['-1', '1.5', 'abc']) out.push(VF(`pending entries: minIdleMs=${m}`, { method: 'GET', url: pe(`minIdleMs=${m}`) }));

  // claim
  const CL = (label: string, body: object, query = '') =>
    VF(`claim: ${label}`, { method: 'POST', url: g('/claim') + query, body: { consumer: 'c', minIdleMs: 0, ids: ['1-0'], ...body } });
  out.push(
    VF('claim: missing minIdleMs', { method: 'POST', url: g('/claim'), body: { consumer: 'c', ids: ['1-0'] } }),
    VF('claim: missing ids', { method: 'POST', url: g('/claim'), body: { consumer: 'c', minIdleMs: 0 } }),
    CL('minIdleMs -1', { minIdleMs: -1 }),
    CL('minIdleMs 1.5', { minIdleMs: 1.5 }),
    CL('ids empty', { ids: [] }),
    CL('1001 ids', { ids: ids(1001) }),
    CL('idleMs -1', { idleMs: -1 }),
    CL('timeMs -1', { timeMs: -1 }),
    CL('retryCount -1', { retryCount: -1 }),
    CL('retryCount 1.5', { retryCount: 1.5 }),
    CL('force "yes"', { force: 'yes' }),
    CL('justId 1', { justId: 1 }),
    CL('encoding=latin1', {}, '?encoding=latin1'),
  );
  for (const bad of BAD_IDS) out.push(BADID(`claim: id ${JSON.stringify(bad)}`, { method: 'POST', url: g('/claim'), body: { consumer: 'c', minIdleMs: 0, ids: [bad] } }));

  // autoclaim
  const AC = (label: string, body: object, query = '') =>
    VF(`autoclaim: ${label}`, { method: 'POST', url: g('/autoclaim') + query, body: { consumer: 'c', minIdleMs: 0, ...body } });
  out.push(
    VF('autoclaim: missing minIdleMs', { method: 'POST', url: g('/autoclaim'), body: { consumer: 'c' } }),
    AC('minIdleMs -1', { minIdleMs: -1 }),
    AC('justId "yes"', { justId: 'yes' }),
    AC('encoding=latin1', {}, '?encoding=latin1'),
  );
  for (const c of BAD_COUNTS) out.push(AC(`count ${JSON.stringify(c)}`, { count: c }));
  for (const bad of [...BAD_IDS, '(1-0', '-']) {
    out.push(BADID(`autoclaim: start ${JSON.stringify(bad)}`, { method: 'POST', url: g('/autoclaim'), body: { consumer: 'c', minIdleMs: 0, start: bad } }));
  }

  // dead-letters list
  const dl = (q: string) => `${g('/dead-letters')}?${q}`;
  for (const c of BAD_QUERY_COUNTS) out.push(VF(`dead-letters list: count=${c}`, { method: 'GET', url: dl(`count=${c}`) }));
  out.push(VF('dead-letters list: encoding=latin1', { method: 'GET', url: dl('encoding=latin1') }));
  for (const bad of BAD_IDS) out.push(BADID(`dead-letters list: after ${JSON.stringify(bad)}`, { method: 'GET', url: dl(`after=${enc(bad)}`) }));

  // dead-letters redrive
  const RD = (label: string, body: unknown) => VF(`dead-letters redrive: ${label}`, { method: 'POST', url: g('/dead-letters/redrive'), body });
  out.push(
    RD('ids empty', { ids: [] }),
    RD('1001 ids', { ids: ids(1001) }),
    RD('ids and count', { ids: ['1-0'], count: 1 }),
    RD('ids a string', { ids: '1-0' }),
  );
  for (const c of BAD_COUNTS.filter((x) => x !== null)) out.push(RD(`count ${JSON.stringify(c)}`, { count: c }));
  for (const bad of BAD_IDS) out.push(BADID(`dead-letters redrive: id ${JSON.stringify(bad)}`, { method: 'POST', url: g('/dead-letters/redrive'), body: { ids: [bad] } }));

  return out;
}

/** GET /v1/streams names no stream. */
function listCases(): Case[] {
  const out: Case[] = [];
  for (const c of BAD_QUERY_COUNTS) out.push(VF(`list streams: count=${c}`, { method: 'GET', url: `/v1/streams?count=${c}` }));
  for (const c of ['abc', '-1', '1.5', '99999999999999999999', `${BigInt(U64) + 1n}`, '1'.repeat(21)]) {
    out.push(VF(`list streams: cursor=${c}`, { method: 'GET', url: `/v1/streams?cursor=${c}` }));
  }
  out.push(VF('list streams: match over 1024 characters', { method: 'GET', url: `/v1/streams?match=${'*'.repeat(1025)}` }));
  return out;
}

describe('malformed requests', () => {
  let t: TestApp;
  let small: TestApp;
  let redis: Redis;
  /** Every answer of this file, to check that none was a 5xx. */
  const answers: Array<{ label: string; status: number }> = [];

  async function send(label: string, r: Req) {
    const opts: InjectOptions = { method: r.method, url: r.url, headers: { ...r.headers } };
    if (r.raw !== undefined) opts.payload = r.raw;
    else if (r.body !== undefined) {
      opts.payload = JSON.stringify(r.body);
      opts.headers = { 'content-type': 'application/json', ...r.headers };
    }
    const res = await t.app.inject(opts);
    answers.push({ label, status: res.statusCode });
    return res;
  }

  async function expectProblem(label: string, r: Req, status: number, code: Code, app?: TestApp) {
    const res = app ? await app.app.inject({ method: r.method, url: r.url, payload: r.raw, headers: r.headers }) : await send(label, r);
    if (app) answers.push({ label, status: res.statusCode });
    let body: { code?: unknown; status?: unknown; type?: unknown; title?: unknown; detail?: unknown } = {};
    try {
      body = res.json();
    } catch {
      // shown by the assertion below
    }
    const seen = {
      status: res.statusCode,
      type: String(res.headers['content-type']).split(';')[0],
      code: body.code,
      bodyStatus: body.status,
      known: CONTRACT_CODES.includes(String(body.code)),
      described: typeof body.type === 'string' && typeof body.title === 'string' && typeof body.detail === 'string',
    };
    expect(seen, `${label}: ${r.method} ${r.url.slice(0, 200)} → ${res.body.slice(0, 300)}`).toEqual({
      status,
      type: 'application/problem+json',
      code,
      bodyStatus: status,
      known: true,
      described: true,
    });
    return res;
  }

  beforeAll(async () => {
    t = await testApp();
    small = await testApp({ STREAMGATE_MAX_BODY_BYTES: '4096' });
    redis = new Redis(redisUrl());
    // EXISTING: a stream with one entry and group g (leaseMs 1000) holding it pending for c.
    await redis.xadd(EXISTING, '1-1', 'a', '1');
    await redis.xgroup('CREATE', EXISTING, 'g', '0');
    const res = await t.app.inject({ method: 'PATCH', url: gpath(enc(EXISTING), 'g'), payload: { leaseMs: 1000 } });
    expect(res.statusCode).toBe(200);
    await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'STREAMS', EXISTING, '>');
  });

  afterAll(async () => {
    await t?.close();
    await small?.close();
    await redis?.quit();
  });

  describe('baseline: each route, well formed, about a missing stream', () => {
    // Shows that the 400s below come from validation, not from a broken route.
    it.each(ROUTES.map((r) => [r.name, r] as const))('%s', async (_name, r) => {
      const s = uniq('malformed-baseline');
      const res = await send(`baseline ${r.name}`, { method: r.method, url: r.path(enc(s), 'g', 'c'), body: r.body });
      if (r.name === 'publish') expect(res.statusCode).toBe(201);
      else if (r.name === 'group create') expect(res.statusCode).toBe(201);
      else expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 404, code: 'STREAM_NOT_FOUND' });
    });
  });

  describe('bad names, on every route', () => {
    it.each(nameCases().map((c) => [c.label, c] as const))('%s', async (label, c) => {
      await expectProblem(label, c, c.status, c.code);
    });
  });

  describe('malformed input, stream missing (validation before existence)', () => {
    it.each(routeCases(MISSING).map((c) => [c.label, c] as const))('%s', async (label, c) => {
      await expectProblem(label, c, c.status, c.code);
    });
  });

  describe('malformed input, stream and group existing', () => {
    it.each(routeCases(EXISTING).map((c) => [c.label, c] as const))('%s', async (label, c) => {
      await expectProblem(label, c, c.status, c.code);
    });
  });

  describe('list streams', () => {
    it.each(listCases().map((c) => [c.label, c] as const))('%s', async (label, c) => {
      await expectProblem(label, c, c.status, c.code);
    });
  });

  describe('limits at their edge pass validation', () => {
    // The same limits, one step inside: on a missing stream these reach the existence check.
    const s = () => enc(uniq('malformed-edge'));
    const notFound = async (label: string, r: Req) => {
      const res = await send(label, r);
      expect({ status: res.statusCode, code: res.json().code }, `${label}: ${res.body}`).toEqual({ status: 404, code: 'STREAM_NOT_FOUND' });
    };
    it('count 1000, waitMs 60000, 1000 ids, leaseMs 50 and 43200000, maxDeliveries 1000, delayMs 43200000', async () => {
      const x = s();
      await notFound('read count=1000', { method: 'GET', url: `/v1/streams/${x}/messages?count=1000` });
      await notFound('pull count 1000', { method: 'POST', url: gpath(x, 'g', '/pull'), body: { consumer: 'c', count: 1000, waitMs: 60_000 } });
      await notFound('ack 1000 ids', { method: 'POST', url: gpath(x, 'g', '/ack'), body: { ids: ids(1000) } });
      await notFound('claim 1000 ids', { method: 'POST', url: gpath(x, 'g', '/claim'), body: { consumer: 'c', minIdleMs: 0, ids: ids(1000) } });
      await notFound('nack delayMs 43200000', { method: 'POST', url: gpath(x, 'g', '/nack'), body: { consumer: 'c', ids: ['1-0'], delayMs: 43_200_000 } });
      await notFound('group 256 bytes', { method: 'GET', url: gpath(x, 'g'.repeat(256)) });
      await notFound('stream 512 bytes', { method: 'GET', url: `/v1/streams/${'s'.repeat(500)}${x.slice(0, 12)}` });
      for (const policy of [{ leaseMs: 50 }, { leaseMs: 43_200_000 }, { leaseMs: 0 }, { maxDeliveries: 1000 }]) {
        await notFound(`create ${JSON.stringify(policy)}`, { method: 'POST', url: `/v1/streams/${x}/groups`, body: { group: 'g', ...policy } });
      }
    });
  });

  describe('needs the group policy', () => {
    it('nack delayMs above 12 h is VALIDATION_FAILED; above the group leaseMs it is accepted', async () => {
      const url = gpath(enc(EXISTING), 'g', '/nack');
      await expectProblem('nack delayMs 43200001', { method: 'POST', url, body: { consumer: 'c', ids: ['1-1'], delayMs: 43_200_001 } }, 400, 'VALIDATION_FAILED');
      const res = await send('nack delayMs 1001 > leaseMs 1000', { method: 'POST', url, body: { consumer: 'c', ids: ['1-1'], delayMs: 1001 } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ released: 1 });
    });

    it('exclusive bounds that leave no ID are INVALID_ID, not a Redis error (500)', async () => {
      // Redis refuses XRANGE/XPENDING with `(` + the largest ID as start or `(0-0` as end
      // ("invalid start ID for the interval"); that used to come back as 500 INTERNAL.
      const s = enc(EXISTING);
      for (const url of [
        `/v1/streams/${s}/messages?start=${enc(`(${MAX_ID}`)}`,
        `/v1/streams/${s}/messages?end=${enc('(0-0')}`,
        `/v1/streams/${s}/messages?end=${enc('(0-0')}&reverse=true`,
        `${gpath(s, 'g', '/pending/entries')}?start=${enc(`(${MAX_ID}`)}`,
        `${gpath(s, 'g', '/pending/entries')}?end=${enc('(0-0')}`,
        // `after` = the largest ID reads from `(max` on the dead-letter stream: same refusal.
        `${gpath(s, 'g', '/dead-letters')}?after=${MAX_ID}`,
      ]) {
        await expectProblem(url, { method: 'GET', url }, 400, 'INVALID_ID');
      }
      // The neighbouring bounds are fine.
      for (const url of [
        `/v1/streams/${s}/messages?start=${enc(`(${U64}`)}`,
        `/v1/streams/${s}/messages?end=${enc('(0')}`,
        `/v1/streams/${s}/messages?start=${enc('(0-0')}`,
        `/v1/streams/${s}/messages?end=${enc(`(${MAX_ID}`)}`,
      ]) {
        const res = await send(url, { method: 'GET', url });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      }
    });
  });

  describe('sizes', () => {
    const MiB = 1_048_576;

    it('a message over 1 MiB (names + values, in bytes) is PAYLOAD_TOO_LARGE; exactly 1 MiB is accepted', async () => {
      const s = uniq('malformed-size');
      const url = `/v1/streams/${enc(s)}/messages`;
      await expectProblem('1 MiB + 1 byte', { method: 'POST', url, body: { fields: { v: 'x'.repeat(MiB) } } }, 413, 'PAYLOAD_TOO_LARGE');
      // 524289 characters, 1048578 bytes: bytes count, not characters.
      await expectProblem('two-byte characters', { method: 'POST', url, body: { fields: { v: 'é'.repeat(MiB / 2 + 1) } } }, 413, 'PAYLOAD_TOO_LARGE');
      await expectProblem('over 1 MiB in pairs', { method: 'POST', url, body: { pairs: [['a', 'x'.repeat(MiB / 2)], ['a', 'x'.repeat(MiB / 2)]] } }, 413, 'PAYLOAD_TOO_LARGE');
      // base64: the decoded bytes count, not the text.
      const over = Buffer.alloc(MiB, 1).toString('base64');
      await expectProblem('base64 decoding to 1 MiB + name', { method: 'POST', url: `${url}?encoding=base64`, body: { fields: { v: over } } }, 413, 'PAYLOAD_TOO_LARGE');
      // All or nothing: one big message in a batch refuses the batch.
      await expectProblem(
        'batch with one message too large',
        { method: 'POST', url, body: { messages: [{ fields: { a: '1' } }, { fields: { v: 'x'.repeat(MiB) } }] } },
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expect(await redis.exists(s)).toBe(0);

      const ok = await send('exactly 1 MiB', { method: 'POST', url, body: { fields: { v: 'x'.repeat(MiB - 1) } } });
      expect(ok.statusCode, ok.body).toBe(201);
      const b64 = await send('base64 text over 1 MiB, bytes under', {
        method: 'POST',
        url: `${url}?encoding=base64`,
        body: { fields: { v: Buffer.alloc(MiB - 1, 2).toString('base64') } },
      });
      expect(b64.statusCode, b64.body).toBe(201);
      expect(await redis.xlen(s)).toBe(2);
    });

    it('a body over the body limit is PAYLOAD_TOO_LARGE on every route that takes one', async () => {
      const s = enc(uniq('malformed-body'));
      const pad = 'x'.repeat(5000);
      const json = { 'content-type': 'application/json' };
      const bodies: Array<[string, Method, string, string]> = [
        ['publish', 'POST', `/v1/streams/${s}/messages`, JSON.stringify({ fields: { a: pad } })],
        ['trim', 'POST', `/v1/streams/${s}/trim`, JSON.stringify({ maxLen: 1, pad })],
        ['group create', 'POST', `/v1/streams/${s}/groups`, JSON.stringify({ group: 'g', pad })],
        ['group patch', 'PATCH', gpath(s, 'g'), JSON.stringify({ leaseMs: 1000, pad })],
        ['group position', 'PUT', gpath(s, 'g', '/position'), JSON.stringify({ id: '0', pad })],
        ['pull', 'POST', gpath(s, 'g', '/pull'), JSON.stringify({ consumer: 'c', pad })],
        ['ack', 'POST', gpath(s, 'g', '/ack'), JSON.stringify({ ids: ids(700) })],
        ['nack', 'POST', gpath(s, 'g', '/nack'), JSON.stringify({ consumer: 'c', ids: ids(700) })],
        ['extend', 'POST', gpath(s, 'g', '/extend'), JSON.stringify({ consumer: 'c', ids: ids(700) })],
        ['claim', 'POST', gpath(s, 'g', '/claim'), JSON.stringify({ consumer: 'c', minIdleMs: 0, ids: ids(700) })],
        ['autoclaim', 'POST', gpath(s, 'g', '/autoclaim'), JSON.stringify({ consumer: 'c', minIdleMs: 0, pad })],
        ['redrive', 'POST', gpath(s, 'g', '/dead-letters/redrive'), JSON.stringify({ ids: ids(700) })],
        ['not even JSON', 'POST', `/v1/streams/${s}/messages`, pad],
      ];
      for (const [name, method, url, raw] of bodies) {
        expect(raw.length).toBeGreaterThan(4096);
        await expectProblem(`body limit: ${name}`, { method, url, raw, headers: json }, 413, 'PAYLOAD_TOO_LARGE', small);
      }
      // The default limit (6.1 MiB, from the message limits) too.
      const huge = JSON.stringify({ fields: { a: 'x'.repeat(7 * MiB) } });
      await expectProblem('body over the default limit', { method: 'POST', url: `/v1/streams/${s}/messages`, raw: huge, headers: json }, 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('keys of another type', () => {
    const KINDS = ['string', 'hash', 'list'] as const;
    const named: Record<(typeof KINDS)[number], string> = {
      string: uniq('malformed-string'),
      hash: uniq('malformed-hash'),
      list: uniq('malformed-list'),
    };

    beforeAll(async () => {
      await redis.set(named.string, 'plain value');
      await redis.hset(named.hash, 'field', 'value', 'other', '2');
      await redis.rpush(named.list, 'a', 'b');
    });

    const dump = async (key: string) => ({
      type: await redis.type(key),
      value: await redis.dumpBuffer(key),
      ttl: await redis.pttl(key),
    });

    const cases = KINDS.flatMap((kind) =>
      ROUTES.map((r) => [`${kind}: ${r.name}`, kind, r] as const),
    );

    it.each(cases)('%s → 409 NOT_A_STREAM, key untouched', async (label, kind, r) => {
      const key = named[kind];
      const before = await dump(key);
      const body = r.name === 'pull' ? { consumer: 'c', waitMs: 3000 } : r.body;
      const headers = r.name === 'publish' ? { 'idempotency-key': `k-${kind}` } : undefined;
      const t0 = Date.now();
      await expectProblem(label, { method: r.method, url: r.path(enc(key), 'g', 'c'), body, headers }, 409, 'NOT_A_STREAM');
      expect(Date.now() - t0).toBeLessThan(2000); // a waiting pull fails at once, it does not wait
      expect(await dump(key)).toEqual(before);
      // No derived key appeared: policy hash, idempotency record, dead-letter stream.
      expect(await redis.exists(keys.policy(key), keys.idempotency(key, `k-${kind}`), keys.defaultDeadLetter(key))).toBe(0);
    });

    it('the keys still hold their values after every route', async () => {
      expect(await redis.get(named.string)).toBe('plain value');
      expect(await redis.hgetall(named.hash)).toEqual({ field: 'value', other: '2' });
      expect(await redis.lrange(named.list, 0, -1)).toEqual(['a', 'b']);
    });
  });

  describe('afterwards', () => {
    it('no malformed request wrote anything', async () => {
      // Publish, group create (createStream: true) and the rest never created the missing stream.
      expect(await redis.exists(MISSING, keys.policy(MISSING), keys.defaultDeadLetter(MISSING))).toBe(0);
      expect(await redis.xlen(EXISTING)).toBe(1);
      const groups = (await redis.xinfo('GROUPS', EXISTING)) as unknown[][];
      expect(groups).toHaveLength(1);
      const policy = JSON.parse((await redis.hget(keys.policy(EXISTING), 'g')) ?? '{}');
      expect(policy).toEqual({ leaseMs: 1000, maxDeliveries: 0, deadLetterStream: `${EXISTING}:dlq`, reapIdleMs: 0 });
    });

    it('no request of this file answered a 5xx', () => {
      expect(answers.length).toBeGreaterThan(800);
      const fivexx = answers.filter((a) => a.status >= 500);
      expect(fivexx).toEqual([]);
      expect(answers.every((a) => a.status >= 200 && a.status < 500)).toBe(true);
    });
  });
});
