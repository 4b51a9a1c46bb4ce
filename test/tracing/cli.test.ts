import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers/core.js';
import { type CliProcess, type LogLine, repoRoot, runCli } from '../runtime/cli-process.js';

/**
 * With tracing off nothing of OpenTelemetry is loaded by the gateway: the CLI, started with
 * a probe that records every module the ES module loader resolves and reads the CommonJS
 * module cache, has imported no @opentelemetry module and neither tracing file once
 * serving. The one exception is not ours: prom-client's default metrics require
 * @opentelemetry/api (its no-op API, for exemplars) whatever we do; nothing else of
 * OpenTelemetry is in the cache. With STREAMGATE_TRACING=true (exporter none) the same
 * probe sees the SDK and the tracing files: the probe works.
 */

const probe = join(repoRoot, 'test/tracing/loaded-modules.mjs');
let cli: CliProcess | undefined;
afterEach(async () => {
  cli?.child.kill('SIGTERM');
  await cli?.waitForExit(15_000).catch(() => cli?.kill());
  cli = undefined;
});

interface Loaded {
  readonly esm: number;
  readonly esmTracing: string[];
  readonly cjsOtel: string[];
}

async function loaded(env: Record<string, string>): Promise<Loaded> {
  cli = runCli([], {
    REDIS_URL: redisUrl(),
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    LOG_LEVEL: 'info',
    NODE_OPTIONS: `--import=${probe}`,
    ...env,
  });
  await cli.waitForLog((l) => l.msg === 'gRPC listening (health and reflection included)', 30_000);
  process.kill(cli.pid, 'SIGUSR2');
  const line: LogLine = await cli.waitForLog((l) => l.msg === 'loaded modules', 10_000);
  const found = line as unknown as Loaded;
  // The probe saw the gateway's own modules (its CLI, fastify, grpc-js...).
  expect(found.esm).toBeGreaterThan(50);
  return found;
}

/** The packages of these paths: `@opentelemetry/api`, `@opentelemetry/sdk-node`... */
const packages = (paths: readonly string[]) => [...new Set(paths.map((p) => /\/(@opentelemetry\/[^/]+)\//.exec(p)?.[1] ?? p))].sort();

describe('tracing off loads nothing of OpenTelemetry', () => {
  it('off (the default): the gateway imports no @opentelemetry module and no tracing file', async () => {
    const found = await loaded({});
    expect(found.esmTracing).toEqual([]);
    // prom-client's own require of the API, nothing more.
    expect(packages(found.cjsOtel)).toEqual(['@opentelemetry/api']);
  }, 40_000);

  it('on: the SDK and the tracing files are loaded (the probe sees them)', async () => {
    const found = await loaded({ STREAMGATE_TRACING: 'true', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
    expect(found.esmTracing.some((u) => u.endsWith('/src/core/tracing-otel.ts'))).toBe(true);
    expect(found.esmTracing.some((u) => u.includes('/@opentelemetry/sdk-node/'))).toBe(true);
    expect(packages(found.cjsOtel)).toEqual(expect.arrayContaining(['@opentelemetry/api', '@opentelemetry/sdk-node']));
  }, 40_000);
});
