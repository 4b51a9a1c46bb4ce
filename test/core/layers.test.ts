import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Imports only point down: contract ← redis ← core ← runtime and the transports. The
 * adapter (src/redis) is the only code that talks to Redis, so core never imports ioredis.
 */

const src = fileURLToPath(new URL('../../src/', import.meta.url));

function filesOf(dir: string): string[] {
  return readdirSync(join(src, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Each import of a file: the layer (first folder under src/) of a relative one, else the package. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map(([, spec]) => {
    if (!spec!.startsWith('.')) return spec!;
    const target = relative(src, join(file, '..', spec!));
    return target.split(/[\\/]/)[0]!.replace(/\.js$/, '');
  });
}

const ALLOWED: Record<string, (target: string) => boolean> = {
  contract: (t) => t === 'contract' || !['redis', 'core', 'runtime', 'http', 'grpc', 'cli'].includes(t),
  redis: (t) => t === 'redis' || t === 'contract' || !['core', 'runtime', 'http', 'grpc', 'cli'].includes(t),
  core: (t) => !['runtime', 'http', 'grpc', 'cli', 'ioredis'].includes(t),
};

describe('layers', () => {
  it.each(Object.keys(ALLOWED))('src/%s imports only from the layers below it', (layer) => {
    const wrong: string[] = [];
    for (const file of filesOf(layer)) {
      for (const target of importsOf(file)) {
        if (!ALLOWED[layer]!(target)) wrong.push(`${relative(src, file)} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
