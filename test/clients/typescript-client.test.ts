import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { type TestApp, enc, testApp } from '../helpers/http.js';
import { type OpenApiDocument, committedDocument, operationsOf } from '../helpers/openapi-check.js';
import {
  COUNT,
  LEASE_MS,
  ROOT,
  STOP_COUNT,
  TSC,
  TSX_ARGS,
  WorkerProcess,
  clientEnv,
  run,
  runTwoWorkers,
  sleepMsOf,
  stopMidBatch,
  stopSleepMsOf,
} from './support.js';

/**
 * The OpenAPI document through a generator: `npm run clients:ts` (openapi-typescript) writes
 * examples/typescript/generated/streamgate.ts (git-ignored) from openapi/openapi.json; tsc
 * checks test/clients/program (every operation typed, wrong calls refused, problems typed)
 * and the example worker against it; then both run as processes against a live gateway.
 */

const GENERATED = join(ROOT, 'examples/typescript/generated/streamgate.ts');
const PROGRAM = join(ROOT, 'test/clients/program/client-program.ts');
const WORKER = join(ROOT, 'examples/typescript/worker.ts');

describe('TypeScript client generated from openapi/openapi.json (openapi-typescript, openapi-fetch)', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  // Generated and type-checked once, by whichever test comes first.
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= (async () => {
      const gen = await run('npm', ['run', '--silent', 'clients:ts'], { timeoutMs: 60_000 });
      if (gen.code !== 0) throw new Error(`npm run clients:ts failed (exit ${gen.code}):\n${gen.stderr}`);
      const checks = await Promise.all(
        ['test/clients/program', 'examples/typescript'].map((project) => run(process.execPath, [TSC, '-p', project], { timeoutMs: 120_000 })),
      );
      for (const c of checks) if (c.code !== 0) throw new Error(`tsc failed (exit ${c.code}):\n${c.stdout}${c.stderr}`);
    })());

  beforeAll(async () => {
    doc = committedDocument();
    t = await testApp();
    await t.listen();
  });
  afterAll(async () => t?.close());

  it('generates a type for every operation of the document', async () => {
    await prepare();
    const text = readFileSync(GENERATED, 'utf8');
    const body = text.slice(text.indexOf('export interface operations {'));
    const ids = operationsOf(doc).map(({ op }) => op.operationId ?? '(none)');
    expect(ids).toHaveLength(30);
    expect(ids.filter((id) => !body.includes(`\n    ${id}: {`))).toEqual([]);
  }, 180_000);

  it('runs a type-checked program: create group, publish, pull, pending, ack, a typed 404 problem', async () => {
    await prepare();
    const stream = uniq('ts-client');
    const r = await run(process.execPath, [...TSX_ARGS, PROGRAM, t.url, stream], { env: clientEnv(), timeoutMs: 60_000 });
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as Record<string, any>;
    const id = out.publish.ids[0] as string;
    expect(out.group).toEqual({ status: 201, name: 'billing', leaseMs: 30_000 });
    expect(out.publish).toEqual({ status: 201, ids: [expect.stringMatching(/^\d+-\d+$/)] });
    expect(out.replay).toEqual({ status: 200, ids: [id], replayed: 'true' });
    expect(out.pulled).toEqual([{ id, fields: { orderId: '42', status: 'paid' }, deliveryCount: 1 }]);
    expect(out.pendingBefore).toEqual({ count: 1, minId: id, maxId: id, consumers: [{ name: 'worker-1', count: 1 }] });
    expect(out.acked).toEqual({ acked: 1, notPending: [] });
    expect(out.pendingAfter).toEqual({ count: 0, minId: null, maxId: null, consumers: [] });
    expect(out.notFound).toEqual({ status: 404, code: 'GROUP_NOT_FOUND', type: expect.stringMatching(/^application\/problem\+json/), data: null });
  }, 180_000);

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return res.json() as Promise<any>;
  };
  const worker = (stream: string) => (consumer: string) =>
    new WorkerProcess(consumer, process.execPath, [...TSX_ARGS, WORKER, stream, 'workers', consumer], clientEnv({ STREAMGATE_URL: t.url }));
  const publisher = (stream: string, count: number, sleepMs: (i: number) => number) => async () => {
    const messages = Array.from({ length: count }, (_, i) => ({ fields: { n: String(i), sleepMs: String(sleepMs(i)) } }));
    return ((await post(`/v1/streams/${enc(stream)}/messages`, { messages })) as { ids: string[] }).ids;
  };
  const pendingCount = async (stream: string) =>
    ((await (await fetch(`${t.url}/v1/streams/${enc(stream)}/groups/workers/pending`)).json()) as { count: number }).count;
  const pullIds = async (stream: string) =>
    ((await post(`/v1/streams/${enc(stream)}/groups/workers/pull`, { consumer: 'other', count: 10 })) as { messages: Array<{ id: string }> }).messages.map((m) => m.id);

  it('runs two example workers: each message acked once, a slow one kept by extending its lease', async () => {
    await prepare();
    const stream = uniq('ts-worker');
    await post(`/v1/streams/${enc(stream)}/groups`, { group: 'workers', start: '0', createStream: true, leaseMs: LEASE_MS });
    await runTwoWorkers(publisher(stream, COUNT, sleepMsOf), worker(stream));
    expect(await pendingCount(stream)).toBe(0);
  }, 180_000);

  it('stops the example worker gracefully: the message in hand acked, the rest released', async () => {
    await prepare();
    const stream = uniq('ts-worker');
    await post(`/v1/streams/${enc(stream)}/groups`, { group: 'workers', start: '0', createStream: true, leaseMs: 30_000 });
    const released = await stopMidBatch(publisher(stream, STOP_COUNT, stopSleepMsOf), worker(stream));
    // Within the 30 s lease, another consumer gets them now: they were released, not left leased.
    expect(await pullIds(stream)).toEqual(released);
  }, 180_000);
});
