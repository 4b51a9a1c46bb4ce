// `npm run test:chaos`: producers and consumers in their own processes, over two gateway
// instances and one redis-server (AOF, appendfsync always), while consumers, one gateway
// and Redis are SIGKILLed and restarted. Every message whose publish returned success must
// be processed and acked at least once, or, one in 50 (poison), terminated: nothing may stay
// pending, and the dead-letter stream must hold exactly the poison messages, each once.
// The knobs (duration, seed, ...) are in lib/options.ts; the summary block says what happened.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playFaults } from './lib/faults.js';
import { Fleet } from './lib/fleet.js';
import { type ChaosGateway, buildGateway, chaosGateway, createChaosGroup } from './lib/gateway.js';
import { PUBLISHED_PREFIX, deadLetterFailures, judge, readLedger, verdictFailures } from './lib/ledger.js';
import { chaosOptions, chaosTimeoutMs } from './lib/options.js';
import { ProcessTable } from './lib/processes.js';
import { seeded } from './lib/random.js';
import { countLines } from './lib/records.js';
import { chaosRedis } from './lib/redis.js';
import { deadLetterContents, pendingDetails, streamContents, verifier, waitDrained } from './lib/redis-checks.js';
import { chaosSchedule } from './lib/schedule.js';
import { summary } from './lib/summary.js';
import { wakeProbe } from './lib/wake-probe.js';
import { ID_FIELD } from './lib/worker-config.js';

const options = chaosOptions();
const STREAM = 'chaos';
const GROUP = 'workers';

