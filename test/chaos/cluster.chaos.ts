// `npm run test:chaos`, on a Redis Cluster: 3 masters × 1 replica (AOF, appendfsync always on
// every node), two gateway instances in cluster mode, producers and consumers in their own
// processes on REST and gRPC, over several streams spread across the masters (each with its
// group and its default `<stream>:dlq`, in another slot: dead-lettering takes two steps).
// While the load runs: consumers are SIGKILLed, one stream's slot is migrated to another
// master (SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE), then a master is SIGKILLed,
// its replica promoted and the killed node restarted. The whole run is done twice: without
// WAIT and with STREAMGATE_PUBLISH_WAIT_REPLICAS=1. Checked in both: nothing pending at the
// end, nothing published and left unprocessed, nothing leased twice outside the failover,
// no stray dead letter; with WAIT also no acknowledged publish lost. The summary blocks
// give the figures (lib/cluster-verdict.ts); the knobs are in lib/options.ts.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../src/redis/keys.js';
import { type TestCluster, startCluster } from '../helpers/redis-cluster.js';
import { type Failover, type SlotMove, failOver, migrateSlot, resumeAll } from './lib/cluster-faults.js';
import { type RunFigures, clusterFailures, clusterFigures, clusterSummary, judgeCluster, publishedStreams } from './lib/cluster-verdict.js';
import { Fleet } from './lib/fleet.js';
import { type ChaosGateway, buildGateway, chaosGateway, createChaosGroup } from './lib/gateway.js';
import { doubleLeases, readDeliveries } from './lib/leases.js';
import { PUBLISHED_PREFIX, judge, readLedger } from './lib/ledger.js';
import { clusterChaosOptions, clusterRunTimeoutMs } from './lib/options.js';
import { ProcessTable } from './lib/processes.js';
import { seeded } from './lib/random.js';
import { type DeadLetter, deadLetterContents, pendingDetails, streamContents, waitDrained } from './lib/redis-checks.js';
import { wakeProbe } from './lib/wake-probe.js';
import { ID_FIELD } from './lib/worker-config.js';

const options = clusterChaosOptions();
const GROUP = 'workers';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** `count` stream names spread evenly over the masters (by the slot ranges they own now), each with its dead-letter stream in another slot. */
async function spreadStreams(cluster: TestCluster, count: number): Promise<string[]> {
  const masters = (await cluster.masters()).map((m) => m.port);
  const byMaster = new Map<number, string[]>(masters.map((p) => [p, []]));
  for (let i = 0; [...byMaster.values()].some((l) => l.length < Math.ceil(count / masters.length)) && i < 1000; i++) {
    const name = `orders-${i}`;
    if (keySlot(name) === keySlot(`${name}:dlq`)) continue;
    const list = byMaster.get((await cluster.ownerOf(keySlot(name))).port);
    if (list && list.length < Math.ceil(count / masters.length)) list.push(name);
  }
  // Round robin over the masters: streams[0], [1], [2] are on three different masters.
  const lists = [...byMaster.values()];
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const s = lists[i % lists.length]?.[Math.floor(i / lists.length)];
    if (s === undefined) throw new Error('could not spread the streams over the masters');
    out.push(s);
  }
  return out;
}

