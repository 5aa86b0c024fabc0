import { configDefaults, defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report beside the console one, to print the plain total.
const jsonReport = process.env.VITEST_JSON_REPORT;

// The Worker runs on MySQL only (through Hyperdrive; it has no SQLite): its end-to-end test is collected in the
// MySQL run and left out of the SQLite one, rather than skipped (suites never skip). The playground's journey in
// Chromium is the other way round: the playground is the embedded default (SQLite), and the page is the same page on
// either database (its server test runs on both), so the browser journey is collected in the SQLite run only.
const onMysql = (process.env.TEST_DATABASE_URL?.trim() ?? '').startsWith('mysql://');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      ...(onMysql ? ['test/playground/playground.e2e.test.ts'] : ['test/entry/worker.e2e.test.ts']),
    ],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
