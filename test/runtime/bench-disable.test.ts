import { afterEach, describe, expect, it } from 'vitest';
import { BENCH_FEATURES } from '../../src/core/config.js';
import { loadConfig } from '../../src/runtime/config.js';
import { type TestApp, enc, testApp } from '../helpers/http.js';
import { uniq } from '../helpers/core.js';

// STREAMGATE_BENCH_DISABLE exists for `npm run bench -- --ablate` only.
describe('STREAMGATE_BENCH_DISABLE', () => {
  it('is empty by default: nothing is turned off', () => {
    expect(loadConfig({}).benchDisable.size).toBe(0);
    expect(loadConfig({ STREAMGATE_BENCH_DISABLE: '' }).benchDisable.size).toBe(0);
  });

  it('takes a comma list of the known features and refuses any other name', () => {
    expect([...loadConfig({ STREAMGATE_BENCH_DISABLE: ' metrics, fence ' }).benchDisable]).toEqual(['metrics', 'fence']);
    expect(loadConfig({ STREAMGATE_BENCH_DISABLE: BENCH_FEATURES.join(',') }).benchDisable.size).toBe(BENCH_FEATURES.length);
    expect(() => loadConfig({ STREAMGATE_BENCH_DISABLE: 'metrics,tls' })).toThrow(/STREAMGATE_BENCH_DISABLE/);
  });

  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('with every feature off, a publish still works', async () => {
    t = await testApp({ STREAMGATE_BENCH_DISABLE: BENCH_FEATURES.join(','), STREAMGATE_RATE_LIMIT_RPS: '1000' });
    const stream = uniq('bench-disable');
    const res = await t.app.inject({ method: 'POST', url: `/v1/streams/${enc(stream)}/messages`, payload: { fields: { a: '1' } } });
    expect(res.statusCode, res.body).toBe(201);
    expect((res.json() as { ids: string[] }).ids).toHaveLength(1);
    await t.core.streams.delete(stream);
  });
});
