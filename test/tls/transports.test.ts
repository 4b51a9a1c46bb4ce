import { copyFileSync } from 'node:fs';
import { credentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers/core.js';
import { type TestPki, makePki } from './certs.js';
import {
  type TestGateway,
  grpcListStreams,
  grpcTlsCredentials,
  httpCall,
  peerCommonName,
  pkiIdentity,
  startTestGateway,
} from './clients.js';

/** REST and gRPC over TLS, with and without client certificates, through the real startGateway. */

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki?.cleanup());

describe('TLS without client certificates', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ REDIS_URL: redisUrl(), STREAMGATE_TLS_CERT: pki.server.cert, STREAMGATE_TLS_KEY: pki.server.key });
  });
  afterAll(() => gw?.stop());

  it('logs and reports https:// URLs', () => {
    expect(gw.gateway.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const rest = gw.logs.find((l) => l.msg === 'REST API listening');
    expect(rest?.url).toBe(gw.gateway.httpUrl);
    expect(gw.logs.find((l) => l.msg === 'API docs (Swagger UI)')?.url).toBe(`${gw.gateway.httpUrl}/docs`);
    expect(gw.logs.find((l) => String(l.msg).startsWith('gRPC listening'))?.tls).toBe(true);
  });

  it('REST: https with the CA answers, also with a Redis call behind it', async () => {
    const ca = pki.read(pki.ca);
    expect(await httpCall(`${gw.gateway.httpUrl}/healthz`, { ca })).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect((await httpCall(`${gw.gateway.httpUrl}/readyz`, { ca })).status).toBe(200);
    expect((await httpCall(`${gw.gateway.httpUrl}/v1/streams?count=1`, { ca })).status).toBe(200);
    // The certificate names localhost too.
    expect((await httpCall(`https://localhost:${gw.httpPort}/healthz`, { ca })).status).toBe(200);
  });

  it('REST: plain http and an untrusted server certificate both fail', async () => {
    await expect(httpCall(`http://127.0.0.1:${gw.httpPort}/healthz`)).rejects.toThrow();
    await expect(httpCall(`${gw.gateway.httpUrl}/healthz`, { ca: pki.read(pki.otherCa) })).rejects.toThrow(/certificate/i);
  });

  it('gRPC: TLS credentials with the CA succeed; insecure and untrusted fail', async () => {
    const address = gw.gateway.grpcAddress ?? '';
    expect(await grpcListStreams(address, grpcTlsCredentials(pki, pki.ca))).toEqual({ ok: true });
    const insecure = await grpcListStreams(address, credentials.createInsecure());
    expect(insecure.ok ? null : insecure.error.code).toBe(status.UNAVAILABLE);
    const untrusted = await grpcListStreams(address, grpcTlsCredentials(pki, pki.otherCa));
    expect(untrusted.ok ? null : untrusted.error.code).toBe(status.UNAVAILABLE);
  });
});

describe('TLS with STREAMGATE_TLS_CLIENT_CA', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      REDIS_URL: redisUrl(),
      STREAMGATE_TLS_CERT: pki.server.cert,
      STREAMGATE_TLS_KEY: pki.server.key,
      STREAMGATE_TLS_CLIENT_CA: pki.ca,
    });
  });
  afterAll(() => gw?.stop());

  it('REST: a client certificate signed by the CA is required', async () => {
    const ca = pki.read(pki.ca);
    const url = `${gw.gateway.httpUrl}/v1/streams?count=1`;
    expect((await httpCall(url, { ca, identity: pkiIdentity(pki, pki.client) })).status).toBe(200);
    await expect(httpCall(url, { ca })).rejects.toThrow();
    await expect(httpCall(url, { ca, identity: pkiIdentity(pki, pki.strangerClient) })).rejects.toThrow();
  });

  it('gRPC: a client certificate signed by the CA is required', async () => {
    const address = gw.gateway.grpcAddress ?? '';
    expect(await grpcListStreams(address, grpcTlsCredentials(pki, pki.ca, pki.client))).toEqual({ ok: true });
    for (const creds of [grpcTlsCredentials(pki, pki.ca), grpcTlsCredentials(pki, pki.ca, pki.strangerClient)]) {
      const refused = await grpcListStreams(address, creds);
      expect(refused.ok ? null : refused.error.code).toBe(status.UNAVAILABLE);
    }
  });
});

describe('certificate reload', () => {
  let gw: TestGateway;
  let cert: string;
  let key: string;
  beforeAll(async () => {
    // Copies, so the test can replace them as an operator renewing the certificate would.
    cert = pki.write('live.crt', pki.read(pki.server.cert));
    key = pki.write('live.key', pki.read(pki.server.key));
    gw = await startTestGateway({ REDIS_URL: redisUrl(), STREAMGATE_TLS_CERT: cert, STREAMGATE_TLS_KEY: key });
  });
  afterAll(() => gw?.stop());

  it('new connections of both transports get the new certificate; a broken one is refused and the old kept', async () => {
    const ca = pki.read(pki.ca);
    const grpcPort = Number(gw.gateway.grpcAddress?.split(':').pop());
    expect(await peerCommonName(gw.httpPort, ca, 'http/1.1')).toBe('streamgate-server-1');
    expect(await peerCommonName(grpcPort, ca, 'h2')).toBe('streamgate-server-1');

    copyFileSync(pki.server2.cert, cert);
    copyFileSync(pki.server2.key, key);
    expect(gw.gateway.reloadTls()).toBe(true);
    expect(await peerCommonName(gw.httpPort, ca, 'http/1.1')).toBe('streamgate-server-2');
    expect(await peerCommonName(grpcPort, ca, 'h2')).toBe('streamgate-server-2');
    expect(await grpcListStreams(gw.gateway.grpcAddress ?? '', grpcTlsCredentials(pki, pki.ca))).toEqual({ ok: true });
    expect((await httpCall(`${gw.gateway.httpUrl}/healthz`, { ca })).status).toBe(200);

    // Half-way through a renewal: the new certificate beside the old key.
    copyFileSync(pki.server.cert, cert);
    expect(gw.gateway.reloadTls()).toBe(false);
    const failure = gw.logs.find((l) => String(l.msg).startsWith('TLS reload failed'));
    expect(String(failure?.msg)).toContain(cert);
    expect(await peerCommonName(gw.httpPort, ca, 'http/1.1')).toBe('streamgate-server-2');
    expect(await peerCommonName(grpcPort, ca, 'h2')).toBe('streamgate-server-2');
    expect(await grpcListStreams(gw.gateway.grpcAddress ?? '', grpcTlsCredentials(pki, pki.ca))).toEqual({ ok: true });
  });
});
