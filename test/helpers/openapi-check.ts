import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * Checks real answers against the committed OpenAPI document (openapi/openapi.json): the
 * status must be documented for the operation, the content type must be one the document
 * gives for that status, and the body must match its schema (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1). openapi.test.ts proves the committed document is the one the
 * server serves, so a body that passes here is one a client generated from it can read.
 */

/** Anything shaped like an `inject` answer (or a fetch answer converted to it). */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

// Parsed JSON: tests read nested fields freely after the schema has vouched for them.
export type Json = any;

interface SchemaObject {
  readonly [key: string]: unknown;
}

interface MediaObject {
  readonly schema?: SchemaObject;
  readonly example?: unknown;
  readonly examples?: Record<string, { value?: unknown }>;
}

interface ResponseObject {
  readonly description?: string;
  readonly content?: Record<string, MediaObject>;
  readonly headers?: Record<string, { readonly schema?: SchemaObject; readonly required?: boolean; readonly description?: string }>;
}

export interface OperationObject {
  readonly operationId?: string;
  readonly tags?: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string; readonly schema?: SchemaObject }>;
  readonly requestBody?: { readonly content?: Record<string, MediaObject> };
  readonly responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly tags?: ReadonlyArray<{ readonly name: string; readonly description?: string }>;
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components: { readonly schemas: Record<string, SchemaObject> };
}

export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url));

export const committedDocument = (): OpenApiDocument => JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;

const BASE = 'https://streamgate.invalid/components/';
const LOCAL_REF = '#/components/schemas/';

/** Copies a schema, pointing `#/components/schemas/X` at the schema Ajv knows as BASE + X. */
function absoluteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absoluteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' && value.startsWith(LOCAL_REF) ? BASE + value.slice(LOCAL_REF.length) : absoluteRefs(value);
  }
  return out;
}

/** A strict 2020-12 validator that knows the document's components, each under its own URI. */
export function createSchemaChecker(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  // OpenAPI's own schema keywords (annotations only): allowed, never validated.
  for (const keyword of ['example', 'discriminator', 'xml', 'externalDocs']) ajv.addKeyword(keyword);
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    ajv.addSchema(absoluteRefs(schema) as SchemaObject, BASE + name);
  }
  const compiled = new Map<string, ValidateFunction>();
  const compile = (schema: SchemaObject): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(absoluteRefs(schema) as SchemaObject);
      compiled.set(key, validate);
    }
    return validate;
  };
  return {
    /** Errors of `value` against `schema` (which may `$ref` components), or null when it matches. */
    errors(schema: SchemaObject, value: unknown): ErrorObject[] | null {
      const validate = compile(schema);
      return validate(value) ? null : [...(validate.errors ?? [])];
    },
    component(name: string): SchemaObject {
      const schema = doc.components.schemas[name];
      if (!schema) throw new Error(`no component schema ${name} in the OpenAPI document`);
      return { $ref: LOCAL_REF + name };
    },
    /** Compiles every component: throws if one is not a valid 2020-12 schema. */
    compileAll(): void {
      for (const name of Object.keys(doc.components.schemas)) {
        if (!ajv.getSchema(BASE + name)) throw new Error(`component ${name} did not compile`);
      }
    },
  };
}

export type SchemaChecker = ReturnType<typeof createSchemaChecker>;

let shared: { doc: OpenApiDocument; checker: SchemaChecker } | undefined;
function committed() {
  if (!shared) {
    const doc = committedDocument();
    shared = { doc, checker: createSchemaChecker(doc) };
  }
  return shared;
}

const mediaTypeOf = (answer: HttpAnswer): string | undefined => {
  const header = answer.headers['content-type'];
  return typeof header === 'string' ? header.split(';')[0]?.trim().toLowerCase() : undefined;
};

