/**
 * Profiling aid for benchmark (b), not a benchmark: the bot under callbacks only, at saturation, from the separate
 * load generator; prints the bot process's CPU time per callback. For a CPU profile of the bot alone:
 *   npx node --cpu-prof --cpu-prof-dir=prof --import tsx bench/profile-callback.ts
 * KIND (report, the default, or help) picks the callback; SECONDS_AT_SATURATION (default 6) sets the length of the run; BENCH_DATABASE_URL the database (default the CI
 * test user's MySQL).
 */
import { freshDatabase } from '../test/support/database';
import { startHarness } from '../test/support/harness';
import { runCallbackLoad } from './callback-bench';

process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://saidao:saidao@127.0.0.1:3306/saidao_test';
const db = await freshDatabase({ shared: true });
const h = await startHarness(db);
try {
  const run = await runCallbackLoad(h, db, process.env.KIND === 'help' ? 'help' : 'report', {
    callbacksOnly: true,
    saturationSeconds: Number(process.env.SECONDS_AT_SATURATION ?? 6),
  });
  console.log(
    `bot CPU per callback: ${run.cpuPerCallbackUs.toFixed(0)} µs (${db.dialect}); statements per callback: ${JSON.stringify(run.observed)}`,
  );
} finally {
  await h.close();
  await db.destroy();
}
process.exit(0);
