import { closeSync, openSync, writeSync } from 'node:fs';
import { type ChannelOptions, type Client, type ServiceError, credentials, status } from '@grpc/grpc-js';
import { Pool } from 'undici';
import type { StreamGatewayClient } from '../../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { loadProto } from '../../../src/grpc/proto.js';
import { type Random, seeded } from '../lib/random.js';
import { WORKER_ENV, type WorkerConfig, type WorkerStats } from '../lib/worker-config.js';

/** What every worker process shares: its config, its record file, its lifecycle, its clients. */

function readConfig<R extends WorkerConfig['role']>(role: R): Extract<WorkerConfig, { role: R }> {
  const raw = process.env[WORKER_ENV];
  if (!raw) throw new Error(`${WORKER_ENV} is not set`);
  const config = JSON.parse(raw) as WorkerConfig;
  if (config.role !== role) throw new Error(`expected a ${role} config, got ${config.role}`);
  return config as Extract<WorkerConfig, { role: R }>;
}

/**
 * A worker's start: its config (a `role` one), its lifecycle, its seeded random, its record
 * file and its retry counter. `finish` closes the record, prints the stats line and exits 0.
 */
export function startWorker<R extends WorkerConfig['role']>(role: R) {
  const config = readConfig(role);
  const record = new RecordFile(config.recordFile);
  const retries = new RetryCounter();
  return {
    config,
    life: lifecycle(),
    random: workerRandom(config.seed, config.name),
    record,
    retries,
    finish(stats: Omit<WorkerStats, 'name' | 'role' | 'retries'>): never {
      record.close();
      printStats({ name: config.name, role, retries: retries.byKind, ...stats });
      process.exit(0);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Appends whole records with one write(2) each: once it returns, a SIGKILL cannot undo it. */
class RecordFile {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  append(text: string): void {
    if (text.length > 0) writeSync(this.fd, text);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * SIGTERM asks for a graceful stop (finish the batch in hand, print stats, exit 0). The
 * orchestrator holds our stdin open: when it goes away, so do we.
 */
function lifecycle(): { stopping: () => boolean; onStop: (fn: () => void) => void } {
  let stopping = false;
  const listeners: (() => void)[] = [];
  process.on('SIGTERM', () => {
    stopping = true;
    for (const fn of listeners) fn();
  });
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(3));
  process.stdin.on('error', () => process.exit(3));
  return { stopping: () => stopping, onStop: (fn) => listeners.push(fn) };
}

function workerRandom(seed: number, name: string): Random {
  let h = seed >>> 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return seeded(h ^ process.pid);
}

/** Counts retried failures by kind for the stats line. */
class RetryCounter {
  readonly byKind: Record<string, number> = {};

  add(kind: string): void {
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  }
}

/** Tells the orchestrator that this process is set up and about to work (its clock starts then). */
export function announceReady(name: string): void {
  process.stdout.write(`${JSON.stringify({ ready: name })}\n`);
}

function printStats(stats: WorkerStats): void {
  process.stdout.write(`${JSON.stringify({ stats })}\n`);
}

/** Exponential backoff, capped: 50, 100, 200, 400, 500, 500 ... ms. */
export const backoffMs = (attempt: number) => Math.min(500, 50 * 2 ** Math.min(attempt, 4));

// ---- REST ----------------------------------------------------------------------------------

export function httpPool(baseUrl: string, connections = 2): Pool {
  return new Pool(baseUrl, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connectTimeout: 3000,
    // A pull waits at most 1 s in Redis; anything much slower is a hung gateway: retry.
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

export async function postJson(
  pool: Pool,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  const res = await pool.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: kept as text for the error message.
  }
  return { status: res.statusCode, headers: res.headers, body: parsed };
}

/** The kind of a failed attempt, for counters: `http-503`, `ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`. */
export function networkKind(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  return code ?? (err instanceof Error ? err.name : 'error');
}

/** The contract's error code of a problem+json body, if any. */
export function problemCode(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string' ? body.code : undefined;
}

export const paths = {
  publish: (stream: string) => `/v1/streams/${encodeURIComponent(stream)}/messages`,
  pull: (stream: string, group: string) =>
    `/v1/streams/${encodeURIComponent(stream)}/groups/${encodeURIComponent(group)}/pull`,
  ack: (stream: string, group: string) => `/v1/streams/${encodeURIComponent(stream)}/groups/${encodeURIComponent(group)}/ack`,
  term: (stream: string, group: string) => `/v1/streams/${encodeURIComponent(stream)}/groups/${encodeURIComponent(group)}/term`,
};

// ---- gRPC ----------------------------------------------------------------------------------

/** A client that notices a restarted gateway within a second (default backoff grows to 120 s). */
export function grpcClient(address: string): StreamGatewayClient {
  const { grpc } = loadProto();
  const options: ChannelOptions = {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.min_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1000,
  };
  return new grpc.streamgate.v1.StreamGateway(address, credentials.createInsecure(), options);
}

export function closeGrpc(client: StreamGatewayClient): void {
  (client as unknown as Client).close();
}

/** A gRPC status name (`UNAVAILABLE`) by number, for counters and messages. */
export const statusName = (code: number | undefined): string => status[code ?? status.UNKNOWN] ?? `status-${code}`;

/**
 * Statuses a client retries: the gateway or Redis is away (UNAVAILABLE), the answer never came
 * (DEADLINE_EXCEEDED, CANCELLED by a dying connection), or the connection broke mid-call
 * (UNKNOWN/INTERNAL from a reset HTTP/2 stream). Anything else is a bug the test must show.
 */
export const RETRYABLE_GRPC = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'CANCELLED', 'UNKNOWN', 'INTERNAL']);

export function grpcKind(err: ServiceError): string {
  const code = err.metadata?.get('error-code')[0];
  return `grpc-${statusName(err.code)}${typeof code === 'string' ? `/${code}` : ''}`;
}
