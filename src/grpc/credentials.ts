import { ServerCredentials } from '@grpc/grpc-js';
import type { SecureContextOptions } from 'node:tls';

/** Server TLS that may be replaced while running (runtime/tls.ts ServerTls is one). */
export interface TlsSource {
  readonly requireClientCert: boolean;
  readonly current: SecureContextOptions;
  onReload(listener: (context: SecureContextOptions) => void): () => void;
}

/**
 * gRPC server credentials that follow ServerTls reloads. `ServerCredentials.createSsl` fixes
 * the certificate at bind; grpc-js's base class, though, pushes a new secure context to its
 * listening servers through `updateSecureContextOptions` (what its certificate providers
 * use), so new connections get the reloaded certificate and open ones keep theirs.
 */
class ReloadableServerCredentials extends ServerCredentials {
  constructor(tls: TlsSource) {
    const require = tls.requireClientCert;
    super({ requestCert: require, rejectUnauthorized: require }, tls.current);
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

export function grpcServerCredentials(tls: TlsSource | undefined): GrpcCredentials {
  if (!tls) return { credentials: ServerCredentials.createInsecure(), release: () => undefined };
  const credentials = new ReloadableServerCredentials(tls);
  const release = tls.onReload((context) => credentials.reload(context));
  return { credentials, release };
}
