import { fileURLToPath } from 'node:url';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { type Options, type PackageDefinition, loadSync } from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/streamgate.js';

/** proto/ at the package root: two levels above both src/grpc and dist/grpc. */
export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
export const PROTO_FILE = 'streamgate/v1/streamgate.proto';
export const SERVICE_NAME = 'streamgate.v1.StreamGateway';

/** Must match the generator's options (scripts/gen-proto-types.mjs): the types describe these objects. */
export const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export interface LoadedProto {
  readonly definition: PackageDefinition;
  readonly grpc: ProtoGrpcType;
}

export function loadProto(): LoadedProto {
  const definition = loadSync(PROTO_FILE, LOADER_OPTIONS);
  return { definition, grpc: loadPackageDefinition(definition) as unknown as ProtoGrpcType };
}
