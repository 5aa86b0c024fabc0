/**
 * Says which database the suite runs on, and fails the whole run when a MySQL URL was given but MySQL cannot be
 * reached: the MySQL suite must never be skipped silently.
 */
import { createConnection } from 'mysql2/promise';
import { testDatabaseUrl } from './database';

export default async function setup(): Promise<void> {
  const url = testDatabaseUrl();
  if (url.startsWith('mysql://')) {
    try {
      const conn = await createConnection(url);
      const [rows] = await conn.query('select version() as v');
      await conn.end();
      console.log(`[saidao] test database: MySQL ${(rows as Array<{ v: string }>)[0]?.v} (${new URL(url).host})`);
    } catch (err) {
      throw new Error(
        `TEST_DATABASE_URL points at MySQL but it cannot be reached (${(err as Error).message}). Run .ci/mysql-up first.`,
      );
    }
  } else {
    console.log('[saidao] test database: embedded SQLite');
  }
}
