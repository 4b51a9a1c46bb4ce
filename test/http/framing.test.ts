import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../helpers/http.js';
import { type ContractCode, expectProblem } from '../helpers/openapi-check.js';
import { exchange } from '../fuzz/raw-http.js';

/**
 * Requests Node's HTTP server settles before Fastify routes them (src/http/raw-answers.ts),
 * over a raw socket. Found by test/fuzz/http-framing.test.ts: they used to get Fastify's or
 * Node's own bodies (application/json, or none) or, for CONNECT, no answer at all.
 */

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await testApp();
  port = Number(new URL(await t.listen()).port);
});
afterAll(async () => t.close());

const send = async (text: string) => {
  const { answer } = await exchange(port, text);
  if (!answer) throw new Error(`no answer to ${JSON.stringify(text.slice(0, 80))}`);
  return answer;
};

describe('HTTP the router never sees', () => {
  it.each<[string, string, ContractCode]>([
    ['a lowercase method', 'get /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 'VALIDATION_FAILED'],
    ['a control byte in a header', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: \u0001\r\n\r\n', 'VALIDATION_FAILED'],
    ['Content-Length with Transfer-Encoding', 'POST /v1/streams/s/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}', 'VALIDATION_FAILED'],
    ['a bad chunk size', 'POST /v1/streams/s/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 'VALIDATION_FAILED'],
    ['headers over the size limit', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`, 'PAYLOAD_TOO_LARGE'],
    ['HTTP/1.1 without Host', 'GET /healthz HTTP/1.1\r\n\r\n', 'VALIDATION_FAILED'],
    ['CONNECT', 'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n', 'NOT_FOUND'],
  ])('%s: a problem with a contract code', async (_, text, code) => {
    expectProblem(await send(text), code, 'GET', null);
  });

  it('an Expect other than 100-continue is ignored and the request answered (RFC 9110 allows it)', async () => {
    const res = await send('GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: nonsense\r\nConnection: close\r\n\r\n');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('HTTP/1.0 needs no Host', async () => {
    const res = await send('GET /healthz HTTP/1.0\r\n\r\n');
    expect(res.statusCode).toBe(200);
  });
});
