import { BlockList, isIP } from 'node:net';
import type { Config } from './config.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped), localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)?.[1];
  if (mapped !== undefined) return LOOPBACK.check(mapped, 'ipv4');
  const family = isIP(h);
  if (family === 4) return LOOPBACK.check(h, 'ipv4');
  if (family === 6) return LOOPBACK.check(h, 'ipv6');
  return false;
}

export class UnsafeExposureError extends Error {
  override readonly name = 'UnsafeExposureError';
}

/**
 * Without API keys anyone who can reach the ports may do everything: fine on loopback,
 * refused elsewhere unless the operator says so explicitly.
 */
export function assertSafeExposure(config: Pick<Config, 'host' | 'authFile' | 'allowAnonymous'>): void {
  if (config.authFile !== undefined || config.allowAnonymous || isLoopbackHost(config.host)) return;
  throw new UnsafeExposureError(
    `refusing to serve without API keys on HOST=${config.host}, which is not a loopback address: ` +
      'set STREAMGATE_AUTH_FILE to a keys file (see README, API keys), or STREAMGATE_ALLOW_ANONYMOUS=true ' +
      'if every client that can reach this address may publish, consume and administer every stream',
  );
}
