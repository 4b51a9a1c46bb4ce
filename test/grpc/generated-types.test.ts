import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/** src/grpc/generated is committed: it must be what the generator makes of proto/ now. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMMITTED = join(ROOT, 'src/grpc/generated');
const HINT = 'src/grpc/generated is stale: run `npm run proto:types` and commit the result';

/** Relative paths of every file under dir, sorted. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe('generated gRPC types', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'streamgate-types-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('match proto/ (scripts/gen-proto-types.mjs)', async () => {
    const out = join(tmp, 'generated');
    await promisify(execFile)(process.execPath, ['scripts/gen-proto-types.mjs', out], {
      cwd: ROOT,
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    const fresh = files(out);
    expect(fresh.length).toBeGreaterThan(0);
    expect(files(COMMITTED), HINT).toEqual(fresh);
    for (const f of fresh) {
      expect(readFileSync(join(COMMITTED, f), 'utf8'), `${f}: ${HINT}`).toBe(readFileSync(join(out, f), 'utf8'));
    }
  }, 90_000);
});
