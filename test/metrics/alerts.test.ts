import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { scrape } from './support.js';

/**
 * examples/alerts.yml: valid for Prometheus (promtool check rules, when Debian's prometheus
 * package provides /usr/bin/promtool; CI does not install it: the YAML checks below run
 * everywhere), covering lag, oldest pending age, stale consumers and dead-letter growth, and
 * naming only metrics the gateway exports.
 */

const FILE = fileURLToPath(new URL('../../examples/alerts.yml', import.meta.url));
const PROMTOOL = '/usr/bin/promtool';

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

let t: TestApp;
let exported: string;

beforeAll(async () => {
  t = await testApp({ STREAMGATE_METRICS_STREAMS: uniq('alerts') });
  exported = await scrape(await t.listen());
});
afterAll(async () => t?.close());

describe('examples/alerts.yml', () => {
  it.runIf(existsSync(PROMTOOL))('passes promtool check rules', () => {
    const out = execFileSync(PROMTOOL, ['check', 'rules', FILE], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('covers lag, oldest pending age, stale consumers and dead-letter growth, with only exported metrics', () => {
    const doc = parse(readFileSync(FILE, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
    const rules = doc.groups.flatMap((g) => g.rules);
    for (const r of rules) {
      expect(r.alert, JSON.stringify(r)).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(typeof r.expr).toBe('string');
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smhd]$/);
      expect(r.annotations?.summary).toBeTruthy();
    }
    const exprs = rules.map((r) => r.expr!).join('\n');
    for (const m of ['streamgate_group_lag', 'streamgate_group_oldest_pending_idle_seconds', 'streamgate_group_stale_consumers', 'streamgate_group_dead_letter_length']) {
      expect(exprs).toContain(m);
    }
    const names = new Set(exprs.match(/streamgate_[a-z_]+/g));
    for (const name of names) expect(exported, `${name} is not on /metrics`).toContain(`# TYPE ${name} `);
  });
});
