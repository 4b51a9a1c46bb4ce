import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, uniq } from '../helpers/core.js';
import { type TestGrpc, testGrpc } from '../helpers/grpc.js';

/**
 * The API from another language: test/python/client.py, on stubs that Debian's protoc and
 * gRPC Python plugin generate from the proto files at test time, against a real server.
 * Not optional: CI installs the Debian packages (.ci/run); a machine without them fails
 * here with the package to install.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT = join(ROOT, 'test/python/client.py');
const PYTHON = '/usr/bin/python3'; // Debian's python3-grpcio is installed for this one only
const PROTOC = '/usr/bin/protoc'; // 3.21: proto3 `optional` needs protoc >= 3.15
const PLUGIN = '/usr/bin/grpc_python_plugin';
const COUNT = 25;

// grpc-health-check ships proto/health/v1/health.proto. It is compiled as
// `health/v1/health.proto` (Python module health.v1.health_pb2): a `grpc/health/...` path
// would put the module under the `grpc` package, which the grpcio package already owns.
const HEALTH_PROTO = (createRequire(import.meta.url)('grpc-health-check') as { protoPath: string }).protoPath;
const HEALTH_INCLUDE = resolve(dirname(HEALTH_PROTO), '../..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (killed, by its PID, after timeoutMs); never rejects. */
function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      file,
      args,
      { cwd: ROOT, env: opts.env ?? process.env, timeout: opts.timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        const note = err && code === null ? `\n(${err.killed ? `killed after ${opts.timeoutMs} ms` : err.message})` : '';
        done({ code, stdout, stderr: stderr + note });
      },
    );
    child.stdin?.end();
  });
}

function missingTool(path: string, pkg: string, what: string): string | null {
  try {
    accessSync(path, constants.X_OK);
    return null;
  } catch {
    return `${path} (${what}) is missing: install the Debian package ${pkg} (apt-get install ${pkg})`;
  }
}

/** Every tool the test needs, each with the Debian package that provides it. */
async function checkTools(): Promise<void> {
  const problems = [
    missingTool(PYTHON, 'python3', 'Debian Python'),
    missingTool(PROTOC, 'protobuf-compiler', 'protoc'),
    missingTool(PLUGIN, 'protobuf-compiler-grpc', 'gRPC Python plugin for protoc'),
  ].filter((p): p is string => p !== null);
  if (problems.length === 0) {
    for (const [mod, pkg] of [
      ['grpc', 'python3-grpcio'],
      ['google.protobuf', 'python3-protobuf'],
    ] as const) {
      const r = await run(PYTHON, ['-c', `import ${mod}`], { timeoutMs: 15_000 });
      if (r.code !== 0) problems.push(`${PYTHON} cannot import ${mod}: install the Debian package ${pkg} (apt-get install ${pkg})`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`The Python gRPC client test needs Debian packages (.ci/run installs them):\n  ${problems.join('\n  ')}`);
  }
}

/** The Python client's environment: its stubs, no proxy for loopback, no .pyc files. */
function pythonEnv(stubs: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: stubs, PYTHONDONTWRITEBYTECODE: '1' };
  for (const k of Object.keys(env)) if (/^(https?|grpc|all|no)_proxy$/i.test(k)) delete env[k];
  return env;
}

/** The fields client.py publishes as message i (its payload()). */
const payload = (i: number) => {
  const n = Buffer.alloc(4);
  n.writeUInt32BE(i);
  return {
    blob: Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]), n]),
    text: Buffer.from(`order ${i}: café ✓`, 'utf8'),
  };
};

describe('Python gRPC client (Debian protoc, grpc_python_plugin, python3-grpcio)', () => {
  let g: TestGrpc;
  let redis: Redis;
  let stubs: string;
  beforeAll(async () => {
    stubs = mkdtempSync(join(tmpdir(), 'streamgate-py-'));
    g = await testGrpc();
    redis = new Redis(redisUrl());
  });
  // Tools checked and stubs generated once, by whichever test comes first.
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= (async () => {
      await checkTools();
      const gen = await run(
        PROTOC,
        [
          '-I',
          'proto',
          '-I',
          HEALTH_INCLUDE,
          `--python_out=${stubs}`,
          `--grpc_python_out=${stubs}`,
          `--plugin=protoc-gen-grpc_python=${PLUGIN}`,
          'streamgate/v1/streamgate.proto',
          relative(HEALTH_INCLUDE, HEALTH_PROTO),
        ],
        { timeoutMs: 30_000 },
      );
      if (gen.code !== 0) throw new Error(`protoc failed (exit ${gen.code}):\n${gen.stderr}`);
    })());
  afterAll(async () => {
    redis?.disconnect();
    await g?.close();
    if (stubs) rmSync(stubs, { recursive: true, force: true });
  });

  it('publishes, consumes with StreamingPull and acks everything exactly once, byte-exact', async () => {
    await prepare();
    const stream = uniq('py');
    const client = await run(PYTHON, [CLIENT, `127.0.0.1:${g.server.port}`, stream, String(COUNT)], {
      env: pythonEnv(stubs),
      timeoutMs: 60_000,
    });
    expect(client.code, `client.py exited ${client.code}:\n${client.stderr}\n${client.stdout}`).toBe(0);
    const lines = client.stdout.trim().split('\n');
    expect(lines, `client.py should print one JSON line:\n${client.stdout}`).toHaveLength(1);
    const summary = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(summary).toMatchObject({
      ok: true,
      stream,
      group: 'python-client',
      published: COUNT,
      received: COUNT,
      acked: COUNT,
      max_outstanding_messages: 10,
      pending: 0,
    });
    expect(summary.max_unacked_seen).toBeGreaterThan(0);
    expect(summary.max_unacked_seen).toBeLessThanOrEqual(10);

    // From Redis itself: the entries are byte-exact, all delivered to the group, none pending.
    const entries = await redis.xrangeBuffer(stream, '-', '+');
    expect(entries).toHaveLength(COUNT);
    expect(entries[0]?.[0].toString()).toBe(summary.first_id);
    expect(entries.at(-1)?.[0].toString()).toBe(summary.last_id);
    entries.forEach(([, pairs], i) => {
      // A protobuf map has no order: compare name -> value, not Redis's field order.
      expect(pairs).toHaveLength(4);
      const fields = Object.fromEntries([0, 2].map((k) => [String(pairs[k]), pairs[k + 1]]));
      expect(fields).toEqual(payload(i));
    });
    expect(await redis.xpending(stream, 'python-client')).toEqual([0, null, null, null]);
    const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
    expect(groups).toHaveLength(1);
    const group = Object.fromEntries(
      (groups[0] ?? []).flatMap((v, i, a) => (i % 2 === 0 ? [[String(v), a[i + 1]]] : [])),
    ) as Record<string, unknown>;
    expect(group).toMatchObject({ name: 'python-client', pending: 0, 'last-delivered-id': summary.last_id });
    // The StreamingPull stream ended cleanly: the server holds no open call.
    expect(g.server.activeStreams).toBe(0);
  }, 120_000);

  it('reports an error status with its error-code and exits 1', async () => {
    await prepare();
    const stream = uniq('py');
    await g.call('CreateGroup', { stream, group: 'python-client', createStream: true });
    const client = await run(PYTHON, [CLIENT, `127.0.0.1:${g.server.port}`, stream, '3'], {
      env: pythonEnv(stubs),
      timeoutMs: 60_000,
    });
    expect(client.code, client.stderr).toBe(1);
    expect(client.stdout).toBe('');
    expect(client.stderr).toContain('ALREADY_EXISTS (GROUP_EXISTS)');
  }, 120_000);
});
