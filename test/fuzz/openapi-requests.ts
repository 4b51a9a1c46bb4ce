import fc from 'fast-check';
import type { Limits } from '../../src/runtime/config.js';
import type { OpenApiDocument } from '../helpers/openapi-check.js';
import { HOSTILE_NAMES, NUMBER_TEXTS, anyString, idArbitrary, intArbitrary, nameArbitrary } from './hostile.js';
import { type Json, Obj, Raw, jsonText } from './json-text.js';
import { edgesFor } from './settings.js';

/**
 * Request generators derived from the committed OpenAPI document: one per operation, built
 * from its parameters and body schema, so a route added to the document is fuzzed without
 * touching this file. A schema shape or path parameter this file cannot generate throws
 * (the test listing generators then fails), rather than being skipped silently.
 */

type SchemaNode = Readonly<Record<string, unknown>>;

interface MediaObject {
  readonly schema?: SchemaNode;
  readonly example?: unknown;
  readonly examples?: Record<string, { readonly value?: unknown }>;
}

interface ParameterObject {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: SchemaNode;
}

export interface Operation {
  readonly method: string;
  /** As in the document: `/v1/streams/{stream}/messages`. */
  readonly route: string;
  readonly parameters: readonly ParameterObject[];
  readonly bodySchema: SchemaNode | null;
  /** The document's examples of the request body. */
  readonly bodyExamples: readonly unknown[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [route, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const raw = op as unknown as { parameters?: ParameterObject[]; requestBody?: { content?: Record<string, MediaObject> } };
      const content = raw.requestBody?.content;
      let bodySchema: SchemaNode | null = null;
      const bodyExamples: unknown[] = [];
      if (content) {
        const json = content['application/json'];
        if (!json?.schema) throw new Error(`${method.toUpperCase()} ${route}: request body without an application/json schema`);
        bodySchema = json.schema;
        if (json.example !== undefined) bodyExamples.push(json.example);
        for (const e of Object.values(json.examples ?? {})) if (e.value !== undefined) bodyExamples.push(e.value);
      }
      out.push({ method: method.toUpperCase(), route, parameters: raw.parameters ?? [], bodySchema, bodyExamples });
    }
  }
  return out;
}

/** What the fixture holds, so that generated requests also reach the code behind the existence checks. */
export interface Known {
  readonly streams: readonly string[];
  readonly groups: readonly string[];
  readonly consumers: readonly string[];
}

/** One generated request, before it is put on the wire. */
export interface FuzzRequest {
  readonly method: string;
  readonly route: string;
  /** Path parameters as generated (what the server should decode), and how each was encoded. */
  readonly params: Readonly<Record<string, { readonly value: string; readonly encoding: SegmentEncoding }>>;
  readonly query: ReadonlyArray<readonly [string, QueryValue]>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Body | null;
}

export type SegmentEncoding = 'component' | 'raw' | 'double';
export type QueryValue = { readonly text: string; readonly encode: boolean } | null;

export interface Body {
  readonly contentType: string | null;
  readonly payload: Json | Buffer;
}

