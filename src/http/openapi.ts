import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { isOperation, OPERATIONS } from '../core/access/operations.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

export const OPENAPI_INFO = {
  title: 'Streamgate',
  version: 'v1',
  description: [
    'Redis Streams consumer groups over HTTP: publish, pull, ack, pending inspection, claim, group admin, replay and trimming, with leases (visibility timeouts) and dead-lettering.',
    '',
    'Messages are plain Redis stream entries, no envelope: a native Redis producer or consumer works side by side with gateway clients.',
    '',
    'Leases: a pulled message is leased to its consumer for the group `leaseMs`, measured by the group idle time for that entry. Without an ack, the next pull of the group after the lease receives it again with `deliveryCount` incremented (at-least-once). `extend` restarts the lease, `nack` releases it (after `delayMs`, up to 12 h; without one, after the group retry backoff). With a retry backoff (`minBackoffMs`, `maxBackoffMs`), a message whose lease expired is redelivered only after min(maxBackoffMs, minBackoffMs × 2^(deliveryCount − 1)) more. A message that would be delivered for the (maxDeliveries+1)-th time is moved to the dead-letter stream instead and acked in the group: nothing is ever lost.',
    '',
    'Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.',
    '',
    'Authentication: when the gateway runs with API keys (STREAMGATE_AUTH_FILE), every `/v1` operation needs `Authorization: Bearer <key>` (401 UNAUTHENTICATED without a valid one) and a grant of the scope the operation names in `x-streamgate-scope` on the stream (403 PERMISSION_DENIED otherwise): `publish`, `consume`, `admin`, `any` (some grant on the stream) or `none` (any valid key; listing shows only the streams the key has a grant on). Publishing with `trim` deletes entries, so it needs `admin` on the stream besides `publish`. Streams outside the gateway keyspace (STREAMGATE_STREAMS) are refused with 403 for every key. Without a keys file (loopback only, or STREAMGATE_ALLOW_ANONYMOUS) no key is needed. The operational routes (health, readiness, metrics, this document) are always open.',
  ].join('\n'),
};

/** Name of the security scheme in the document. */
export const BEARER_SCHEME = 'apiKey';

export const swaggerOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: OPENAPI_INFO,
    tags: [
      { name: 'messages', description: 'Publish, read, delete and trim entries.' },
      { name: 'streams', description: 'List, describe and delete streams.' },
      { name: 'groups', description: 'Consumer groups, their policy and position.' },
      { name: 'consumers', description: 'Consumers of a group.' },
      { name: 'consume', description: 'Pull, ack, nack, extend and term: at-least-once delivery with leases.' },
      { name: 'pending', description: 'Pending lists and explicit claims, exactly as in Redis.' },
      { name: 'dead-letters', description: 'Messages that exceeded maxDeliveries.' },
      { name: 'operations', description: 'Health, readiness, metrics.' },
    ],
    components: {
      securitySchemes: {
        [BEARER_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from the gateway keys file, as `Authorization: Bearer <key>`. Required when the gateway runs with API keys.',
        },
      },
    },
  },
  transform: (input) => withSecurity(input.route.config, jsonSchemaTransform(input)),
  transformObject: (input) => documentProblems(stripComponentIds(dedupeInputSchemas(jsonSchemaTransformObject(input)))),
};

type Doc = ReturnType<typeof jsonSchemaTransformObject>;
type Transformed = ReturnType<typeof jsonSchemaTransform>;

/**
 * Operations of routes that name an access operation need a bearer key and a scope; the
 * others (health, readiness, metrics) are marked open (`security: []`).
 */
function withSecurity(config: unknown, out: Transformed): Transformed {
  const operation = config && typeof config === 'object' && 'operation' in config ? config.operation : undefined;
  if (!isOperation(operation)) return { ...out, schema: { ...out.schema, security: [] } };
  // An `x-` member is copied into the operation as is; FastifySchema just does not declare it.
  const schema: typeof out.schema & Record<string, unknown> = {
    ...out.schema,
    security: [{ [BEARER_SCHEME]: [] }],
    'x-streamgate-scope': OPERATIONS[operation].requires,
  };
  return { ...out, schema };
}

/**
 * The zod provider emits every named schema twice, as `X` (output) and `XInput` (input),
 * since defaults and transforms can make them differ. Input variants that no request
 * uses are dropped, so the document lists each schema once where it can.
 */
function dedupeInputSchemas(doc: Doc): Doc {
  const components = ('components' in doc ? doc.components : undefined) as { schemas?: Record<string, unknown> } | undefined;
  const schemas = { ...(components?.schemas ?? {}) };
  const text = JSON.stringify(doc);
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && !text.includes(`"$ref":"#/components/schemas/${name}"`)) delete schemas[name];
  }
  return { ...doc, components: { ...components, schemas } } as Doc;
}

/**
 * zod marks each named schema with `$id: "#/components/schemas/X"`. JSON Schema 2020-12
 * (the dialect of OpenAPI 3.1) forbids a non-empty fragment in `$id`, so a 2020-12
 * validator (Ajv, code generators) rejects the whole component. The `$ref`s already name
 * the components by their document location, so the `$id`s are dropped.
 */
function stripComponentIds(doc: Doc): Doc {
  const components = ('components' in doc ? doc.components : undefined) as { schemas?: Record<string, unknown> } | undefined;
  const schemas: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(components?.schemas ?? {})) {
    if (schema && typeof schema === 'object' && '$id' in schema) {
      const { $id: _id, ...rest } = schema as Record<string, unknown>;
      schemas[name] = rest;
    } else schemas[name] = schema;
  }
  return { ...doc, components: { ...components, schemas } } as Doc;
}

