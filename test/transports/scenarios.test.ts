import { Redis } from 'ioredis';
import { redisUrl } from '../helpers/core.js';
import { scenarioTable } from './table.js';

/** The scenario table (table.ts) on the shared test Redis. */
scenarioTable({
  url: () => undefined,
  downUrl: (port) => `redis://127.0.0.1:${port}`,
  plain: () => new Redis(redisUrl()),
});
