import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';

import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { stringify } from 'yaml';
import type { Operation, Scope } from '../../src/core/access/operations.js';
import type { Core } from '../../src/core/core.js';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { loadProto } from '../../src/grpc/proto.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import { buildHttpApp } from '../../src/http/app.js';
import { testCore, uniq } from '../helpers/core.js';
import { ContractError, type Driver, grpcDriver, httpInjector, restDriver, type Transport } from '../transports/driver.js';

/** Keys files written to a temporary folder of the test file, removed after it. */

export interface KeyDef {
  readonly name: string;
  readonly secret: string;
  readonly grants: ReadonlyArray<{ scopes: readonly Scope[]; streams: readonly string[] }>;
}

export const sha256 = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

export const keysDocument = (keys: readonly KeyDef[]) => ({
  keys: keys.map((k) => ({ name: k.name, sha256: sha256(k.secret), grants: k.grants })),
});

export function tempDirs(prefix = 'streamgate-auth-'): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** Writes the keys as YAML (default) or JSON into `dir`, and returns the path. */
export function writeKeys(dir: string, keys: readonly KeyDef[], format: 'yaml' | 'json' = 'yaml', name = 'keys'): string {
  const path = join(dir, `${name}.${format}`);
  const doc = keysDocument(keys);
  writeFileSync(path, format === 'json' ? JSON.stringify(doc, null, 2) : stringify(doc));
  return path;
}

export const bearer = (secret: string): string => `Bearer ${secret}`;

// ---------------------------------------------------------------------------------------
// A gateway with both transports on one core, over real HTTP and a real gRPC channel.
export interface AuthGateway {
  readonly core: Core;
  readonly app: FastifyInstance;
  readonly url: string;
  readonly grpcServer: GrpcGateway;
  /** One channel for every test of the file; metadata is per call. */
  readonly client: StreamGatewayClient;
  /** A driver that sends `secret` as the bearer key (none when undefined). */
  driver(transport: Transport, secret?: string): Driver;
  /** Metadata carrying `secret` as the bearer key. */
  metadata(secret?: string): Metadata;
}

export const metadataFor = (secret?: string): Metadata => {
  const md = new Metadata();
  if (secret !== undefined) md.set('authorization', bearer(secret));
  return md;
};

/** Per-file fixture: `env` configures the core (STREAMGATE_AUTH_FILE, STREAMGATE_STREAMS, ...). */
export function withAuthGateway(env: () => Record<string, string>, use: (g: AuthGateway) => void, prepare?: (app: FastifyInstance) => void): void {
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const core = testCore(env());
    const app = await buildHttpApp({ core });
    prepare?.(app);
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const grpcServer = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
    const client = new (loadProto().grpc.streamgate.v1.StreamGateway)(grpcServer.address, credentials.createInsecure());
    close = async () => {
      (client as unknown as Client).close();
      await grpcServer.shutdown(2000);
      await app.close();
      await core.close();
    };
    const call = (secret: string | undefined) => (method: string, request: object) =>
      new Promise<unknown>((resolve, reject) => {
        const fn = (client as unknown as Record<string, (req: object, md: Metadata, cb: (err: ServiceError | null, res: unknown) => void) => void>)[
          method
        ];
        if (!fn) throw new Error(`no RPC ${method}`);
        fn.call(client, request, metadataFor(secret), (err, res) => (err ? reject(err) : resolve(res)));
      });
    const noop = async () => undefined;
    use({
      core,
      app,
      url,
      grpcServer,
      client,
      metadata: metadataFor,
      driver: (transport, secret) =>
        transport === 'rest'
          ? restDriver(httpInjector(url, secret === undefined ? {} : { authorization: bearer(secret) }), noop)
          : grpcDriver(call(secret), noop),
    });
  });
  afterAll(async () => {
    await close?.();
  });
}

// ---------------------------------------------------------------------------------------
// One call of each operation, on a prepared stream.

/** A stream with one message, group g at 0, and that message pending for consumer c1. */
export async function prepared(redis: Redis, prefix: string): Promise<{ stream: string; id: string }> {
  const stream = `${prefix}${uniq('op')}`;
  const id = String(await redis.xadd(stream, '*', 'k', 'v'));
  await redis.xgroup('CREATE', stream, 'g', '0');
  await redis.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 1, 'STREAMS', stream, '>');
  return { stream, id };
}

/** What a refused call must not have changed. */
export async function fingerprint(redis: Redis, stream: string): Promise<unknown> {
  const exists = await redis.exists(stream);
  if (!exists) return 'gone';
  return [await redis.xlen(stream), await redis.call('XINFO', 'GROUPS', stream), await redis.xpending(stream, 'g')];
}

export type Call = (d: Driver, stream: string, id: string) => Promise<unknown>;

/** One call per operation; listStreams and streamingPull are tested on their own. */
export const CALLS: Record<Exclude<Operation, 'listStreams' | 'streamingPull'>, Call> = {
  publish: (d, s) => d.publish(s, [{ fields: { k: Buffer.from('v') } }]),
  readRange: (d, s) => d.read(s),
  deleteMessage: (d, s, id) => d.deleteMessage(s, id),
  trim: (d, s) => d.trim(s, { maxLen: 0, exact: true }),
  getStream: (d, s) => d.streamInfo(s),
  deleteStream: (d, s) => d.deleteStream(s),
  createGroup: (d, s) => d.createGroup(s, 'g2'),
  listGroups: (d, s) => d.groups(s),
  getGroup: (d, s) => d.group(s, 'g'),
  updateGroup: (d, s) => d.updateGroup(s, 'g', { leaseMs: 1000 }),
  deleteGroup: (d, s) => d.deleteGroup(s, 'g'),
  setGroupPosition: (d, s) => d.setPosition(s, 'g', { id: '$' }),
  listConsumers: (d, s) => d.consumers(s, 'g'),
  createConsumer: (d, s) => d.createConsumer(s, 'g', 'c9'),
  deleteConsumer: (d, s) => d.deleteConsumer(s, 'g', 'c1', true),
  pull: (d, s) => d.pull(s, 'g', 'c2'),
  ack: (d, s, id) => d.ack(s, 'g', [id]),
  nack: (d, s, id) => d.nack(s, 'g', 'c1', [id]),
  extendLease: (d, s, id) => d.extend(s, 'g', 'c1', [id]),
  term: (d, s, id) => d.term(s, 'g', [id]),
  pending: (d, s) => d.pending(s, 'g'),
  listPending: (d, s) => d.listPending(s, 'g'),
  claim: (d, s, id) => d.claim(s, 'g', 'c2', 0, [id]),
  autoClaim: (d, s) => d.autoclaim(s, 'g', 'c2', 0),
  listDeadLetters: (d, s) => d.deadLetters(s, 'g'),
  redriveDeadLetters: (d, s) => d.redrive(s, 'g', { count: 1 }),
};

/** Every stream ListStreams gives `d`, following the cursor to its end. */
export async function listAll(d: Driver, match?: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const page = await d.listStreams({ match, cursor, count: 1000 });
    out.push(...page.streams);
    cursor = page.cursor;
  } while (cursor !== '0');
  return out;
}

/** The contract code `work` fails with, or null when it succeeds. */
export async function codeOf(work: Promise<unknown>): Promise<string | null> {
  try {
    await work;
    return null;
  } catch (err) {
    if (err instanceof ContractError) return err.code;
    throw err;
  }
}
