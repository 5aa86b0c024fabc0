/**
 * The award process on the awards table of the initial migration: the quota place a live nomination holds, what the
 * judge wrote, the unit's materials, and the leadership's decision.
 * - `slot` (1..the track's quota for the kind) is unique per competition, track and kind while the nomination is live
 *   and NULL once it is withdrawn, declined or rejected: two judges nominating at once cannot both take the last place.
 * - `active_key` (the kind and project, plus the person for individuals) is unique while live: the same nominee
 *   cannot be put forward twice.
 * SQLite takes one ADD COLUMN per ALTER TABLE, hence one statement per column.
 */
import { sql, type Kysely, MysqlAdapter } from 'kysely';

const COLUMNS: Array<[string, 'int' | 'varchar(64)' | 'varchar(200)' | 'text' | 'instant']> = [
  ['slot', 'int'],
  ['active_key', 'varchar(200)'],
  ['nominee_title', 'varchar(200)'],
  ['reason', 'text'],
  ['materials', 'text'],
  ['materials_links', 'text'],
  ['materials_by', 'varchar(64)'],
  ['materials_at', 'instant'],
  ['allocated_by', 'varchar(64)'],
  ['decision_note', 'text'],
  ['decided_at', 'instant'],
];

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  for (const [name, type] of COLUMNS) {
    const t =
      type === 'instant'
        ? mysql
          ? sql`datetime(3)`
          : sql`text`
        : type === 'text'
          ? mysql
            ? sql`mediumtext`
            : sql`text`
          : sql.raw(type);
    await db.schema.alterTable('awards').addColumn(name, t).execute();
  }
  await db.schema
    .createIndex('awards_slot_uq')
    .on('awards')
    .columns(['competition_id', 'track_code', 'kind', 'slot'])
    .unique()
    .execute();
  await db.schema
    .createIndex('awards_active_uq')
    .on('awards')
    .columns(['competition_id', 'active_key'])
    .unique()
    .execute();
  await db.schema.createIndex('awards_status_idx').on('awards').columns(['competition_id', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  for (const index of ['awards_slot_uq', 'awards_active_uq', 'awards_status_idx']) {
    const drop = db.schema.dropIndex(index).ifExists();
    await (mysql ? drop.on('awards') : drop).execute();
  }
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable('awards').dropColumn(name).execute();
}
