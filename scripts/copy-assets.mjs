// tsc does not copy non-TS files; the Lua scripts are read at runtime next to the compiled adapter (dist/redis).
import { cpSync } from 'node:fs';
cpSync('src/redis/lua', 'dist/redis/lua', { recursive: true });
