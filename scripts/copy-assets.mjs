// tsc does not copy non-TS files; the Lua scripts are read at runtime next to the compiled adapter (dist/redis),
// the web console's files next to the compiled REST app (dist/http/console).
// `node scripts/copy-assets.mjs [DIST]`: DIST is the compiled output (default `dist`; the
// chaos test and the benchmark build elsewhere and pass theirs).
import { cpSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, process.argv[2] ?? 'dist');
cpSync(join(root, 'src/redis/lua'), join(dist, 'redis/lua'), { recursive: true });
cpSync(join(root, 'src/http/console'), join(dist, 'http/console'), { recursive: true });
