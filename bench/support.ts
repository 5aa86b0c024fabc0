/** What the benches share: the database they run on, and the rate-limit floor of a number of sends. */
import { createConnection } from 'mysql2/promise';

export const BENCH_MYSQL = process.env.BENCH_DATABASE_URL ?? 'mysql://saidao:saidao@127.0.0.1:3306/saidao_test';

/**
 * MySQL when it is reachable (BENCH_DATABASE_URL, default the CI test user), else SQLite: set as TEST_DATABASE_URL,
 * which the test support's freshDatabase reads. Returns what was chosen.
 */
export async function useBenchDatabase(): Promise<string> {
  try {
    const c = await createConnection(BENCH_MYSQL);
    await c.end();
    process.env.TEST_DATABASE_URL = BENCH_MYSQL;
  } catch {
    process.env.TEST_DATABASE_URL = 'sqlite';
  }
  return process.env.TEST_DATABASE_URL;
}

/** The fastest schedule the app windows allow: t_i = max(t_{i-50} + 1 s, t_{i-1000} + 60 s), from t_0 = 0. */
export function floorSeconds(n: number): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) t.push(Math.max(i >= 50 ? t[i - 50]! + 1 : 0, i >= 1000 ? t[i - 1000]! + 60 : 0));
  return t[n - 1] ?? 0;
}
