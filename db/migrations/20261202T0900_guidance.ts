/**
 * Guidance around each project (指导意见) and evidence files:
 * - guidance_comments: a track judge's comment on a project's report or self-evaluation of one period, optionally
 *   asking for an answer; `form_key` (from the form the judge was shown) makes a double submission one comment.
 * - guidance_answers: the unit's answers, threaded under a comment; `form_key` likewise.
 * - attachments: files and images a contact sent the bot in chat, attached to a report or self-evaluation of a period
 *   or to an award's materials. Only Lark's keys are kept (the message and its resource), never the bytes; unique per
 *   message and resource, so a re-delivered message attaches once. Detaching keeps the row (removed_at).
 * - attach_targets: the receipt card a contact was last shown per message, so that files sent right after it, or in
 *   reply to it, know what they belong to.
 * - judge_digests: one row per judge and local day a daily card went out, with the instant it covers up to.
 */
import { sql, type Kysely, MysqlAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const instant = mysql ? sql`datetime(3)` : sql`text`;
  const longText = mysql ? sql`mediumtext` : sql`text`;
  const innodb = <T extends { modifyEnd(s: unknown): T }>(t: T): T =>
    mysql ? t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`) : t;

  await innodb(
    db.schema
      .createTable('guidance_comments')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('period_code', 'varchar(32)', (c) => c.notNull())
      .addColumn('subject', 'varchar(16)', (c) => c.notNull())
      .addColumn('author_open_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('body', longText, (c) => c.notNull())
      .addColumn('needs_answer', 'integer', (c) => c.notNull())
      .addColumn('form_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('answered_at', instant)
      .addUniqueConstraint('guidance_comments_form_uq', ['competition_id', 'form_key']),
  ).execute();
  await db.schema
    .createIndex('guidance_comments_project_idx')
    .on('guidance_comments')
    .columns(['competition_id', 'project_id', 'created_at'])
    .execute();

  await innodb(
    db.schema
      .createTable('guidance_answers')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('comment_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('author_open_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('body', longText, (c) => c.notNull())
      .addColumn('form_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addUniqueConstraint('guidance_answers_form_uq', ['comment_id', 'form_key']),
  ).execute();
  await db.schema
    .createIndex('guidance_answers_competition_idx')
    .on('guidance_answers')
    .columns(['competition_id', 'created_at'])
    .execute();

  await innodb(
    db.schema
      .createTable('attachments')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('subject', 'varchar(16)', (c) => c.notNull())
      .addColumn('subject_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('message_id', 'varchar(100)', (c) => c.notNull())
      .addColumn('resource_key', 'varchar(200)', (c) => c.notNull())
      .addColumn('resource_type', 'varchar(8)', (c) => c.notNull())
      .addColumn('file_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('size_bytes', 'bigint', (c) => c.notNull())
      .addColumn('content_type', 'varchar(100)', (c) => c.notNull())
      .addColumn('added_by', 'varchar(64)', (c) => c.notNull())
      .addColumn('added_at', instant, (c) => c.notNull())
      .addColumn('removed_by', 'varchar(64)')
      .addColumn('removed_at', instant)
      .addUniqueConstraint('attachments_resource_uq', ['message_id', 'resource_key']),
  ).execute();
  await db.schema
    .createIndex('attachments_subject_idx')
    .on('attachments')
    .columns(['competition_id', 'project_id', 'subject', 'subject_key'])
    .execute();

  await innodb(
    db.schema
      .createTable('attach_targets')
      .addColumn('message_id', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('open_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('subject', 'varchar(16)', (c) => c.notNull())
      .addColumn('subject_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull()),
  ).execute();
  await db.schema
    .createIndex('attach_targets_person_idx')
    .on('attach_targets')
    .columns(['competition_id', 'open_id', 'created_at'])
    .execute();

  await innodb(
    db.schema
      .createTable('judge_digests')
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('open_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('day', 'varchar(10)', (c) => c.notNull())
      .addColumn('covered_until', instant, (c) => c.notNull())
      .addColumn('items', 'integer', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addPrimaryKeyConstraint('judge_digests_pk', ['competition_id', 'open_id', 'day']),
  ).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['judge_digests', 'attach_targets', 'attachments', 'guidance_answers', 'guidance_comments'])
    await db.schema.dropTable(t).ifExists().execute();
}
