import { defineConfig } from 'vitest/config';

// Two projects: fast unit and route tests (beside the code and in test/), and browser tests in a real
// Chromium (test/browser). `npm test` runs both.
export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['test/browser/**'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // one Chromium at a time on a 2-core machine
          fileParallelism: false,
        },
      },
    ],
  },
});
