/**
 * The baseline of benchmark (b): the database statements a card callback makes, issued straight through the driver.
 * The statements are not written out by hand: they are what the product's own functions (in the order Bot.onAction
 * and the action's handler call them) compile to for the bot's dialect, recorded on a Kysely whose driver only
 * listens. They then run on a mysql2 pool configured like the bot's (src/platform/db.ts), or on better-sqlite3 over
 * the same SQLite file, with what must be fresh per callback made fresh: the receipt key (each callback's event id is
 * fresh), the ids the product mints, and for a report the project and its next revision number.
 *
 * Two callbacks are measured:
 * - `report`: a contact submits a progress report through its form (rpt.submit): claimed, authorised, the project
 *   read, the revision decided, the report and its audit entry stored in one transaction. This is the round trip
 *   the issue names (claimed, validated, stored), and the busiest one in the season: every unit reports by the
 *   same due day.
 * - `help`: a help button (help.show), claimed and authorised, nothing stored; a reference for the fixed cost of the
 *   path.
 */
import {
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import type { Database } from '../db/schema';
import { newEventId } from '../src/emulator/wire';
import { rolesOf } from '../src/core/roles.repository';
import { findProject } from '../src/core/projects.repository';
import { parseReportFields } from '../cards/reports.form';
import { insertReport, revisionCount } from '../src/features/reports/reports.repository';
import { claimReceipt } from '../src/lark/receipts.repository';
import { mysqlPoolOptions, parseDatabaseUrl } from '../src/platform/db';
import { newId } from '../src/platform/ids';

export type CallbackKind = 'report' | 'help';

export interface BenchProject {
  id: string;
  code: string;
}

export interface CallbackContext {
  /** The bot's database: mysql://… or sqlite:<file>. */
  databaseUrl: string;
  /** Connections in the pool (the bot's pool size). */
  poolSize: number;
  /** The bot's clock (epoch ms): receipts and reports carry it. */
  now: number;
  competitionId: string;
  operator: string;
  admins: string[];
  kind: CallbackKind;
  /** `report`: the period reported on and the form's values. */
  period: string;
  form: Record<string, string>;
  /**
   * `report`: the projects the bot's callbacks report on, in turn, and the (other) projects the baseline's statements
   * report on, so that each side's revisions count up on their own. More projects than callbacks in flight, so that
   * no two submissions in flight race for one project's next revision.
   */
  botProjects: BenchProject[];
  rawProjects: BenchProject[];
}

/** What the load generator clicks for callback `i` (bench/callback-load.ts) and the untimed check of what the bot sends (bench/callback-bench.ts). */
export function clickOf(
  ctx: CallbackContext,
  i: number,
): { value: Record<string, unknown>; formValue?: Record<string, unknown>; name?: string } {
  if (ctx.kind === 'help') return { value: { a: 'help.show' } };
  const project = ctx.botProjects[i % ctx.botProjects.length]!;
  return { value: { a: 'rpt.submit', p: project.id }, formValue: ctx.form, name: 'submit' };
}

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
  /** Issued between begin and commit, on the transaction's connection. */
  inTransaction: boolean;
}

// Stand-ins recorded in place of what each callback makes fresh.
const KEY = '__bench_receipt_key__';
const PROJECT_ID = '__bench_project_id__';
const PROJECT_CODE = '__bench_project_code__';
const REVISION = 987_654_321;

