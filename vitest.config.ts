import { defineConfig } from 'vitest/config';

// Three projects: fast unit and route tests on SQLite (beside the code and in test/); the store's
// contract tests and the route tests again on a real PostgreSQL (TEST_DATABASE_URL; required in CI,
// skipped with a warning elsewhere); and browser tests in a real Chromium (test/browser).
// `npm test` runs them all.
const postgresUrl = process.env['TEST_DATABASE_URL'];
const ci = Boolean(process.env['CI']);

/** the tests that run on both databases: the store's contract, every route test, publishing */
const ON_BOTH_DATABASES = [
  'src/store/store.test.ts',
  'src/publishing.test.ts',
  'src/content/publish.test.ts',
  'src/content/publish-cli.test.ts',
  'src/**/routes.test.ts',
  'src/api/*.test.ts',
  'src/admin/*.test.ts',
  'src/web/security.test.ts',
  'test/web/**/*.test.ts',
  'test/instances/**/*.test.ts',
];
/** what runs without a PostgreSQL: tests that say they were skipped, and why */
const SKIP_WITHOUT_POSTGRES = ['src/store/store.test.ts', 'test/instances/**/*.test.ts'];

if (!postgresUrl && !ci) {
  console.warn('\n*** TEST_DATABASE_URL is not set: the PostgreSQL tests are skipped (README "Test" says how to run them). ***\n');
}

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/instances/**'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: postgresUrl || ci ? ON_BOTH_DATABASES : SKIP_WITHOUT_POSTGRES,
          env: { ISG_TEST_DATABASE: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 30_000,
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