describe('cluster chaos: resharding and failover under load', () => {
  let command: string[] = [];
  const figures: RunFigures[] = [];

  beforeAll(() => {
    command = buildGateway();
  }, 120_000);

  afterAll(() => {
    if (figures.length > 0) console.log(clusterFigures(figures));
  });

  for (const waitReplicas of [0, 1]) {
    it(
      `WAIT ${waitReplicas}: nothing pending, nothing leased twice${waitReplicas > 0 ? ', no acknowledged publish lost' : ', lost publishes reported'}`,
      async () => {
        const label = waitReplicas === 0 ? 'without WAIT' : `WAIT ${waitReplicas}`;
        const runDir = mkdtempSync(join(tmpdir(), 'streamgate-cluster-chaos-'));
        const [recordsDir, logsDir] = [join(runDir, 'records'), join(runDir, 'logs')];
        for (const d of [recordsDir, logsDir]) mkdirSync(d);
        const seed = options.seed + waitReplicas;
        const random = seeded(seed);
        let t0 = Date.now();
        const log = (msg: string) => console.log(`cluster chaos ${label} [${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
        const procs = new ProcessTable();
        let cluster: TestCluster | null = null;
        let check: Cluster | null = null;
        const failures: string[] = [];
        let passed = false;
        try {
          cluster = await startCluster({ extraArgs: ['--appendonly', 'yes', '--appendfsync', 'always'] });
          const streams = await spreadStreams(cluster, options.streams);
          const env = {
            STREAMGATE_REDIS_CLUSTER: 'true',
            STREAMGATE_PUBLISH_WAIT_REPLICAS: String(waitReplicas),
            STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS: '1000',
          };
          const gateways: [ChaosGateway, ChaosGateway] = [
            await chaosGateway(procs, 'a', command, cluster.seeds, join(logsDir, 'gateway-a.log'), env),
            await chaosGateway(procs, 'b', command, cluster.seeds, join(logsDir, 'gateway-b.log'), env),
          ];
          await Promise.all(gateways.map((g) => g.start()));
          for (const stream of streams) {
            const created = await createChaosGroup(gateways[0], stream, GROUP, options);
            expect(created.status, JSON.stringify(created.body)).toBe(201);
          }
          const where = await Promise.all(streams.map(async (s) => `${s}@${(await cluster!.ownerOf(keySlot(s))).port}`));
          log(`seed ${seed}; ${cluster.nodes.length} nodes; streams ${where.join(' ')}; run dir ${runDir}`);

          const fleet = new Fleet({ procs, options, gateways, stream: streams[0] ?? '', streams, group: GROUP, recordsDir, logsDir });
          const workers = await fleet.start(90_000);
          log(`${workers} workers ready`);

          // ---- the load: consumer kills throughout, the move in the first half, the failover after
          const ms = options.seconds * 1000;
          const between = (lo: number, hi: number) => Math.round(lo + random.next() * (hi - lo));
          const kills = Array.from({ length: options.consumerKills }, () => ({ at: between(2000, ms - 3000), down: between(100, 1500) })).sort((a, b) => a.at - b.at);
          const moveAt = between(0.2 * ms, 0.3 * ms);
          const failAt = between(0.5 * ms, 0.6 * ms);
          t0 = Date.now();
          log(`load starts: consumer kills at ${kills.map((k) => (k.at / 1000).toFixed(1)).join(', ')} s; slot move at ${(moveAt / 1000).toFixed(1)} s; master kill at ${(failAt / 1000).toFixed(1)} s`);
          const consumerWork = kills.map(async (k) => {
            await sleep(k.at);
            await fleet.kill(random, k.down, log);
          });
          const moves: SlotMove[] = [];
          let failover: Failover | null = null;
          let killedSlots = new Set<number>();
          const c = cluster;
          const infra = (async () => {
            await sleep(moveAt);
            const movedStream = streams[0] ?? '';
            const target = await c.ownerOf(keySlot(streams[2] ?? ''));
            const move = await migrateSlot(c, keySlot(movedStream), target, { stream: movedStream, group: GROUP });
            moves.push(move);
            log(`slot ${move.slot} (${movedStream}) moved ${move.from} → ${move.to}: ${move.keys} keys in ${move.ms} ms, ${move.pendingBefore} pending before`);
            await sleep(t0 + failAt - Date.now());
            const victim = await c.ownerOf(keySlot(streams[1] ?? ''));
            killedSlots = new Set(streams.concat(streams.map((s) => `${s}:dlq`)).map(keySlot));
            const owners = await Promise.all([...killedSlots].map(async (slot) => [slot, (await c.ownerOf(slot)).port] as const));
            killedSlots = new Set(owners.filter(([, port]) => port === victim.port).map(([slot]) => slot));
            failover = await failOver(c, victim, options.stallMs, log);
          })().catch((err: unknown) => void failures.push(`fault failed: ${String(err)}`));
          const progress = setInterval(() => log('load running'), 15_000);
          await sleep(ms);
          await infra;
          await Promise.all(consumerWork);
          clearInterval(progress);
          const loadSeconds = (Date.now() - t0) / 1000;
          log('load ends: stopping producers');
          failures.push(...(await fleet.stopProducers()));

          // ---- waiting pulls still wake on the moved stream and on the failed-over one
          // (the watcher followed the slot to its new master, and the promotion). Asserted
          // on the moved stream; reported only on the failed-over one: one run in four saw
          // a waiting pull there sleep through a new message (docs/decisions.md, "Issue 13:
          // cluster chaos"), not reproduced in isolation yet.
          const wakes: string[] = [];
          for (const [i, stream] of [streams[0] ?? '', streams[1] ?? ''].entries()) {
            for (const [waiting, other] of [[gateways[0], gateways[1]], [gateways[1], gateways[0]]] as const) {
              // The label names the probe's group and message: one per stream and gateway.
              const probe = await wakeProbe(waiting.httpUrl, other.httpUrl, stream, `${waiting.label}-s${i}`, 10_000);
              appendFileSync(join(recordsDir, `${PUBLISHED_PREFIX}probes.log`), probe.record);
              const late = !probe.ok || (probe.latencyMs ?? Infinity) > 3000;
              wakes.push(`${stream} on ${waiting.label}: ${late ? 'LOST WAKE-UP: ' : ''}${probe.ok ? `${probe.latencyMs} ms` : probe.detail}`);
              if (late && (i === 0 || options.strictWake)) {
                failures.push(`a waiting pull on gateway ${waiting.label}, ${stream}, did not wake promptly for a new message: ${probe.detail}`);
              }
            }
          }
          log(`waiting pulls woke after: ${wakes.join('; ')}`);

          // ---- the drain and the verdict, read from the cluster itself
          check = new Cluster(
            cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
            { redisOptions: { maxRetriesPerRequest: 3 } },
          );
          check.on('error', () => undefined);
          const redis = check as unknown as Redis;
          const drainStart = Date.now();
          let drained = true;
          for (const stream of streams) {
            const left = options.drainSeconds * 1000 - (Date.now() - drainStart);
            const drain = await waitDrained(redis, stream, GROUP, Math.max(left, 1000));
            if (!drain.done) {
              drained = false;
              failures.push(`${stream} did not drain: pending ${drain.state.pending}, lag ${drain.state.lag}; ${(await pendingDetails(redis, stream, GROUP)).join('; ')}`);
            }
          }
          const drainMs = Date.now() - drainStart;
          log(`drain ${drained ? 'complete' : 'INCOMPLETE'} after ${drainMs} ms`);
          failures.push(...(await fleet.stopConsumers()));
          for (const g of gateways) {
            const code = await g.stop();
            if (code !== 0) failures.push(`gateway ${g.label} did not shut down gracefully on SIGTERM (exit ${code})`);
          }

          let pendingAtEnd = 0;
          const contents = new Map<string, string[]>();
          const dead: (DeadLetter & { dlq: string })[] = [];
          for (const stream of streams) {
            pendingAtEnd += Number(((await redis.xpending(stream, GROUP)) as [number])[0]);
            for (const [msgId, ids] of await streamContents(redis, stream, ID_FIELD)) contents.set(msgId, [...(contents.get(msgId) ?? []), ...ids]);
            for (const d of await deadLetterContents(redis, `${stream}:dlq`, ID_FIELD)) dead.push({ ...d, dlq: `${stream}:dlq` });
          }
          const ledger = readLedger(recordsDir);
          const verdict = judge(ledger, contents);
          const facts = {
            ledger,
            verdict,
            streamOf: publishedStreams(recordsDir),
            contents,
            dead,
            doubleLeases: doubleLeases(readDeliveries(recordsDir, options.leaseMs, fleet.killedAt), options.leaseMarginMs),
            failover: failover as Failover | null,
            killedSlots,
          };
          const v = judgeCluster(facts, GROUP);
          const retries: Record<string, number> = {};
          for (const s of fleet.stats) for (const [k, n] of Object.entries(s.retries)) retries[k] = (retries[k] ?? 0) + n;
          const run: RunFigures = {
            label,
            seed,
            loadSeconds,
            published: ledger.published.size,
            processedUnique: ledger.processed.size,
            deliveries: ledger.deliveries,
            duplicates: verdict.duplicates,
            moves,
            consumerKills: fleet.kills.rest + fleet.kills.grpc,
            masterKills: failover ? 1 : 0,
            promotions: failover ? 1 : 0,
            failover,
            lost: v.lost.length,
            goneAfterProcessing: v.goneAfterProcessing.length,
            leasedTwice: v.leasedTwice.length,
            leasedTwiceInFailover: v.leasedTwiceInFailover.length,
            deadLettered: dead.length,
            deadLetteredTwice: v.deadLetteredTwice,
            deadLettersLostInFailover: v.deadLettersLostInFailover.length,
            pendingAtEnd,
            drainMs,
            streams: `${streams.length} streams (${GROUP}, <stream>:dlq) on ${new Set(where.map((w) => w.split('@')[1])).size} masters`,
            wakes: wakes.join('; '),
            retries: Object.entries(retries).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none',
            gatewayLog: gateways.map((g) => `${g.label}: ${g.logCounts().warn} warnings, ${g.logCounts().error} errors`).join('; '),
            runDir,
          };
          figures.push(run);
          console.log(clusterSummary(run));
          if (waitReplicas === 0) {
            log(
              `WITHOUT WAIT: ${v.lost.length} acknowledged publishes lost${v.lost.length > 0 ? ` (${v.lost.slice(0, 10).join(' ')}${v.lost.length > 10 ? ' ...' : ''})` : ''}; ` +
                `${v.goneAfterProcessing.length} more gone from Redis after a consumer had processed them`,
            );
          }

          failures.push(...clusterFailures(facts, v, waitReplicas));
          if (pendingAtEnd !== 0) failures.push(`${pendingAtEnd} messages still pending at the end`);
          if (moves.length !== 1) failures.push('the slot was not moved');
          if (failover === null) failures.push('no master was failed over');
          if (options.consumerKills > 0 && run.consumerKills === 0) failures.push('no consumer was killed');
          failures.push(...procs.unexpectedExits());
          expect(failures, failures.join('\n')).toEqual([]);
          passed = true;
        } finally {
          check?.disconnect();
          await procs.killAll();
          if (cluster) {
            resumeAll(cluster);
            await cluster.stop();
          }
          if (passed && !options.keep) rmSync(runDir, { recursive: true, force: true });
          else console.log(`cluster chaos: run directory kept: ${runDir} (records/, logs/)`);
        }
      },
      clusterRunTimeoutMs(options),
    );
  }
});
