import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { invalid } from '../contract/errors.js';
import { PROBLEM_CONTENT_TYPE, type Problem, echoedUrl, problemOf } from './problem.js';

/**
 * Requests that Node's HTTP server settles before Fastify routes them: unparsable HTTP, a
 * head over the size limit, CONNECT, an Expect it does not know, HTTP/1.1 without Host.
 * Node (and Fastify's default) answer those with bodies of their own or none at all; here
 * they get a problem+json with a contract code like every other error (docs/api.md#errors:
 * no request, however malformed, goes without one). Found by test/fuzz/http-framing.test.ts.
 */

function writeProblem(socket: Duplex, problem: Problem): void {
  if (!socket.writable) return;
  const body = JSON.stringify(problem);
  socket.write(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Fastify's `clientErrorHandler`: the request could not be parsed, so the connection cannot
 * be trusted further; answer and close, as Node does. A head over the size limit is
 * PAYLOAD_TOO_LARGE (bytes over a limit, docs/api.md#limits), not the contract-less 431.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let problem: Problem;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    problem = problemOf('PAYLOAD_TOO_LARGE', 'the request line and headers are over the size limit');
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    problem = problemOf('VALIDATION_FAILED', 'the request did not arrive in time');
  } else {
    problem = problemOf('VALIDATION_FAILED', `malformed HTTP request${err.code ? ` (${err.code})` : ''}`);
  }
  writeProblem(socket, problem);
  socket.destroy();
}

/** The parts that need the server itself; call once, right after creating the app. */
export function registerRawAnswers(app: FastifyInstance): void {
  const server = app.server;
  // This is not a proxy: CONNECT has no route. Without a listener Node drops the connection.
  server.on('connect', (req: { method?: string; url?: string }, socket: Duplex) => {
    writeProblem(socket, problemOf('NOT_FOUND', `no route for CONNECT ${echoedUrl(String(req.url ?? ''))}`));
    socket.destroy();
  });
  // An expectation other than 100-continue: RFC 9110 lets a server ignore it and answer the
  // request as usual, instead of Node's bodiless 417 (a status the contract does not have).
  server.on('checkExpectation', (req, res) => server.emit('request', req, res));
  // HTTP/1.1 without Host is refused (RFC 9112 requires a 400) by the hook below, as a
  // problem, rather than by Node with an empty 400. Node reads this flag per request.
  (server as { requireHostHeader?: boolean }).requireHostHeader = false;
  app.addHook('onRequest', (req, _reply, done) => {
    done(req.raw.httpVersion === '1.1' && req.headers.host === undefined ? invalid('an HTTP/1.1 request needs a Host header', 'Host') : undefined);
  });
}
