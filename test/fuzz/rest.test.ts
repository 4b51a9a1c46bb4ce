import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { testConfig } from '../helpers/core.js';
import { committedDocument } from '../helpers/openapi-check.js';
import type { HttpWire } from './http-wire.js';
import { type FuzzRequest, type GeneratorContext, bodyBytes, decodedSegment, exampleRequests, operationsOf, pathOf, requestArbitrary } from './openapi-requests.js';
import { KNOWN, NOT_STREAMS, OTHER_TYPE_NAMES, derivedKeysOfOthers, refusesOtherType, seed, snapshotOthers } from './redis-state.js';
import { withFuzzRest } from './servers.js';
import { FUZZ_ENV, FUZZ_SEED, runs } from './settings.js';
import { Tally } from './tally.js';
import { checkRestAnswer } from './verdicts.js';

/**
 * Property-based fuzzing of every operation of the committed OpenAPI document, over real
 * HTTP against a real server and Redis. Whatever the request (hostile names and encodings,
 * boundary numbers, wrong types, junk bodies, wrong content types), the answer is not a 5xx
 * other than 503, arrives on a connection that stays up, and is either the documented
 * success or a documented problem whose contract code has its ERROR_TABLE status. A request
 * addressing a key of another type is refused and leaves the key as it was.
 */

const DB = 11;
const RUNS_PER_OPERATION = runs(180);
const config = testConfig(FUZZ_ENV);
const doc = committedDocument();
const operations = operationsOf(doc);
const ctx: GeneratorContext = { doc, limits: config.limits, known: KNOWN };

const tally = new Tally('rest');
let core: Core;
let wire: HttpWire;
let redis: Redis;
withFuzzRest(DB, config, tally, (f) => {
  ({ core, wire, redis } = f);
});

async function sendFuzz(r: FuzzRequest) {
  const headers: Record<string, string> = { ...r.headers };
  let body: Buffer | null = null;
  if (r.body) {
    body = bodyBytes(r.body);
    if (r.body.contentType !== null) headers['content-type'] = r.body.contentType;
  }
  return wire.send(r.method, pathOf(r), headers, body);
}

describe('REST fuzzing (fast-check, from openapi/openapi.json)', () => {
  it('has a request generator for every operation of the document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(27);
    const missing: string[] = [];
    for (const op of operations) {
      try {
        requestArbitrary(op, ctx);
      } catch (err) {
        missing.push(`${op.method} ${op.route}: ${(err as Error).message}`);
      }
    }
    expect(missing).toEqual([]);
  });

  for (const op of operations) {
    const name = `${op.method} ${op.route}`;
    it(`${name}: no 5xx but 503, documented answers, contract codes, other-type keys refused and untouched`, async () => {
      await seed(core, redis);
      const before = await snapshotOthers(redis);
      const refused = new Set<string>();
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op, ctx), async (r) => {
          tally.add(name);
          const stream = r.params.stream;
          const addressed = stream ? decodedSegment(stream.value, stream.encoding) : null;
          // The policy hash of `live` goes away with `live`: a key of another type only while it exists.
          const otherType = addressed !== null && NOT_STREAMS.has(addressed) ? await redis.type(addressed) : 'none';
          const answer = await sendFuzz(r);
          const code = checkRestAnswer(answer, op.method, op.route);
          if (otherType !== 'none' && addressed !== null && !refusesOtherType(addressed, code)) {
            throw new Error(`key ${JSON.stringify(addressed)} is a ${otherType}, yet answered ${answer.statusCode} ${code ?? ''}: ${answer.body.slice(0, 300)}`);
          }
          if (code === 'NOT_A_STREAM' && addressed !== null) refused.add(addressed);
        }),
        { seed: FUZZ_SEED, numRuns: RUNS_PER_OPERATION, examples: exampleRequests(op, KNOWN, doc).map((r) => [r]) },
      );
      expect(await snapshotOthers(redis)).toEqual(before);
      expect(await derivedKeysOfOthers(redis)).toEqual([]);
      // Each key of another type was met with a request that passed validation, and refused.
      if (op.parameters.some((p) => p.name === 'stream')) expect(OTHER_TYPE_NAMES.filter((k) => !refused.has(k))).toEqual([]);
    }, 120_000);
  }

  it('fuzzed every operation with its full number of cases', () => {
    for (const op of operations) expect(tally.get(`${op.method} ${op.route}`), `${op.method} ${op.route}`).toBeGreaterThanOrEqual(Math.min(RUNS_PER_OPERATION, 100));
  });

  it('leaves the server healthy: ordinary requests still succeed on the same connection pool', async () => {
    const health = await wire.send('GET', '/healthz', {}, null);
    expect(health.statusCode).toBe(200);
    const ready = await wire.send('GET', '/readyz', {}, null);
    expect(ready.statusCode).toBe(200);
    const pub = await wire.send('POST', '/v1/streams/after-fuzz/messages', { 'content-type': 'application/json' }, Buffer.from('{"fields":{"ok":"1"}}'));
    expect(pub.statusCode, pub.body).toBe(201);
    const read = await wire.send('GET', '/v1/streams/after-fuzz/messages', {}, null);
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body).messages).toHaveLength(1);
  });
});
