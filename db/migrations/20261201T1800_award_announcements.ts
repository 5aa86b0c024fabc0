/**
 * award_announcements: one row per award list the office announced (公布表彰), keyed by the list's hash. It is the
 * live record of what groups see as the announced list (the latest row), and its key makes announcing the same list
 * twice a no-op. Earlier announcements, kept until now only in the audit log, are carried over.
 */
import { sql, type Kysely, MysqlAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const instant = mysql ? sql`datetime(3)` : sql`text`;
  const longText = mysql ? sql`mediumtext` : sql`text`;
  let t = db.schema
    .createTable('award_announcements')
    .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('list_hash', 'varchar(64)', (c) => c.notNull())
    // JSON arrays: the approved awards' ids (sorted) and the chats the list went to.
    .addColumn('award_ids', longText, (c) => c.notNull())
    .addColumn('chats', longText, (c) => c.notNull())
    .addColumn('announced_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('announced_at', instant, (c) => c.notNull())
    .addPrimaryKeyConstraint('award_announcements_pk', ['competition_id', 'list_hash']);
  if (mysql) t = t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  await t.execute();
  await db.schema
    .createIndex('award_announcements_latest_idx')
    .on('award_announcements')
    .columns(['competition_id', 'announced_at'])
    .execute();

  const earlier = await db
    .selectFrom('audit_log')
    .select(['competition_id', 'entity_id', 'after_json', 'actor', 'at'])
    .where('action', '=', 'award.announce')
    .where('competition_id', 'is not', null)
    .orderBy('at')
    .execute();
  for (const row of earlier) {
    const after = JSON.parse(row.after_json ?? '{}') as { approved?: string[]; chats?: string[] };
    const exists = await db
      .selectFrom('award_announcements')
      .select('list_hash')
      .where('competition_id', '=', row.competition_id)
      .where('list_hash', '=', row.entity_id)
      .executeTakeFirst();
    if (exists) continue;
    await db
      .insertInto('award_announcements')
      .values({
        competition_id: row.competition_id,
        list_hash: row.entity_id,
        award_ids: JSON.stringify(after.approved ?? []),
        chats: JSON.stringify(after.chats ?? []),
        announced_by: row.actor,
        announced_at: row.at,
      })
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('award_announcements').ifExists().execute();
}
