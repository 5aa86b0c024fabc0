import { configDefaults, defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report beside the console one, to print the plain total.
const jsonReport = process.env.VITEST_JSON_REPORT;

// The Worker runs on MySQL only (through Hyperdrive; it has no SQLite): its end-to-end test is collected in the
// MySQL run and left out of the SQLite one, rather than skipped (suites never skip).
const onMysql = (process.env.TEST_DATABASE_URL?.trim() ?? '').startsWith('mysql://');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(onMysql ? [] : ['test/entry/worker.e2e.test.ts'])],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
