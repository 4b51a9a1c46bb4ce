import { defineConfig } from 'vitest/config';
import { chaosOptions, chaosTimeoutMs } from './test/chaos/lib/options.js';

// `npm run test:chaos` only: `npm test` (vitest.config.ts) includes *.test.ts, not these.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    testTimeout: chaosTimeoutMs(chaosOptions()),
    hookTimeout: 60_000,
    maxWorkers: 1,
    // The timeline and the summary go straight to stdout, as they happen.
    disableConsoleIntercept: true,
  },
});
