import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { type Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import type { Core } from '../../src/core/core.js';
import { loadProto } from '../../src/grpc/proto.js';
import { startGrpcServer } from '../../src/grpc/server.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createLogger } from '../../src/runtime/logger.js';
import { startGateway } from '../../src/runtime/main.js';
import { redisUrl, testCore, uniq } from '../helpers/core.js';
import { metadataFor, tempDirs, writeKeys } from './support.js';

/**
 * Logs never hold a key, a Redis password or a message body, at any level, unless bodies
 * are asked for (STREAMGATE_LOG_BODIES) and the level is debug.
 */

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

const newDir = tempDirs();
const SECRET = `key-${randomBytes(16).toString('hex')}`;
const BODY = `body-${randomBytes(16).toString('hex')}`;

/** A gateway logging at `level` into `sink`; returns once a few requests with a key and a body went through both transports. */
async function traffic(level: 'trace' | 'debug' | 'info', env: Record<string, string> = {}): Promise<string> {
  const sink = capture();
  const logger = createLogger(level, sink.stream);
  const file = writeKeys(newDir(), [{ name: 'writer', secret: SECRET, grants: [{ scopes: ['publish', 'consume', 'admin'], streams: ['*'] }] }]);
  const core: Core = testCore({ STREAMGATE_AUTH_FILE: file, ...env });
  const app = await buildHttpApp({ core, logger });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const grpc = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger });
  const client = new (loadProto().grpc.streamgate.v1.StreamGateway)(grpc.address, credentials.createInsecure());
  try {
    const stream = uniq('logs');
    const auth = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' };
    const ok = await fetch(`${url}/v1/streams/${stream}/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ fields: { v: BODY } }) });
    expect(ok.status).toBe(201);
    // Refused for its body (validation), for its key, and a pull that returns the body.
    const bad = await fetch(`${url}/v1/streams/${stream}/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ fields: { v: BODY }, messages: [] }) });
    expect(bad.status).toBe(400);
    const wrong = await fetch(`${url}/v1/streams/${stream}/messages`, {
      method: 'POST',
      headers: { ...auth, authorization: `Bearer ${SECRET}x` },
      body: JSON.stringify({ fields: { v: BODY } }),
    });
    expect(wrong.status).toBe(401);
    await fetch(`${url}/v1/streams/${stream}/groups`, { method: 'POST', headers: auth, body: JSON.stringify({ group: 'g', start: '0' }) });
    const pulled = await fetch(`${url}/v1/streams/${stream}/groups/g/pull`, { method: 'POST', headers: auth, body: JSON.stringify({ consumer: 'c' }) });
    expect(await pulled.text()).toContain(BODY);
    await new Promise<void>((resolve, reject) =>
      client.Publish({ stream, messages: [{ fields: { v: Buffer.from(BODY) } }] }, metadataFor(SECRET), (err: ServiceError | null) =>
        err ? reject(err) : resolve(),
      ),
    );
    // A Redis error while handling a body: a key of another type.
    const str = uniq('str');
    await core.ping();
    const r = new Redis(redisUrl());
    await r.set(str, 'x');
    r.disconnect();
    await fetch(`${url}/v1/streams/${str}/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ fields: { v: BODY } }) });
  } finally {
    (client as unknown as Client).close();
    await grpc.shutdown(1000);
    await app.close();
    await core.close();
  }
  return sink.text();
}

describe('log hygiene', () => {
  it('at trace level, requests with a key and a body log neither', async () => {
    const text = await traffic('trace');
    expect(text).toContain('incoming request');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(BODY);
  });

  it('STREAMGATE_LOG_BODIES=true logs request bodies at debug, never the key', async () => {
    const text = await traffic('debug', { STREAMGATE_LOG_BODIES: 'true' });
    expect(text).toContain(BODY);
    expect(text).toContain('request body');
    expect(text).not.toContain(SECRET);
  });

  it('STREAMGATE_LOG_BODIES=true logs nothing of the bodies above debug', async () => {
    const text = await traffic('info', { STREAMGATE_LOG_BODIES: 'true' });
    expect(text).not.toContain(BODY);
  });

  it('a Redis error logged with its command keeps the command name, not its arguments', async () => {
    const sink = capture();
    const logger = createLogger('info', sink.stream);
    const r = new Redis(redisUrl());
    const key = uniq('str');
    await r.set(key, 'x');
    const err = await r.xadd(key, '*', 'v', BODY).then(
      () => null,
      (e: unknown) => e,
    );
    r.disconnect();
    expect(err).toBeInstanceOf(Error);
    expect(JSON.stringify((err as { command?: unknown }).command)).toContain(BODY);
    logger.error({ err }, 'failed');
    logger.error({ err: new Error('wrapped', { cause: err }) }, 'failed again');
    expect(sink.text()).toContain('"name":"xadd"');
    expect(sink.text()).not.toContain(BODY);
  });

  it('authorization headers and metadata are censored in any logged object', () => {
    const sink = capture();
    const logger = createLogger('info', sink.stream);
    logger.info({ req: { headers: { authorization: `Bearer ${SECRET}` } } }, 'a');
    logger.info({ headers: { authorization: SECRET } }, 'b');
    logger.info({ metadata: { authorization: [`Bearer ${SECRET}`] } }, 'c');
    logger.child({ rpc: 'Publish' }).warn(`retrying with Bearer ${SECRET}`);
    expect(sink.text().split('\n').filter(Boolean)).toHaveLength(4);
    expect(sink.text()).not.toContain(SECRET);
  });

  it('a Redis URL password never reaches the log, whatever logs it', async () => {
    const sink = capture();
    const logger = createLogger('debug', sink.stream);
    const password = `pw-${randomBytes(8).toString('hex')}`;
    logger.info({ redisUrl: `redis://user:${password}@h:6379` }, 'a');
    logger.info({ config: { REDIS_URL: `rediss://:${password}@h:6379/0` } }, 'b');
    logger.error(`could not reach redis://default:${password}@db.internal:6379`);
    // The gateway itself, given a URL with credentials the test Redis will refuse.
    const port = new URL(redisUrl()).port;
    const config = loadConfig({ REDIS_URL: `redis://default:${password}@127.0.0.1:${port}`, HTTP_PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'debug' });
    const gateway = await startGateway(config, logger);
    await fetch(`${gateway.httpUrl}/readyz`);
    await gateway.stop();
    expect(sink.text()).toContain('using Redis at REDIS_URL');
    expect(sink.text()).toContain('redis://default:***@');
    expect(sink.text()).not.toContain(password);
  });
});
