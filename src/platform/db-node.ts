/** Node-only database opening: MySQL or the embedded SQLite default. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { SqliteDialect, type Dialect } from 'kysely';
import { openDatabase, type DbHandle, type MysqlOptions } from './db';

export async function sqliteDialect(path: string): Promise<Dialect> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  // WAL lets readers proceed during a write; the busy timeout makes a second process wait instead of failing.
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  return new SqliteDialect({ database });
}

export const openNodeDatabase = (url: string, options: MysqlOptions = {}): Promise<DbHandle> =>
  openDatabase(url, { ...options, sqlite: sqliteDialect });
