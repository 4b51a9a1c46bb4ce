import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type CommandOutcome, ERROR_TABLE, type ErrorCode, type FieldIssue, GatewayError } from '../contract/errors.js';
import { failureLogLevel, present, retryAfterSeconds } from '../contract/presentation.js';

/** RFC 9457 problem details, with the contract's stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldIssue[];
  /** BACKEND_UNAVAILABLE only: whether the request may have taken effect (unavailable.ts). */
  outcome?: CommandOutcome;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemType = (code: ErrorCode): string => `urn:streamgate:problem:${code.toLowerCase().replace(/_/g, '-')}`;

export function problemOf(code: ErrorCode, detail: string, issues: readonly FieldIssue[] = []): Problem {
  const entry = ERROR_TABLE[code];
  const p: Problem = { type: problemType(code), title: entry.title, status: entry.http, detail, code };
  if (issues.length > 0) p.errors = [...issues];
  return p;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

interface Answer {
  readonly problem: Problem;
  /** The retry hint (contract/presentation.ts), sent as Retry-After. */
  readonly retryAfterMs?: number | undefined;
}

/** An error as the contract presents it (contract/presentation.ts: hidden messages, outcome, retry hint). */
function presented(err: unknown): Answer {
  const shown = present(err);
  const problem = problemOf(shown.code, shown.message, shown.issues);
  if (shown.outcome !== undefined) problem.outcome = shown.outcome;
  return { problem, retryAfterMs: shown.retryAfterMs };
}

/** Any error thrown while serving a request, as a problem. Never leaks a 5xx's internals. */
function answerOf(err: unknown): Answer {
  if (err instanceof GatewayError) return presented(err);
  const fe = err as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const where = fe.validationContext ?? 'request';
    const issues = fe.validation.map((v) => ({
      // The zod provider reports the root as "/" (not ""): keep the path "body", not "body.".
      path: `${where}${v.instancePath && v.instancePath !== '/' ? v.instancePath.replace(/\//g, '.') : ''}`,
      message: v.message ?? 'invalid',
    }));
    const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return { problem: problemOf('VALIDATION_FAILED', detail, issues) };
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return { problem: problemOf(mapped, fe.message ?? mapped) };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Malformed JSON, wrong content type, bad URL encoding...: the client's to fix.
    return { problem: problemOf('VALIDATION_FAILED', fe.message ?? 'bad request') };
  }
  return presented(err);
}

/** Most characters of the request's URL a problem repeats (in `detail`); see withoutLongUrl. */
export const MAX_URL_ECHO = 256;

/** `url` as a problem may repeat it: whole up to MAX_URL_ECHO characters, else cut, saying so. */
export function echoedUrl(url: string): string {
  return url.length <= MAX_URL_ECHO ? url : `${url.slice(0, MAX_URL_ECHO)}… (cut: ${url.length} characters in all)`;
}

/**
 * `detail` with a long request URL (or its path) cut to MAX_URL_ECHO characters: Fastify's
 * router messages and the 404 repeat it, and a 5 KB path should not come back whole.
 */
function withoutLongUrl(detail: string, url: string): string {
  if (url.length <= MAX_URL_ECHO) return detail;
  const path = url.split('?')[0]!;
  const cut = detail.split(url).join(echoedUrl(url));
  return path.length > MAX_URL_ECHO && path !== url ? cut.split(path).join(echoedUrl(path)) : cut;
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const { problem, retryAfterMs } = answerOf(err);
  problem.detail = withoutLongUrl(problem.detail, req.url);
  problem.instance = req.url.length <= 2048 ? req.url.split('?')[0] : undefined;
  const level = problem.status >= 500 ? failureLogLevel(err) : null;
  if (level === 'error') req.log.error({ err }, 'request failed');
  else if (level === 'warn') req.log.warn({ code: problem.code, detail: problem.detail }, 'request failed');
  // The rate-limit plugin sets the same Retry-After on its own refusals.
  if (retryAfterMs !== undefined) void reply.header('retry-after', retryAfterSeconds(retryAfterMs));
  // RFC 9110: a 401 names the scheme the client must use.
  if (problem.code === 'UNAUTHENTICATED') void reply.header('www-authenticate', 'Bearer realm="streamgate"');
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}
