/**
 * What the orchestrator tells a worker process (producer or consumer), passed as JSON in the
 * CHAOS_WORKER environment variable, and the record formats the workers write.
 */

/** One gateway instance as a client sees it. */
export interface GatewayTarget {
  readonly httpUrl: string;
  readonly grpcAddress: string;
}

interface WorkerBase {
  /** Unique per slot (`rest-p1`, `grpc-c2`); a restarted consumer keeps its slot's name. */
  readonly name: string;
  readonly transport: 'rest' | 'grpc';
  /** Preferred gateway first; the other one is the fail-over. */
  readonly targets: readonly GatewayTarget[];
  readonly stream: string;
  /**
   * Several streams (the cluster chaos): a producer publishes its batches to each in turn, a
   * consumer consumes all of them at once (one pull loop, or one StreamingPull, per stream).
   * Absent: `stream` alone.
   */
  readonly streams?: readonly string[];
  /** File the worker appends its records to (created if absent). */
  readonly recordFile: string;
  readonly seed: number;
}

export interface ProducerConfig extends WorkerBase {
  readonly role: 'producer';
  /** Messages per publish call: uniformly 1..maxBatch. */
  readonly maxBatch: number;
  /** Pause between two publish calls. */
  readonly pauseMs: number;
}

export interface ConsumerConfig extends WorkerBase {
  readonly role: 'consumer';
  readonly group: string;
  /** REST: `count` of a pull; gRPC: `max_outstanding_messages`. */
  readonly batch: number;
  /** Simulated work per batch, uniformly 0..maxWorkMs, between recording and acking. */
  readonly maxWorkMs: number;
}

export type WorkerConfig = ProducerConfig | ConsumerConfig;

export const WORKER_ENV = 'CHAOS_WORKER';

/**
 * Record lines (one write(2) per batch, so a SIGKILL leaves whole lines: the kernel has the
 * bytes once write returns, whatever happens to the process afterwards).
 *
 * producer:  `<msgId> <entryId> <stream>`             publish of that message returned success
 * consumer:  `P <msgId> <entryId> <deliveryCount> <stream> <receivedAtMs> <consumer>`
 *                                                      processed (written BEFORE the ack or term is sent)
 *            `A <n>`                                   an ack (or term) call confirmed n entries
 *            `E <stream> <atMs>`                       gRPC: the StreamingPull of that stream ended
 *                                                      (the gateway released what it had delivered)
 * The stream, the time and the consumer are what the cluster chaos's leased-twice check reads
 * (lib/leases.ts); the ledger reads the first fields only.
 */
export const recordLine = {
  published: (msgId: string, entryId: string, stream: string) => `${msgId} ${entryId} ${stream}\n`,
  processed: (msgId: string, entryId: string, deliveryCount: number, stream: string, atMs: number, consumer: string) =>
    `P ${msgId} ${entryId} ${deliveryCount} ${stream} ${atMs} ${consumer}\n`,
  acked: (n: number) => `A ${n}\n`,
  sessionEnded: (stream: string, atMs: number) => `E ${stream} ${atMs}\n`,
};

/** The streams a worker works on. */
export const workerStreams = (c: { stream: string; streams?: readonly string[] }): readonly string[] =>
  c.streams && c.streams.length > 0 ? c.streams : [c.stream];

/** Message ids are `<producer>-<seq, 6 digits>`: unique across the run. */
export const messageId = (producer: string, seq: number): string => `${producer}-${String(seq).padStart(6, '0')}`;

/** The one field every chaos message carries. */
export const ID_FIELD = 'id';

/**
 * Poison messages (one producer message in 50, decided by its id so every consumer agrees):
 * a consumer records it processed, then terminates it (dead-letter now, with x-reason
 * POISON_REASON) instead of acking it. At the end the dead-letter stream must hold exactly
 * the poison messages published, each once.
 */
export const isPoison = (msgId: string): boolean => !msgId.startsWith('probe-') && /-\d{6}$/.test(msgId) && Number(msgId.slice(-6)) % 50 === 7;
export const POISON_REASON = 'poison';

/** What a worker prints on stdout (one JSON line) when it stops gracefully. */
export interface WorkerStats {
  readonly name: string;
  readonly role: 'producer' | 'consumer';
  /** Producer: messages whose publish succeeded; consumer: messages recorded. */
  readonly messages: number;
  readonly calls: number;
  /** Failed attempts that were retried, by kind (`http-503`, `grpc-UNAVAILABLE`, `ECONNREFUSED`, ...). */
  readonly retries: Record<string, number>;
  /** Producer: publishes answered as replays of an earlier attempt (Idempotent-Replayed). */
  readonly replays: number;
  /** Producer: batches abandoned at shutdown with an unknown outcome (not recorded). */
  readonly abandoned: number;
}
