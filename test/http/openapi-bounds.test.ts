import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LimitName, limitSettings } from '../../src/contract/defaults.js';
import { loadConfig } from '../../src/runtime/config.js';
import { testApp, type TestApp } from '../helpers/http.js';
import { type OpenApiDocument, committedDocument } from '../helpers/openapi-check.js';

const pullBody = (doc: OpenApiDocument) =>
  (doc.paths['/v1/streams/{stream}/groups/{group}/pull']?.post?.requestBody?.content?.['application/json']?.schema as {
    properties: Record<string, { maximum?: number }>;
  }).properties;

// That every integer has a minimum and a maximum: test/http/openapi.test.ts.
describe('OpenAPI integer bounds', () => {
  it('the limit settings are the configuration: each names its variable, whose default and range it gives', () => {
    const defaults = loadConfig({}).limits;
    for (const [name, s] of Object.entries(limitSettings) as Array<[LimitName, (typeof limitSettings)[LimitName]]>) {
      expect(defaults[name], name).toBe(s.default);
      expect(loadConfig({ [s.env]: String(s.max) }).limits[name], name).toBe(s.max);
      expect(() => loadConfig({ [s.env]: String(s.max + 1) }), name).toThrow();
      expect(() => loadConfig({ [s.env]: String(s.min - 1) }), name).toThrow();
    }
  });

  it('counts and times start at 0 or 1; a pull count and wait end at the default limits', () => {
    const pull = pullBody(committedDocument());
    expect(pull.count).toMatchObject({ minimum: 1, maximum: 1000, default: 1 });
    expect(pull.waitMs).toMatchObject({ minimum: 0, maximum: 60_000, default: 0 });
  });

  describe('served with other limits', () => {
    let t: TestApp;
    let served: OpenApiDocument;
    beforeAll(async () => {
      t = await testApp({ STREAMGATE_MAX_COUNT: '5', STREAMGATE_MAX_WAIT_MS: '100', STREAMGATE_MAX_BATCH: '7' });
      served = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    });
    afterAll(async () => t.close());

    it('states the configured limits, and no marker keyword', () => {
      const pull = pullBody(served);
      expect(pull.count?.maximum).toBe(5);
      expect(pull.waitMs?.maximum).toBe(100);
      const ack = served.paths['/v1/streams/{stream}/groups/{group}/ack']?.post?.responses['200']?.content?.['application/json']?.schema as {
        properties: Record<string, { maximum?: number }>;
      };
      expect(ack.properties.acked?.maximum).toBe(7);
      expect(JSON.stringify(served)).not.toContain('x-streamgate-limit');
    });
  });
});
