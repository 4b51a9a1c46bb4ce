import { freePort } from '../../src/runtime/embedded-redis.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import type { KeyPair } from './certs.js';

export interface TlsRedis extends TestRedis {
  /** rediss://127.0.0.1:<tls port> */
  readonly tlsUrl: string;
}

export type TlsRedisStart = { readonly redis: TlsRedis } | { readonly unsupported: string };

/**
 * A private redis-server speaking only TLS (`--port 0` turns the plain port off). A
 * redis-server built without TLS refuses the tls-* directives: that comes back as
 * `unsupported`, with its own words, so the test can skip with the reason.
 */
export async function startTlsRedis(server: KeyPair, ca: string, authClients: 'yes' | 'no'): Promise<TlsRedisStart> {
  const tlsPort = await freePort();
  try {
    const redis = await startRedis([
      '--port', '0',
      '--tls-port', String(tlsPort),
      '--tls-cert-file', server.cert,
      '--tls-key-file', server.key,
      '--tls-ca-cert-file', ca,
      '--tls-auth-clients', authClients,
    ]);
    return { redis: { ...redis, tlsUrl: `rediss://127.0.0.1:${tlsPort}` } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Builds without TLS say "TLS not supported ... BUILD_TLS" (or, older ones, reject the directive).
    if (/not supported|BUILD_TLS|Bad directive/i.test(message)) {
      return { unsupported: `this redis-server has no TLS support: ${message.split('\n').slice(-3).join(' ').trim()}` };
    }
    throw err;
  }
}
