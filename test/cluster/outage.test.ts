import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../src/core/core.js';
import { keySlot } from '../../src/redis/keys.js';
import { sleep, uniq } from '../helpers/core.js';
import { type TestCluster } from '../helpers/redis-cluster.js';
import { type ClusterGateway, clusterGateway } from './support.js';
import type { TestRedis } from '../helpers/redis-server.js';

/**
 * A master of the cluster is SIGKILLed under a gateway in cluster mode: requests on its slots
 * fail fast with BACKEND_UNAVAILABLE (not after retries, not a hang), requests on the other
 * masters' slots keep working, and once its replica is promoted everything works again
 * without a restart. `cluster-require-full-coverage no` lets the other masters serve while
 * the killed master's slots have no owner (as the README advises).
 */

/** Far above what a fast failure takes (tens of ms); ioredis's own retries on a lost node take over a second. */
const COMMAND_TIMEOUT_MS = 4000;
const FAST_MS = 500;

let cluster: TestCluster;
let core: Core;
let app: FastifyInstance;
let plain: Cluster;
let victim: TestRedis;
let onVictim: string;
let elsewhere: string;

let gw: ClusterGateway;

beforeAll(async () => {
  gw = await clusterGateway({ STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) }, { extraArgs: ['--cluster-require-full-coverage', 'no'] });
  ({ cluster, core, app, plain } = gw);
  victim = (await cluster.masters())[0]!;
  for (let i = 0; !onVictim || !elsewhere; i++) {
    const name = `out-${i}-${uniq()}`;
    if ((await cluster.ownerOf(keySlot(name))).port === victim.port) onVictim ??= name;
    else elsewhere ??= name;
  }
}, 60_000);

afterAll(async () => {
  await gw?.close();
});

const publish = async (stream: string, value: string) => {
  const started = Date.now();
  const res = await app.inject({ method: 'POST', url: `/v1/streams/${stream}/messages`, payload: { messages: [{ fields: { v: value } }] } });
  return { status: res.statusCode, body: res.json() as { code?: string; outcome?: string }, ms: Date.now() - started };
};

it('fails fast on the killed master’s slots, serves the others, and recovers once its replica is promoted', async () => {
  expect((await publish(onVictim, 'before')).status).toBe(201);
  expect((await publish(elsewhere, 'before')).status).toBe(201);
  // The replica has it before the kill (replication is asynchronous; a new replica may
  // still be in its first sync).
  const master = plain.nodes('master').find((n) => n.options.port === victim.port)!;
  for (let t = Date.now(); Number(await master.call('WAIT', 1, 500)) < 1; ) expect(Date.now() - t).toBeLessThan(20_000);

  await victim.kill('SIGKILL');
  const failures: { status: number; code?: string; outcome?: string; ms: number }[] = [];
  let recoveredAt = 0;
  const killedAt = Date.now();
  for (let i = 0; Date.now() - killedAt < 30_000; i++) {
    const other = await publish(elsewhere, `during-${i}`);
    expect(other.status, 'a master that is up keeps serving').toBe(201);
    const mine = await publish(onVictim, `during-${i}`);
    if (mine.status === 201) {
      recoveredAt = Date.now();
      break;
    }
    failures.push({ status: mine.status, code: mine.body.code, outcome: mine.body.outcome, ms: mine.ms });
    // Readiness follows any master (docs/decisions.md): a partial outage is not a full one.
    expect(await core.ping()).toBe(true);
    await sleep(100);
  }
  expect(failures.length, 'the killed master’s slots failed for a while').toBeGreaterThan(0);
  for (const f of failures) {
    expect(f.status).toBe(503);
    expect(f.code).toBe('BACKEND_UNAVAILABLE');
    expect(['not_written', 'unknown']).toContain(f.outcome);
    expect(f.ms, JSON.stringify(f)).toBeLessThan(FAST_MS);
  }
  // Refused before sending (the master known lost): nothing was written, and the client
  // may retry without an Idempotency-Key. A request in flight at the kill is `unknown`.
  const notWritten = failures.filter((f) => f.outcome === 'not_written').length;
  expect(notWritten, JSON.stringify(failures)).toBeGreaterThanOrEqual(failures.length / 2);
  expect(recoveredAt, 'recovered without a restart').toBeGreaterThan(0);

  // The promoted replica serves the stream with what was acknowledged before the kill.
  const read = await app.inject({ method: 'GET', url: `/v1/streams/${onVictim}/messages?start=-&end=%2B&count=100` });
  expect(read.statusCode).toBe(200);
  const values = (read.json().messages as { fields: Record<string, string> }[]).map((m) => m.fields.v);
  expect(values[0]).toBe('before');
  expect(values.at(-1)).toMatch(/^during-/);
}, 60_000);