describe('chaos: kills and restarts lose no published message', () => {
  const procs = new ProcessTable();
  const runDir = mkdtempSync(join(tmpdir(), 'streamgate-chaos-'));
  let passed = false;

  afterAll(async () => {
    await procs.killAll();
    if (passed && !options.keep) rmSync(runDir, { recursive: true, force: true });
    else console.log(`chaos: run directory kept: ${runDir} (records/, logs/)`);
  });

  it(
    'every successful publish is processed and acked (poison ones terminated); nothing pending, only the poison dead-lettered',
    async () => {
      const recordsDir = join(runDir, 'records');
      const logsDir = join(runDir, 'logs');
      const redisDir = join(runDir, 'redis');
      for (const d of [recordsDir, logsDir, redisDir]) mkdirSync(d);
      const random = seeded(options.seed);
      let t0 = Date.now();
      const log = (msg: string) => console.log(`chaos [${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
      log(
        `seed ${options.seed}, ${options.seconds} s of load, ${options.consumerKills} consumer kills, ` +
          `${options.producersPerTransport}+${options.producersPerTransport} producers and ` +
          `${options.consumersPerTransport}+${options.consumersPerTransport} consumers (REST+gRPC); run dir ${runDir}`,
      );
      const failures: string[] = [];

      // ---- setup: Redis, two gateways, the group, the workers ---------------------------
      const command = buildGateway();
      log('gateway compiled');
      const redis = await chaosRedis(procs, redisDir, logsDir);
      await redis.start();
      const gateways: [ChaosGateway, ChaosGateway] = [
        await chaosGateway(procs, 'a', command, redis.url, join(logsDir, 'gateway-a.log')),
        await chaosGateway(procs, 'b', command, redis.url, join(logsDir, 'gateway-b.log')),
      ];
      await Promise.all(gateways.map((g) => g.start()));
      const [ga, gb] = gateways;
      const { status, body: group } = await createChaosGroup(ga, STREAM, GROUP, options);
      expect(status, JSON.stringify(group)).toBe(201);
      const deadLetterStream = group.deadLetterStream ?? `${STREAM}:dlq`;
      log(`redis-server pid ${redis.pid()} on ${redis.port}; gateway a ${ga.httpUrl} ${ga.grpcAddress}, b ${gb.httpUrl} ${gb.grpcAddress}`);

      const fleet = new Fleet({ procs, options, gateways, stream: STREAM, group: GROUP, recordsDir, logsDir });
      // The load's clock starts once every worker is set up: a kill before that would hit
      // a process still loading its modules.
      const workers = await fleet.start(60_000);
      log(`${workers} workers ready (setup took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

      // ---- the load and the faults ------------------------------------------------------
      const schedule = chaosSchedule(random, options.seconds, options.consumerKills);
      t0 = Date.now();
      log(`load starts; faults at: ${schedule.map((e) => `${e.kind}@${(e.atMs / 1000).toFixed(1)}s`).join(' ')}`);
      const faults = await playFaults({ schedule, seconds: options.seconds, fleet, gateways, redis, random, recordsDir, log });
      failures.push(...faults.failures);
      const loadSeconds = (Date.now() - t0) / 1000;
      log('load ends: stopping producers (SIGTERM)');
      failures.push(...(await fleet.stopProducers()));

      // ---- the end: waiting pulls still wake, the consumers drain the group -------------
      // Both gateways lived through the Redis restart: their blocking watchers must be alive.
      const wakeProbes: string[] = [];
      for (const [waiting, other] of [[ga, gb], [gb, ga]] as const) {
        const probe = await wakeProbe(waiting.httpUrl, other.httpUrl, STREAM, waiting.label, 10_000);
        appendFileSync(join(recordsDir, `${PUBLISHED_PREFIX}probes.log`), probe.record);
        wakeProbes.push(`${waiting.label} ${probe.detail}`);
        log(`waiting pull on gateway ${waiting.label}: ${probe.detail}`);
        if (!probe.ok || (probe.latencyMs ?? Infinity) > 3000) {
          failures.push(`a waiting pull on gateway ${waiting.label} did not wake promptly for a new message: ${probe.detail}`);
        }
      }

      const check = verifier(redis.url);
      try {
        const drain = await waitDrained(check, STREAM, GROUP, options.drainSeconds * 1000);
        log(`drain ${drain.done ? 'complete' : 'INCOMPLETE'} after ${drain.ms} ms: pending ${drain.state.pending}, lag ${drain.state.lag}`);
        if (!drain.done) {
          failures.push(
            `the group did not drain in ${options.drainSeconds} s: pending ${drain.state.pending}, ` +
              `last delivered ${drain.state.lastDeliveredId}, last id ${drain.state.lastGeneratedId}; ` +
              `first pending: ${(await pendingDetails(check, STREAM, GROUP)).join('; ')}`,
          );
        }
        failures.push(...(await fleet.stopConsumers()));
        for (const g of gateways) {
          const code = await g.stop();
          if (code !== 0) failures.push(`gateway ${g.label} did not shut down gracefully on SIGTERM (exit ${code}); see its log`);
        }
        log('consumers and gateways stopped');

        // ---- the verdict: records against Redis ---------------------------------------
        const pendingAtEnd = Number(((await check.xpending(STREAM, GROUP)) as [number])[0]);
        const dead = await deadLetterContents(check, deadLetterStream, ID_FIELD);
        const deadLetters = dead.length;
        const contents = await streamContents(check, STREAM, ID_FIELD);
        const ledger = readLedger(recordsDir);
        const verdict = judge(ledger, contents);
        const publishedBy = { rest: 0, grpc: 0, probe: 0 };
        for (const msgId of ledger.published.keys()) {
          publishedBy[msgId.startsWith('rest-') ? 'rest' : msgId.startsWith('grpc-') ? 'grpc' : 'probe']++;
        }
        let unackedAtKills = 0;
        for (const file of fleet.killedFiles) {
          const inc = ledger.incarnations.get(file);
          if (inc) unackedAtKills += Math.max(0, inc.processed - inc.acked);
        }
        const publishedAfterRedis = faults.publishedAtRedisBack === null ? null : countLines(recordsDir, PUBLISHED_PREFIX) - faults.publishedAtRedisBack;
        console.log(
          summary(
            {
              options,
              loadSeconds,
              publishedBy,
              streamEntries: [...contents.values()].reduce((n, ids) => n + ids.length, 0),
              consumerKills: fleet.kills,
              killedMidBatch: fleet.killedMidBatch,
              unackedAtKills,
              gatewayRestarts: faults.gatewayRestarts,
              redisRestarts: faults.redisRestarts,
              publishedAfterRedis,
              drainMs: drain.ms,
              wakeProbes,
              endState: drain.state,
              pendingAtEnd,
              deadLetters,
              stats: fleet.stats,
              gatewayLogLines: gateways.map((g) => `${g.label}: ${g.logCounts().warn} warnings, ${g.logCounts().error} errors`).join('; '),
              runDir,
            },
            ledger,
            verdict,
          ),
        );

        failures.push(...verdictFailures(ledger, verdict));
        if (pendingAtEnd !== 0) failures.push(`${pendingAtEnd} messages still pending at the end`);
        failures.push(...deadLetterFailures(ledger, dead, GROUP).map((f) => `${deadLetterStream}: ${f}`));
        if (publishedAfterRedis === 0) failures.push('no publish succeeded after Redis came back');
        if (options.consumerKills > 0 && fleet.kills.rest + fleet.kills.grpc === 0) failures.push('no consumer was killed');
        if (faults.gatewayRestarts.length !== 1) failures.push(`expected 1 gateway restart, saw ${faults.gatewayRestarts.length}`);
        if (faults.redisRestarts.length !== 1) failures.push(`expected 1 Redis restart, saw ${faults.redisRestarts.length}`);
      } finally {
        check.disconnect();
        await redis.stop();
      }
      failures.push(...procs.unexpectedExits());
      expect(failures, failures.join('\n')).toEqual([]);
      passed = true;
    },
    chaosTimeoutMs(options),
  );
});
