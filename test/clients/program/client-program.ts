/**
 * A program on the TypeScript client generated from openapi/openapi.json (openapi-typescript)
 * and openapi-fetch, run by typescript-client.test.ts after tsc has checked it against a
 * fresh generation: create a group, publish (and replay the publish), pull, look at the
 * pending list, ack, and meet a typed 404 problem. Prints one JSON summary line.
 *
 * Usage: tsx client-program.ts BASE_URL STREAM
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from '../../../examples/typescript/generated/streamgate.js';

type Problem = components['schemas']['Problem'];

// ---- Checks made by tsc alone -------------------------------------------------------------

/** Every operationId of the document: the generated `operations` must have exactly these. */
type Expected =
  | 'checkLiveness' | 'checkReadiness' | 'getMetrics' | 'listStreams' | 'getStream' | 'deleteStream'
  | 'publishMessages' | 'readMessages' | 'deleteMessage' | 'trimStream' | 'createGroup' | 'listGroups'
  | 'getGroup' | 'updateGroup' | 'deleteGroup' | 'setGroupPosition' | 'listConsumers' | 'createConsumer'
  | 'deleteConsumer' | 'pullMessages' | 'ackMessages' | 'nackMessages' | 'extendLeases' | 'terminateMessages' | 'getPendingSummary'
  | 'listPendingEntries' | 'claimMessages' | 'autoClaimMessages' | 'listDeadLetters' | 'redriveDeadLetters';
type Missing = Exclude<Expected, keyof operations>;
type Unexpected = Exclude<keyof operations, Expected>;
export const everyOperation: [Missing, Unexpected] extends [never, never] ? true : { missing: Missing; unexpected: Unexpected } = true;

type IsAny<T> = 0 extends 1 & T ? true : false;
/** The error codes are the contract's, not `string`. */
export const codes: Problem['code'][] = ['GROUP_NOT_FOUND', 'STREAM_NOT_FOUND', 'RATE_LIMITED'];

/** Calls the client must refuse. Never run; tsc fails if one of them type-checks. */
export function wrongCalls(client: Client<paths>): void {
  // @ts-expect-error `count` is an integer, not a string
  void client.POST('/v1/streams/{stream}/groups/{group}/pull', { params: { path: { stream: 's', group: 'g' } }, body: { consumer: 'c', count: 'ten' } });
  // @ts-expect-error `consumer` is required to pull
  void client.POST('/v1/streams/{stream}/groups/{group}/pull', { params: { path: { stream: 's', group: 'g' } }, body: { count: 1 } });
  // @ts-expect-error the path needs the group
  void client.POST('/v1/streams/{stream}/groups/{group}/ack', { params: { path: { stream: 's' } }, body: { ids: ['0-1'] } });
  // @ts-expect-error no such path
  void client.GET('/v1/streams/{stream}/groups/{group}/leases', { params: { path: { stream: 's', group: 'g' } } });
}

// ---- The program --------------------------------------------------------------------------

const [baseUrl, stream] = process.argv.slice(2) as [string, string];
const client = createClient<paths>({ baseUrl });
const group = 'billing';
const consumer = 'worker-1';
const path = { stream, group };

const fail = (what: string, error: Problem): never => {
  throw new Error(`${what}: ${error.status} ${error.code}: ${error.detail}`);
};

const created = await client.POST('/v1/streams/{stream}/groups', {
  params: { path: { stream } },
  body: { group, start: '0', createStream: true, leaseMs: 30_000, maxDeliveries: 5 },
});
if (created.error) fail('createGroup', created.error);

const publish = () =>
  client.POST('/v1/streams/{stream}/messages', {
    params: { path: { stream }, header: { 'idempotency-key': 'order-42' } },
    body: { fields: { orderId: '42', status: 'paid' } },
  });
const first = await publish();
if (first.error) fail('publishMessages', first.error);
const replay = await publish();
if (replay.error) fail('publishMessages (replay)', replay.error);

const pulled = await client.POST('/v1/streams/{stream}/groups/{group}/pull', { params: { path }, body: { consumer, count: 10, waitMs: 1000 } });
if (pulled.error) fail('pullMessages', pulled.error);
const pendingBefore = await client.GET('/v1/streams/{stream}/groups/{group}/pending', { params: { path } });
if (pendingBefore.error) fail('getPendingSummary', pendingBefore.error);

const ids = pulled.data?.messages.map((m) => m.id) ?? [];
const acked = await client.POST('/v1/streams/{stream}/groups/{group}/ack', { params: { path }, body: { ids } });
if (acked.error) fail('ackMessages', acked.error);
const pendingAfter = await client.GET('/v1/streams/{stream}/groups/{group}/pending', { params: { path } });
if (pendingAfter.error) fail('getPendingSummary', pendingAfter.error);

// A typed problem: `error` is the Problem schema (not any), `data` is undefined.
const missing = await client.GET('/v1/streams/{stream}/groups/{group}', { params: { path: { stream, group: 'no-such-group' } } });
export const typedError: IsAny<typeof missing.error> = false;
const problem: Problem | undefined = missing.error;

process.stdout.write(
  `${JSON.stringify({
    group: { status: created.response.status, name: created.data?.name, leaseMs: created.data?.leaseMs },
    publish: { status: first.response.status, ids: first.data?.ids },
    replay: { status: replay.response.status, ids: replay.data?.ids, replayed: replay.response.headers.get('idempotent-replayed') },
    pulled: pulled.data?.messages.map((m) => ({ id: m.id, fields: m.fields, deliveryCount: m.deliveryCount })),
    pendingBefore: pendingBefore.data,
    acked: acked.data,
    pendingAfter: pendingAfter.data,
    notFound: { status: missing.response.status, code: problem?.code, type: missing.response.headers.get('content-type'), data: missing.data ?? null },
  })}\n`,
);
