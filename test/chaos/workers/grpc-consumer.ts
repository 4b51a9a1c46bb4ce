// A chaos consumer over gRPC StreamingPull: record each delivered message as processed,
// "work" a little, then ack it on the stream (terminate it, when it is poison). When the call ends (gateway killed, Redis
// away), reopen it, switching to the other gateway; messages of the lost call come back
// to the group when their lease expires or the server releases them. With several streams
// (the cluster chaos), one such call runs per stream, side by side; each end is recorded.
import type { ServiceError, StatusObject } from '@grpc/grpc-js';
import type { StreamGatewayClient } from '../../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import type { StreamingPullResponse__Output } from '../../../src/grpc/generated/streamgate/v1/StreamingPullResponse.js';
import { ID_FIELD, POISON_REASON, isPoison, recordLine, workerStreams } from '../lib/worker-config.js';
import { announceReady, backoffMs, closeGrpc, grpcClient, sleep, startWorker, statusName } from './support.js';

const { config, life, random, record, retries, finish } = startWorker('consumer');
const clients: StreamGatewayClient[] = config.targets.map((t) => grpcClient(t.grpcAddress));

let processed = 0;
let calls = 0;

/** The open call of a stream: whether it is open, acks whose results are awaited, cancel. */
interface Active {
  open(): boolean;
  awaiting(): number;
  cancel(): void;
}
const active = new Map<string, Active>();

life.onStop(() => {
  // Let the acks of the batches in hand be sent and answered (bounded), then end the calls.
  void (async () => {
    const deadline = Date.now() + 3000 + config.maxWorkMs;
    await sleep(config.maxWorkMs + 50);
    const busy = () => [...active.values()].some((a) => a.open() && a.awaiting() > 0);
    while (busy() && Date.now() < deadline) await sleep(20);
    for (const a of active.values()) a.cancel();
  })();
});

/** One StreamingPull call on `stream`, until it ends; resolves with its final status. */
function session(client: StreamGatewayClient, stream: string): Promise<StatusObject> {
  calls++;
  const call = client.StreamingPull();
  let open = true;
  /** Acks sent on this call whose results have not come back yet. */
  let awaitingResults = 0;
  const ended = new Promise<StatusObject>((resolve) =>
    call.on('status', (s: StatusObject) => {
      open = false;
      record.append(recordLine.sessionEnded(stream, Date.now()));
      resolve(s);
    }),
  );
  // A failed call is also emitted as 'error'; its status arrives through 'status'.
  call.on('error', (_err: ServiceError) => undefined);
  call.on('data', (r: StreamingPullResponse__Output) => {
    if (r.messages.length > 0) {
      const at = Date.now();
      record.append(
        r.messages
          .map((m) => recordLine.processed(m.fields[ID_FIELD]?.toString() ?? '?', m.id, m.deliveryCount, stream, at, config.name))
          .join(''),
      );
      processed += r.messages.length;
      const poison = (m: (typeof r.messages)[number]) => isPoison(m.fields[ID_FIELD]?.toString() ?? '');
      const ids = r.messages.filter((m) => !poison(m)).map((m) => m.id);
      const termIds = r.messages.filter(poison).map((m) => m.id);
      setTimeout(() => {
        if (!open) return; // the server released them when the call ended
        awaitingResults += ids.length + termIds.length;
        call.write(termIds.length === 0 ? { ackIds: ids } : { ackIds: ids, termIds, termReason: POISON_REASON });
      }, random.int(0, config.maxWorkMs));
    }
    if (r.ackResults.length > 0) {
      awaitingResults -= r.ackResults.length;
      const ok = r.ackResults.filter((a) => a.status === 'ACK_STATUS_OK').length;
      record.append(recordLine.acked(ok));
    }
  });
  active.set(stream, {
    open: () => open,
    awaiting: () => awaitingResults,
    cancel: () => call.cancel(),
  });
  call.write({ stream, group: config.group, consumer: config.name, maxOutstandingMessages: config.batch });
  return ended;
}

/** Calls on `stream` one after the other until the stop; a failed call moves to the other gateway. */
async function consume(stream: string, first: number): Promise<void> {
  let current = first;
  for (let attempt = 0; !life.stopping(); ) {
    const client = clients[current];
    if (!client) throw new Error('no gateway');
    const started = Date.now();
    const status = await session(client, stream);
    if (life.stopping()) break;
    retries.add(`grpc-${statusName(status.code)}`);
    current = (current + 1) % clients.length;
    // A call that lived a while is a fresh failure; one that failed at once backs off.
    attempt = Date.now() - started > 5000 ? 0 : attempt + 1;
    await sleep(backoffMs(attempt));
  }
}

announceReady(config.name);
await Promise.all(workerStreams(config).map((stream) => consume(stream, 0)));

clients.forEach(closeGrpc);
finish({ messages: processed, calls, replays: 0, abandoned: 0 });
