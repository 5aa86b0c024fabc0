/**
 * A fresh, migrated database per test file: an in-memory (or temporary file) SQLite, or a new MySQL database named
 * after TEST_DATABASE_URL's with a random suffix, dropped afterwards. The same kysely code runs on both.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DbHandle } from '../../src/platform/db';
import { openNodeDatabase } from '../../src/platform/db-node';
import { migrateToLatest } from '../../src/platform/migrate';

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url || url === 'sqlite') return 'sqlite::memory:';
  return url;
}

export const onMysql = () => testDatabaseUrl().startsWith('mysql://');

export interface TestDatabase extends DbHandle {
  /** A URL another process can open (SQLite: a file, when asked for with `shared`). */
  readonly url: string;
}

export async function freshDatabase(options: { shared?: boolean; migrate?: boolean } = {}): Promise<TestDatabase> {
  const base = testDatabaseUrl();
  let url: string;
  let drop = async () => {};
  if (base.startsWith('mysql://')) {
    const u = new URL(base);
    const name = `${u.pathname.slice(1)}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = await createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = await createConnection({
        host: u.hostname,
        port: Number(u.port || 3306),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
      });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    };
  } else {
    url = options.shared ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'saidao-')), 'test.sqlite')}` : 'sqlite::memory:';
  }
  const handle = await openNodeDatabase(url, { connectionLimit: 20 });
  if (options.migrate !== false) await migrateToLatest(handle.db);
  return {
    ...handle,
    url,
    destroy: async () => {
      await handle.destroy();
      await drop();
    },
  };
}