/** What a callback clicked by `ctx.operator` sends to the database, in order, with the stand-ins above. */
export async function callbackStatements(dialect: 'mysql' | 'sqlite', ctx: CallbackContext): Promise<Statement[]> {
  const recorded: Statement[] = [];
  let inTransaction = false;
  const connection: DatabaseConnection = {
    executeQuery: async (q) => {
      recorded.push({ sql: q.sql, parameters: q.parameters, inTransaction });
      return { rows: [], numAffectedRows: 1n } as never;
    },
    streamQuery: () => {
      throw new Error('not used');
    },
  };
  // Kysely's MySQL and SQLite drivers both open and close a transaction with these statements.
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {
      inTransaction = true;
      recorded.push({ sql: 'begin', parameters: [], inTransaction });
    },
    commitTransaction: async () => {
      recorded.push({ sql: 'commit', parameters: [], inTransaction });
      inTransaction = false;
    },
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  const db = new Kysely<Database>({
    dialect:
      dialect === 'mysql'
        ? {
            createAdapter: () => new MysqlAdapter(),
            createDriver: () => driver,
            createQueryCompiler: () => new MysqlQueryCompiler(),
            createIntrospector: (k) => new MysqlIntrospector(k),
          }
        : {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => driver,
            createQueryCompiler: () => new SqliteQueryCompiler(),
            createIntrospector: (k) => new SqliteIntrospector(k),
          },
  });
  // Bot.onAction: the click is claimed, then the operator's roles are read.
  await claimReceipt(db, 'card_action', KEY, ctx.now);
  await rolesOf(db, ctx.competitionId, ctx.operator, ctx.admins);
  if (ctx.kind === 'report') {
    // submitReportAction: the project, its revisions so far in the period, then the report and its audit entry.
    const fields = parseReportFields(ctx.form);
    if (!fields.ok) throw new Error('the benchmark form does not validate');
    await findProject(db, ctx.competitionId, PROJECT_ID);
    await revisionCount(db, PROJECT_ID, ctx.period);
    await insertReport(db, {
      competitionId: ctx.competitionId,
      projectId: PROJECT_ID,
      projectCode: PROJECT_CODE,
      period: ctx.period,
      revision: REVISION,
      late: false,
      fields: fields.value,
      actor: ctx.operator,
      now: ctx.now,
    });
  }
  return recorded;
}

/** A parameter that is an id minted by newId (prefix, underscore, 20 of its alphabet): minted afresh per callback. */
const MINTED = /^([a-z]+)_[0-9a-z]{20}$/;

/** One callback's parameters: the stand-ins replaced, minted ids minted again. */
function freshParameters(
  params: readonly unknown[],
  key: string,
  project: BenchProject | undefined,
  revision: number,
): unknown[] {
  return params.map((p) => {
    if (p === KEY) return key;
    if (p === REVISION) return revision;
    if (typeof p !== 'string') return p;
    if (p === PROJECT_ID) return project!.id;
    const minted = MINTED.exec(p);
    if (minted) return newId(minted[1]!);
    // The audit entry names the report as code/period/revision.
    return p.includes(PROJECT_CODE)
      ? p.replace(PROJECT_CODE, project!.code).replace(String(REVISION), String(revision))
      : p;
  });
}

export interface RawStatements {
  /** The statements' SQL, in order. */
  statements: string[];
  /** One callback's statements, one after the other, as the callback issues them. */
  run: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * `revisionBase`: where this executor's revision numbers start. Two executors run the baseline on the same projects
 * (the load generator's, and the reference route's in the bot's process), each from its own base, so they never take
 * one revision twice.
 */
export async function openRawStatements(ctx: CallbackContext, revisionBase = 0): Promise<RawStatements> {
  const { dialect, target } = parseDatabaseUrl(ctx.databaseUrl);
  const recorded = await callbackStatements(dialect, ctx);
  const statements = recorded.map((s) => s.sql);
  // Each run reports on the next of the baseline's own projects, with that project's next revision.
  const revisions = new Map<string, number>();
  let runs = 0;
  const nextCallback = () => {
    const project = ctx.kind === 'report' ? ctx.rawProjects[runs++ % ctx.rawProjects.length]! : undefined;
    const revision = project ? (revisions.get(project.id) ?? revisionBase) + 1 : 0;
    if (project) revisions.set(project.id, revision);
    const key = newEventId();
    return (params: readonly unknown[]) => freshParameters(params, key, project, revision);
  };
  if (dialect === 'mysql') {
    const { createPool } = await import('mysql2/promise');
    // The app's own pool options; a connection per statement, and one for the whole transaction, as Kysely takes them.
    const pool = createPool(mysqlPoolOptions(target, { connectionLimit: ctx.poolSize }));
    return {
      statements,
      run: async () => {
        const fresh = nextCallback();
        let trx: Awaited<ReturnType<typeof pool.getConnection>> | undefined;
        try {
          for (const s of recorded) {
            if (!s.inTransaction) {
              await pool.query(s.sql, fresh(s.parameters));
              continue;
            }
            trx ??= await pool.getConnection();
            await trx.query(s.sql, fresh(s.parameters));
            if (s.sql === 'commit') {
              trx.release();
              trx = undefined;
            }
          }
        } finally {
          trx?.release();
        }
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
      const fresh = nextCallback();
      for (const s of prepared) {
        if (s.stmt.reader) s.stmt.all(...fresh(s.parameters));
        else s.stmt.run(...fresh(s.parameters));
      }
    },
    close: async () => void database.close(),
  };
}
