import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Lease tests measure real time in Redis; two workers keep a 2-core machine honest.
    maxWorkers: 2,
  },
});
