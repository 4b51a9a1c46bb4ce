// The waiters of the waiting scenario (bench/scenarios/waiting.ts): N HTTP long-polls, each on
// its own keep-alive connection, or N StreamingPull calls multiplexed over a few HTTP/2
// channels; every waiter has its own consumer name in one group, acks what it receives and
// waits again, recording each message's wake-up latency in Receipts.
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { setMaxListeners } from 'node:events';
import type { Pool } from 'undici';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import type { StreamingPullRequest } from '../../src/grpc/generated/streamgate/v1/StreamingPullRequest.js';
import type { StreamingPullResponse__Output } from '../../src/grpc/generated/streamgate/v1/StreamingPullResponse.js';
import { closeGrpc, grpcClient, httpPool, paths, postJson } from './clients.js';
import type { GatewayProcess } from './gateway.js';
import { sleep } from './stats.js';

export const GROUP = 'g';
/** A pull's waitMs (the gateway allows 60 s: STREAMGATE_MAX_WAIT_MS). */
const WAIT_MS = 60_000;
/** StreamingPull calls per HTTP/2 channel. */
const STREAMS_PER_CHANNEL = 1000;
const STOP_TIMEOUT_MS = 20_000;

export class Receipts {
  readonly latency = new Map<number, number>();
  duplicates = 0;
  foreign = 0;

  record(seq: string | undefined, t: string | undefined): void {
    const now = performance.now();
    const n = Number(seq);
    if (seq === undefined || t === undefined || !Number.isInteger(n)) {
      this.foreign++;
      return;
    }
    if (this.latency.has(n)) this.duplicates++;
    else this.latency.set(n, now - Number(t));
  }
}

export interface Waiters {
  start(i: number): void;
  /** Ends every waiter (abort / cancel) and resolves when all have ended. */
  stop(): Promise<void>;
  readonly errors: number;
  readonly emptyPulls: number;
}

export function httpWaiters(gateway: GatewayProcess, stream: string, size: number, receipts: Receipts): Waiters {
  // One connection per waiting pull; acks go over a pool of their own (every waiter's
  // connection is busy waiting).
  const pool: Pool = httpPool(gateway.httpUrl, size);
  const ackPool: Pool = httpPool(gateway.httpUrl, 16);
  const ac = new AbortController();
  setMaxListeners(0, ac.signal); // one listener per pull in flight: no limit
  const running: Promise<void>[] = [];
  let errors = 0;
  let emptyPulls = 0;
  const pullPath = paths.pull(stream, GROUP);
  const ackPath = paths.ack(stream, GROUP);

  const waiter = async (i: number) => {
    const body = JSON.stringify({ consumer: `w${i}`, count: 1, waitMs: WAIT_MS });
    while (!ac.signal.aborted) {
      let r: { status: number; body: { messages?: { id: string; fields: Record<string, string> }[] } };
      try {
        r = await postJson(pool, pullPath, body, ac.signal);
      } catch {
        if (ac.signal.aborted) return;
        errors++;
        await sleep(100);
        continue;
      }
      const messages = r.body.messages;
      if (r.status !== 200 || !messages) {
        errors++;
        await sleep(100);
        continue;
      }
      if (messages.length === 0) {
        emptyPulls++;
        continue;
      }
      for (const m of messages) receipts.record(m.fields.seq, m.fields.t);
      try {
        const a = await postJson<{ acked: number }>(ackPool, ackPath, JSON.stringify({ ids: messages.map((m) => m.id) }));
        if (a.status !== 200 || a.body.acked !== messages.length) errors++;
      } catch {
        errors++;
      }
    }
  };

  return {
    start(i) {
      running.push(waiter(i));
    },
    async stop() {
      ac.abort();
      await bounded(Promise.allSettled(running), STOP_TIMEOUT_MS);
      await Promise.allSettled([pool.destroy(), ackPool.destroy()]);
    },
    get errors() {
      return errors;
    },
    get emptyPulls() {
      return emptyPulls;
    },
  };
}

export function grpcWaiters(gateway: GatewayProcess, stream: string, receipts: Receipts): Waiters {
  // A few channels, STREAMS_PER_CHANNEL calls multiplexed on each (HTTP/2 streams).
  const channels: StreamGatewayClient[] = [];
  const calls: ClientDuplexStream<StreamingPullRequest, StreamingPullResponse__Output>[] = [];
  const closed: Promise<void>[] = [];
  let stopping = false;
  let errors = 0;

  return {
    start(i) {
      const c = Math.floor(i / STREAMS_PER_CHANNEL);
      channels[c] ??= grpcClient(gateway.grpcAddress);
      const call = (channels[c] as StreamGatewayClient).StreamingPull();
      calls.push(call);
      // 'status' ends every call: OK, an error, or CANCELLED after cancel().
      closed.push(new Promise<void>((r) => call.on('status', () => r())));
      call.on('error', () => {
        if (!stopping) errors++;
      });
      call.on('data', (res: StreamingPullResponse__Output) => {
        if (res.messages.length === 0) return;
        for (const m of res.messages) receipts.record(m.fields.seq?.toString(), m.fields.t?.toString());
        call.write({ ackIds: res.messages.map((m) => m.id) });
      });
      call.write({ stream, group: GROUP, consumer: `w${i}`, maxOutstandingMessages: 1 });
    },
    async stop() {
      stopping = true;
      for (const call of calls) call.cancel();
      await bounded(Promise.all(closed), STOP_TIMEOUT_MS);
      for (const ch of channels) if (ch) closeGrpc(ch);
    },
    get errors() {
      return errors;
    },
    emptyPulls: 0,
  };
}

async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
