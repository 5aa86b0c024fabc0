/**
 * The baseline of benchmark (b): the database statements a card callback makes, issued straight through the driver.
 * The statements are not written out by hand: they are what the product's own functions (claimReceipt, rolesOf, in
 * the order Bot.onAction calls them) compile to for the bot's dialect, recorded on a Kysely whose driver only
 * listens. They then run on a mysql2 pool configured like the bot's (src/platform/db.ts), or on better-sqlite3 over
 * the same SQLite file; each insert gets a fresh receipt key, as each callback's event id is fresh.
 */
import { Kysely, MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type DatabaseConnection, type Driver } from 'kysely';
import type { Database } from '../db/schema';
import { newEventId } from '../src/emulator/wire';
import { rolesOf } from '../src/features/people/roles.repository';
import { claimReceipt } from '../src/lark/receipts';
import { mysqlPoolOptions, parseDatabaseUrl } from '../src/platform/db';

export interface CallbackContext {
  /** The bot's database: mysql://… or sqlite:<file>. */
  databaseUrl: string;
  /** Connections in the pool (the bot's pool size). */
  poolSize: number;
  /** The bot's clock (epoch ms): receipts carry it. */
  now: number;
  competitionId: string;
  operator: string;
  admins: string[];
}

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** What a callback clicked by `ctx.operator` sends to the database, `key` standing for its event id. */
export async function callbackStatements(dialect: 'mysql' | 'sqlite', ctx: CallbackContext, key: string): Promise<Statement[]> {
  const recorded: Statement[] = [];
  const connection: DatabaseConnection = {
    executeQuery: async (q) => {
      recorded.push({ sql: q.sql, parameters: q.parameters });
      return { rows: [], numAffectedRows: 1n } as never;
    },
    streamQuery: () => {
      throw new Error('not used');
    },
  };
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {},
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  const db = new Kysely<Database>({
    dialect:
      dialect === 'mysql'
        ? { createAdapter: () => new MysqlAdapter(), createDriver: () => driver, createQueryCompiler: () => new MysqlQueryCompiler(), createIntrospector: (k) => new MysqlIntrospector(k) }
        : { createAdapter: () => new SqliteAdapter(), createDriver: () => driver, createQueryCompiler: () => new SqliteQueryCompiler(), createIntrospector: (k) => new SqliteIntrospector(k) },
  });
  // Bot.onAction: the click is claimed, then the operator's roles are read.
  await claimReceipt(db, 'card_action', key, ctx.now);
  await rolesOf(db, ctx.competitionId, ctx.operator, ctx.admins);
  return recorded;
}

export interface RawStatements {
  /** The statements' SQL, in order. */
  statements: string[];
  /** One callback's statements, one after the other, as the callback issues them. */
  run: () => Promise<void>;
  close: () => Promise<void>;
}

export async function openRawStatements(ctx: CallbackContext): Promise<RawStatements> {
  const { dialect, target } = parseDatabaseUrl(ctx.databaseUrl);
  const KEY = '__bench_receipt_key__';
  const recorded = await callbackStatements(dialect, ctx, KEY);
  const statements = recorded.map((s) => s.sql);
  const withKey = (params: readonly unknown[]) => {
    const key = newEventId();
    return params.map((p) => (p === KEY ? key : p));
  };
  if (dialect === 'mysql') {
    const { createPool } = await import('mysql2/promise');
    // The app's own pool options.
    const pool = createPool(mysqlPoolOptions(target, { connectionLimit: ctx.poolSize }));
    return {
      statements,
      run: async () => {
        for (const s of recorded) await pool.query(s.sql, withKey(s.parameters));
      },
      close: () => pool.end(),
    };
  }
  const { default: SQLite } = await import('better-sqlite3');
  const database = new SQLite(target);
  database.pragma('busy_timeout = 5000');
  const prepared = recorded.map((s) => ({ stmt: database.prepare(s.sql), parameters: s.parameters }));
  return {
    statements,
    run: async () => {
      for (const s of prepared) {
        if (s.stmt.reader) s.stmt.all(...withKey(s.parameters));
        else s.stmt.run(...withKey(s.parameters));
      }
    },
    close: async () => void database.close(),
  };
}
