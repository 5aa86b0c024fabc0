/**
 * Indexes for a province-size competition (bench/scale.ts: 2,000 units, 40,000 projects, a year of reports).
 * - Who reported a period, and when first (the reminders' "who still owes", the 进展情况 overview): answered from the
 *   index alone, instead of reading every report row of the period (its text included) for its project id.
 *   reports_period_idx (competition_id, period_code) is a prefix of the new index, so it goes.
 * - The same for self-evaluations, which had no index by period at all (a scan of the table).
 */
import { type Kysely, MysqlAdapter } from 'kysely';

const dropIndex = (db: Kysely<any>, name: string, table: string) => {
  const drop = db.schema.dropIndex(name).ifExists();
  return (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on(table) : drop).execute();
};

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('reports_period_project_idx')
    .on('reports')
    .columns(['competition_id', 'period_code', 'project_id', 'submitted_at'])
    .execute();
  await dropIndex(db, 'reports_period_idx', 'reports');
  await db.schema
    .createIndex('self_evaluations_period_project_idx')
    .on('self_evaluations')
    .columns(['competition_id', 'period_code', 'project_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'self_evaluations_period_project_idx', 'self_evaluations');
  await db.schema.createIndex('reports_period_idx').on('reports').columns(['competition_id', 'period_code']).execute();
  await dropIndex(db, 'reports_period_project_idx', 'reports');
}
