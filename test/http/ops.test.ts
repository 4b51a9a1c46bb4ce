import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app.js';
import { createCore } from '../../src/core/core.js';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { testConfig, uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { call, publish, sp } from './support.js';

let t: TestApp;

beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

describe('operational routes', () => {
  it('GET /healthz answers 200 {status: ok}', async () => {
    const res = await call(t, 'GET', '/healthz');
    expect(res.statusCode).toBe(200);
    expect(expectDocumented(res, 'GET', '/healthz')).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 {status: ok} when Redis answers', async () => {
    const res = await call(t, 'GET', '/readyz');
    expect(res.statusCode).toBe(200);
    expect(expectDocumented(res, 'GET', '/readyz')).toEqual({ status: 'ok' });
  });

  it('GET /metrics counts requests by route template, never by raw stream name', async () => {
    const s = uniq('metric-stream');
    await publish(t, s, { a: '1' });
    expect((await call(t, 'GET', sp(s, '/messages'))).statusCode).toBe(200);
    expect((await call(t, 'GET', sp(`${s}-missing`))).statusCode).toBe(404);
    expect((await call(t, 'GET', `/no-such-route/${s}`)).statusCode).toBe(404);

    const res = await call(t, 'GET', '/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = expectDocumented(res, 'GET', '/metrics') as string;
    const lines = text.split('\n').filter((l) => l.startsWith('streamgate_http_requests_total{'));
    expect(lines.length).toBeGreaterThan(0);
    const publishLine = lines.find((l) => l.includes('route="/v1/streams/:stream/messages"') && l.includes('method="POST"') && l.includes('status="201"'));
    expect(publishLine, lines.join('\n')).toBeDefined();
    expect(Number(publishLine?.split(' ').pop())).toBeGreaterThanOrEqual(1);
    expect(lines.some((l) => l.includes('route="/v1/streams/:stream"') && l.includes('status="404"'))).toBe(true);
    expect(text).toContain('streamgate_http_request_duration_seconds');
    expect(text).not.toContain(s);
  });

  it('GET /docs answers the Swagger UI page', async () => {
    let res = await call(t, 'GET', '/docs');
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
      const location = String(res.headers.location);
      res = await call(t, 'GET', location.startsWith('/') ? location : `/docs/${location.replace(/^\.\//, '')}`);
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/swagger-ui/i);
  });

  it('answers an unknown route and an unknown method with a NOT_FOUND problem', async () => {
    const p = expectProblem(await call(t, 'GET', '/v2/nothing?x=1'), 'NOT_FOUND', 'GET', null);
    expect(p.instance).toBe('/v2/nothing');
    expectProblem(await call(t, 'PATCH', sp(uniq(), '/messages')), 'NOT_FOUND', 'PATCH', null);
  });
});

describe('without Redis', () => {
  let down: Awaited<ReturnType<typeof buildHttpApp>>;
  let core: ReturnType<typeof createCore>;
  beforeAll(async () => {
    // A port nobody listens on: Redis is simply not there.
    core = createCore(testConfig(), `redis://127.0.0.1:${await freePort()}`);
    down = await buildHttpApp({ core });
  });
  afterAll(async () => {
    await down.close();
    await core.close();
  });

  it('GET /readyz answers 503 {status: unavailable}; /healthz still 200', async () => {
    const ready = await down.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(expectDocumented(ready, 'GET', '/readyz')).toEqual({ status: 'unavailable' });
    expect((await down.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('routes answer 503 BACKEND_UNAVAILABLE with Retry-After', async () => {
    const res = await down.inject({ method: 'GET', url: sp('s', '/messages') });
    expectProblem(res, 'BACKEND_UNAVAILABLE', 'GET', '/v1/streams/{stream}/messages');
    expect(res.headers['retry-after']).toBe('1');
    const pub = await down.inject({ method: 'POST', url: sp('s', '/messages'), payload: { fields: { a: '1' } } });
    expectProblem(pub, 'BACKEND_UNAVAILABLE', 'POST', '/v1/streams/{stream}/messages');
  });
});
