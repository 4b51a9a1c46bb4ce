import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../helpers/http.js';
import {
  type OpenApiDocument,
  committedDocument,
  createSchemaChecker,
  operationIdProblems,
  operationsOf,
  unboundedIntegers,
} from '../helpers/openapi-check.js';

/**
 * The contract's REST table (docs/api.md#rest) plus the operational routes it names, with the
 * operationId of each: stable, since generated clients and the docs name methods after them.
 */
const CONTRACT_OPERATIONS: Record<string, string> = {
  'POST /v1/streams/{stream}/messages': 'publishMessages',
  'GET /v1/streams/{stream}/messages': 'readMessages',
  'DELETE /v1/streams/{stream}/messages/{id}': 'deleteMessage',
  'POST /v1/streams/{stream}/trim': 'trimStream',
  'GET /v1/streams': 'listStreams',
  'GET /v1/streams/{stream}': 'getStream',
  'DELETE /v1/streams/{stream}': 'deleteStream',
  'POST /v1/streams/{stream}/groups': 'createGroup',
  'GET /v1/streams/{stream}/groups': 'listGroups',
  'GET /v1/streams/{stream}/groups/{group}': 'getGroup',
  'PATCH /v1/streams/{stream}/groups/{group}': 'updateGroup',
  'DELETE /v1/streams/{stream}/groups/{group}': 'deleteGroup',
  'PUT /v1/streams/{stream}/groups/{group}/position': 'setGroupPosition',
  'GET /v1/streams/{stream}/groups/{group}/consumers': 'listConsumers',
  'PUT /v1/streams/{stream}/groups/{group}/consumers/{consumer}': 'createConsumer',
  'DELETE /v1/streams/{stream}/groups/{group}/consumers/{consumer}': 'deleteConsumer',
  'POST /v1/streams/{stream}/groups/{group}/pull': 'pullMessages',
  'POST /v1/streams/{stream}/groups/{group}/ack': 'ackMessages',
  'POST /v1/streams/{stream}/groups/{group}/nack': 'nackMessages',
  'POST /v1/streams/{stream}/groups/{group}/extend': 'extendLeases',
  'POST /v1/streams/{stream}/groups/{group}/term': 'terminateMessages',
  'GET /v1/streams/{stream}/groups/{group}/pending': 'getPendingSummary',
  'GET /v1/streams/{stream}/groups/{group}/pending/entries': 'listPendingEntries',
  'POST /v1/streams/{stream}/groups/{group}/claim': 'claimMessages',
  'POST /v1/streams/{stream}/groups/{group}/autoclaim': 'autoClaimMessages',
  'GET /v1/streams/{stream}/groups/{group}/dead-letters': 'listDeadLetters',
  'POST /v1/streams/{stream}/groups/{group}/dead-letters/redrive': 'redriveDeadLetters',
  'GET /healthz': 'checkLiveness',
  'GET /readyz': 'checkReadiness',
  'GET /metrics': 'getMetrics',
};

const operations = operationsOf;

/** True when `node` (a schema, media type or response, following `$ref`s into components) carries an example. */
function hasExample(doc: OpenApiDocument, node: unknown, seen = new Set<string>()): boolean {
  if (Array.isArray(node)) return node.some((n) => hasExample(doc, n, seen));
  if (node === null || typeof node !== 'object') return false;
  const obj = node as Record<string, unknown>;
  if (Array.isArray(obj.examples) && obj.examples.length > 0) return true;
  if (obj.examples && typeof obj.examples === 'object' && Object.keys(obj.examples).length > 0) return true;
  if ('example' in obj) return true;
  const ref = obj.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const name = ref.slice('#/components/schemas/'.length);
    if (!seen.has(name)) {
      seen.add(name);
      if (hasExample(doc, doc.components.schemas[name], seen)) return true;
    }
  }
  return Object.values(obj).some((v) => hasExample(doc, v, seen));
}

