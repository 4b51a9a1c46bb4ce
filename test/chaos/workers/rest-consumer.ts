// A chaos consumer over REST: pull a batch (long poll), record every message as processed,
// "work" a little, then terminate the poison ones and ack the others, both checked against
// this consumer's ownership (`consumer`). The record is written before the ack is sent, so a
// message this process acked is always in its record, whenever the orchestrator's SIGKILL lands.
// With several streams (the cluster chaos), one such loop runs per stream, side by side.
import { ID_FIELD, POISON_REASON, isPoison, recordLine, workerStreams } from '../lib/worker-config.js';
import { announceReady, backoffMs, httpPool, networkKind, paths, postJson, problemCode, sleep, startWorker } from './support.js';

interface PulledMessage {
  readonly id: string;
  readonly fields: Record<string, string> | null;
  readonly deliveryCount: number;
}

const { config, life, random, record, retries, finish } = startWorker('consumer');
const streams = workerStreams(config);
// Each stream's loop has a pull (long poll) or an ack in flight at a time.
const pools = config.targets.map((t) => httpPool(t.httpUrl, Math.max(2, streams.length + 1)));

/** Index of the gateway in use: switches to the other one when a call fails. */
let current = 0;
let calls = 0;
let processed = 0;

function failed(kind: string): void {
  retries.add(kind);
  current = (current + 1) % pools.length;
}

/** One call, on the current gateway; null (after counting the failure) when it must be retried. */
async function call(path: string, body: unknown): Promise<unknown> {
  const pool = pools[current];
  if (!pool) throw new Error('no gateway');
  calls++;
  try {
    const reply = await postJson(pool, path, body);
    if (reply.status === 200) return reply.body;
    if (reply.status === 503) {
      failed(`http-503/${problemCode(reply.body) ?? '?'}`);
      return null;
    }
    throw new Error(`POST ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('POST ')) throw err;
    failed(networkKind(err));
    return null;
  }
}

/**
 * Sends `body` to `path` until it is answered (at most 8 tries: then the lease expires and
 * the messages come back, a duplicate, never a loss); records how many it settled.
 */
async function settle(path: string, body: { ids: string[]; [more: string]: unknown }, settled: (reply: Record<string, unknown>) => number): Promise<void> {
  if (body.ids.length === 0) return;
  for (let tries = 0; tries < 8; tries++) {
    const reply = await call(path, body);
    if (reply !== null) {
      record.append(recordLine.acked(settled(reply as Record<string, unknown>)));
      return;
    }
    await sleep(backoffMs(tries));
  }
}

async function consume(stream: string): Promise<void> {
  const pullPath = paths.pull(stream, config.group);
  const ackPath = paths.ack(stream, config.group);
  const termPath = paths.term(stream, config.group);
  for (let attempt = 0; !life.stopping(); ) {
    const reply = await call(pullPath, { consumer: config.name, count: config.batch, waitMs: 1000 });
    if (reply === null) {
      await sleep(backoffMs(attempt++));
      continue;
    }
    attempt = 0;
    const messages = (reply as { messages: PulledMessage[] }).messages;
    if (messages.length === 0) continue;

    const at = Date.now();
    record.append(
      messages.map((m) => recordLine.processed(m.fields?.[ID_FIELD] ?? '?', m.id, m.deliveryCount, stream, at, config.name)).join(''),
    );
    processed += messages.length;
    await sleep(random.int(0, config.maxWorkMs));

    // Only what this consumer still holds: a message whose lease it lost is the new holder's.
    const poison = messages.filter((m) => isPoison(m.fields?.[ID_FIELD] ?? '')).map((m) => m.id);
    const ids = messages.filter((m) => !isPoison(m.fields?.[ID_FIELD] ?? '')).map((m) => m.id);
    await settle(termPath, { ids: poison, reason: POISON_REASON, consumer: config.name }, (r) => Number(r.terminated));
    await settle(ackPath, { ids, consumer: config.name }, (r) => Number(r.acked));
  }
}

announceReady(config.name);
await Promise.all(streams.map(consume));

await Promise.all(pools.map((p) => p.close()));
finish({ messages: processed, calls, replays: 0, abandoned: 0 });
