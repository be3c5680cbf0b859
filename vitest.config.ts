import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'web/src/**/*.test.ts'],
    globalSetup: ['./test/support/build-server.ts'],
    pool: 'forks',
    // Test files spend most of their time waiting on the servers, databases and browsers they
    // start, so three at once keep two cores busy (the default, one fewer than the cores, left one idle).
    maxWorkers: 3,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
