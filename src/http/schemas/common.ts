import { z } from 'zod';
import { defaultOptions } from '../../contract/defaults.js';
import { COMMAND_OUTCOMES, ERROR_CODES } from '../../contract/errors.js';
import { MEMBER_NAME_CEILING_BYTES, STREAM_NAME_CEILING_BYTES, memberNameProblem, streamNameProblem } from '../../contract/names.js';
import { MISS, noKeys, onlyKey, ownKeysAmong, withFastPath } from '../validation.js';
import { int, ranges } from './numbers.js';

/**
 * Schemas shared by several routes. Names are checked with the core's own predicates, so
 * REST, gRPC and the OpenAPI document agree; here up to the highest length the settings
 * allow, and the core applies the configured one (the OpenAPI document must not depend on
 * configuration). Stream IDs are plain strings here: the core
 * checks them and answers INVALID_ID, the contract's code for a malformed ID.
 */

const named = (problemOf: (s: string) => string | null) => (value: string, ctx: z.RefinementCtx) => {
  const problem = problemOf(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

export const streamName = z
  .string()
  .superRefine(named((v) => streamNameProblem(v, STREAM_NAME_CEILING_BYTES)))
  .describe('Stream key: 1–512 bytes (STREAMGATE_MAX_STREAM_NAME_BYTES), no control characters; Redis Cluster hash tags `{...}` allowed. URL-encode it in paths.');

export const groupName = z
  .string()
  .superRefine(named((v) => memberNameProblem(v, MEMBER_NAME_CEILING_BYTES)))
  .describe('Consumer group name: 1–256 bytes (STREAMGATE_MAX_MEMBER_NAME_BYTES), no whitespace or control characters.');

export const consumerName = z
  .string()
  .superRefine(named((v) => memberNameProblem(v, MEMBER_NAME_CEILING_BYTES)))
  .describe('Consumer name: 1–256 bytes (STREAMGATE_MAX_MEMBER_NAME_BYTES), no whitespace or control characters.');

export const streamId = (description: string, example = '1700000000000-0') =>
  z.string().describe(description).meta({ examples: [example] });

/** Fast path (validation.ts): a stream name the core's predicate accepts, nothing else. */
export const StreamParams = withFastPath(z.object({ stream: streamName }), (params) => {
  if (typeof params !== 'object' || params === null || Array.isArray(params) || !onlyKey(params, 'stream')) return MISS;
  const { stream } = params as { stream: unknown };
  return typeof stream === 'string' && streamNameProblem(stream, STREAM_NAME_CEILING_BYTES) === null ? { stream } : MISS;
});
const GROUP_PARAM_KEYS: ReadonlySet<string> = new Set(['stream', 'group']);

/** Fast path (validation.ts): a stream and a group name the core's predicates accept, nothing else. */
export const GroupParams = withFastPath(z.object({ stream: streamName, group: groupName }), (params) => {
  if (typeof params !== 'object' || params === null || Array.isArray(params) || ownKeysAmong(params, GROUP_PARAM_KEYS) !== 2) return MISS;
  const { stream, group } = params as { stream: unknown; group: unknown };
  if (typeof stream !== 'string' || typeof group !== 'string') return MISS;
  if (streamNameProblem(stream, STREAM_NAME_CEILING_BYTES) !== null || memberNameProblem(group, MEMBER_NAME_CEILING_BYTES) !== null) return MISS;
  return { stream, group };
});
export const ConsumerParams = z.object({ stream: streamName, group: groupName, consumer: consumerName });

/** Fast path (validation.ts): no query, or `encoding` alone with a valid value. */
export const EncodingQuery = withFastPath(
  z.object({
    encoding: z
      .enum(['utf8', 'base64'])
      .default(defaultOptions.encoding)
      .describe(
        'How field values travel. utf8: JSON strings (a message with a value that is not valid UTF-8 still comes back base64, marked `encoding: "base64"`). base64: every value base64.',
      ),
  }),
  (query) => {
    if (typeof query !== 'object' || query === null || Array.isArray(query)) return MISS;
    if (noKeys(query)) return { encoding: defaultOptions.encoding };
    if (!onlyKey(query, 'encoding')) return MISS;
    const { encoding } = query as { encoding: unknown };
    return encoding === 'utf8' || encoding === 'base64' ? { encoding } : MISS;
  },
);

/** Query booleans arrive as text; `z.coerce.boolean` would read "false" as true. */
export const queryBool = (description: string, fallback = false) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true')
    .describe(description);

export const ProblemSchema = z
  .object({
    type: z.string().describe('URI naming the problem type.'),
    title: z.string().describe('Short summary of the problem type.'),
    status: int(ranges.problemStatus).describe('HTTP status code.'),
    detail: z.string().describe('What went wrong in this request.'),
    code: z.enum(ERROR_CODES).describe('Stable error code of the Streamgate contract.'),
    instance: z.string().optional().describe('Path of the request.'),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('Each invalid input, for validation failures.'),
    outcome: z
      .enum(COMMAND_OUTCOMES)
      .optional()
      .describe(
        'BACKEND_UNAVAILABLE only: `not_written` when the request never reached Redis (nothing changed); ' +
          '`unknown` when Redis was asked but did not answer (connection lost, or no reply within ' +
          'STREAMGATE_REDIS_COMMAND_TIMEOUT_MS): it may have taken effect. A publish is then safe to retry ' +
          'with the same Idempotency-Key.',
      ),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details (`application/problem+json`).',
    examples: [
      {
        type: 'urn:streamgate:problem:group-not-found',
        title: 'Consumer group not found',
        status: 404,
        detail: 'consumer group does not exist',
        code: 'GROUP_NOT_FOUND',
        instance: '/v1/streams/orders/groups/billing/pull',
      },
    ],
  });

/** The error responses a route can give, all problem+json. */
export function problems(...statuses: number[]): Record<number, typeof ProblemSchema> {
  const out: Record<number, typeof ProblemSchema> = {};
  for (const s of [...statuses, 503]) out[s] = ProblemSchema;
  return out;
}
