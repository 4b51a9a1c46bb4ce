import { readFileSync } from 'node:fs';
import { type ConnectionOptions, type SecureContextOptions, createSecureContext } from 'node:tls';
import { ConfigError, type RedisTlsFiles, type ServerTlsFiles } from './config.js';
import { messageOf } from '../contract/errors.js';

/**
 * TLS material read from the files named in the configuration. Reading happens at start
 * (and on reload), so a missing or unreadable file, or a certificate that does not match
 * its key, stops startup with a message naming the variable and the path, instead of
 * surfacing as a handshake failure on the first connection.
 */

/** Server certificate of both transports, and the CA of client certificates when required. */
export interface ServerTlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa: Buffer | null;
}

/** What Node's TLS servers take at creation and in setSecureContext, for both transports. */
export function secureContextOptions(m: ServerTlsMaterial): SecureContextOptions {
  return m.clientCa ? { cert: m.cert, key: m.key, ca: m.clientCa } : { cert: m.cert, key: m.key };
}


function readPem(variable: string, path: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${variable}: cannot read ${path} (${messageOf(err)})`);
  }
  if (!data.includes('-----BEGIN ')) throw new ConfigError(`${variable}: ${path} is not a PEM file (no "-----BEGIN" line)`);
  return data;
}

/** Node parses the PEM only here: a cert that does not match its key fails now, with the paths. */
function checkUsable(what: string, options: SecureContextOptions): void {
  try {
    createSecureContext(options);
  } catch (err) {
    throw new ConfigError(`${what} cannot be used: ${messageOf(err)}`);
  }
}

export function readServerTls(files: ServerTlsFiles): ServerTlsMaterial {
  const m: ServerTlsMaterial = {
    cert: readPem('STREAMGATE_TLS_CERT', files.certFile),
    key: readPem('STREAMGATE_TLS_KEY', files.keyFile),
    clientCa: files.clientCaFile === null ? null : readPem('STREAMGATE_TLS_CLIENT_CA', files.clientCaFile),
  };
  const named = [`STREAMGATE_TLS_CERT=${files.certFile}`, `STREAMGATE_TLS_KEY=${files.keyFile}`];
  if (files.clientCaFile !== null) named.push(`STREAMGATE_TLS_CLIENT_CA=${files.clientCaFile}`);
  checkUsable(named.join(', '), secureContextOptions(m));
  return m;
}

export type TlsReloadListener = (context: SecureContextOptions) => void;

/**
 * The server TLS of a running gateway: the current material, and the transports listening
 * for replacements. A reload re-reads the files and, only when they are all usable, hands
 * them to the listeners (new connections use them; open ones keep theirs).
 */
export class ServerTls {
  private material: ServerTlsMaterial;
  private readonly listeners = new Set<TlsReloadListener>();

  constructor(readonly files: ServerTlsFiles) {
    this.material = readServerTls(files);
  }

  /** The secure context the transports serve with now. */
  get current(): SecureContextOptions {
    return secureContextOptions(this.material);
  }

  /** Fixed at start: a reload changes the CA's contents, never whether one is required. */
  get requireClientCert(): boolean {
    return this.files.clientCaFile !== null;
  }

  /** Throws a ConfigError, and keeps the current material, when a file is not usable. */
  reload(): void {
    this.material = readServerTls(this.files);
    const context = secureContextOptions(this.material);
    for (const listener of this.listeners) listener(context);
  }

  /** Returns the unsubscribe function. */
  onReload(listener: TlsReloadListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const isTlsRedisUrl = (url: string): boolean => /^rediss:\/\//i.test(url);

/**
 * ioredis `tls` options for a rediss:// URL: a CA given replaces the system CAs (a private
 * CA is the usual reason to set it); `insecure` turns verification off altogether.
 */
export function redisTlsOptions(files: RedisTlsFiles): ConnectionOptions {
  const options: ConnectionOptions = { rejectUnauthorized: !files.insecure };
  if (files.caFile !== null) options.ca = readPem('STREAMGATE_REDIS_TLS_CA', files.caFile);
  if (files.certFile !== null && files.keyFile !== null) {
    options.cert = readPem('STREAMGATE_REDIS_TLS_CERT', files.certFile);
    options.key = readPem('STREAMGATE_REDIS_TLS_KEY', files.keyFile);
    checkUsable(`STREAMGATE_REDIS_TLS_CERT=${files.certFile}, STREAMGATE_REDIS_TLS_KEY=${files.keyFile}`, options);
  } else if (options.ca) {
    checkUsable(`STREAMGATE_REDIS_TLS_CA=${files.caFile}`, options);
  }
  return options;
}
