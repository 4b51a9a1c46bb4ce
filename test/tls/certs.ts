import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Throwaway certificates made with the openssl CLI at test time, in a private temp folder:
 * two CAs (the trusted one and a stranger), server certificates for 127.0.0.1 and
 * localhost, and client certificates. EC P-256 keys: quick to make, and every TLS stack
 * here (Node, grpc-js, redis-server) takes them.
 */

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  readonly dir: string;
  /** PEM file of the trusted CA. */
  readonly ca: string;
  /** PEM file of a CA nobody trusts. */
  readonly otherCa: string;
  /** Server certificate signed by `ca`, SAN IP:127.0.0.1 and DNS:localhost. */
  readonly server: KeyPair;
  /** A second server certificate (another serial and CN) signed by `ca`, for reloads. */
  readonly server2: KeyPair;
  /** Client certificate signed by `ca`. */
  readonly client: KeyPair;
  /** Client certificate signed by `otherCa`. */
  readonly strangerClient: KeyPair;
  read(file: string): Buffer;
  /** Writes a file in the folder (replacement certificates, broken files) and returns its path. */
  write(name: string, data: string | Buffer): string;
  cleanup(): void;
}

export const OPENSSL_MISSING = 'the TLS tests need the openssl CLI to make throwaway certificates (Debian: apt-get install openssl)';

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
`;

export function makePki(): TestPki {
  const probe = spawnSync('openssl', ['version']);
  if (probe.error || probe.status !== 0) throw new Error(OPENSSL_MISSING);

  const dir = mkdtempSync(join(tmpdir(), 'streamgate-tls-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`openssl ${args.join(' ')} failed:\n${stderr}`);
    }
  };
  writeFileSync(path('openssl.cnf'), CONFIG);
  const key = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path(name));
  let serial = 1000;

  const makeCa = (name: string, cn: string) => {
    key(`${name}.key`);
    openssl('req', '-new', '-x509', '-config', 'openssl.cnf', '-extensions', 'ca', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '2', '-out', `${name}.crt`);
    return path(`${name}.crt`);
  };
  const issue = (name: string, ca: string, cn: string, profile: 'server' | 'client'): KeyPair => {
    key(`${name}.key`);
    openssl('req', '-new', '-config', 'openssl.cnf', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    openssl(
      'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-set_serial', String(serial++),
      '-days', '2', '-extfile', 'openssl.cnf', '-extensions', profile, '-out', `${name}.crt`,
    );
    return { cert: path(`${name}.crt`), key: path(`${name}.key`) };
  };

  try {
    const ca = makeCa('ca', 'Streamgate Test CA');
    const otherCa = makeCa('other-ca', 'Stranger CA');
    return {
      dir,
      ca,
      otherCa,
      server: issue('server', 'ca', 'streamgate-server-1', 'server'),
      server2: issue('server2', 'ca', 'streamgate-server-2', 'server'),
      client: issue('client', 'ca', 'streamgate-client', 'client'),
      strangerClient: issue('stranger', 'other-ca', 'stranger-client', 'client'),
      read: (file) => readFileSync(file),
      write(name, data) {
        writeFileSync(path(name), data);
        return path(name);
      },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
