import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../src/redis/keys.js';
import { describeOptions } from '../src/runtime/config.js';
import { redisUrl } from './helpers/core.js';
import { type TestApp, testApp } from './helpers/http.js';

/**
 * Runs every shell block of the README walkthrough, in order and in one bash session,
 * against a real server, and checks each output against the JSON block that follows it.
 * Stream IDs in the README are placeholders: each must stand for one actual ID throughout
 * (the same placeholder always the same ID, two placeholders never the same ID).
 */

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ID = /^\d+-\d+$/;

interface Step {
  readonly script: string;
  readonly expected: unknown;
}

function walkthroughSteps(): Step[] {
  const start = README.indexOf('<!-- walkthrough:start -->');
  const end = README.indexOf('<!-- walkthrough:end -->');
  if (start < 0 || end < start) throw new Error('README walkthrough markers are missing');
  const blocks = [...README.slice(start, end).matchAll(/```(sh|json)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1],
    body: m[2] ?? '',
  }));
  const steps: Step[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (b?.lang !== 'sh') throw new Error(`walkthrough block ${i} is ${b?.lang} where a sh block was expected`);
    const next = blocks[i + 1];
    const expected = next?.lang === 'json' ? (JSON.parse(next.body) as unknown) : undefined;
    if (next?.lang === 'json') i++;
    steps.push({ script: b.body, expected });
  }
  return steps;
}

function mismatches(expected: unknown, actual: unknown, ids: Map<string, string>, path = '$'): string[] {
  if (typeof expected === 'string' && ID.test(expected) && typeof actual === 'string' && ID.test(actual)) {
    const bound = ids.get(expected);
    if (bound === undefined) {
      const taken = [...ids.entries()].find(([, v]) => v === actual);
      if (taken) return [`${path}: ${actual} already stands for ${taken[0]}, not ${expected}`];
      ids.set(expected, actual);
      return [];
    }
    return bound === actual ? [] : [`${path}: expected the ID shown as ${expected} (${bound}), got ${actual}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected an array of ${expected.length}, got ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((e, i) => mismatches(e, actual[i], ids, `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object`];
    const ek = Object.keys(expected).sort();
    const ak = Object.keys(actual).sort();
    if (JSON.stringify(ek) !== JSON.stringify(ak)) return [`${path}: keys ${JSON.stringify(ak)}, README shows ${JSON.stringify(ek)}`];
    return ek.flatMap((k) =>
      mismatches((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], ids, `${path}.${k}`),
    );
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

describe('README', () => {
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await testApp();
    await t.listen();
    redis = new Redis(redisUrl());
    await redis.del('orders', 'orders:dlq', keys.policy('orders'));
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  it('walkthrough: every command runs and answers what the README shows', async () => {
    const steps = walkthroughSteps();
    expect(steps.length).toBeGreaterThanOrEqual(10);
    const script = [
      'set -euo pipefail',
      ...steps.map((s, i) => `echo "@@STEP ${i}@@"\n${s.script.replaceAll('http://127.0.0.1:8080', t.url)}\necho`),
    ].join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 60_000 });
    const outputs = stdout.split(/@@STEP \d+@@\n/).slice(1);
    expect(outputs).toHaveLength(steps.length);
    const ids = new Map<string, string>();
    steps.forEach((step, i) => {
      if (step.expected === undefined) return;
      const text = outputs[i]?.trim() ?? '';
      let actual: unknown;
      try {
        actual = JSON.parse(text);
      } catch {
        throw new Error(`walkthrough step ${i} printed no JSON:\n${text}\nscript:\n${step.script}`);
      }
      expect(mismatches(step.expected, actual, ids), `step ${i}:\n${step.script}\nprinted ${text}`).toEqual([]);
    });
    // The dead letter was redriven: the stream got it back as a new entry, the DLQ is empty.
    expect(await redis.xlen('orders:dlq')).toBe(0);
    expect(await redis.xlen('orders')).toBe(4);
  });

  it('documents every configuration variable and its flag', () => {
    for (const o of describeOptions()) {
      expect(README, `README lacks ${o.env}`).toContain(`\`${o.env}\``);
      expect(README, `README lacks ${o.flag}`).toContain(`\`${o.flag}\``);
    }
  });

  it('gives the two commands', () => {
    expect(README).toContain('npm start');
    expect(README).toContain('npm test');
  });
});
