/**
 * The inbox: every accepted event with its payload, so that work acknowledged to Lark but cut short by a crash or
 * a deploy is picked up again by a sweep instead of being lost (Lark does not re-deliver after a 200).
 * The row is also the event's claim: its primary key replaces the receipt of kind 'event'.
 * Also: an index on outbox.sent_at, for the sender's look back at the last minute's sends.
 */
import { sql, type Kysely, MysqlAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const instant = mysql ? sql`datetime(3)` : sql`text`;
  const longText = mysql ? sql`mediumtext` : sql`text`;
  let t = db.schema
    .createTable('inbox')
    .addColumn('event_id', 'varchar(191)', (c) => c.primaryKey())
    .addColumn('event_type', 'varchar(128)', (c) => c.notNull())
    .addColumn('payload', longText, (c) => c.notNull())
    // pending → done | failed
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // Nobody else picks the row up before this instant: the receiving server works on it meanwhile.
    .addColumn('lease_until', instant, (c) => c.notNull())
    .addColumn('last_error', 'varchar(500)')
    .addColumn('received_at', instant, (c) => c.notNull())
    .addColumn('finished_at', instant);
  if (mysql) t = t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  await t.execute();
  await db.schema.createIndex('inbox_due').on('inbox').columns(['status', 'lease_until']).execute();
  // The outbox sender reads the last minute's sends when it takes over the drain (its rate limits count them).
  await db.schema.createIndex('outbox_sent_idx').on('outbox').column('sent_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const drop = db.schema.dropIndex('outbox_sent_idx').ifExists();
  await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on('outbox') : drop).execute();
  await db.schema.dropTable('inbox').ifExists().execute();
}