const describeErrors = (errors: readonly ErrorObject[]): string =>
  errors.map((e) => `  ${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');

const excerpt = (body: string): string => (body.length > 600 ? `${body.slice(0, 600)}…` : body);

/**
 * Asserts that `answer` is what the OpenAPI document says `method route` answers with its
 * status (route as in the document: `/v1/streams/{stream}/messages`), and returns the
 * parsed body (undefined for an answer without content, such as 204).
 */
export function expectDocumented(answer: HttpAnswer, method: string, route: string): Json {
  const { doc, checker } = committed();
  const where = `${method.toUpperCase()} ${route}`;
  const op = doc.paths[route]?.[method.toLowerCase()];
  if (!op) throw new Error(`${where} is not in openapi/openapi.json`);
  const response = op.responses[String(answer.statusCode)];
  if (!response) {
    throw new Error(
      `${where} answered ${answer.statusCode}, which the document does not list (it lists ${Object.keys(op.responses).join(', ')}): ${excerpt(answer.body)}`,
    );
  }
  if (!response.content) {
    if (answer.body !== '') throw new Error(`${where} ${answer.statusCode} is documented without content, but had a body: ${excerpt(answer.body)}`);
    return undefined;
  }
  const mediaType = mediaTypeOf(answer);
  const media = mediaType === undefined ? undefined : response.content[mediaType];
  if (!media || !media.schema) {
    throw new Error(
      `${where} ${answer.statusCode} came as ${String(mediaType)}; the document gives ${Object.keys(response.content).join(', ')}`,
    );
  }
  let value: unknown = answer.body;
  if (mediaType?.endsWith('json')) {
    try {
      value = JSON.parse(answer.body);
    } catch {
      throw new Error(`${where} ${answer.statusCode} is ${mediaType} but not JSON: ${excerpt(answer.body)}`);
    }
  }
  const errors = checker.errors(media.schema, value);
  if (errors) {
    throw new Error(
      `${where} ${answer.statusCode} does not match its documented schema:\n${describeErrors(errors)}\nbody: ${excerpt(answer.body)}`,
    );
  }
  return value;
}

/** The contract's error table (docs/api.md#errors): code → HTTP status. */
export const CONTRACT_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_ID: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  STREAM_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  CONSUMER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  GROUP_EXISTS: 409,
  NOT_A_STREAM: 409,
  CONSUMER_HAS_PENDING: 409,
  ID_TOO_SMALL: 409,
  LEASES_DISABLED: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  BACKEND_UNAVAILABLE: 503,
} as const;

export type ContractCode = keyof typeof CONTRACT_STATUS;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ContractCode;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

/**
 * Asserts an RFC 9457 problem with the contract's `code` and status, served as
 * application/problem+json, matching the documented schema of `method route` for that
 * status (or, with route null, the Problem component: for paths no route serves).
 */
export function expectProblem(answer: HttpAnswer, code: ContractCode, method: string, route: string | null): ProblemBody {
  const label = `${method.toUpperCase()} ${route ?? '(no route)'}`;
  const status = CONTRACT_STATUS[code];
  if (answer.statusCode !== status || mediaTypeOf(answer) !== 'application/problem+json') {
    throw new Error(
      `${label}: expected ${status} ${code} as application/problem+json, got ${answer.statusCode} ${String(answer.headers['content-type'])}: ${excerpt(answer.body)}`,
    );
  }
  let body: ProblemBody;
  if (route === null) {
    const { checker } = committed();
    body = JSON.parse(answer.body) as ProblemBody;
    const errors = checker.errors(checker.component('Problem'), body);
    if (errors) throw new Error(`${label}: not a documented Problem:\n${describeErrors(errors)}\nbody: ${excerpt(answer.body)}`);
  } else {
    body = expectDocumented(answer, method, route) as ProblemBody;
  }
  const kebab = code.toLowerCase().replace(/_/g, '-');
  const problems: string[] = [];
  if (body.code !== code) problems.push(`code ${body.code}, expected ${code}`);
  if (body.status !== status) problems.push(`status member ${body.status}, expected ${status}`);
  if (!/^[a-z][a-z0-9+.-]*:\S+$/.test(body.type) || !body.type.includes(kebab)) problems.push(`type ${body.type} is not a URI naming ${kebab}`);
  if (!body.title) problems.push('empty title');
  if (typeof body.detail !== 'string' || body.detail.trim() === '') problems.push('empty detail');
  if (problems.length > 0) throw new Error(`${label}: bad problem (${problems.join('; ')}): ${excerpt(answer.body)}`);
  return body;
}

// ---- Generator readiness ----

/**
 * Checks that make the OpenAPI document usable by client generators: every operation named
 * by a unique operationId, every integer bounded so a generator can choose a type for it.
 */

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export interface DocumentedOperation {
  readonly key: string;
  readonly path: string;
  readonly method: string;
  readonly op: OperationObject;
}

export function operationsOf(doc: OpenApiDocument): DocumentedOperation[] {
  const out: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (HTTP_METHODS.includes(method)) out.push({ key: `${method.toUpperCase()} ${path}`, path, method, op });
    }
  }
  return out;
}

/** Operations without an operationId, with one that is not camelCase, or sharing one. */
export function operationIdProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { key, op } of operationsOf(doc)) {
    const id = op.operationId;
    if (typeof id !== 'string' || id === '') {
      problems.push(`${key}: no operationId`);
      continue;
    }
    if (!/^[a-z][a-zA-Z0-9]*$/.test(id)) problems.push(`${key}: operationId ${id} is not camelCase`);
    const other = seen.get(id);
    if (other) problems.push(`${key}: operationId ${id} is also ${other}'s`);
    else seen.set(id, key);
  }
  return problems;
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

