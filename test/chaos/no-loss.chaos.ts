// `npm run test:chaos`: producers and consumers in their own processes, over two gateway
// instances and one redis-server (AOF, appendfsync always), while consumers, one gateway
// and Redis are killed and restarted. Every message whose publish returned success must
// be processed and acked at least once; nothing may stay pending or be dead-lettered.
// The knobs (duration, seed, ...) are in lib/options.ts; the summary block says what happened.
import { appendFileSync, closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChaosGateway, REPO_ROOT, buildGateway, chaosGateway } from './lib/gateway.js';
import { PROCESSED_PREFIX, PUBLISHED_PREFIX, firstOf, judge, readLedger } from './lib/ledger.js';
import { chaosOptions, chaosTimeoutMs } from './lib/options.js';
import { type Child, ProcessTable } from './lib/processes.js';
import { seeded } from './lib/random.js';
import { chaosRedis } from './lib/redis.js';
import { type GroupState, pendingDetails, streamContents, streamLength, verifier, waitDrained } from './lib/redis-checks.js';
import { chaosSchedule } from './lib/schedule.js';
import { summary } from './lib/summary.js';
import { wakeProbe } from './lib/wake-probe.js';
import {
  type ConsumerConfig,
  type GatewayTarget,
  ID_FIELD,
  type ProducerConfig,
  WORKER_ENV,
  type WorkerConfig,
  type WorkerStats,
} from './lib/worker-config.js';

const options = chaosOptions();
const STREAM = 'chaos';
const GROUP = 'workers';
const TRANSPORTS = ['rest', 'grpc'] as const;
type Transport = (typeof TRANSPORTS)[number];

