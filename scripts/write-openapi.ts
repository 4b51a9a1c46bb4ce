// Writes openapi/openapi.json from the zod schemas of the REST routes (`npm run openapi`).
// A test fails when this file and the document the server serves differ.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../src/runtime/config.js';
import { createCore } from '../src/core/core.js';
import { buildHttpApp } from '../src/http/app.js';

// No Redis is needed to build the app and read its document: the core's connection
// attempt fails quietly, and close() ends it.
const core = createCore(loadConfig({}), 'redis://127.0.0.1:6379');
const app = await buildHttpApp({ core });
await app.ready();
mkdirSync('openapi', { recursive: true });
writeFileSync('openapi/openapi.json', `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await core.close();
console.log('wrote openapi/openapi.json');
