import { status as grpcStatus } from '@grpc/grpc-js';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_TABLE, type ErrorCode, GatewayError } from '../../src/contract/errors.js';
import { HIDDEN_MESSAGE, showsMessage } from '../../src/contract/presentation.js';
import { RateLimited } from '../../src/core/admission.js';
import { toGrpcStatus } from '../../src/grpc/status.js';
import { sendProblem } from '../../src/http/problem.js';
import { BackendUnavailable } from '../../src/contract/errors.js';

/**
 * REST and gRPC present every failure the same way (contract/presentation.ts): the same
 * message shown or hidden, the same retry hint (Retry-After in seconds, retry-after-ms),
 * the same outcome.
 */

const MESSAGE = 'what happened (with internals: ERR something at line 42)';

const errors: Array<[label: string, err: unknown]> = [
  ...ERROR_CODES.map((code): [string, unknown] => [code, new GatewayError(code, MESSAGE)]),
  ['RateLimited (requests per second)', new RateLimited(1500, 'over 2 requests per second; retry in 1500 ms')],
  ['BackendUnavailable not_written', new BackendUnavailable('not_written', 'Redis is unavailable (not connected)')],
  ['BackendUnavailable unknown', new BackendUnavailable('unknown', 'the connection to Redis was lost')],
  ['a plain Error', new Error('TypeError in a handler')],
  ['a thrown string', 'boom'],
];

interface Shown {
  code: string;
  message: string;
  retryAfterSeconds: number | undefined;
  outcome: string | undefined;
}

async function overRest(err: unknown): Promise<Shown & { status: number }> {
  const app = Fastify({ logger: false });
  app.setErrorHandler((e, req, reply) => sendProblem(req, reply, e));
  app.get('/fail', async () => {
    throw err;
  });
  const res = await app.inject({ method: 'GET', url: '/fail' });
  await app.close();
  const body = res.json() as { code: string; detail: string; outcome?: string };
  const retry = res.headers['retry-after'];
  return {
    status: res.statusCode,
    code: body.code,
    message: body.detail,
    retryAfterSeconds: retry === undefined ? undefined : Number(retry),
    outcome: body.outcome,
  };
}

function overGrpc(err: unknown): Shown & { grpc: number } {
  const s = toGrpcStatus(err);
  const meta = (key: string) => {
    const v = s.metadata?.get(key)[0];
    return v === undefined ? undefined : String(v);
  };
  const ms = meta('retry-after-ms');
  return {
    grpc: s.code,
    code: String(meta('error-code')),
    message: s.details,
    retryAfterSeconds: ms === undefined ? undefined : Math.ceil(Number(ms) / 1000),
    outcome: meta('outcome'),
  };
}

describe('error presentation: REST and gRPC alike', () => {
  it.each(errors)('%s', async (_label, err) => {
    const rest = await overRest(err);
    const grpc = overGrpc(err);
    const { status: _s, ...restShown } = rest;
    const { grpc: _g, ...grpcShown } = grpc;
    expect(restShown).toEqual(grpcShown);
    const code = rest.code as ErrorCode;
    expect(rest.status).toBe(ERROR_TABLE[code].http);
    expect(grpc.grpc).toBe(ERROR_TABLE[code].grpc);
  });

  it('shows every 4xx message, and of the 5xx only BACKEND_UNAVAILABLE and SHUTTING_DOWN', async () => {
    const shown = ERROR_CODES.filter((code) => showsMessage(code));
    expect(shown).toEqual(ERROR_CODES.filter((code) => ERROR_TABLE[code].http < 500 || code === 'BACKEND_UNAVAILABLE' || code === 'SHUTTING_DOWN'));
    expect((await overRest(new GatewayError('SHUTTING_DOWN', MESSAGE))).message).toBe(MESSAGE);
    expect(overGrpc(new GatewayError('INTERNAL', MESSAGE)).message).toBe(HIDDEN_MESSAGE);
    expect(overGrpc(new Error('x')).grpc).toBe(grpcStatus.INTERNAL);
  });

  it('gives the retry hints: 1 s for BACKEND_UNAVAILABLE, the bucket time for RATE_LIMITED, none otherwise', async () => {
    expect(await overRest(new BackendUnavailable('unknown', 'lost'))).toMatchObject({ retryAfterSeconds: 1, outcome: 'unknown' });
    expect(overGrpc(new RateLimited(1500, 'slow down')).retryAfterSeconds).toBe(2);
    // Over the waiting pulls of a key there is no time to give.
    expect(await overRest(new GatewayError('RATE_LIMITED', 'too many waiting pulls'))).toMatchObject({ retryAfterSeconds: undefined });
    expect(overGrpc(new GatewayError('SHUTTING_DOWN', 'bye')).retryAfterSeconds).toBeUndefined();
  });
});