/** A consumer slot: one name, successive processes (incarnations) after each SIGKILL. */
interface ConsumerSlot {
  readonly name: string;
  readonly transport: Transport;
  readonly targets: readonly GatewayTarget[];
  incarnation: number;
  child: Child | null;
  recordFile: string;
  restarting: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** True when the record's last line is a `P` line: the process holds messages it has not acked. */
function midBatch(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, 256));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    const text = buf.toString('utf8').trimEnd();
    return text.slice(text.lastIndexOf('\n') + 1).startsWith('P ');
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function countLines(dir: string, prefix: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  }
  return n;
}

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
    'every successful publish is processed and acked; nothing pending, nothing dead-lettered',
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
          `${options.producersPerTransport}+${options.producersPerTransport} producers, ` +
          `${options.consumersPerTransport}+${options.consumersPerTransport} consumers (REST+gRPC); run dir ${runDir}`,
      );
      const failures: string[] = [];

      // ---- infrastructure -------------------------------------------------------------
      const command = buildGateway();
      log('gateway compiled');
      const redis = await chaosRedis(procs, redisDir, logsDir);
      await redis.start();
      const gateways: ChaosGateway[] = [];
      for (const label of ['a', 'b']) {
        gateways.push(await chaosGateway(procs, label, command, redis.url, {}, join(logsDir, `gateway-${label}.log`)));
      }
      await Promise.all(gateways.map((g) => g.start()));
      const [ga, gb] = gateways as [ChaosGateway, ChaosGateway];
      const created = await request(`${ga.httpUrl}/v1/streams/${STREAM}/groups`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ group: GROUP, start: '0', createStream: true, leaseMs: options.leaseMs, maxDeliveries: options.maxDeliveries }),
      });
      const createdBody = (await created.body.json()) as { deadLetterStream?: string };
      expect(created.statusCode, JSON.stringify(createdBody)).toBe(201);
      const deadLetterStream = createdBody.deadLetterStream ?? `${STREAM}:dlq`;
      log(`redis-server pid ${redis.pid()} on ${redis.port}; gateways a ${ga.httpUrl} ${ga.grpcAddress}, b ${gb.httpUrl} ${gb.grpcAddress}`);

      // ---- workers --------------------------------------------------------------------
      const stats: WorkerStats[] = [];
      const readyWorkers = new Set<string>();
      const spawnWorker = (config: WorkerConfig, script: string, label: string): Child =>
        procs.spawn(label, process.execPath, ['--import', 'tsx', `test/chaos/workers/${script}.ts`], {
          cwd: REPO_ROOT,
          env: { [WORKER_ENV]: JSON.stringify(config) },
          logFile: join(logsDir, `${config.name}.log`),
          onLine: (line) => {
            if (line.startsWith('{"ready"')) readyWorkers.add(label);
            else if (line.startsWith('{"stats"')) stats.push((JSON.parse(line) as { stats: WorkerStats }).stats);
          },
        });
      // Clients of each kind are spread over the two gateways; each fails over to the other.
      const targetsFor = (i: number): GatewayTarget[] =>
        (i % 2 === 1 ? [ga, gb] : [gb, ga]).map((g) => ({ httpUrl: g.httpUrl, grpcAddress: g.grpcAddress }));

      const producers: { child: Child; transport: Transport }[] = [];
      for (let i = 1; i <= options.producersPerTransport; i++) {
        for (const transport of TRANSPORTS) {
          const config: ProducerConfig = {
            role: 'producer',
            name: `${transport}-p${i}`,
            transport,
            targets: targetsFor(i),
            stream: STREAM,
            recordFile: join(recordsDir, `${PUBLISHED_PREFIX}${transport}-p${i}.log`),
            seed: options.seed,
            maxBatch: 8,
            pauseMs: 30,
          };
          producers.push({ child: spawnWorker(config, 'producer', config.name), transport });
        }
      }

      const slots: ConsumerSlot[] = [];
      for (let i = 1; i <= options.consumersPerTransport; i++) {
        for (const transport of TRANSPORTS) {
          slots.push({ name: `${transport}-c${i}`, transport, targets: targetsFor(i), incarnation: 0, child: null, recordFile: '', restarting: false });
        }
      }
      const startConsumer = (slot: ConsumerSlot) => {
        slot.incarnation++;
        slot.recordFile = join(recordsDir, `${PROCESSED_PREFIX}${slot.name}-${slot.incarnation}.log`);
        const config: ConsumerConfig = {
          role: 'consumer',
          name: slot.name,
          transport: slot.transport,
          targets: slot.targets,
          stream: STREAM,
          group: GROUP,
          recordFile: slot.recordFile,
          seed: options.seed + slot.incarnation,
          batch: slot.transport === 'rest' ? 10 : 20,
          maxWorkMs: 40,
        };
        slot.child = spawnWorker(config, `${slot.transport}-consumer`, `${slot.name} #${slot.incarnation}`);
      };
      slots.forEach(startConsumer);
      // The load's clock starts once every worker is set up (tsx and grpc-js take a while
      // to load on a busy machine): a kill before that would hit a process doing nothing.
      const workers = producers.length + slots.length;
      for (const deadline = Date.now() + 60_000; readyWorkers.size < workers; await sleep(50)) {
        if (Date.now() > deadline) throw new Error(`workers not ready in 60 s: only ${[...readyWorkers].join(', ')}; logs in ${logsDir}`);
      }
      log(`${workers} workers ready (setup took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

      // ---- the faults -----------------------------------------------------------------
      const schedule = chaosSchedule(random, options.seconds, options.consumerKills);
      const killedFiles = new Set<string>();
      const consumerKills: Record<Transport, number> = { rest: 0, grpc: 0 };
      let killedMidBatch = 0;
      const gatewayRestarts: string[] = [];
      const redisRestarts: string[] = [];
      let publishedAtRedisBack: number | null = null;
      const sinceStart = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

      const killConsumer = async (slot: ConsumerSlot, downMs: number) => {
        const child = slot.child;
        if (!child) return;
        slot.restarting = true;
        // "Mid-batch": wait (briefly) for a moment when it holds processed, unacked messages.
        const until = Date.now() + 2000;
        while (!midBatch(slot.recordFile) && Date.now() < until) await sleep(1);
        const inHand = midBatch(slot.recordFile);
        await child.kill();
        killedFiles.add(basename(slot.recordFile));
        consumerKills[slot.transport]++;
        if (inHand) killedMidBatch++;
        log(`SIGKILL consumer ${slot.name} #${slot.incarnation} (pid ${child.pid})${inHand ? ' mid-batch' : ''}; restart in ${downMs} ms`);
        await sleep(downMs);
        startConsumer(slot);
        slot.restarting = false;
      };

      const restartGateway = async (g: ChaosGateway, downMs: number) => {
        const at = sinceStart();
        await g.kill();
        log(`SIGKILL gateway ${g.label}; restart in ${downMs} ms`);
        await sleep(downMs);
        const t = Date.now();
        await g.start();
        log(`gateway ${g.label} is back (started and ready in ${Date.now() - t} ms)`);
        gatewayRestarts.push(`${g.label} killed at ${at}, down ${downMs} ms, ready ${Date.now() - t} ms after start`);
      };

      const restartRedis = async (downMs: number) => {
        const at = sinceStart();
        const pid = redis.pid();
        await redis.kill();
        log(`SIGKILL redis-server (pid ${pid}); restart in ${downMs} ms`);
        await sleep(downMs);
        const t = Date.now();
        await redis.start();
        const loadMs = Date.now() - t;
        log(`redis-server is back (pid ${redis.pid()}, started with its AOF loaded in ${loadMs} ms)`);
        publishedAtRedisBack = countLines(recordsDir, PUBLISHED_PREFIX);
        const ready = await Promise.all(gateways.map((g) => g.waitReady(30_000)));
        ready.forEach((ms, i) => {
          const label = gateways[i]?.label;
          if (ms === null) failures.push(`gateway ${label} did not report ready within 30 s after Redis came back`);
        });
        log(`gateways ready again: ${ready.map((ms, i) => `${gateways[i]?.label} after ${ms ?? 'never'} ms`).join(', ')}`);
        redisRestarts.push(
          `SIGKILL at ${at}, down ${downMs} ms, back ${loadMs} ms after start, /readyz 200 again after ${ready.map((ms) => ms ?? 'never').join(' / ')} ms`,
        );
      };

      t0 = Date.now();
      log(`load starts: ${schedule.map((e) => `${e.kind}@${(e.atMs / 1000).toFixed(1)}s`).join(' ')}`);
      const consumerWork: Promise<void>[] = [];
      let consumerKillsDrawn = 0;
      // Gateway and Redis faults run one after the other, so each recovery is measured alone.
      let infra: Promise<void> = Promise.resolve();
      const infraErrors: string[] = [];
      for (const event of schedule) {
        await sleep(t0 + event.atMs - Date.now());
        if (event.kind === 'kill-consumer') {
          // REST and gRPC consumers take turns; which one of the kind is drawn among those running.
          const transport = TRANSPORTS[consumerKillsDrawn++ % TRANSPORTS.length];
          const running = slots.filter((s) => s.transport === transport && !s.restarting && s.child?.running());
          if (running.length > 0) consumerWork.push(killConsumer(random.pick(running), event.downMs));
        } else {
          const step = event.kind === 'kill-gateway' ? () => restartGateway(gateways[event.gateway] ?? ga, event.downMs) : () => restartRedis(event.downMs);
          infra = infra.then(step).catch((err: unknown) => void infraErrors.push(String(err)));
        }
      }
      await sleep(t0 + options.seconds * 1000 - Date.now());
      await infra;
      await Promise.all(consumerWork);
      failures.push(...infraErrors);

      // ---- the end: stop publishing, let the consumers drain the group -----------------
      log('load ends: stopping producers (SIGTERM)');
      const loadSeconds = (Date.now() - t0) / 1000;
      for (const { child } of producers) {
        const exit = await child.stop(30_000);
        if (exit.code !== 0) failures.push(`producer ${child.name} did not stop cleanly: code ${exit.code}, signal ${exit.signal}`);
      }
      // Both gateways lived through the Redis restart: their waiting pulls must still wake.
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
      let endState: GroupState | null = null;
      let drainMs = 0;
      try {
        const drain = await waitDrained(check, STREAM, GROUP, options.drainSeconds * 1000);
        endState = drain.state;
        drainMs = drain.ms;
        log(`drain ${drain.done ? 'complete' : 'INCOMPLETE'} after ${drain.ms} ms: pending ${drain.state.pending}, lag ${drain.state.lag}`);
        if (!drain.done) {
          failures.push(
            `the group did not drain in ${options.drainSeconds} s: pending ${drain.state.pending}, last delivered ${drain.state.lastDeliveredId}, ` +
              `last id ${drain.state.lastGeneratedId}; first pending: ${(await pendingDetails(check, STREAM, GROUP)).join('; ')}`,
          );
        }

        for (const slot of slots) {
          const exit = await slot.child?.stop(10_000);
          if (exit && exit.code !== 0) failures.push(`consumer ${slot.name} did not stop cleanly: code ${exit.code}, signal ${exit.signal}`);
        }
        for (const g of gateways) {
          const code = await g.stop();
          if (code !== 0) failures.push(`gateway ${g.label} did not shut down gracefully on SIGTERM (exit ${code}); see its log`);
        }
        log('consumers and gateways stopped');

        // ---- the verdict --------------------------------------------------------------
        const pendingAtEnd = Number(((await check.xpending(STREAM, GROUP)) as [number])[0]);
        const deadLetters = await streamLength(check, deadLetterStream);
        const contents = await streamContents(check, STREAM, ID_FIELD);
        const streamEntries = [...contents.values()].reduce((n, ids) => n + ids.length, 0);
        const ledger = readLedger(recordsDir);
        const verdict = judge(ledger, contents);
        const publishedBy = { rest: 0, grpc: 0, probe: 0 };
        for (const msgId of ledger.published.keys()) publishedBy[msgId.startsWith('rest-') ? 'rest' : msgId.startsWith('grpc-') ? 'grpc' : 'probe']++;
        let unackedAtKills = 0;
        for (const file of killedFiles) {
          const inc = ledger.incarnations.get(file);
          if (inc) unackedAtKills += Math.max(0, inc.processed - inc.acked);
        }
        const warnErr = gateways.map((g) => `${g.label}: ${g.logCounts().warn} warnings, ${g.logCounts().error} errors`).join('; ');
        console.log(
          summary(
            {
              options,
              loadSeconds,
              publishedBy,
              streamEntries,
              consumerKills,
              killedMidBatch,
              unackedAtKills,
              gatewayRestarts,
              redisRestarts,
              publishedAfterRedis: publishedAtRedisBack === null ? null : countLines(recordsDir, PUBLISHED_PREFIX) - publishedAtRedisBack,
              drainMs,
              wakeProbes,
              endState,
              pendingAtEnd,
              deadLetters,
              stats,
              gatewayLogLines: warnErr,
              runDir,
            },
            ledger,
            verdict,
          ),
        );

        if (verdict.missing.length > 0) failures.push(`LOST (published with success, never processed) ${firstOf(verdict.missing)}`);
        if (verdict.notInStream.length > 0) failures.push(`published with success but not in the stream ${firstOf(verdict.notInStream)}`);
        if (verdict.writtenTwice.length > 0) failures.push(`written more than once despite the Idempotency-Key ${firstOf(verdict.writtenTwice)}`);
        if (verdict.wrongEntryId.length > 0) failures.push(`publish reported another entry id than the stream holds ${firstOf(verdict.wrongEntryId)}`);
        if (ledger.publishedTwice.length > 0) failures.push(`a producer recorded an id twice ${firstOf(ledger.publishedTwice)}`);
        if (ledger.unreadable.length > 0) failures.push(`processed entries without a chaos id ${firstOf(ledger.unreadable)}`);
        if (pendingAtEnd !== 0) failures.push(`${pendingAtEnd} messages still pending at the end`);
        if (deadLetters !== 0) failures.push(`${deadLetters} entries in the dead-letter stream ${deadLetterStream}`);
        if (ledger.published.size === 0) failures.push('nothing was published');
        if (publishedAtRedisBack !== null && countLines(recordsDir, PUBLISHED_PREFIX) - publishedAtRedisBack === 0) {
          failures.push('no publish succeeded after Redis came back');
        }
        const killsDone = consumerKills.rest + consumerKills.grpc;
        if (options.consumerKills > 0 && killsDone === 0) failures.push('no consumer was killed');
        if (gatewayRestarts.length !== 1) failures.push(`expected 1 gateway restart, saw ${gatewayRestarts.length}`);
        if (redisRestarts.length !== 1) failures.push(`expected 1 Redis restart, saw ${redisRestarts.length}`);
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
