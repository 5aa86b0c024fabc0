import { Kysely, MysqlDialect, MysqlAdapter, type Dialect, type InsertQueryBuilder, type InsertResult } from 'kysely';
import type { Database } from '../../db/schema';

export type DialectName = 'mysql' | 'sqlite';

export interface DbHandle {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  destroy(): Promise<void>;
}

export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof MysqlAdapter ? 'mysql' : 'sqlite';
}

/** `mysql://user:pass@host:port/db` or `sqlite:<path>` (`sqlite::memory:` for a throw-away database). */
export function parseDatabaseUrl(url: string): { dialect: DialectName; target: string } {
  if (url.startsWith('mysql://') || url.startsWith('mariadb://'))
    return { dialect: 'mysql', target: url.replace(/^mariadb:/, 'mysql:') };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', target: url.slice('sqlite:'.length).replace(/^\/\//, '') };
  throw new Error(`DATABASE_URL must start with mysql:// or sqlite: (got ${url.split(':')[0]}:…)`);
}

export interface MysqlOptions {
  /** Workers: mysql2 must not use eval (no code generation there). */
  disableEval?: boolean;
  connectionLimit?: number;
}

/** The pool options for a mysql:// URL, shared by the app and the benchmark's raw baseline. */
export function mysqlPoolOptions(url: string, options: MysqlOptions = {}) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    // Instants are compared and returned as UTC strings on both dialects (see platform/instant.ts).
    dateStrings: true,
    supportBigNumbers: true,
    connectionLimit: options.connectionLimit ?? 10,
    ...(options.disableEval ? { disableEval: true } : {}),
  };
}

export async function mysqlDialect(url: string, options: MysqlOptions = {}): Promise<Dialect> {
  const { createPool } = await import('mysql2');
  const pool = createPool(mysqlPoolOptions(url, options) as Parameters<typeof createPool>[0]);
  return new MysqlDialect({ pool: pool as never });
}

export interface DatabaseOpeners extends MysqlOptions {
  /** Embedded SQLite exists only on Node; the Workers bundle never imports it. */
  sqlite?: (path: string) => Promise<Dialect>;
}

export async function openDatabase(url: string, options: DatabaseOpeners = {}): Promise<DbHandle> {
  const { dialect, target } = parseDatabaseUrl(url);
  if (dialect === 'sqlite' && !options.sqlite)
    throw new Error('SQLite is not available in this runtime: set DATABASE_URL to a mysql:// URL');
  const kdialect = dialect === 'mysql' ? await mysqlDialect(target, options) : await options.sqlite!(target);
  const db = new Kysely<Database>({ dialect: kdialect });
  return { db, dialect, destroy: () => db.destroy() };
}

/**
 * An insert that does nothing when a row with the same unique key exists, on either engine: MySQL/MariaDB's
 * `INSERT IGNORE`, SQLite's `ON CONFLICT (<key>) DO NOTHING`. `madeRow` on its result says whether this call made
 * the row: the primitive of every exactly-once claim (receipts, inbox, outbox, run slots, digests).
 */
export function insertIfAbsent<Q extends InsertQueryBuilder<any, any, any>>(
  db: Kysely<any>,
  insert: Q,
  uniqueKey: readonly string[],
): Q {
  return (
    dialectOf(db) === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.columns(uniqueKey as never).doNothing())
  ) as Q;
}

/** True when the insert made its row (see insertIfAbsent). */
export const madeRow = (r: InsertResult): boolean => Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;

/** A statement ran into a unique key, on either engine (MySQL/MariaDB 1062, SQLite UNIQUE or PRIMARY KEY). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number } | undefined;
  return (
    e?.code === 'ER_DUP_ENTRY' ||
    e?.errno === 1062 ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * The statement lost a lock conflict and can simply run again: a deadlock victim (MySQL/MariaDB 1213), a lock wait
 * timeout (1205), or SQLite busy. InnoDB picks a victim when two transactions lock the same rows in different orders
 * (the outbox's lease renewal against a row being marked sent, say).
 */
export function isLockConflict(err: unknown): boolean {
  const e = err as { code?: string; errno?: number } | undefined;
  return (
    e?.errno === 1213 ||
    e?.errno === 1205 ||
    e?.code === 'ER_LOCK_DEADLOCK' ||
    e?.code === 'ER_LOCK_WAIT_TIMEOUT' ||
    e?.code === 'SQLITE_BUSY'
  );
}

/** Runs an idempotent statement again (up to `attempts` times in all) when it lost a lock conflict. */
export async function retryOnLockConflict<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= attempts || !isLockConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 10));
    }
  }
}
