import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/runtime/config.js';
import { configError } from '../helpers/config-error.js';
import { startGateway } from '../../src/runtime/main.js';
import { redisUrl } from '../helpers/core.js';
import { runCli } from '../runtime/cli-process.js';
import { type TestPki, makePki } from './certs.js';

/** TLS settings that cannot work stop startup with a message naming the variable (and file). */


describe('TLS variables in loadConfig', () => {
  it('a certificate needs its key and a key its certificate', () => {
    expect(configError({ STREAMGATE_TLS_CERT: '/x/cert.pem' })).toContain('STREAMGATE_TLS_KEY: must be set when STREAMGATE_TLS_CERT is');
    expect(configError({ STREAMGATE_TLS_KEY: '/x/key.pem' })).toContain('STREAMGATE_TLS_CERT: must be set when STREAMGATE_TLS_KEY is');
    expect(configError({ STREAMGATE_TLS_CLIENT_CA: '/x/ca.pem' })).toContain('STREAMGATE_TLS_CLIENT_CA: needs STREAMGATE_TLS_CERT');
    const rediss = { REDIS_URL: 'rediss://127.0.0.1:6380' };
    expect(configError({ ...rediss, STREAMGATE_REDIS_TLS_CERT: '/x/c.pem' })).toContain('STREAMGATE_REDIS_TLS_KEY: must be set');
    expect(configError({ ...rediss, STREAMGATE_REDIS_TLS_KEY: '/x/k.pem' })).toContain('STREAMGATE_REDIS_TLS_CERT: must be set');
  });

  it('Redis TLS options without a rediss:// REDIS_URL are refused, not ignored', () => {
    expect(configError({ STREAMGATE_REDIS_TLS_CA: '/x/ca.pem' })).toContain('STREAMGATE_REDIS_TLS_CA: applies only to a rediss:// REDIS_URL');
    expect(configError({ REDIS_URL: 'redis://h:6379', STREAMGATE_REDIS_TLS_INSECURE: 'true' })).toContain(
      'STREAMGATE_REDIS_TLS_INSECURE: applies only to a rediss:// REDIS_URL',
    );
  });

  it('parses the files and the insecure flag (true|false|1|0)', () => {
    const c = loadConfig({
      REDIS_URL: 'rediss://h:6380',
      STREAMGATE_TLS_CERT: '/c',
      STREAMGATE_TLS_KEY: '/k',
      STREAMGATE_TLS_CLIENT_CA: '/ca',
      STREAMGATE_REDIS_TLS_CA: '/rca',
      STREAMGATE_REDIS_TLS_INSECURE: '1',
    });
    expect(c.tls).toEqual({ certFile: '/c', keyFile: '/k', clientCaFile: '/ca' });
    expect(c.redisTls).toEqual({ caFile: '/rca', certFile: null, keyFile: null, insecure: true });
    expect(loadConfig({}).tls).toBeNull();
    expect(loadConfig({}).redisTls.insecure).toBe(false);
    expect(loadConfig({ REDIS_URL: 'rediss://h', STREAMGATE_REDIS_TLS_INSECURE: 'false' }).redisTls.insecure).toBe(false);
    expect(configError({ REDIS_URL: 'rediss://h', STREAMGATE_REDIS_TLS_INSECURE: 'yes' })).toContain(
      'STREAMGATE_REDIS_TLS_INSECURE: must be true, false, 1 or 0',
    );
  });

  it('the CLI exits with a usage error naming the variable and its flag', { timeout: 30_000 }, async () => {
    const cli = runCli([], { STREAMGATE_TLS_CERT: '/x/cert.pem', HTTP_PORT: '0', GRPC_PORT: 'off' });
    try {
      expect(await cli.waitForExit(20_000)).toBe(2);
      expect(cli.output()).toContain('STREAMGATE_TLS_KEY (--tls-key): must be set when STREAMGATE_TLS_CERT is');
    } finally {
      cli.kill();
    }
  });
});

describe('TLS files at startup', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makePki();
  });
  afterAll(() => pki?.cleanup());

  const startFails = async (env: Record<string, string>): Promise<string> => {
    // An embedded redis-server that cannot start: the files must be checked before it.
    const config = loadConfig({ HTTP_PORT: '0', GRPC_PORT: '0', STREAMGATE_REDIS_SERVER: '/nonexistent/redis-server', ...env });
    const err: unknown = await startGateway(config, pino({ level: 'silent' })).then(
      async (g) => {
        await g.stop();
        return new Error('the gateway started');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  };

  it('a missing or unreadable file is named with its variable', async () => {
    const missing = `${pki.dir}/nope.crt`;
    expect(await startFails({ STREAMGATE_TLS_CERT: missing, STREAMGATE_TLS_KEY: pki.server.key })).toMatch(
      new RegExp(`^STREAMGATE_TLS_CERT: cannot read ${missing} \\(ENOENT`),
    );
    expect(await startFails({ STREAMGATE_TLS_CERT: pki.server.cert, STREAMGATE_TLS_KEY: pki.dir })).toMatch(
      new RegExp(`^STREAMGATE_TLS_KEY: cannot read ${pki.dir} \\(EISDIR`),
    );
    expect(
      await startFails({ STREAMGATE_TLS_CERT: pki.server.cert, STREAMGATE_TLS_KEY: pki.server.key, STREAMGATE_TLS_CLIENT_CA: missing }),
    ).toContain(`STREAMGATE_TLS_CLIENT_CA: cannot read ${missing}`);
  });

  it('a file that is not PEM, or a certificate with the wrong key, is refused', async () => {
    const junk = pki.write('junk.pem', 'not a certificate\n');
    expect(await startFails({ STREAMGATE_TLS_CERT: junk, STREAMGATE_TLS_KEY: pki.server.key })).toBe(
      `STREAMGATE_TLS_CERT: ${junk} is not a PEM file (no "-----BEGIN" line)`,
    );
    const mismatch = await startFails({ STREAMGATE_TLS_CERT: pki.server.cert, STREAMGATE_TLS_KEY: pki.client.key });
    expect(mismatch).toContain(`STREAMGATE_TLS_CERT=${pki.server.cert}, STREAMGATE_TLS_KEY=${pki.client.key} cannot be used`);
  });

  it('a missing Redis CA file is named too', async () => {
    const missing = `${pki.dir}/redis-ca.crt`;
    const tlsUrl = redisUrl().replace(/^redis:/, 'rediss:');
    expect(await startFails({ REDIS_URL: tlsUrl, STREAMGATE_REDIS_TLS_CA: missing })).toContain(
      `STREAMGATE_REDIS_TLS_CA: cannot read ${missing}`,
    );
  });
});