const PROBLEM_REF = '#/components/schemas/Problem';

interface MediaMap {
  [mediaType: string]: { schema?: { $ref?: string } } | undefined;
}

interface ResponseMap {
  [status: string]: { description?: string; content?: MediaMap; headers?: Record<string, unknown> };
}

/**
 * Response headers the gateway sends, exactly where it sends them: problem.ts (Retry-After
 * on every REST 503, which is always BACKEND_UNAVAILABLE; WWW-Authenticate on every 401),
 * @fastify/rate-limit (Retry-After on a 429 of the requests-per-second limit, in whole
 * seconds; a pull refused for its waiting pulls has none) and the publish route
 * (Idempotent-Replayed on its 200, which only a replay answers).
 */
const HEADERS = {
  '401': {
    'WWW-Authenticate': {
      description: 'Always `Bearer realm="streamgate"` (RFC 9110): the scheme to authenticate with.',
      required: true,
      schema: { type: 'string', examples: ['Bearer realm="streamgate"'] },
    },
  },
  '429': {
    'Retry-After': {
      description:
        'Sent when the requests-per-second limit (STREAMGATE_RATE_LIMIT_RPS) refused the request: whole seconds until the key may send again, at most ⌈1 / STREAMGATE_RATE_LIMIT_RPS⌉. Absent when a pull was refused for the waiting pulls of its key (STREAMGATE_MAX_WAITING_PER_KEY): retry when one of them ends.',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 2147483647, examples: [1] },
    },
  },
  '503': {
    'Retry-After': {
      description: 'Always `1` on a BACKEND_UNAVAILABLE problem: seconds to wait before retrying.',
      required: true,
      schema: { type: 'integer', minimum: 1, maximum: 1, examples: [1] },
    },
  },
} as const;

/** Headers of one operation's own answers, by operationId and status. */
const OPERATION_HEADERS: Record<string, Record<string, Record<string, unknown>>> = {
  publishMessages: {
    '200': {
      'Idempotent-Replayed': {
        description: 'Always `true` on a 200: the request repeated an earlier one with the same Idempotency-Key, nothing was added, and `ids` are those of the first. A 201 never has it.',
        required: true,
        schema: { type: 'string', enum: ['true'] },
      },
    },
  },
};

/**
 * Error answers are sent as `application/problem+json` (problem.ts); the document says so,
 * rather than the `application/json` fastify-swagger puts on every response. And any route
 * that takes a body can be refused with 413 before it runs (body over
 * STREAMGATE_MAX_BODY_BYTES, checked by Fastify), so each such operation lists 413; every
 * API operation lists 401, 403 and 429 (keys, grants, per-key limits).
 */
function documentProblems(doc: Doc): Doc {
  const paths = ('paths' in doc ? doc.paths : undefined) as Record<string, Record<string, unknown>> | undefined;
  for (const ops of Object.values(paths ?? {})) {
    for (const op of Object.values(ops)) {
      const { responses, requestBody, security, operationId } = op as {
        responses?: ResponseMap;
        requestBody?: unknown;
        security?: unknown[];
        operationId?: string;
      };
      if (!responses) continue;
      // Any secured operation may be refused for its key: 401 without a valid one, 403 outside its grants.
      const unavailable = responses['503'];
      if (security && security.length > 0 && unavailable) {
        responses['401'] ??= { ...structuredClone(unavailable), description: 'Missing or unknown API key (UNAUTHENTICATED).' };
        responses['403'] ??= {
          ...structuredClone(unavailable),
          description: 'The key lacks the scope on this stream, or the stream is outside the gateway keyspace (PERMISSION_DENIED).',
        };
        // Per-key limits (core/admission.ts) apply to every API operation.
        responses['429'] ??= {
          ...structuredClone(unavailable),
          description:
            'Over the key requests per second (STREAMGATE_RATE_LIMIT_RPS; Retry-After says when to retry) or, for a waiting pull, over its waiting pulls (STREAMGATE_MAX_WAITING_PER_KEY): RATE_LIMITED.',
        };
      }
      for (const response of Object.values(responses)) {
        const json = response.content?.['application/json'];
        if (response.content && json?.schema?.$ref === PROBLEM_REF) {
          response.content = { [PROBLEM_CONTENT_TYPE]: json };
          if (response.description === 'Default Response') response.description = 'Problem details (RFC 9457).';
        }
      }
      const problem = responses['400'];
      if (requestBody && problem && !responses['413']) {
        const entries = Object.entries({ ...responses, 413: structuredClone(problem) }).sort(([a], [b]) => a.localeCompare(b));
        for (const status of Object.keys(responses)) delete responses[status];
        Object.assign(responses, Object.fromEntries(entries));
      }
      documentHeaders(responses, operationId);
    }
  }
  return doc;
}

function documentHeaders(responses: ResponseMap, operationId: string | undefined): void {
  for (const [status, response] of Object.entries(responses)) {
    // Only problems: /readyz answers its own 503 status body, without Retry-After.
    const generic = response.content?.[PROBLEM_CONTENT_TYPE] ? HEADERS[status as keyof typeof HEADERS] : undefined;
    const own = operationId ? OPERATION_HEADERS[operationId]?.[status] : undefined;
    if (generic || own) response.headers = { ...response.headers, ...structuredClone(generic), ...own };
  }
}
