import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Suites share embedded PostgreSQL ports and CPU; one file at a time keeps them honest.
    fileParallelism: false,
    pool: 'forks',
  },
});
