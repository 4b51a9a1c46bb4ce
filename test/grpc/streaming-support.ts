import type { ClientDuplexStream, Metadata, ServiceError, StatusObject } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import type { AckResult__Output } from '../../src/grpc/generated/streamgate/v1/AckResult.js';
import type { Message__Output } from '../../src/grpc/generated/streamgate/v1/Message.js';
import type { StreamingPullRequest } from '../../src/grpc/generated/streamgate/v1/StreamingPullRequest.js';
import type { StreamingPullResponse__Output } from '../../src/grpc/generated/streamgate/v1/StreamingPullResponse.js';
import { afterEach } from 'vitest';
import { uniq } from '../helpers/core.js';
import type { TestGrpc } from '../helpers/grpc.js';
import { until } from '../helpers/wait.js';

/**
 * Shared steps of the StreamingPull tests: an open stream that records what it receives,
 * and direct looks at Redis (XPENDING), which is what "the server never read ahead" means.
 */

export type PullCall = ClientDuplexStream<StreamingPullRequest, StreamingPullResponse__Output>;

export interface OpenPull {
  readonly call: PullCall;
  /** Every response, in arrival order. */
  readonly responses: StreamingPullResponse__Output[];
  /** Every message delivered, in arrival order (redeliveries appear again). */
  messages(): Message__Output[];
  ids(): string[];
  results(): AckResult__Output[];
  send(request: StreamingPullRequest): void;
  /** Resolves with the final status when the call ends (OK or not). */
  readonly ended: Promise<StatusObject>;
  readonly isEnded: () => boolean;
  /** Resolves once `pred()` holds (checked on every response and every 10 ms); rejects after `timeoutMs`. */
  until(pred: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /** Cancels (an 'error' listener is attached, so CANCELLED is not thrown) and waits for the end. */
  cancel(): Promise<StatusObject>;
}

/** Opens StreamingPull with `first` as the first request (and `metadata`, e.g. a key). `onData` sees each response as it arrives. */
export function openPull(
  client: StreamGatewayClient,
  first: StreamingPullRequest,
  onData?: (r: StreamingPullResponse__Output) => void,
  metadata?: Metadata,
): OpenPull {
  const call = metadata ? client.StreamingPull(metadata) : client.StreamingPull();
  const responses: StreamingPullResponse__Output[] = [];
  let done = false;
  const ended = new Promise<StatusObject>((resolve) => {
    call.on('status', (s: StatusObject) => {
      done = true;
      resolve(s);
    });
  });
  // A non-OK status is also emitted as 'error': observed through `ended`.
  call.on('error', (_err: ServiceError) => undefined);
  call.on('data', (r: StreamingPullResponse__Output) => {
    responses.push(r);
    onData?.(r);
  });
  call.write(first);
  const messages = () => responses.flatMap((r) => r.messages);
  return {
    call,
    responses,
    messages,
    ids: () => messages().map((m) => m.id),
    results: () => responses.flatMap((r) => r.ackResults),
    send: (request) => call.write(request),
    ended,
    isEnded: () => done,
    until: (pred, timeoutMs = 5000, what = 'condition') => until(pred, timeoutMs, what),
    async cancel() {
      call.cancel();
      return ended;
    },
  };
}

/** Polls a condition with a deadline (test/helpers/wait.ts; re-exported for the files that import it from here). */
export { until };

/** A stream with a group `g` reading from the start (lease `leaseMs`), and `n` messages. */
export async function setupStream(
  g: TestGrpc,
  opts: { leaseMs?: number; n?: number; bytes?: number } = {},
): Promise<{ s: string; ids: string[] }> {
  const s = uniq('sp');
  await g.call('CreateGroup', { stream: s, group: 'g', createStream: true, start: '0', leaseMs: opts.leaseMs ?? 30_000 });
  const ids = opts.n ? await publish(g, s, opts.n, opts.bytes) : [];
  return { s, ids };
}

/** Under the default body limit (STREAMGATE_MAX_BODY_BYTES, about 6 MiB): a larger batch is sent in parts. */
const PUBLISH_BYTES = 4 * 1_048_576;

/**
 * Publishes `n` messages (field `n` = index; `bytes` of padding when given) in one batch, or
 * in as few batches as keep each request under 4 MiB.
 */
export async function publish(g: TestGrpc, s: string, n: number, bytes = 0, from = 0): Promise<string[]> {
  const pad = bytes > 0 ? Buffer.alloc(bytes, 0x61) : null;
  const messages = Array.from({ length: n }, (_, i) => ({
    fields: pad ? { n: Buffer.from(String(from + i)), pad } : { n: Buffer.from(String(from + i)) },
  }));
  const per = Math.max(1, Math.floor(PUBLISH_BYTES / (bytes + 64)));
  const ids: string[] = [];
  for (let i = 0; i < messages.length; i += per) {
    const part = await g.call<{ ids: string[] }>('Publish', { stream: s, messages: messages.slice(i, i + per) });
    ids.push(...part.ids);
  }
  return ids;
}

/** The unary Pull of another consumer (what "available to another consumer" means). */
export async function pullOther(
  g: TestGrpc,
  s: string,
  consumer: string,
  count = 100,
  waitMs = 0,
): Promise<{ id: string; deliveryCount: number }[]> {
  const r = await g.call<{ messages: Message__Output[] }>('Pull', { stream: s, group: 'g', consumer, count, waitMs });
  return r.messages.map((m) => ({ id: m.id, deliveryCount: m.deliveryCount }));
}

/** XPENDING summary: pending count per consumer (absent: 0). */
export async function pendingByConsumer(redis: Redis, s: string, group = 'g'): Promise<Map<string, number>> {
  const reply = (await redis.xpending(s, group)) as [number, string | null, string | null, [string, string][] | null];
  return new Map((reply[3] ?? []).map(([name, count]) => [name, Number(count)]));
}

export interface PendingRow {
  readonly id: string;
  readonly consumer: string;
  readonly idleMs: number;
  readonly deliveryCount: number;
}

/** XPENDING with a range: owner, idle time and delivery count of every pending entry. */
export async function pendingEntries(redis: Redis, s: string, group = 'g'): Promise<PendingRow[]> {
  const rows = (await redis.xpending(s, group, '-', '+', 1000)) as [string, string, number, number][];
  return rows.map(([id, consumer, idleMs, deliveryCount]) => ({ id, consumer, idleMs, deliveryCount }));
}

/**
 * The list a test file pushes its open StreamingPulls to: after each test, those still open
 * are cancelled, so a test that failed half-way leaves no stream behind it.
 */
export function openPulls(): OpenPull[] {
  const open: OpenPull[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).filter((p) => !p.isEnded()).map((p) => p.cancel()));
  });
  return open;
}