// ------------------------------------------------------------------------------------------
// Encoding

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Characters the raw mode leaves as they are: nothing that would end the segment or the path. */
const RAW_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@%[\]{}|^`"<>\\]/;

/** Percent-encodes UTF-8, and a lone surrogate as the (invalid) 3-byte sequence it would have in CESU-8. */
function percentEncode(text: string, keep: RegExp): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i] ?? '';
    if (code < 0x80 && keep.test(ch)) {
      out += ch;
      continue;
    }
    let bytes: Buffer;
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes = Buffer.from(text.slice(i, i + 2), 'utf8');
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      bytes = Buffer.from([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]);
    } else {
      bytes = Buffer.from(ch, 'utf8');
    }
    for (const b of bytes) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function encodeSegment(value: string, encoding: SegmentEncoding): string {
  if (encoding === 'raw') return percentEncode(value, RAW_SAFE);
  const once = percentEncode(value, UNRESERVED);
  return encoding === 'double' ? percentEncode(once, UNRESERVED) : once;
}

/** The value the server decodes from the segment, or null when it cannot be decoded. */
export function decodedSegment(value: string, encoding: SegmentEncoding): string | null {
  try {
    return decodeURIComponent(encodeSegment(value, encoding));
  } catch {
    return null;
  }
}

export function pathOf(r: FuzzRequest): string {
  const path = r.route.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const p = r.params[name];
    if (!p) throw new Error(`no value for path parameter ${name}`);
    return encodeSegment(p.value, p.encoding);
  });
  const q = r.query
    .map(([k, v]) => {
      const key = percentEncode(k, UNRESERVED);
      if (v === null) return key;
      return `${key}=${v.encode ? percentEncode(v.text, UNRESERVED) : v.text}`;
    })
    .join('&');
  return q ? `${path}?${q}` : path;
}

export function bodyBytes(body: Body): Buffer {
  return Buffer.isBuffer(body.payload) ? body.payload : Buffer.from(jsonText(body.payload), 'utf8');
}

// ------------------------------------------------------------------------------------------
// Generators

export interface GeneratorContext {
  readonly doc: OpenApiDocument;
  readonly limits: Limits;
  readonly known: Known;
}

const ID_NAMES = new Set(['id', 'ids', 'ack', 'start', 'end', 'from', 'after', 'minId']);

/** Strings by what the field holds: names, IDs, cursors, patterns; anything else gets any string. */
function stringFor(name: string, ctx: GeneratorContext, maxLength?: number): fc.Arbitrary<string> {
  const k = ctx.known;
  let base: fc.Arbitrary<string>;
  if (name === 'stream' || name === 'deadLetterStream') base = nameArbitrary(k.streams);
  else if (name === 'group') base = nameArbitrary(k.groups);
  else if (name === 'consumer') base = nameArbitrary(k.consumers);
  else if (ID_NAMES.has(name)) base = idArbitrary;
  else if (name === 'match') base = fc.oneof(fc.constantFrom('*', 'li*', '[a-z]*', '\\', '[', '*'.repeat(1024), 'a'.repeat(1025)), nameArbitrary(k.streams));
  else if (name === 'cursor') base = fc.oneof(fc.constantFrom('0', '1', '-1', '18446744073709551615', '18446744073709551616', '9'.repeat(20), '9'.repeat(21)), anyString);
  else if (name === 'idempotency-key') base = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('k'.repeat(255), 'k'.repeat(256), 'a b', ''), anyString);
  else base = fc.oneof(anyString, fc.constantFrom(...HOSTILE_NAMES));
  if (maxLength === undefined) return base;
  return fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constantFrom('x'.repeat(maxLength), 'x'.repeat(maxLength + 1)) });
}

const resolve = (schema: SchemaNode, doc: OpenApiDocument): SchemaNode => {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  return resolve(target, doc);
};

/** A JSON value of another type than the schema asks for. */
const wrongType: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, '', '1', 'true', [], new Obj([]), [null], new Raw('1e400'), new Raw('-0')),
  anyString,
  fc.integer(),
);

/** A deeply nested array, as raw text: built as a value, serialising it would overflow our own stack first. */
const deepNesting = fc.constantFrom(64, 10_000, 100_000).map((n) => new Raw(`${'['.repeat(n)}${']'.repeat(n)}`));

function valueFor(schemaIn: SchemaNode, name: string, ctx: GeneratorContext, depth: number): fc.Arbitrary<Json> {
  const schema = resolve(schemaIn, ctx.doc);
  const typed = typedValue(schema, name, ctx, depth);
  return fc.oneof(
    { weight: 8, arbitrary: typed },
    { weight: 1, arbitrary: wrongType },
    { weight: depth === 0 ? 0 : 1, arbitrary: deepNesting },
  );
}

function typedValue(schema: SchemaNode, name: string, ctx: GeneratorContext, depth: number): fc.Arbitrary<Json> {
  if (Array.isArray(schema.enum)) {
    const values = schema.enum as Json[];
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: anyString });
  }
  if ('const' in schema) return fc.constant(schema.const as Json);
  const alternatives = (schema.anyOf ?? schema.oneOf) as SchemaNode[] | undefined;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((alt) => valueFor(alt, name, ctx, depth)));
  if (Array.isArray(schema.type)) return fc.oneof(...(schema.type as string[]).map((t) => typedValue({ ...schema, type: t }, name, ctx, depth)));
  const type = schema.type;
  switch (type) {
    case 'object':
      return objectValue(schema, ctx, depth);
    case 'array':
      return arrayValue(schema, name, ctx, depth);
    case 'string':
      return stringFor(name, ctx, typeof schema.maxLength === 'number' ? schema.maxLength : undefined);
    case 'integer':
    case 'number': {
      const bounds = [schema.minimum, schema.maximum].filter((b): b is number => typeof b === 'number' && Math.abs(b) < 1e15);
      return fc.oneof(
        { weight: 10, arbitrary: intArbitrary([...edgesFor(name, ctx.limits), ...bounds]) as fc.Arbitrary<Json> },
        { weight: 1, arbitrary: fc.constantFrom(new Raw('1e400'), new Raw('-1e400'), new Raw('123456789012345678901234567890'), new Raw('1.0'), new Raw('-0')) },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      throw new Error(`no generator for schema ${JSON.stringify(schema).slice(0, 200)}`);
  }
}

/** Keys a JSON object may carry to trip a parser or a prototype. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '', '\u0000', '\ud800', 'x'.repeat(1000)];

function objectValue(schema: SchemaNode, ctx: GeneratorContext, depth: number): fc.Arbitrary<Json> {
  const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const required = new Set((schema.required ?? []) as string[]);
  const additional = schema.additionalProperties;
  const entries: fc.Arbitrary<Array<readonly [string, Json]>>[] = Object.entries(properties).map(([key, sub]) =>
    fc
      .option(valueFor(sub, key, ctx, depth + 1), { freq: required.has(key) ? 12 : 3, nil: undefined })
      .map((v) => (v === undefined ? [] : [[key, v] as const])),
  );
  if (additional && typeof additional === 'object') {
    // A map (message fields): names from anywhere, values of the map's type, sizes to the limit.
    const key = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom(...HOSTILE_KEYS, ...HOSTILE_NAMES), anyString);
    const value = valueFor(additional as SchemaNode, 'value', ctx, depth + 1);
    const pairs: fc.Arbitrary<Array<readonly [string, Json]>> = fc.array(fc.tuple(key, value), { maxLength: 5 });
    entries.push(
      fc.oneof(
        { weight: 10, arbitrary: pairs },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(ctx.limits.maxFields, ctx.limits.maxFields + 1)
            .map((n): Array<readonly [string, Json]> => Array.from({ length: n }, (_, i) => [`f${i}`, 'v'])),
        },
        { weight: 1, arbitrary: fc.constant<Array<readonly [string, Json]>>([['big', 'x'.repeat(ctx.limits.maxMessageBytes)]]) },
      ),
    );
  }
  // Keys the schema does not know: stripped, refused, or a prototype pollution attempt.
  const extra = fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS, 'unknown'), fc.oneof(wrongType, fc.constant<Json>(new Obj([['prototype', new Obj([['polluted', true]])]])))), {
    maxLength: 2,
  });
  return fc
    .tuple(fc.tuple(...entries), fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: extra }))
    .map(([parts, more]) => new Obj([...parts.flat(), ...more]));
}

function arrayValue(schema: SchemaNode, name: string, ctx: GeneratorContext, depth: number): fc.Arbitrary<Json> {
  const prefix = schema.prefixItems as SchemaNode[] | undefined;
  if (prefix) {
    // A tuple (a [name, value] pair): the right arity mostly, one short or one long sometimes.
    const items = prefix.map((p, i) => valueFor(p, i === 0 ? 'name' : 'value', ctx, depth + 1));
    return fc.oneof(
      { weight: 8, arbitrary: fc.tuple(...items) },
      { weight: 1, arbitrary: fc.tuple(...items.slice(0, -1)) },
      { weight: 1, arbitrary: fc.tuple(...items, fc.constant<Json>('extra')) },
    );
  }
  const itemSchema = (schema.items ?? {}) as SchemaNode;
  const item = valueFor(itemSchema, name, ctx, depth + 1);
  const batch = ctx.limits.maxBatch;
  return fc.oneof(
    { weight: 10, arbitrary: fc.array(item, { maxLength: 4 }) },
    // At and over the batch limit: one repeated item is enough to test the count (a small
    // one, so the body stays under the body limit and the count is what gets checked).
    {
      weight: 1,
      arbitrary: fc
        .tuple(item, fc.constantFrom(batch, batch + 1))
        .map(([v, n]) => (jsonText(v).length <= 200 ? Array.from({ length: n }, () => v) : [v])),
    },
  );
}

/** Bodies that are not a JSON object, or not JSON at all. */
function junkBody(limits: Limits): fc.Arbitrary<Json | Buffer> {
  return fc.oneof(
    fc.constantFrom<Json>(null, 42, 'x', [], [new Obj([])], true, new Raw(''), new Raw('not json'), new Raw('{"a":'), new Raw('{}}'), new Raw('{"a":1,}'), new Raw("{'a':1}"), new Raw('\ufeff{}'), new Raw('NaN'), new Raw('{"__proto__":{"x":1}}'), new Raw('{"constructor":{"prototype":{"x":1}}}'), new Raw('{"a":"\\ud800"}'), new Raw('{"a":"\\u0000"}'), new Raw('{"a":"\\x"}')),
    deepNesting,
    fc.constantFrom(
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // invalid UTF-8 inside a string
      Buffer.from('{"fields":{"a":"1"}}', 'utf16le'),
      Buffer.alloc(limits.maxBodyBytes + 1, 0x20),
      Buffer.from(`{"pad":"${'x'.repeat(limits.maxBodyBytes)}"}`),
    ),
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  );
}

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/json-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  'application/json; charset=utf-8; charset=latin1',
  ';',
];

function bodyArbitrary(op: Operation, ctx: GeneratorContext): fc.Arbitrary<Body | null> {
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | null>('application/json') },
    { weight: 2, arbitrary: fc.constantFrom<string | null>(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant<string | null>(null) },
  );
  if (!op.bodySchema) {
    // No body is expected: send none mostly, something anyway sometimes.
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.record({ contentType, payload: junkBody(ctx.limits) }) },
    );
  }
  const schemaBody = valueFor(op.bodySchema, 'body', ctx, 0);
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ contentType, payload: schemaBody as fc.Arbitrary<Json | Buffer> }) },
    { weight: 2, arbitrary: fc.record({ contentType, payload: junkBody(ctx.limits) }) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

function queryValue(p: ParameterObject, ctx: GeneratorContext): fc.Arbitrary<string> {
  const schema = resolve(p.schema ?? {}, ctx.doc);
  if (Array.isArray(schema.enum)) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...(schema.enum as string[])) },
      { weight: 1, arbitrary: fc.constantFrom('', 'TRUE', 'BASE64', '1', 'yes') },
      { weight: 1, arbitrary: anyString },
    );
  }
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const edges = edgesFor(p.name, ctx.limits).flatMap((e) => [e - 1, e, e + 1].map(String));
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TEXTS, ...edges) },
        { weight: 3, arbitrary: fc.integer({ min: -2, max: 1100 }).map(String) },
        { weight: 1, arbitrary: anyString },
      );
    }
    case 'string':
      return stringFor(p.name, ctx, typeof schema.maxLength === 'number' ? schema.maxLength : undefined);
    default:
      throw new Error(`no generator for query parameter ${p.name} (${JSON.stringify(schema)})`);
  }
}

/** Query parameters: each absent, given, given twice, empty, bare or left undecodable; plus unknown ones. */
function queryArbitrary(op: Operation, ctx: GeneratorContext): fc.Arbitrary<Array<readonly [string, QueryValue]>> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const each = params.map((p) => {
    const v = queryValue(p, ctx);
    const text = (t: string): QueryValue => ({ text: t, encode: true });
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 6, arbitrary: v.map((t) => [[p.name, text(t)] as const]) },
      { weight: 1, arbitrary: fc.tuple(v, v).map(([a, b]) => [[p.name, text(a)] as const, [p.name, text(b)] as const]) },
      { weight: 1, arbitrary: fc.constantFrom<QueryValue>(null, { text: '', encode: false }, { text: '%ZZ', encode: false }, { text: '%ED%A0%80', encode: false }, { text: '%', encode: false }).map((q) => [[p.name, q] as const]) },
    );
  });
  const extra = fc.array(
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'a[b]', 'toString', 'x', ''), fc.constantFrom<QueryValue>({ text: '1', encode: true }, { text: '[object Object]', encode: true }, null)),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...each), fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: extra })).map(([parts, more]) => [...parts.flat(), ...more]);
}

/** Header values Node will put on the wire (it refuses CR, LF and other control characters). */
const headerSafe = (s: string): boolean => /^[\t\x20-\x7e\x80-\xff]*$/.test(s);

function headersArbitrary(op: Operation, ctx: GeneratorContext): fc.Arbitrary<Record<string, string>> {
  const params = op.parameters.filter((p) => p.in === 'header');
  const each = params.map((p) =>
    fc.option(stringFor(p.name, ctx).filter(headerSafe), { freq: 2, nil: undefined }).map((v) => (v === undefined ? [] : [[p.name, v] as const])),
  );
  return fc.tuple(...each).map((parts) => Object.fromEntries(parts.flat()));
}

function pathParamArbitrary(op: Operation, p: ParameterObject, ctx: GeneratorContext) {
  const k = ctx.known;
  let value: fc.Arbitrary<string>;
  switch (p.name) {
    case 'stream':
      value = nameArbitrary(k.streams);
      break;
    case 'group':
      value = nameArbitrary(k.groups);
      break;
    case 'consumer':
      value = nameArbitrary(k.consumers);
      break;
    case 'id':
      value = idArbitrary;
      break;
    default:
      throw new Error(`${op.method} ${op.route}: no generator for path parameter ${p.name}`);
  }
  const encoding = fc.oneof(
    { weight: 8, arbitrary: fc.constant<SegmentEncoding>('component') },
    { weight: 2, arbitrary: fc.constant<SegmentEncoding>('raw') },
    { weight: 1, arbitrary: fc.constant<SegmentEncoding>('double') },
  );
  return fc.record({ value, encoding });
}

/** The request generator of one operation; throws if some part of it has none. */
export function requestArbitrary(op: Operation, ctx: GeneratorContext): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const declared = [...op.route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const name of declared) {
    if (!pathParams.some((p) => p.name === name)) throw new Error(`${op.method} ${op.route}: path parameter ${name} is not declared`);
  }
  const params = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, pathParamArbitrary(op, p, ctx)])));
  return fc
    .record({ params, query: queryArbitrary(op, ctx), headers: headersArbitrary(op, ctx), body: bodyArbitrary(op, ctx) })
    .map((r) => ({ method: op.method, route: op.route, ...r }));
}

/** A parsed JSON value as the generators' Json (objects become entry lists). */
export function toJson(value: unknown): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') return new Obj(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJson(v)] as const));
  throw new Error(`not JSON: ${String(value)}`);
}

/** The body's required properties only, with plain values (an example may exceed a limit the fuzz server lowers). */
function minimalBody(schemaIn: SchemaNode, doc: OpenApiDocument): Record<string, unknown> {
  const schema = resolve(schemaIn, doc);
  const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const out: Record<string, unknown> = {};
  for (const name of (schema.required ?? []) as string[]) {
    const p = resolve(properties[name] ?? {}, doc);
    if (p.type === 'array') out[name] = ['3-0'];
    else if (p.type === 'integer' || p.type === 'number') out[name] = 0;
    else if (p.type === 'boolean') out[name] = false;
    else out[name] = name === 'group' ? 'g' : 'c';
  }
  return out;
}

/**
 * Requests every property starts with (fast-check runs them before the generated ones): the
 * document's own example body and one with only the required properties, on every stream the
 * fixture knows, with its known group and consumer. So each operation meets each key of another type with a body it accepts,
 * whatever the generator draws.
 */
export function exampleRequests(op: Operation, known: Known, doc: OpenApiDocument): FuzzRequest[] {
  const bodies: Array<Body | null> = op.bodySchema
    ? [...op.bodyExamples.slice(0, 1), minimalBody(op.bodySchema, doc)].map((e) => ({ contentType: 'application/json', payload: toJson(e) }))
    : [null];
  const values: Record<string, string> = { group: known.groups[0] ?? 'g', consumer: known.consumers[0] ?? 'c', id: '3-0' };
  const out: FuzzRequest[] = [];
  for (const stream of known.streams) {
    for (const body of bodies) {
      const params: Record<string, { value: string; encoding: SegmentEncoding }> = {};
      for (const p of op.parameters) {
        if (p.in === 'path') params[p.name] = { value: p.name === 'stream' ? stream : (values[p.name] ?? 'x'), encoding: 'component' };
      }
      out.push({ method: op.method, route: op.route, params, query: [], headers: {}, body });
    }
    if (!op.parameters.some((p) => p.name === 'stream')) break;
  }
  return out;
}
