import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../helpers/core.js';
import { exchange, rawRequest } from './raw-http.js';
import { withFuzzRest } from './servers.js';
import { FUZZ_ENV, FUZZ_SEED, runs } from './settings.js';
import { Tally } from './tally.js';
import { checkProblem } from './verdicts.js';

/**
 * HTTP/1.1 framing no HTTP client would send (broken request lines, control bytes in
 * headers, conflicting lengths, oversized heads, CONNECT, odd Expect): over a raw socket,
 * every answer is a problem+json with a contract code (or a success), and the server never
 * drops a complete request without an answer. Then it still serves ordinary requests.
 */

const DB = 13;
const RUNS = runs(400);
const tally = new Tally('http-framing');
let app: FastifyInstance;
let port: number;
withFuzzRest(DB, testConfig(FUZZ_ENV), tally, (f) => {
  ({ app, port } = f);
});

describe('HTTP framing fuzzing (raw sockets)', () => {
  it('answers every request it can read with a problem or a success; closes only on requests it is still reading', async () => {
    await fc.assert(
      fc.asyncProperty(rawRequest, async (request) => {
        tally.add('raw request');
        const { answer, halfClosed } = await exchange(port, request);
        if (answer === null) {
          if (!halfClosed) throw new Error('the server closed the connection without an answer');
          return;
        }
        const head = request.startsWith('HEAD ');
        if (answer.statusCode >= 500 && answer.statusCode !== 503) throw new Error(`answered ${answer.statusCode}`);
        // A HEAD answer has the headers of the GET answer and no body.
        if (head) expect(answer.statusCode < 400 || String(answer.headers['content-type']).startsWith('application/problem+json')).toBe(true);
        else if (answer.statusCode >= 400 || answer.statusCode < 200 || Number.isNaN(answer.statusCode)) checkProblem(answer);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
  }, 120_000);

  it('still serves ordinary requests afterwards', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    const { answer } = await exchange(port, 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(answer?.statusCode).toBe(200);
  });
});
