// The echo twin's service definition (echo.proto), for the twin itself and for the benchmark
// that calls it; no side effects, unlike echo.ts, which serves.
import { fileURLToPath } from 'node:url';
import { type GrpcObject, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const ECHO_PROTO = fileURLToPath(new URL('./echo.proto', import.meta.url));
export const ECHO_UNARY_PATH = '/benchecho.Echo/Unary';

/** The `benchecho.Echo` service constructor (its `.service` for a server, `new` it for a client). */
export function echoService<T>(): T {
  const definition = loadSync(ECHO_PROTO, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  return (loadPackageDefinition(definition).benchecho as GrpcObject).Echo as T;
}
