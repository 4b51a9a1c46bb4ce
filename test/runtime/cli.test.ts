import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeOptions } from '../../src/runtime/config.js';
import { type CliProcess, repoRoot, runCli } from './cli-process.js';

const started: CliProcess[] = [];
const cli = (args: string[], env: Record<string, string> = {}) => {
  const p = runCli(args, env);
  started.push(p);
  return p;
};

afterAll(() => started.forEach((p) => p.kill()));

describe('streamgate CLI', () => {
  it('--help lists every option with its variable and exits 0', async () => {
    const p = cli(['--help']);
    expect(await p.waitForExit()).toBe(0);
    for (const o of describeOptions()) {
      expect(p.output()).toContain(o.flag);
      expect(p.output()).toContain(o.env);
    }
    expect(p.output()).toContain('--help');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const p = cli(['--version']);
    expect(await p.waitForExit()).toBe(0);
    expect(p.output().trim()).toBe(pkg.version);
  });

  it('an unknown flag exits 2 naming it', async () => {
    const p = cli(['--no-such-flag']);
    expect(await p.waitForExit()).toBe(2);
    expect(p.output()).toContain('--no-such-flag');
  });

  it('a bad value exits 2 naming the variable and the flag', async () => {
    const p = cli(['--http-port', 'abc']);
    expect(await p.waitForExit()).toBe(2);
    expect(p.output()).toContain('HTTP_PORT');
    expect(p.output()).toContain('--http-port');
  });

  it('a bad environment variable exits 2 too', async () => {
    const p = cli([], { LOG_LEVEL: 'loud' });
    expect(await p.waitForExit()).toBe(2);
    expect(p.output()).toContain('LOG_LEVEL');
  });
});
