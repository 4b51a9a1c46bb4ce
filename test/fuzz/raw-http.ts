import { connect } from 'node:net';
import fc from 'fast-check';
import type { HttpAnswer } from '../helpers/openapi-check.js';

/**
 * HTTP/1.1 below what an HTTP client lets one send: broken request lines, header bytes no
 * client would write, conflicting framing, oversized heads. Sent over a raw socket; the
 * answer is read until the server closes or a complete response arrived.
 */

export interface RawExchange {
  /** The answer, or null when the server closed without one. */
  readonly answer: HttpAnswer | null;
  /** The client had half-closed (the server was waiting for bytes the request promised). */
  readonly halfClosed: boolean;
}

function parseResponse(data: Buffer): { answer: HttpAnswer; complete: boolean } | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = data.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = head[0] ?? '';
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  // An interim answer (100 Continue) comes before the real one.
  if (status >= 100 && status < 200) return parseResponse(data.subarray(end + 4));
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = data.subarray(end + 4);
  return { answer: { statusCode: status, headers, body: body.subarray(0, length).toString('utf8') }, complete: body.length >= length };
}

/**
 * Writes `request` and collects the first response. A server still waiting for bytes the
 * request promised (a Content-Length beyond the body) gets the client's half-close after
 * `patienceMs`; it must then answer or close. Rejects when it does neither: a hang.
 */
export function exchange(port: number, request: string, patienceMs = 300, timeoutMs = 5000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    let done = false;
    let halfClosed = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(halfClose);
      socket.destroy();
      const parsed = parseResponse(data);
      resolve({ answer: parsed ? parsed.answer : null, halfClosed });
    };
    const halfClose = setTimeout(() => {
      halfClosed = true;
      socket.end();
    }, patienceMs);
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(new Error(`no answer and no close within ${timeoutMs} ms (got ${JSON.stringify(data.toString('latin1').slice(0, 200))})`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (parseResponse(data)?.complete) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(Buffer.from(request, 'latin1'));
  });
}

const CRLF = '\r\n';

/** Mostly `usual`, sometimes one of `odd`: so most requests carry one or two malformations, not all. */
const mostly = <T>(usual: readonly T[], odd: readonly T[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });

/** A request line, headers and body (as latin1 text), each possibly malformed; always ends its head, so a server can answer. */
export const rawRequest: fc.Arbitrary<string> = fc
  .record({
    method: mostly(['GET', 'POST', 'DELETE'], ['get', 'BREW', 'G ET', 'GET\t', '', 'CONNECT', 'OPTIONS', 'TRACE', 'PRI', 'HEAD']),
    target: mostly(
      ['/v1/streams', '/v1/streams/live/messages', '/healthz', '/v1/streams/live/groups/g/pull'],
      [
        '/v1/streams/a b/messages',
        '/v1/streams/\u0001/messages',
        '/v1/streams/\u00ff\u00fe',
        '*',
        'http://127.0.0.1/v1/streams',
        '//v1/streams',
        '/v1/streams/live/../live',
        '/%',
        '',
        `/${'x'.repeat(20_000)}`,
        '/healthz#frag',
        '/healthz?\u0000',
      ],
    ),
    version: mostly(['HTTP/1.1', 'HTTP/1.0'], ['HTTP/2.0', 'HTTP/1.1 extra', 'HTTP/1', 'http/1.1', '', 'HTTP/1.1\u0000']),
    host: mostly<string | null>(['127.0.0.1'], [null, '', 'a b', 'x'.repeat(300), '127.0.0.1, 127.0.0.2']),
    headers: fc.array(
      mostly(
        ['Content-Type: application/json', 'Accept: */*', 'Content-Length: 2', 'Transfer-Encoding: chunked'],
        [
          'X-Bad: \u0001',
          'X-Bad\u0000: 1',
          'No-Colon',
          ' Folded: continuation',
          'X A: 1',
          ': empty-name',
          'Content-Length: 5',
          'Content-Length: -1',
          'Content-Length: abc',
          'Content-Length: 1, 2',
          'Transfer-Encoding: gzip',
          'Transfer-Encoding: chunked, identity',
          'Expect: 100-continue',
          'Expect: nonsense',
          'Upgrade: h2c',
          'Connection: Upgrade, HTTP2-Settings',
          `X-Big: ${'x'.repeat(20_000)}`,
          'Authorization: Bearer \u00ff',
        ],
      ),
      { maxLength: 3 },
    ),
    body: fc.constantFrom('', '{}', '0\r\n\r\n', 'zz\r\nabc\r\n0\r\n\r\n', '2\r\n{}\r\n0\r\n\r\n', '{"fields":{"a":"1"}}'),
  })
  .map(({ method, target, version, host, headers, body }) => {
    const lines = [`${method} ${target} ${version}`.trimEnd()];
    if (host !== null) lines.push(`Host: ${host}`);
    lines.push(...headers, 'Connection: close');
    return `${lines.join(CRLF)}${CRLF}${CRLF}${body}`;
  });
