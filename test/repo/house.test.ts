import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The house rules of docs/architecture.md, checked on the files git tracks: the repository
 * refers to nothing outside it, no hand-written source file grows past 400 lines, and
 * imports only point down the layers.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const git = (...args: string[]): string => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  } catch (err) {
    // git grep exits 1 when nothing matches.
    if ((err as { status?: number }).status === 1) return '';
    throw err;
  }
};
const tracked = (...globs: string[]): string[] => git('ls-files', '--', ...globs).split('\n').filter(Boolean);

describe('the repository is self-contained', () => {
  it('no file points at documents outside it', () => {
    // Built from parts, so this file does not match itself.
    const patterns = ['\\.\\./' + 'shared', 'API' + '\\.md', 'STYLE' + '\\.md'];
    const hits = git('grep', '-n', '-I', ...patterns.flatMap((p) => ['-e', p]), '--', '.', ':!docs/');
    expect(hits).toBe('');
  });
});

describe('source files stay small', () => {
  it('no hand-written file under src/ has more than 400 lines', () => {
    const long = tracked("src/*.ts", "src/*.lua")
      .filter((f) => !f.includes('/generated/'))
      .map((f) => ({ f, lines: readFileSync(join(ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 400);
    expect(long).toEqual([]);
  });
});

/** What each layer may import (besides itself and packages): calls go down, see docs/architecture.md. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  contract: [],
  redis: ['contract'],
  core: ['contract', 'redis'],
  http: ['contract', 'core'],
  grpc: ['contract', 'core'],
  runtime: ['contract', 'core', 'redis', 'http', 'grpc'],
};

describe('imports point down the layers', () => {
  const layerOf = (path: string): string | undefined => /^src\/([^/]+)\//.exec(path)?.[1];
  for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
    it(`src/${layer} imports only ${allowed.length ? allowed.map((l) => `src/${l}`).join(', ') : 'itself'}`, () => {
      const wrong: string[] = [];
      for (const file of tracked(`src/${layer}/*.ts`).filter((f) => !f.includes('/generated/'))) {
        const text = readFileSync(join(ROOT, file), 'utf8');
        for (const [, spec] of text.matchAll(/from '(\.[^']+)'/g)) {
          const target = relative(ROOT, join(ROOT, dirname(file), spec!));
          const to = layerOf(target);
          if (to !== undefined && to !== layer && !allowed.includes(to)) wrong.push(`${file} → ${target}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('only src/redis imports ioredis: the adapter is the only code that sends Redis commands', () => {
    const users = git('grep', '-l', "from 'ioredis'", '--', 'src/').split('\n').filter(Boolean);
    expect(users.filter((f) => !f.startsWith('src/redis/'))).toEqual([]);
  });
});
