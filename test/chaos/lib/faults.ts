import type { Fleet } from './fleet.js';
import type { ChaosGateway } from './gateway.js';
import { PROCESSED_PREFIX, PUBLISHED_PREFIX } from './ledger.js';
import type { Random } from './random.js';
import { countLines } from './records.js';
import type { ChaosRedis } from './redis.js';
import type { ChaosEvent } from './schedule.js';

/** What the faults did, for the summary and the verdict. */
export interface FaultReport {
  readonly gatewayRestarts: string[];
  readonly redisRestarts: string[];
  /** Successful publishes recorded when Redis was back (null: no Redis restart happened). */
  publishedAtRedisBack: number | null;
  readonly failures: string[];
}

export interface FaultSetup {
  readonly schedule: readonly ChaosEvent[];
  readonly seconds: number;
  readonly fleet: Fleet;
  readonly gateways: readonly [ChaosGateway, ChaosGateway];
  readonly redis: ChaosRedis;
  readonly random: Random;
  readonly recordsDir: string;
  readonly log: (msg: string) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Plays the schedule against the running load, from now for `seconds`, and waits until every
 * killed process is back. Consumer kills overlap anything; the gateway and Redis faults run
 * one after the other, so each recovery is measured on its own.
 */
export async function playFaults(f: FaultSetup): Promise<FaultReport> {
  const t0 = Date.now();
  const report: FaultReport = { gatewayRestarts: [], redisRestarts: [], publishedAtRedisBack: null, failures: [] };
  const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

  const restartGateway = async (g: ChaosGateway, downMs: number) => {
    const killedAt = at();
    await g.kill();
    f.log(`SIGKILL gateway ${g.label}; restart in ${downMs} ms`);
    await sleep(downMs);
    const t = Date.now();
    await g.start();
    f.log(`gateway ${g.label} is back (started and ready in ${Date.now() - t} ms)`);
    report.gatewayRestarts.push(`${g.label} killed at ${killedAt}, down ${downMs} ms, ready ${Date.now() - t} ms after start`);
  };

  const restartRedis = async (downMs: number) => {
    const killedAt = at();
    const pid = f.redis.pid();
    await f.redis.kill();
    f.log(`SIGKILL redis-server (pid ${pid}); restart in ${downMs} ms`);
    await sleep(downMs);
    const t = Date.now();
    await f.redis.start();
    const startMs = Date.now() - t;
    f.log(`redis-server is back (pid ${f.redis.pid()}, ready with its AOF loaded ${startMs} ms after start)`);
    report.publishedAtRedisBack = countLines(f.recordsDir, PUBLISHED_PREFIX);
    const ready = await Promise.all(f.gateways.map((g) => g.waitReady(30_000)));
    ready.forEach((ms, i) => {
      if (ms === null) report.failures.push(`gateway ${f.gateways[i]?.label} did not report ready within 30 s after Redis came back`);
    });
    const readyText = ready.map((ms, i) => `${f.gateways[i]?.label} ${ms ?? 'never'}`).join(', ');
    f.log(`gateways ready again after (ms): ${readyText}`);
    report.redisRestarts.push(`SIGKILL at ${killedAt}, down ${downMs} ms, ready ${startMs} ms after start; gateways /readyz 200 after (ms) ${readyText}`);
  };

  const progress = setInterval(
    () =>
      f.log(
        `progress: ${countLines(f.recordsDir, PUBLISHED_PREFIX)} published, ` +
          `${countLines(f.recordsDir, PROCESSED_PREFIX, 'P ')} deliveries processed`,
      ),
    15_000,
  );
  const consumerWork: Promise<void>[] = [];
  let infra: Promise<void> = Promise.resolve();
  try {
    for (const event of f.schedule) {
      await sleep(t0 + event.atMs - Date.now());
      if (event.kind === 'kill-consumer') {
        const work = f.fleet.kill(f.random, event.downMs, f.log);
        if (work) consumerWork.push(work);
        continue;
      }
      const step =
        event.kind === 'kill-gateway'
          ? () => restartGateway(f.gateways[event.gateway === 0 ? 0 : 1], event.downMs)
          : () => restartRedis(event.downMs);
      infra = infra.then(step).catch((err: unknown) => void report.failures.push(`fault failed: ${String(err)}`));
    }
    await sleep(t0 + f.seconds * 1000 - Date.now());
  } finally {
    clearInterval(progress);
    await infra;
    await Promise.all(consumerWork);
  }
  return report;
}
