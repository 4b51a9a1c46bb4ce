/**
 * A Streamgate worker on the REST client generated from openapi/openapi.json
 * (openapi-typescript types, openapi-fetch calls). It pulls batches, processes each message,
 * restarts the leases of the batch every third of the group leaseMs while it works (so a
 * message that takes longer than the lease is not redelivered to another worker), acks each
 * message once processed (naming its consumer: a message whose lease was lost to another
 * worker is left to that worker, `acked` false), and stops gracefully on SIGINT or SIGTERM: the message in hand is
 * finished and acked, the rest of the batch is released (nack) for other workers at once.
 * Each batch and each processed message is printed as one JSON line.
 *
 * Run it from the repository root, with a gateway on http://127.0.0.1:8080 and a group:
 *
 *   npm run clients:ts    # writes examples/typescript/generated/streamgate.ts (git-ignored)
 *   STREAMGATE_URL=http://127.0.0.1:8080 npx tsx examples/typescript/worker.ts orders billing worker-1
 *
 * With API keys, set STREAMGATE_API_KEY. Type-check with `npx tsc -p examples/typescript`.
 * The work here is a stand-in: it waits `sleepMs` (a field of the message, default 0).
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/streamgate.js';

type Message = Pick<components['schemas']['Message'], 'id' | 'fields' | 'deliveryCount'>;
type Problem = components['schemas']['Problem'];

const args = process.argv.slice(2);
if (args.length !== 3) {
  console.error('usage: worker.ts STREAM GROUP CONSUMER   (env STREAMGATE_URL, STREAMGATE_API_KEY)');
  process.exit(2);
}
const [stream, group, consumer] = args as [string, string, string];
const apiKey = process.env.STREAMGATE_API_KEY;
const client = createClient<paths>({
  baseUrl: process.env.STREAMGATE_URL ?? 'http://127.0.0.1:8080',
  headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
});
const path = { stream, group };

const stopping = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort());

const print = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failure = (what: string, p: Problem) => new Error(`${what}: ${p.status} ${p.code}: ${p.detail}`);

/** The work itself. Replace with yours. */
async function processMessage(message: Message): Promise<void> {
  await sleep(Number(message.fields?.sleepMs ?? 0));
}

/** Restarts the leases of `held` every third of the lease while `work` runs (none with leases off). */
async function keepingLeases(held: Set<string>, leaseMs: number, work: () => Promise<void>): Promise<void> {
  const extend = async () => {
    if (held.size === 0) return;
    const ids = [...held];
    const { data, error } = await client.POST('/v1/streams/{stream}/groups/{group}/extend', {
      params: { path },
      body: { consumer, ids },
    });
    if (error) console.error(failure('extend', error).message);
    // An ID acked while this extension was under way is not pending any more: not lost.
    else print({ event: 'extended', ids, extended: data.extended, lost: data.notPending.filter((id) => held.has(id)) });
  };
  const timer = leaseMs > 0 ? setInterval(() => void extend().catch((err: unknown) => console.error('extend:', err)), leaseMs / 3) : undefined;
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
}

/** Pulls one batch, waiting up to 5 s for one; [] when stopping or after a refusal it waited out. */
async function pull(): Promise<Message[]> {
  try {
    const { data, error, response } = await client.POST('/v1/streams/{stream}/groups/{group}/pull', {
      params: { path },
      body: { consumer, count: 10, waitMs: 5000 },
      signal: stopping.signal, // the gateway releases the messages of a pull the client left
    });
    if (data) return data.messages;
    if (error.status !== 429 && error.status !== 503) throw failure('pull', error);
    await sleep(1000 * Number(response.headers.get('retry-after') ?? 1));
    return [];
  } catch (err) {
    if (stopping.signal.aborted) return [];
    throw err;
  }
}

async function main(): Promise<void> {
  const info = await client.GET('/v1/streams/{stream}/groups/{group}', { params: { path } });
  if (info.error) throw failure('group', info.error);
  const leaseMs = info.data.leaseMs; // 0: leases disabled, nothing to extend
  print({ event: 'started', consumer, leaseMs });
  let processed = 0;
  while (!stopping.signal.aborted) {
    const batch = await pull();
    if (batch.length > 0) print({ event: 'pulled', ids: batch.map((m) => m.id) });
    const held = new Set(batch.map((m) => m.id));
    await keepingLeases(held, leaseMs, async () => {
      for (const message of batch) {
        if (stopping.signal.aborted) break;
        await processMessage(message);
        held.delete(message.id); // before the ack: a heartbeat must not extend it while it is acked
        const ack = await client.POST('/v1/streams/{stream}/groups/{group}/ack', { params: { path }, body: { ids: [message.id], consumer } });
        if (ack.error) throw failure('ack', ack.error);
        processed += 1;
        print({ event: 'processed', id: message.id, deliveryCount: message.deliveryCount, acked: ack.data.acked === 1 });
      }
    });
    if (held.size > 0 && leaseMs > 0) {
      // Stopping with messages not started: let other workers have them now, not after the lease.
      const nack = await client.POST('/v1/streams/{stream}/groups/{group}/nack', {
        params: { path },
        body: { consumer, ids: [...held], delayMs: 0 },
      });
      if (nack.error) throw failure('nack', nack.error);
      print({ event: 'released', ids: [...held], released: nack.data.released });
    }
  }
  print({ event: 'stopped', processed });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
