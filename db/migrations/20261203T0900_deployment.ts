/**
 * Several competitions and Lark apps in one deployment, and an outbox that serves replies first:
 * - outbox.app / inbox.app: the Lark app (its name in the configuration, 'default' for LARK_APP_ID) a message is
 *   sent with and an event came through; each app's sender drains only its own rows, each app's sweep finishes only
 *   its own events.
 * - outbox.priority: 0 replies and card updates to a person's own action, 1 announcements and notices, 2 bulk sends
 *   (reminders, digests); the drain takes the lowest number first.
 * - outbox.message_id is indexed: a click on a card is routed to the competition that sent it.
 * - conversation_choices: the competition a person chose for a one-to-one conversation when the
 *   app serves several and they have roles in more than one.
 */
import { sql, type Kysely, MysqlAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const instant = mysql ? sql`datetime(3)` : sql`text`;
  const innodb = <T extends { modifyEnd(s: unknown): T }>(t: T): T =>
    mysql ? t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`) : t;

  await db.schema
    .alterTable('outbox')
    .addColumn('app', 'varchar(32)', (c) => c.notNull().defaultTo('default'))
    .execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // The drain's claim: an app's due rows, most urgent first.
  await db.schema
    .createIndex('outbox_app_due_idx')
    .on('outbox')
    .columns(['app', 'status', 'priority', 'next_attempt_at'])
    .execute();
  // What the bot sent as a message: a click on a card finds the competition that sent it, a file sent in reply to a
  // judge's comment finds the comment.
  await db.schema.createIndex('outbox_message_idx').on('outbox').column('message_id').execute();
  await db.schema
    .alterTable('inbox')
    .addColumn('app', 'varchar(32)', (c) => c.notNull().defaultTo('default'))
    .execute();
  await db.schema.createIndex('inbox_app_due_idx').on('inbox').columns(['app', 'status', 'lease_until']).execute();
  await innodb(
    db.schema
      .createTable('conversation_choices')
      .addColumn('app', 'varchar(32)', (c) => c.notNull())
      .addColumn('chat_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('chosen_by', 'varchar(64)', (c) => c.notNull())
      .addColumn('chosen_at', instant, (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_choices_pk', ['app', 'chat_id']),
  ).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema.dropTable('conversation_choices').ifExists().execute();
  for (const [index, table] of [
    ['inbox_app_due_idx', 'inbox'],
    ['outbox_app_due_idx', 'outbox'],
    ['outbox_message_idx', 'outbox'],
  ] as const) {
    const drop = db.schema.dropIndex(index).ifExists();
    await (mysql ? drop.on(table) : drop).execute();
  }
  await db.schema.alterTable('inbox').dropColumn('app').execute();
  await db.schema.alterTable('outbox').dropColumn('priority').execute();
  await db.schema.alterTable('outbox').dropColumn('app').execute();
}
