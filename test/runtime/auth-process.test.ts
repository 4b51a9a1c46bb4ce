import { writeFileSync } from 'node:fs';
import { type Client as GrpcClient, connectivityState, credentials, type ServiceError } from '@grpc/grpc-js';
import { Client } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProto } from '../../src/grpc/proto.js';
import { metadataFor, tempDirs, writeKeys } from '../access/support.js';
import { redisUrl, uniq } from '../helpers/core.js';
import { type CliProcess, runCli } from './cli-process.js';

/** API keys as an operator meets them: the CLI in its own process, reloaded with SIGHUP. */

const started: CliProcess[] = [];
afterAll(() => started.forEach((p) => p.kill()));
const cli = (env: Record<string, string>) => {
  const p = runCli([], env);
  started.push(p);
  return p;
};
const newDir = tempDirs();

const A = { name: 'a', secret: 'secret-of-a', grants: [{ scopes: ['publish', 'consume', 'admin'] as const, streams: ['*'] }] };
const B = { name: 'b', secret: 'secret-of-b', grants: [{ scopes: ['admin'] as const, streams: ['*'] }] };

describe('SIGHUP', () => {
  it('reloads the keys file without dropping a keep-alive connection or a gRPC channel; a bad file changes nothing', { timeout: 60_000 }, async () => {
    const dir = newDir();
    const file = writeKeys(dir, [A]);
    const gw = cli({ REDIS_URL: redisUrl(), STREAMGATE_AUTH_FILE: file, HTTP_PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'info' });
    const rest = await gw.waitForLog((l) => l.msg === 'REST API listening');
    const grpcLine = await gw.waitForLog((l) => l.msg?.startsWith('gRPC listening') === true);

    // One HTTP connection, kept alive across the reload; one gRPC channel, likewise.
    const http = new Client(String(rest.url), { pipelining: 1, keepAliveTimeout: 60_000 });
    let connects = 0;
    http.on('connect', () => connects++);
    const grpc = new (loadProto().grpc.streamgate.v1.StreamGateway)(String(grpcLine.address), credentials.createInsecure());
    const stream = uniq('hup');
    const info = async (secret: string) => {
      const res = await http.request({ method: 'GET', path: `/v1/streams/${stream}`, headers: { authorization: `Bearer ${secret}` } });
      await res.body.text();
      return res.statusCode;
    };
    const grpcInfo = (secret: string) =>
      new Promise<string>((resolve) =>
        grpc.GetStream({ stream }, metadataFor(secret), (err: ServiceError | null) => resolve(err ? String(err.metadata.get('error-code')[0]) : 'OK')),
      );

    try {
      const publish = await http.request({
        method: 'POST',
        path: `/v1/streams/${stream}/messages`,
        headers: { authorization: `Bearer ${A.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { k: 'v' } }),
      });
      await publish.body.text();
      expect(publish.statusCode).toBe(201);
      expect(await info(B.secret)).toBe(401);
      expect(await grpcInfo(A.secret)).toBe('OK');
      expect(await grpcInfo(B.secret)).toBe('UNAUTHENTICATED');

      writeKeys(dir, [A, B]);
      gw.child.kill('SIGHUP');
      await gw.waitForLog((l) => l.msg === 'API keys reloaded' && l.keys === 2);
      expect(await info(B.secret)).toBe(200);
      expect(await info(A.secret)).toBe(200);
      expect(await grpcInfo(B.secret)).toBe('OK');

      writeFileSync(file, 'keys:\n  - name: b\n    sha256: not-a-hash\n');
      gw.child.kill('SIGHUP');
      const failed = await gw.waitForLog((l) => l.msg?.startsWith('API keys file not reloaded') === true);
      expect(failed.level).toBe(50);
      expect(String(failed.error)).toContain('sha256');
      expect(await info(B.secret)).toBe(200);
      expect(await grpcInfo(A.secret)).toBe('OK');

      writeKeys(dir, [B]);
      gw.child.kill('SIGHUP');
      await gw.waitForLog((l) => l.msg === 'API keys reloaded' && l.keys === 1);
      expect(await info(A.secret)).toBe(401);
      expect(await grpcInfo(A.secret)).toBe('UNAUTHENTICATED');
      expect(await grpcInfo(B.secret)).toBe('OK');

      expect(connects, 'the same HTTP connection served every request').toBe(1);
      expect((grpc as unknown as GrpcClient).getChannel().getConnectivityState(false)).toBe(connectivityState.READY);
      expect(gw.output()).not.toContain(A.secret);
      expect(gw.output()).not.toContain(B.secret);
    } finally {
      await http.close();
      (grpc as unknown as GrpcClient).close();
    }
    gw.child.kill('SIGTERM');
    expect(await gw.waitForExit(15_000)).toBe(0);
  });
});

describe('startup', () => {
  it('refuses to serve without keys on a non-loopback HOST, before starting anything', async () => {
    const p = cli({ HOST: '0.0.0.0', HTTP_PORT: '0', GRPC_PORT: '0', STREAMGATE_DATA_DIR: newDir() });
    expect(await p.waitForExit()).toBe(1);
    expect(p.output()).toMatch(/refusing to serve without API keys on HOST=0\.0\.0\.0/);
    expect(p.output()).toContain('STREAMGATE_AUTH_FILE');
    expect(p.output()).toContain('STREAMGATE_ALLOW_ANONYMOUS');
    expect(p.output()).not.toContain('embedded redis-server started');
    expect(p.output()).not.toContain('listening');
  });

  it('refuses a bad keys file, naming the file and the problem', async () => {
    const dir = newDir();
    const file = writeKeys(dir, [A], 'json');
    writeFileSync(file, JSON.stringify({ keys: [{ name: 'a', sha256: 'x'.repeat(64), grants: [{ scopes: ['publish'], streams: ['*'] }] }] }));
    const p = cli({ REDIS_URL: redisUrl(), STREAMGATE_AUTH_FILE: file, HTTP_PORT: '0', GRPC_PORT: '0' });
    expect(await p.waitForExit()).toBe(1);
    expect(p.output()).toContain(file);
    expect(p.output()).toContain('keys.0.sha256');
    expect(p.output()).not.toContain('listening');
  });
});