const ONE_SCHEMA = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const COMPONENT_REF = '#/components/schemas/';

/** Below this a JSON number stops being an exact integer: zod's bound for an unbounded `.int()`. */
const UNSAFE_MINIMUM = -Number.MAX_SAFE_INTEGER;

const bounded = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Integer schemas a client generator cannot size: without a finite minimum (or
 * exclusiveMinimum) and maximum (or exclusiveMaximum), or with zod's default minimum of
 * −(2^53−1). Walks every parameter, request body, response body and response header of
 * every operation, following `$ref`s into the components; each schema is reported once,
 * where it lives (a component, or the operation that holds it inline).
 */
export function unboundedIntegers(doc: OpenApiDocument): string[] {
  const found = new Set<string>();
  const visited = new Set<string>();

  const walk = (node: unknown, where: string): void => {
    if (!isSchema(node)) return;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      if (!ref.startsWith(COMPONENT_REF)) throw new Error(`${where}: unexpected $ref ${ref}`);
      const name = ref.slice(COMPONENT_REF.length);
      if (!visited.has(name)) {
        visited.add(name);
        const target = doc.components.schemas[name];
        if (!target) throw new Error(`${where}: $ref to missing component ${name}`);
        walk(target, `components.schemas.${name}`);
      }
    }
    const types = [node.type].flat();
    if (types.includes('integer')) {
      const min = node.minimum ?? node.exclusiveMinimum;
      const max = node.maximum ?? node.exclusiveMaximum;
      if (!bounded(min) || !bounded(max) || min === UNSAFE_MINIMUM) {
        found.add(`${where}: integer with minimum ${String(min)}, maximum ${String(max)}`);
      }
    }
    for (const key of ONE_SCHEMA) walk(node[key], `${where}.${key}`);
    for (const key of SCHEMA_LISTS) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((s, i) => walk(s, `${where}.${key}[${i}]`));
    }
    for (const key of SCHEMA_MAPS) {
      const map = node[key];
      if (isSchema(map)) for (const [name, s] of Object.entries(map)) walk(s, `${where}.${key}.${name}`);
    }
  };

  for (const { key, op } of operationsOf(doc)) {
    for (const p of op.parameters ?? []) walk(p.schema, `${key} ${p.in} parameter ${p.name}`);
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) walk(media.schema, `${key} request ${type}`);
    for (const [status, response] of Object.entries(op.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) walk(media.schema, `${key} ${status} ${type}`);
      for (const [name, header] of Object.entries(response.headers ?? {})) walk(header.schema, `${key} ${status} header ${name}`);
    }
  }
  return [...found].sort();
}
