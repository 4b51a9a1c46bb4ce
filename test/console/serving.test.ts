import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/http/console.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { type KeyDef, bearer, tempDirs, writeKeys } from '../access/support.js';

/**
 * The web console's files: served from the repository with their content types, a strict
 * Content-Security-Policy and revalidation, only the console's own files (no path reaches
 * another), and its access helper route, which answers a key's scopes on a stream.
 */

const ADMIN: KeyDef = { name: 'ops', secret: 'ops-secret', grants: [{ scopes: ['admin', 'consume', 'publish'], streams: ['*'] }] };
const READER: KeyDef = { name: 'viewer', secret: 'viewer-secret', grants: [{ scopes: ['consume'], streams: ['orders*'] }] };
const newDir = tempDirs();
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ STREAMGATE_AUTH_FILE: writeKeys(newDir(), [ADMIN, READER]), STREAMGATE_STREAMS: 'orders*,other*' });
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

describe('console files', () => {
  it('/console redirects to /console/ (relative module URLs need the slash), keeping the query', async () => {
    const res = await get('/console?x=1');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/console/?x=1');
  });

  it('serves each file with its content type, the CSP, nosniff and an ETag revalidated on each load', async () => {
    const expected = { '/console/': 'text/html', '/console/app.js': 'text/javascript', '/console/style.css': 'text/css', '/console/chart.js': 'text/javascript' };
    for (const [url, type] of Object.entries(expected)) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-cache');
      const etag = String(res.headers.etag);
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await get(url, { 'if-none-match': etag });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
    expect((await get('/console/')).body).toContain('<script type="module" src="app.js">');
  });

  it('serves nothing but the console files: traversal, unknown names and subfolders are 404 problems', async () => {
    expect((await get('/console/app.js')).statusCode).toBe(200);
    for (const url of ['/console/..%2fconsole.ts', '/console/%2e%2e%2f%2e%2e%2fpackage.json', '/console/../http/app.ts', '/console/nope.js', '/console/a/app.js', '/console/console.ts', '/console/__proto__', '/console/constructor']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.json().code, url).toBe('NOT_FOUND');
    }
  });

  it('needs no key for its files (the key is typed into the page), and is not in the OpenAPI document', async () => {
    expect((await get('/console/api.js')).statusCode).toBe(200);
    const doc = (await get('/openapi.json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
  });
});

describe('console access helper', () => {
  it('answers 401 without a valid key, as the API does', async () => {
    const cases: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong' }];
    for (const headers of cases) {
      const res = await get('/console/api/access?stream=orders', headers);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it("answers the key's name and its scopes on a stream, the fence applied", async () => {
    const admin = { authorization: bearer(ADMIN.secret) };
    const reader = { authorization: bearer(READER.secret) };
    expect((await get('/console/api/access', admin)).json()).toEqual({ key: 'ops', authEnabled: true });
    expect((await get('/console/api/access?stream=orders', admin)).json()).toEqual({ key: 'ops', authEnabled: true, stream: 'orders', scopes: ['publish', 'consume', 'admin'] });
    expect((await get('/console/api/access?stream=orders-eu', reader)).json().scopes).toEqual(['consume']);
    // A grant the key lacks, a stream outside the fence, a gateway key, an invalid name: no scope.
    for (const stream of ['other', 'elsewhere', 'sg:{orders}:policy', 'a\u0001b']) {
      const res = await get(`/console/api/access?stream=${encodeURIComponent(stream)}`, stream === 'other' ? reader : admin);
      expect(res.statusCode, stream).toBe(200);
      expect(res.json().scopes, stream).toEqual([]);
    }
  });
});