/** Every example value in the document next to the schema it illustrates. */
function examplesWithSchemas(doc: OpenApiDocument): Array<{ where: string; schema: Record<string, unknown>; value: unknown }> {
  const out: Array<{ where: string; schema: Record<string, unknown>; value: unknown }> = [];
  const media = (where: string, content: Record<string, { schema?: Record<string, unknown>; example?: unknown; examples?: Record<string, { value?: unknown }> }> | undefined) => {
    for (const [type, m] of Object.entries(content ?? {})) {
      if (!m.schema) continue;
      if ('example' in m) out.push({ where: `${where} ${type} example`, schema: m.schema, value: m.example });
      for (const [name, ex] of Object.entries(m.examples ?? {})) out.push({ where: `${where} ${type} examples.${name}`, schema: m.schema, value: ex.value });
    }
  };
  for (const { key, op } of operations(doc)) {
    media(`${key} request`, op.requestBody?.content);
    for (const [status, r] of Object.entries(op.responses)) media(`${key} ${status}`, r.content);
  }
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    const examples = schema.examples;
    if (Array.isArray(examples)) examples.forEach((value, i) => out.push({ where: `components.schemas.${name} examples[${i}]`, schema, value }));
  }
  return out;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let served: OpenApiDocument;
  const committed = committedDocument();

  beforeAll(async () => {
    t = await testApp();
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    served = res.json();
  });
  afterAll(async () => t.close());

  it('served at /openapi.json is the committed openapi/openapi.json', () => {
    expect(served, 'openapi/openapi.json is stale: run `npm run openapi` and commit the result').toEqual(committed);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(served.openapi).toMatch(/^3\.1\.\d+$/);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(served) as unknown as Record<string, unknown>);
    expect(result.valid, `OpenAPI validation errors:\n${JSON.stringify(result.errors, null, 2)}`).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has component schemas that are valid JSON Schema 2020-12', () => {
    // Ajv in strict mode refuses anything 2020-12 forbids (such as a `$id` with a fragment).
    expect(() => createSchemaChecker(served).compileAll()).not.toThrow();
  });

  it('documents every operation with a summary, a description and an example', () => {
    const missing: string[] = [];
    for (const { key, op } of operations(served)) {
      if (!op.summary?.trim()) missing.push(`${key}: summary`);
      if (!op.description?.trim()) missing.push(`${key}: description`);
      if (!hasExample(served, [op.requestBody, op.responses])) missing.push(`${key}: example`);
      // Stricter than "some example somewhere": a request body, and a successful answer
      // with content, each show one (an error example alone does not explain the route).
      if (op.requestBody && !hasExample(served, op.requestBody)) missing.push(`${key}: example of the request body`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (status.startsWith('2') && response.content && !hasExample(served, response)) missing.push(`${key}: example of ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has examples that match the schemas they illustrate', () => {
    const checker = createSchemaChecker(served);
    const found = examplesWithSchemas(served);
    expect(found.length).toBeGreaterThan(20);
    const wrong = found
      .map(({ where, schema, value }) => ({ where, errors: checker.errors(schema, value) }))
      .filter((e) => e.errors !== null)
      .map((e) => `${e.where}: ${JSON.stringify(e.errors)}`);
    expect(wrong).toEqual([]);
  });

  it('has every path and method of the contract REST table', () => {
    const documented = new Set(operations(served).map((o) => o.key));
    expect(Object.keys(CONTRACT_OPERATIONS).filter((k) => !documented.has(k))).toEqual([]);
  });

  it('names every operation with a unique camelCase operationId, the stable one of the contract table', () => {
    expect(operationIdProblems(served)).toEqual([]);
    const ids = Object.fromEntries(operations(served).map(({ key, op }) => [key, op.operationId]));
    expect(ids).toEqual(CONTRACT_OPERATIONS);
  });

  it('puts every operation under a tag the document describes', () => {
    const described = new Set((served.tags ?? []).filter((t) => t.description?.trim()).map((t) => t.name));
    const wrong = operations(served)
      .filter(({ op }) => !op.tags?.length || op.tags.some((tag) => !described.has(tag)))
      .map(({ key, op }) => `${key}: ${JSON.stringify(op.tags)}`);
    expect(wrong).toEqual([]);
  });

  it('bounds every integer schema (parameters, bodies, answers, headers) with a finite minimum and maximum', () => {
    // A generator sizes integers from their bounds; zod's unbounded `.int()` gives ±(2^53−1).
    expect(unboundedIntegers(served)).toEqual([]);
  });

  it('has generator checks that catch what they look for (on a made-up document)', () => {
    const int = (extra: object) => ({ type: 'integer', ...extra });
    const doc = {
      openapi: '3.1.0',
      paths: {
        '/a': {
          get: {
            operationId: 'getA',
            parameters: [{ name: 'n', in: 'query', schema: int({ minimum: 0 }) }],
            responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } },
          },
          post: { operationId: 'getA', responses: { 429: { headers: { 'Retry-After': { schema: int({ minimum: 1, maximum: 9 }) } } } } },
          put: { responses: {} },
          patch: { operationId: 'Patch-A', requestBody: { content: { 'application/json': { schema: { type: 'array', items: int({}) } } } }, responses: {} },
        },
      },
      components: {
        schemas: {
          A: { type: 'object', properties: { n: { anyOf: [int({ minimum: -Number.MAX_SAFE_INTEGER, maximum: 5 }), { type: 'null' }] }, ok: int({ minimum: 0, maximum: 1 }) } },
        },
      },
    } as unknown as OpenApiDocument;
    expect(operationIdProblems(doc)).toEqual([
      "POST /a: operationId getA is also GET /a's",
      'PUT /a: no operationId',
      'PATCH /a: operationId Patch-A is not camelCase',
    ]);
    expect(unboundedIntegers(doc)).toEqual([
      'GET /a query parameter n: integer with minimum 0, maximum undefined',
      'PATCH /a request application/json.items: integer with minimum undefined, maximum undefined',
      'components.schemas.A.properties.n.anyOf[0]: integer with minimum -9007199254740991, maximum 5',
    ]);
  });

  it('documents the response headers the gateway sends', () => {
    const missing: string[] = [];
    for (const { key, op } of operations(served)) {
      const problem = (status: string) => op.responses[status]?.content?.['application/problem+json'] !== undefined;
      const has = (status: string, header: string) => op.responses[status]?.headers?.[header] !== undefined;
      if (op.responses['401'] && !has('401', 'WWW-Authenticate')) missing.push(`${key} 401 WWW-Authenticate`);
      for (const status of ['429', '503']) if (problem(status) && !has(status, 'Retry-After')) missing.push(`${key} ${status} Retry-After`);
    }
    const publish = served.paths['/v1/streams/{stream}/messages']?.post;
    if (!publish?.responses['200']?.headers?.['Idempotent-Replayed']?.required) missing.push('publish 200 Idempotent-Replayed');
    if (publish?.responses['201']?.headers?.['Idempotent-Replayed']) missing.push('publish 201 must not list Idempotent-Replayed');
    // /readyz answers its own 503 (a status, not a problem), without Retry-After.
    if (served.paths['/readyz']?.get?.responses['503']?.headers) missing.push('GET /readyz 503 lists headers it does not send');
    expect(missing).toEqual([]);
  });

  it('documents only routes the server has', () => {
    for (const { key, path, method } of operations(served)) {
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      expect(t.app.hasRoute({ method: method.toUpperCase() as 'GET', url }), key).toBe(true);
    }
  });

  it('documents error answers as application/problem+json with the Problem schema', () => {
    const wrong: string[] = [];
    for (const { key, op } of operations(served)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || key === 'GET /readyz') continue;
        const types = Object.keys(response.content ?? {});
        const schema = response.content?.['application/problem+json']?.schema;
        if (types.join() !== 'application/problem+json' || schema?.$ref !== '#/components/schemas/Problem') {
          wrong.push(`${key} ${status}: ${types.join(', ')}`);
        }
      }
      // Every route that reads input can fail validation; every route touching Redis can find it away.
      if (key.includes('/v1/') && !op.responses['400']) wrong.push(`${key}: no 400`);
      if (key.includes('/v1/') && !op.responses['503']) wrong.push(`${key}: no 503`);
      // Any body can be over STREAMGATE_MAX_BODY_BYTES.
      if (op.requestBody && !op.responses['413']) wrong.push(`${key}: takes a body but lists no 413`);
    }
    expect(wrong).toEqual([]);
  });
});
