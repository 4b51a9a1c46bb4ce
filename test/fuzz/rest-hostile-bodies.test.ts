import { connect } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../src/core/core.js';
import { buildHttpApp } from '../../src/http/app.js';
import { MAX_JSON_DEPTH } from '../../src/http/json-shape.js';
import { testConfig } from '../helpers/core.js';
import { fuzzRedisUrl } from './redis-state.js';
import { HttpWire } from './http-wire.js';
import { FUZZ_ENV, FUZZ_SEED, runs } from './settings.js';
import { Tally } from './tally.js';
import { checkRestAnswer } from './verdicts.js';

/**
 * Hostile shapes of REST bodies (issue 11): nesting at and past the depth limit, arrays and
 * objects at and past the item cap, wherever they sit in a publish or pull body; and bodies
 * sent slowly, in pieces, around the request timeout. Every answer is a documented problem
 * or success; a shape past a limit is refused with VALIDATION_FAILED saying which; a body
 * that arrives in time is served as if sent at once, one that does not is cut.
 */

const DB = 15;
const REQUEST_TIMEOUT_MS = 400;
const ITEMS = 50;
const tally = new Tally('rest-hostile-bodies');
const config = testConfig({ ...FUZZ_ENV, STREAMGATE_MAX_BATCH: String(ITEMS), STREAMGATE_MAX_FIELDS: String(ITEMS) });

let core: Core;
let app: FastifyInstance;
let port: number;
let wire: HttpWire;
let redis: Redis;
beforeAll(async () => {
  core = createCore(config, fuzzRedisUrl(DB));
  app = await buildHttpApp({ core, connections: { requestTimeoutMs: REQUEST_TIMEOUT_MS, maxConnections: 0 } });
  const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
  port = Number(url.port);
  wire = new HttpWire(url);
  redis = new Redis(fuzzRedisUrl(DB));
});
afterAll(async () => {
  console.log(tally.summary());
  wire?.close();
  await app?.close();
  await core?.close();
  await redis?.flushdb();
  redis?.disconnect();
});

/** JSON text nested `depth` levels deep (arrays and objects mixed), around `inner`. */
const nested = (kinds: readonly boolean[], inner: string): string =>
  kinds.reduceRight((text, isArray) => (isArray ? `[${text}]` : `{"k":${text}}`), inner);

/** Where a hostile value sits: the whole body, a field value, a pairs item, a message, the trim. */
const PLACES: ReadonlyArray<(v: string) => string> = [
  (v) => v,
  (v) => `{"fields":{"a":${v}}}`,
  (v) => `{"pairs":[["a","b"],${v}]}`,
  (v) => `{"messages":[{"fields":{"a":"1"}},${v}]}`,
  (v) => `{"fields":{"a":"1"},"trim":${v}}`,
  (v) => `{"fields":{"a":"1"},"unknown":${v}}`,
];
/** Levels a place adds around its value. */
const PLACE_DEPTH = [0, 2, 2, 2, 1, 1];

const hostileShape = fc.record({
  place: fc.integer({ min: 0, max: PLACES.length - 1 }),
  kinds: fc.oneof(
    fc.array(fc.boolean(), { maxLength: 3 }),
    // Around the limit, and far past it.
    fc.integer({ min: MAX_JSON_DEPTH - 6, max: MAX_JSON_DEPTH + 2 }).chain((n) => fc.array(fc.boolean(), { minLength: n, maxLength: n })),
    fc.array(fc.boolean(), { minLength: MAX_JSON_DEPTH, maxLength: 20 * MAX_JSON_DEPTH }),
  ),
  items: fc.oneof(fc.constant(0), fc.integer({ min: ITEMS - 2, max: ITEMS + 2 }), fc.integer({ min: 0, max: 3 * ITEMS })),
  item: fc.constantFrom('0', '"x"', '["a","b"]', '{"fields":{"a":"1"}}', 'null', '"\\"\\\\"'),
  stream: fc.constantFrom('s', 'hostile'),
});

