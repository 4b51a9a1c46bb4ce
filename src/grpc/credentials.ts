import { ServerCredentials } from '@grpc/grpc-js';
import type { SecureContextOptions } from 'node:tls';
import { type ServerTls, secureContextOptions } from '../runtime/tls.js';

/**
 * gRPC server credentials that follow ServerTls reloads. `ServerCredentials.createSsl` fixes
 * the certificate at bind; grpc-js's base class, though, pushes a new secure context to its
 * listening servers through `updateSecureContextOptions` (what its certificate providers
 * use), so new connections get the reloaded certificate and open ones keep theirs.
 */
class ReloadableServerCredentials extends ServerCredentials {
  constructor(tls: ServerTls) {
    const require = tls.requireClientCert;
    super({ requestCert: require, rejectUnauthorized: require }, secureContextOptions(tls.current));
  }

  reload(options: SecureContextOptions): void {
    this.updateSecureContextOptions(options);
  }

  override _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

export interface GrpcCredentials {
  readonly credentials: ServerCredentials;
  /** Stops following reloads (at shutdown). */
  release(): void;
}

export function grpcServerCredentials(tls: ServerTls | undefined): GrpcCredentials {
  if (!tls) return { credentials: ServerCredentials.createInsecure(), release: () => undefined };
  const credentials = new ReloadableServerCredentials(tls);
  const release = tls.onReload((m) => credentials.reload(secureContextOptions(m)));
  return { credentials, release };
}
