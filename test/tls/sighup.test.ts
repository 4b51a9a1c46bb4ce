import { copyFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisUrl } from '../helpers/core.js';
import { type CliProcess, runCli } from '../runtime/cli-process.js';
import { type TestPki, makePki } from './certs.js';
import { peerCommonName } from './clients.js';

/** The process as operators run it: SIGHUP reloads the certificate, it does not stop the gateway. */

let pki: TestPki;
let cli: CliProcess | undefined;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => {
  cli?.kill();
  pki?.cleanup();
});

it('SIGHUP makes both servers present the renewed certificate', { timeout: 60_000 }, async () => {
  const cert = pki.write('live.crt', pki.read(pki.server.cert));
  const key = pki.write('live.key', pki.read(pki.server.key));
  const gw = runCli([], {
    REDIS_URL: redisUrl(),
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    LOG_LEVEL: 'info',
    STREAMGATE_TLS_CERT: cert,
    STREAMGATE_TLS_KEY: key,
  });
  cli = gw;
  const rest = await gw.waitForLog((l) => l.msg === 'REST API listening', 30_000);
  expect(String(rest.url)).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const grpc = await gw.waitForLog((l) => String(l.msg).startsWith('gRPC listening'));
  const httpPort = Number(new URL(String(rest.url)).port);
  const grpcPort = Number(String(grpc.address).split(':').pop());
  const ca = pki.read(pki.ca);
  expect(await peerCommonName(httpPort, ca, 'http/1.1')).toBe('streamgate-server-1');

  copyFileSync(pki.server2.cert, cert);
  copyFileSync(pki.server2.key, key);
  gw.child.kill('SIGHUP');
  await gw.waitForLog((l) => l.msg === 'TLS certificates reloaded');
  expect(await peerCommonName(httpPort, ca, 'http/1.1')).toBe('streamgate-server-2');
  expect(await peerCommonName(grpcPort, ca, 'h2')).toBe('streamgate-server-2');

  gw.child.kill('SIGTERM');
  expect(await gw.waitForExit(15_000)).toBe(0);
});