describe('REST bodies of hostile shapes', () => {
  it('nesting and item counts past the limits are refused from the shape; the rest as usual', async () => {
    await fc.assert(
      fc.asyncProperty(hostileShape, async ({ place, kinds, items, item, stream }) => {
        tally.add('hostile shape');
        const list = `[${Array(items).fill(item).join(',')}]`;
        const body = PLACES[place]!(nested(kinds, list));
        const answer = await wire.send('POST', `/v1/streams/${stream}/messages`, { 'content-type': 'application/json' }, Buffer.from(body));
        const code = checkRestAnswer(answer, 'POST', '/v1/streams/{stream}/messages');
        const itemDepth = items === 0 ? 0 : item.startsWith('{"fields') ? 2 : item.startsWith('[') ? 1 : 0;
        const depth = PLACE_DEPTH[place]! + kinds.length + 1 + itemDepth;
        const detail = code === null ? '' : String((JSON.parse(answer.body) as { detail: string }).detail);
        if (depth > MAX_JSON_DEPTH) {
          tally.note('too deep');
          expect(code).toBe('VALIDATION_FAILED');
          // The first limit met in the text wins: a list past the cap before the depth is reached.
          expect(detail).toMatch(/deeper than|more than \d+ items/);
        } else if (items > ITEMS) {
          tally.note('too many items');
          expect(code).toBe('VALIDATION_FAILED');
          expect(detail).toMatch(/more than \d+ items/);
        } else {
          expect(detail).not.toMatch(/deeper than|more than \d+ items/);
          if (code === null) tally.note('published');
        }
      }),
      { seed: FUZZ_SEED, numRuns: runs(300) },
    );
    expect(tally.get('hostile shape')).toBeGreaterThan(0);
  }, 120_000);
});

/** Sends `body` in `pieces` with `gapMs` between them over a raw socket; the answer's status line, or null when closed without one. */
function sendSlowly(path: string, body: Buffer, pieces: number, gapMs: number): Promise<{ status: number | null; text: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const size = Math.ceil(body.length / pieces);
    let at = 0;
    const timers: NodeJS.Timeout[] = [];
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    for (let i = 0; i < pieces; i++) {
      timers.push(
        setTimeout(() => {
          if (!socket.writable) return;
          socket.write(body.subarray(at, at + size));
          at += size;
        }, i * gapMs),
      );
    }
    socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      timers.forEach(clearTimeout);
      resolve({ status: /^HTTP\/1\.1 (\d{3})/.exec(text) ? Number(/^HTTP\/1\.1 (\d{3})/.exec(text)![1]) : null, text });
    });
  });
}

const slowBody = fc.record({
  body: fc.constantFrom('{"fields":{"a":"1"}}', '{"messages":[{"fields":{"n":"1"}},{"pairs":[["n","2"]]}]}', '{"fields":{"a":1}}', '[[[[[[[[[[]]]]]]]]]]', '{"fields"'),
  pieces: fc.integer({ min: 1, max: 6 }),
  gapMs: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 200, max: 300 })),
});

describe('REST bodies sent slowly', () => {
  it('a body that arrives within the request timeout is served; one that does not is cut with a problem', async () => {
    await fc.assert(
      fc.asyncProperty(slowBody, async ({ body, pieces, gapMs }) => {
        tally.add('slow body');
        const total = (pieces - 1) * gapMs;
        const { status, text } = await sendSlowly('/v1/streams/slow/messages', Buffer.from(body), pieces, gapMs);
        if (total < REQUEST_TIMEOUT_MS / 2) {
          // In time: the answer is the one the body gets at once (201, or 400 for the bad ones).
          expect(status, text.slice(0, 300)).not.toBeNull();
          expect([201, 400]).toContain(status);
          expect(text).not.toContain('did not arrive in time');
        } else if (total > REQUEST_TIMEOUT_MS * 2) {
          tally.note('cut');
          // Cut: a problem saying so, unless the shape or syntax was refused before the end.
          expect(status === null || status === 400).toBe(true);
        }
        if (status !== null && status >= 500) throw new Error(`answered ${status}: ${text.slice(0, 300)}`);
      }),
      { seed: FUZZ_SEED, numRuns: runs(30) },
    );
  }, 120_000);
});
