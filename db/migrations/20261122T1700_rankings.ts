/**
 * Rankings and scheduled summaries (issue 7).
 *  - ranking_snapshots: one frozen snapshot per track and publication. A publication (发布排行) is one version number
 *    for the whole competition; re-publishing adds a version and never touches the earlier ones. The snapshot column
 *    holds the whole RankingSnapshot (inputs, parameters with the seed, results, hash) as JSON, so that anyone can
 *    recompute it (src/features/rankings/rankings.snapshot.ts, verifySnapshot).
 *  - summary_runs: one row per scheduled digest slot; its primary key makes the digest go out once per slot however
 *    many servers tick.
 */
import { sql, type CreateTableBuilder, type Kysely, MysqlAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const instant = mysql ? sql`datetime(3)` : sql`text`;
  const longText = mysql ? sql`mediumtext` : sql`text`;
  // utf8mb4 for Chinese names; InnoDB for transactions and row locks (as in the initial migration).
  const utf8 = (t: CreateTableBuilder<any, any>) =>
    mysql ? t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`) : t;

  await utf8(
    db.schema
      .createTable('ranking_snapshots')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('track_code', 'varchar(16)', (c) => c.notNull())
      .addColumn('method', 'varchar(64)', (c) => c.notNull())
      // The bootstrap's seed (an unsigned 32-bit integer: wider than a signed INT).
      .addColumn('seed', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('ranked', 'integer', (c) => c.notNull())
      .addColumn('snapshot', longText, (c) => c.notNull())
      .addColumn('published_by', 'varchar(64)', (c) => c.notNull())
      .addColumn('published_at', instant, (c) => c.notNull())
      .addUniqueConstraint('ranking_snapshots_uq', ['competition_id', 'version', 'track_code']),
  ).execute();

  await utf8(
    db.schema
      .createTable('summary_runs')
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      // The slot's local date and time, e.g. 2024-11-04T09:00.
      .addColumn('slot', 'varchar(32)', (c) => c.notNull())
      .addColumn('chat_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('kind', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addPrimaryKeyConstraint('summary_runs_pk', ['competition_id', 'slot']),
  ).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('summary_runs').ifExists().execute();
  await db.schema.dropTable('ranking_snapshots').ifExists().execute();
}
