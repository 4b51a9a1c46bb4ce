import { basename, join } from 'node:path';
import type { ChaosGateway } from './gateway.js';
import { REPO_ROOT } from './gateway.js';
import { PROCESSED_PREFIX, PUBLISHED_PREFIX } from './ledger.js';
import type { ChaosOptions } from './options.js';
import type { Child, ProcessTable } from './processes.js';
import type { Random } from './random.js';
import { midBatch } from './records.js';
import { type GatewayTarget, WORKER_ENV, type WorkerConfig, type WorkerStats } from './worker-config.js';

export const TRANSPORTS = ['rest', 'grpc'] as const;
export type Transport = (typeof TRANSPORTS)[number];

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

export interface FleetSetup {
  readonly procs: ProcessTable;
  readonly options: ChaosOptions;
  readonly gateways: readonly [ChaosGateway, ChaosGateway];
  readonly stream: string;
  /** Several streams (the cluster chaos): every worker works on all of them. */
  readonly streams?: readonly string[];
  readonly group: string;
  readonly recordsDir: string;
  readonly logsDir: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * The producer and consumer processes (tsx scripts in ../workers), REST and gRPC alike,
 * spread over the two gateways; consumers are killed and restarted under the same name.
 */
export class Fleet {
  /** Stats lines of the workers that stopped gracefully. */
  readonly stats: WorkerStats[] = [];
  readonly kills: Record<Transport, number> = { rest: 0, grpc: 0 };
  /** Kills that hit a process holding processed, unacked messages. */
  killedMidBatch = 0;
  /** Record files (basenames) of the killed consumer processes. */
  readonly killedFiles = new Set<string>();
  /** Record file (basename) of a killed consumer process → Date.now() just before its SIGKILL. */
  readonly killedAt = new Map<string, number>();

  private readonly producers: Child[] = [];
  private readonly slots: ConsumerSlot[] = [];
  private readonly ready = new Set<string>();
  private killsDrawn = 0;

  constructor(private readonly s: FleetSetup) {}

  /** Starts every worker and resolves once all are set up (tsx and grpc-js load slowly on a busy machine). */
  async start(timeoutMs: number): Promise<number> {
    const { options, recordsDir } = this.s;
    for (let i = 1; i <= options.producersPerTransport; i++) {
      for (const transport of TRANSPORTS) {
        const name = `${transport}-p${i}`;
        const config: WorkerConfig = {
          role: 'producer',
          name,
          transport,
          targets: this.targetsFor(i),
          stream: this.s.stream,
          ...(this.s.streams ? { streams: this.s.streams } : {}),
          recordFile: join(recordsDir, `${PUBLISHED_PREFIX}${name}.log`),
          seed: options.seed,
          maxBatch: 8,
          pauseMs: 30,
        };
        this.producers.push(this.spawn(config, 'producer', name));
      }
    }
    for (let i = 1; i <= options.consumersPerTransport; i++) {
      for (const transport of TRANSPORTS) {
        const slot: ConsumerSlot = { name: `${transport}-c${i}`, transport, targets: this.targetsFor(i), incarnation: 0, child: null, recordFile: '', restarting: false };
        this.slots.push(slot);
        this.startConsumer(slot);
      }
    }
    const workers = this.producers.length + this.slots.length;
    for (const deadline = Date.now() + timeoutMs; this.ready.size < workers; await sleep(50)) {
      if (Date.now() > deadline) throw new Error(`workers not ready in ${timeoutMs} ms: only ${[...this.ready].join(', ')}; logs in ${this.s.logsDir}`);
    }
    return workers;
  }

  /**
   * SIGKILLs a running consumer (REST and gRPC take turns), at a moment when it holds
   * processed, unacked messages if one comes within 2 s, and restarts it after `downMs`.
   * Resolves once it is restarted; null when no consumer of the kind was running.
   */
  kill(random: Random, downMs: number, log: (msg: string) => void): Promise<void> | null {
    const transport = TRANSPORTS[this.killsDrawn++ % TRANSPORTS.length];
    const running = this.slots.filter((s) => s.transport === transport && !s.restarting && s.child?.running());
    if (running.length === 0) return null;
    const slot = random.pick(running);
    slot.restarting = true;
    return (async () => {
      const child = slot.child;
      if (!child) return;
      for (const until = Date.now() + 2000; !midBatch(slot.recordFile) && Date.now() < until; ) await sleep(1);
      const inHand = midBatch(slot.recordFile);
      this.killedAt.set(basename(slot.recordFile), Date.now());
      await child.kill();
      this.killedFiles.add(basename(slot.recordFile));
      this.kills[slot.transport]++;
      if (inHand) this.killedMidBatch++;
      log(`SIGKILL consumer ${slot.name} #${slot.incarnation} (pid ${child.pid})${inHand ? ' mid-batch' : ''}; restart in ${downMs} ms`);
      await sleep(downMs);
      this.startConsumer(slot);
      slot.restarting = false;
    })();
  }

  /** SIGTERM to each producer (it finishes or abandons its batch in hand); failures for unclean exits. */
  async stopProducers(): Promise<string[]> {
    return this.stopAll(this.producers, 30_000, 'producer');
  }

  async stopConsumers(): Promise<string[]> {
    return this.stopAll(
      this.slots.flatMap((s) => (s.child ? [s.child] : [])),
      10_000,
      'consumer',
    );
  }

  private async stopAll(children: readonly Child[], graceMs: number, role: string): Promise<string[]> {
    const failures: string[] = [];
    await Promise.all(
      children.map(async (child) => {
        const exit = await child.stop(graceMs);
        if (exit.code !== 0) failures.push(`${role} ${child.name} did not stop cleanly: code ${exit.code}, signal ${exit.signal}`);
      }),
    );
    return failures;
  }

  /** Odd-numbered workers of each kind prefer gateway a, even ones b; the other is the fail-over. */
  private targetsFor(i: number): GatewayTarget[] {
    const [a, b] = this.s.gateways;
    return (i % 2 === 1 ? [a, b] : [b, a]).map((g) => ({ httpUrl: g.httpUrl, grpcAddress: g.grpcAddress }));
  }

  private startConsumer(slot: ConsumerSlot): void {
    slot.incarnation++;
    slot.recordFile = join(this.s.recordsDir, `${PROCESSED_PREFIX}${slot.name}-${slot.incarnation}.log`);
    const config: WorkerConfig = {
      role: 'consumer',
      name: slot.name,
      transport: slot.transport,
      targets: slot.targets,
      stream: this.s.stream,
      ...(this.s.streams ? { streams: this.s.streams } : {}),
      group: this.s.group,
      recordFile: slot.recordFile,
      seed: this.s.options.seed + slot.incarnation,
      batch: slot.transport === 'rest' ? 10 : 20,
      maxWorkMs: 40,
    };
    slot.child = this.spawn(config, `${slot.transport}-consumer`, `${slot.name} #${slot.incarnation}`);
  }

  private spawn(config: WorkerConfig, script: string, label: string): Child {
    return this.s.procs.spawn(label, process.execPath, ['--import', 'tsx', `test/chaos/workers/${script}.ts`], {
      cwd: REPO_ROOT,
      env: { [WORKER_ENV]: JSON.stringify(config) },
      logFile: join(this.s.logsDir, `${config.name}.log`),
      onLine: (line) => {
        if (line.startsWith('{"ready"')) this.ready.add(label);
        else if (line.startsWith('{"stats"')) this.stats.push((JSON.parse(line) as { stats: WorkerStats }).stats);
      },
    });
  }
}
