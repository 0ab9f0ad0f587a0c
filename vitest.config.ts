import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Suites share embedded PostgreSQL ports and CPU; one file at a time keeps them honest.
    fileParallelism: false,
    pool: 'forks',
    // `npm test` runs every test; `npm run test:fast` leaves out these three kinds (--tags-filter).
    tags: [
      { name: 'demo', description: 'generates the demo preset (about 150 thousand learners a year)' },
      { name: 'browser', description: 'drives Debian Chromium' },
      { name: 'slow', description: 'starts an embedded PostgreSQL or child processes, or generates a preset' },
    ],
  },
});
