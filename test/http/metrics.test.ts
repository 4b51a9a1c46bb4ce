import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerHttpMetrics } from '../../src/http/metrics.js';

/**
 * streamgate_http_requests_total is filled from the duration histogram's `_count` when
 * scraped, not counted per request: the exposition must be exactly what a counter
 * incremented on every response would show.
 */

let app: FastifyInstance;
let registry: Registry;
/** The reference: a counter incremented per response, as the gateway did before. */
let reference: Registry;

beforeAll(async () => {
  app = Fastify();
  registry = new Registry();
  reference = new Registry();
  registerHttpMetrics(app, registry);
  const counted = new Counter({
    name: 'streamgate_http_requests_total',
    help: 'HTTP requests served, by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    registers: [reference],
  });
  app.addHook('onResponse', async (req, reply) => {
    counted.inc({ route: req.routeOptions.url ?? 'unmatched', method: req.method, status: String(reply.statusCode) });
  });
  app.get('/ok/:id', async () => 'ok');
  app.post('/fail/:id', async (_req, reply) => reply.code(409).send('no'));
  await app.ready();
});
afterAll(() => app.close());

const counterText = async (r: Registry) => r.getSingleMetricAsString('streamgate_http_requests_total');

async function send(n: number) {
  for (let i = 0; i < n; i++) {
    await app.inject({ method: 'GET', url: `/ok/${i}` });
    if (i % 3 === 0) await app.inject({ method: 'POST', url: `/fail/${i}` });
    if (i % 4 === 0) await app.inject({ method: 'GET', url: `/missing/${i}` });
  }
}

describe('HTTP request metrics', () => {
  it('the request counter is exactly a per-response count, scrape after scrape', async () => {
    expect(await counterText(registry)).toBe(await counterText(reference));
    await send(10);
    const first = await counterText(registry);
    expect(first).toBe(await counterText(reference));
    expect(first).toContain('streamgate_http_requests_total{route="/ok/:id",method="GET",status="200"} 10');
    expect(first).toContain('streamgate_http_requests_total{route="/fail/:id",method="POST",status="409"} 4');
    expect(first).toContain('status="404"} 3');
    // Scraping again changes nothing; later requests add to the counts.
    expect(await counterText(registry)).toBe(first);
    await send(5);
    expect(await counterText(registry)).toBe(await counterText(reference));
    expect(await counterText(registry)).toContain('route="/ok/:id",method="GET",status="200"} 15');
  });

  it('the counter and the histogram count agree for every label set', async () => {
    const text = await registry.metrics();
    const counts = (prefix: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(prefix))
        .map((l) => l.slice(prefix.length));
    expect(counts('streamgate_http_requests_total')).toEqual(counts('streamgate_http_request_duration_seconds_count'));
  });
});
