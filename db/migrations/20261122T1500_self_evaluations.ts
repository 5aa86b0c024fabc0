/**
 * Self-evaluations (纵向自评): at the check points that ask for it (mid-term, year-end), a unit scores its own
 * project on the rubric with a justification. Revisions are kept, like reports; the latest counts.
 */
import { sql, type Kysely, MysqlAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const instant = mysql ? sql`datetime(3)` : sql`text`;
  let t = db.schema
    .createTable('self_evaluations')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('period_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    // JSON: { criterionCode: score }
    .addColumn('scores', 'text', (c) => c.notNull())
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull())
    .addColumn('submitted_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('submitted_at', instant, (c) => c.notNull())
    .addUniqueConstraint('self_evaluations_revision_uq', ['project_id', 'period_code', 'revision']);
  if (mysql) t = t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  await t.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('self_evaluations').ifExists().execute();
}
