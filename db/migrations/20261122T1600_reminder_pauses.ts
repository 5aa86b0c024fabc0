/**
 * Reminder pauses set by the office: for one unit, or for the whole competition (unit_code '').
 */
import { sql, type Kysely, MysqlAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const instant = mysql ? sql`datetime(3)` : sql`text`;
  let t = db.schema
    .createTable('reminder_pauses')
    .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('unit_code', 'varchar(16)', (c) => c.notNull())
    .addColumn('paused_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('paused_at', instant, (c) => c.notNull())
    .addPrimaryKeyConstraint('reminder_pauses_pk', ['competition_id', 'unit_code']);
  if (mysql) t = t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  await t.execute();
  await db.schema
    .createIndex('reminder_occurrences_due_idx')
    .on('reminder_occurrences')
    .columns(['competition_id', 'status', 'due_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const drop = db.schema.dropIndex('reminder_occurrences_due_idx').ifExists();
  await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on('reminder_occurrences') : drop).execute();
  await db.schema.dropTable('reminder_pauses').ifExists().execute();
}
