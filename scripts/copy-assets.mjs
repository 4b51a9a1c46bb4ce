// tsc does not copy non-TS files; the Lua scripts are read at runtime next to the compiled adapter (dist/redis),
// the web console's files next to the compiled REST app (dist/http/console).
import { cpSync } from 'node:fs';
cpSync('src/redis/lua', 'dist/redis/lua', { recursive: true });
cpSync('src/http/console', 'dist/http/console', { recursive: true });
