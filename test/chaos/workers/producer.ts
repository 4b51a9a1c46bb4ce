// A chaos producer: publishes uniquely numbered messages (`<name>-000123`) in batches through
// REST or gRPC, each batch under its own Idempotency-Key, retrying a failed or unanswered
// publish with the same key (on either gateway) until it succeeds. Only then are the batch's
// ids recorded: the record file is the list of publishes that returned success.
import type { ServiceError } from '@grpc/grpc-js';
import type { PublishResponse__Output } from '../../../src/grpc/generated/streamgate/v1/PublishResponse.js';
import type { StreamGatewayClient } from '../../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { ID_FIELD, messageId, recordLine, workerStreams } from '../lib/worker-config.js';
import {
  announceReady,
  RETRYABLE_GRPC,
  backoffMs,
  closeGrpc,
  grpcClient,
  grpcKind,
  httpPool,
  networkKind,
  paths,
  postJson,
  problemCode,
  sleep,
  startWorker,
} from './support.js';

const { config, life, random, record, retries, finish } = startWorker('producer');

/** After SIGTERM, a batch in hand is retried this much longer, then abandoned (not recorded). */
const STOP_GRACE_MS = 20_000;
const CALL_TIMEOUT_MS = 10_000;

/** A publish attempt: the entry ids, or the kind of retryable failure. Other failures throw. */
type Attempt = { ok: true; ids: string[]; replayed: boolean } | { ok: false; kind: string };

type Publisher = (target: number, stream: string, ids: readonly string[], key: string) => Promise<Attempt>;

function restPublisher(): { publish: Publisher; close: () => Promise<void> } {
  const pools = config.targets.map((t) => httpPool(t.httpUrl));
  return {
    async publish(target, stream, ids, key) {
      const pool = pools[target];
      if (!pool) throw new Error(`no target ${target}`);
      const body = { messages: ids.map((id) => ({ fields: { [ID_FIELD]: id } })) };
      let reply;
      try {
        reply = await postJson(pool, paths.publish(stream), body, { 'idempotency-key': key });
      } catch (err) {
        return { ok: false, kind: networkKind(err) };
      }
      if (reply.status === 201 || reply.status === 200) {
        const got = (reply.body as { ids?: unknown }).ids;
        if (!Array.isArray(got) || got.length !== ids.length) throw new Error(`publish answered ${JSON.stringify(reply.body)}`);
        return { ok: true, ids: got.map(String), replayed: reply.headers['idempotent-replayed'] === 'true' };
      }
      // 503 is the contract's "Redis unavailable" (outcome unknown for a write): retry.
      if (reply.status === 503) return { ok: false, kind: `http-503/${problemCode(reply.body) ?? '?'}` };
      throw new Error(`publish failed with ${reply.status}: ${JSON.stringify(reply.body)}`);
    },
    async close() {
      await Promise.all(pools.map((p) => p.close()));
    },
  };
}

function grpcPublisher(): { publish: Publisher; close: () => Promise<void> } {
  const clients: StreamGatewayClient[] = config.targets.map((t) => grpcClient(t.grpcAddress));
  return {
    publish(target, stream, ids, key) {
      const client = clients[target];
      if (!client) throw new Error(`no target ${target}`);
      const request = {
        stream,
        messages: ids.map((id) => ({ fields: { [ID_FIELD]: Buffer.from(id) } })),
        idempotencyKey: key,
      };
      return new Promise<Attempt>((resolve, reject) => {
        client.Publish(request, { deadline: Date.now() + CALL_TIMEOUT_MS }, (err: ServiceError | null, res?: PublishResponse__Output) => {
          if (err) {
            const kind = grpcKind(err);
            if (RETRYABLE_GRPC.has(kind.slice(5).split('/')[0] ?? '')) resolve({ ok: false, kind });
            else reject(new Error(`Publish failed: ${kind} ${err.details}`));
            return;
          }
          if (!res || res.ids.length !== ids.length) {
            reject(new Error(`Publish answered ${JSON.stringify(res)}`));
            return;
          }
          resolve({ ok: true, ids: res.ids, replayed: res.replayed });
        });
      });
    },
    async close() {
      clients.forEach(closeGrpc);
    },
  };
}

const publisher = config.transport === 'rest' ? restPublisher() : grpcPublisher();
/** Each batch goes to the next stream in turn (one stream: always that one). */
const streams = workerStreams(config);

announceReady(config.name);
let seq = 0;
let batch = 0;
let published = 0;
let calls = 0;
let replays = 0;
let abandoned = 0;
let stopDeadline = Number.POSITIVE_INFINITY;
life.onStop(() => (stopDeadline = Date.now() + STOP_GRACE_MS));

while (!life.stopping()) {
  const n = random.int(1, config.maxBatch);
  const ids = Array.from({ length: n }, () => messageId(config.name, ++seq));
  const key = `${config.name}-b${++batch}`;
  const stream = streams[batch % streams.length] ?? config.stream;
  let entryIds: string[] | null = null;
  // Preferred gateway first, then alternate: a retry with the same key on the other
  // instance must be as safe as on the same one (the key lives in Redis).
  for (let attempt = 0; entryIds === null; attempt++) {
    if (Date.now() > stopDeadline) break;
    calls++;
    const result = await publisher.publish(attempt % config.targets.length, stream, ids, key);
    if (result.ok) {
      entryIds = result.ids;
      if (result.replayed) replays++;
    } else {
      retries.add(result.kind);
      await sleep(backoffMs(attempt));
    }
  }
  if (entryIds === null) {
    abandoned++;
    break;
  }
  record.append(ids.map((id, i) => recordLine.published(id, entryIds[i] ?? '?', stream)).join(''));
  published += n;
  await sleep(config.pauseMs);
}

await publisher.close();
finish({ messages: published, calls, replays, abandoned });
