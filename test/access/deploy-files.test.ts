import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assertSafeExposure } from '../../src/runtime/exposure.js';
import { loadConfig } from '../../src/runtime/config.js';
import { repoRoot } from '../runtime/cli-process.js';

/** The image binds 0.0.0.0: the shipped Dockerfile and compose file must still start, and safely. */

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
  services: { streamgate: { environment: Record<string, string>; ports: string[] } };
};
const imageEnv = Object.fromEntries([...dockerfile.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));

describe('Dockerfile and docker-compose.yml', () => {
  it('the image alone refuses to serve anonymously, and says how to give it keys', () => {
    const config = loadConfig(imageEnv);
    expect(config.host).toBe('0.0.0.0');
    expect(() => assertSafeExposure(config)).toThrow(/STREAMGATE_AUTH_FILE/);
    expect(dockerfile).toMatch(/STREAMGATE_AUTH_FILE=\/etc\/streamgate\/auth\.yaml/);
  });

  it('compose starts (keys or explicit anonymous) and, when anonymous, publishes on loopback only', () => {
    const { environment, ports } = compose.services.streamgate;
    const config = loadConfig({ ...imageEnv, ...environment });
    expect(() => assertSafeExposure(config)).not.toThrow();
    if (config.authFile === undefined) {
      for (const p of ports) expect(p).toMatch(/^127\.0\.0\.1:/);
    }
  });
});
