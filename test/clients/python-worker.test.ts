import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestGrpc, testGrpc } from '../helpers/grpc.js';
import { COUNT, LEASE_MS, ROOT, STOP_COUNT, WorkerProcess, clientEnv, run, runTwoWorkers, sleepMsOf, stopMidBatch, stopSleepMsOf } from './support.js';

/**
 * examples/python/worker.py as real processes, on stubs that `npm run clients:py` generates
 * from the proto with Debian's protoc and gRPC Python plugin (into the git-ignored
 * examples/python/generated), run by Debian's python3-grpcio against a live gateway. Not
 * optional: CI installs the packages (.ci/run); a machine without them fails here, naming them.
 */

const PYTHON = '/usr/bin/python3';
const WORKER = join(ROOT, 'examples/python/worker.py');
const STUBS = join(ROOT, 'examples/python/generated');

async function checkTools(): Promise<void> {
  const problems: string[] = [];
  for (const [path, pkg] of [
    [PYTHON, 'python3'],
    ['/usr/bin/protoc', 'protobuf-compiler'],
    ['/usr/bin/grpc_python_plugin', 'protobuf-compiler-grpc'],
  ] as const) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      problems.push(`${path} is missing: apt-get install ${pkg}`);
    }
  }
  if (problems.length === 0) {
    const r = await run(PYTHON, ['-c', 'import grpc, google.protobuf'], { timeoutMs: 15_000 });
    if (r.code !== 0) problems.push(`${PYTHON} cannot import grpc and google.protobuf: apt-get install python3-grpcio python3-protobuf`);
  }
  if (problems.length > 0) throw new Error(`The Python worker test needs Debian packages (.ci/run installs them):\n  ${problems.join('\n  ')}`);
}

describe('Python worker on gRPC stubs generated from the proto (examples/python/worker.py)', () => {
  let g: TestGrpc;
  beforeAll(async () => {
    g = await testGrpc();
  });
  afterAll(async () => g?.close());

  // Stubs generated once, by whichever test comes first.
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= (async () => {
      await checkTools();
      const gen = await run('npm', ['run', '--silent', 'clients:py'], { timeoutMs: 60_000 });
      if (gen.code !== 0) throw new Error(`npm run clients:py failed (exit ${gen.code}):\n${gen.stderr}`);
    })());
  const env = () => clientEnv({ PYTHONPATH: STUBS, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' });
  const worker = (stream: string) => (consumer: string) =>
    new WorkerProcess(consumer, PYTHON, [WORKER, `127.0.0.1:${g.server.port}`, stream, 'workers', consumer], env());
  const publisher = (stream: string, count: number, sleepMs: (i: number) => number) => async () => {
    const messages = Array.from({ length: count }, (_, i) => ({
      fields: { n: Buffer.from(String(i)), sleepMs: Buffer.from(String(sleepMs(i))) },
    }));
    return (await g.call<{ ids: string[] }>('Publish', { stream, messages })).ids;
  };
  const pendingCount = async (stream: string) => Number((await g.call<{ count: string | number }>('Pending', { stream, group: 'workers' })).count);

  it('runs two workers: each message acked once, a slow one kept by extending its lease', async () => {
    await prepare();
    const stream = uniq('py-worker');
    await g.call('CreateGroup', { stream, group: 'workers', createStream: true, start: '0', leaseMs: LEASE_MS });
    await runTwoWorkers(publisher(stream, COUNT, sleepMsOf), worker(stream));
    expect(await pendingCount(stream)).toBe(0);
  }, 180_000);

  it('stops gracefully: the message in hand acked, the rest released', async () => {
    await prepare();
    const stream = uniq('py-worker');
    await g.call('CreateGroup', { stream, group: 'workers', createStream: true, start: '0', leaseMs: 30_000 });
    const released = await stopMidBatch(publisher(stream, STOP_COUNT, stopSleepMsOf), worker(stream));
    // Within the 30 s lease, another consumer gets them now: they were released, not left leased.
    const pulled = await g.call<{ messages: Array<{ id: string }> }>('Pull', { stream, group: 'workers', consumer: 'other', count: 10 });
    expect(pulled.messages.map((m) => m.id)).toEqual(released);
  }, 180_000);
});
