// Generates the TypeScript types of proto/ (`npm run proto:types`) into src/grpc/generated,
// or into the folder given as the first argument (the up-to-date test uses a temp folder).
// proto-loader-gen-types writes extensionless relative imports; ESM (NodeNext) needs `.js`.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const outDir = process.argv[2] ?? 'src/grpc/generated';
const generator = createRequire(import.meta.url).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [
  generator,
  // Must match the runtime loader's options (src/grpc/proto.ts).
  '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--includeComments',
  '--grpcLib=@grpc/grpc-js', '-I', 'proto', '-O', outDir, 'streamgate/v1/streamgate.proto',
], { stdio: 'inherit' });

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.ts')) {
      const text = readFileSync(path, 'utf8').replace(/from '(\.{1,2}\/[^']+)'/g, (_m, p) => `from '${p}.js'`);
      writeFileSync(path, text);
    }
  }
}
walk(outDir);
