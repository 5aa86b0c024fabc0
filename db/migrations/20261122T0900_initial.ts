/**
 * Frozen: never edit a migration once it has shipped; add a new one.
 * The initial schema covers the whole competition (see the README); later capabilities add tables.
 */
import { sql, type Kysely, type CreateTableBuilder, MysqlAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const instant = mysql ? sql`datetime(3)` : sql`text`;
  const longText = mysql ? sql`mediumtext` : sql`text`;
  const table = (name: string) => {
    const t = db.schema.createTable(name);
    // utf8mb4 for Chinese names and emoji; InnoDB for transactions and row locks.
    return mysql ? t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`) : t;
  };
  const done = async (t: CreateTableBuilder<any, any>) => t.execute();

  await done(
    table('competitions')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('name_en', 'varchar(200)', (c) => c.notNull())
      .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
      .addColumn('definition', longText, (c) => c.notNull())
      .addColumn('definition_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('updated_at', instant, (c) => c.notNull()),
  );

  await done(
    table('stages')
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('code', 'varchar(32)', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('name_en', 'varchar(100)', (c) => c.notNull())
      .addColumn('starts_on', 'varchar(10)', (c) => c.notNull())
      .addColumn('ends_on', 'varchar(10)', (c) => c.notNull())
      .addColumn('starts_at', instant, (c) => c.notNull())
      .addColumn('ends_at', instant, (c) => c.notNull())
      .addPrimaryKeyConstraint('stages_pk', ['competition_id', 'code']),
  );

  await done(
    table('tracks')
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('code', 'varchar(16)', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('name_en', 'varchar(200)', (c) => c.notNull())
      .addColumn('aspects', 'text', (c) => c.notNull())
      .addColumn('department', 'varchar(200)', (c) => c.notNull())
      .addColumn('quota_collectives', 'integer', (c) => c.notNull())
      .addColumn('quota_individuals', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('tracks_pk', ['competition_id', 'code']),
  );

  await done(
    table('units')
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('code', 'varchar(16)', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('short_name', 'varchar(50)', (c) => c.notNull())
      .addColumn('aliases', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('units_pk', ['competition_id', 'code']),
  );

  await done(
    table('people')
      .addColumn('open_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(100)')
      .addColumn('email', 'varchar(200)')
      .addColumn('mobile', 'varchar(32)')
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('updated_at', instant, (c) => c.notNull()),
  );

  await done(
    table('role_grants')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('open_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('role', 'varchar(16)', (c) => c.notNull())
      .addColumn('scope', 'varchar(32)', (c) => c.notNull())
      .addColumn('source', 'varchar(16)', (c) => c.notNull())
      .addColumn('granted_by', 'varchar(64)')
      .addColumn('created_at', instant, (c) => c.notNull())
      .addUniqueConstraint('role_grants_uq', ['competition_id', 'open_id', 'role', 'scope']),
  );
  await db.schema
    .createIndex('role_grants_scope_idx')
    .on('role_grants')
    .columns(['competition_id', 'role', 'scope'])
    .execute();

  await done(
    table('chats')
      .addColumn('chat_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)')
      .addColumn('name', 'varchar(200)')
      .addColumn('chat_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
      .addColumn('unit_code', 'varchar(16)')
      .addColumn('bot_present', 'integer', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('updated_at', instant, (c) => c.notNull()),
  );

  await done(
    table('projects')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('code', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('unit_code', 'varchar(16)', (c) => c.notNull())
      .addColumn('track_code', 'varchar(16)', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('slot', 'integer')
      .addColumn('active_name', 'varchar(200)')
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('lead_name', 'varchar(100)', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('goals', 'text', (c) => c.notNull())
      .addColumn('phone', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('updated_at', instant, (c) => c.notNull())
      .addColumn('withdrawn_at', instant)
      // NULLs are distinct in both engines: withdrawn projects free their slot and their name.
      .addUniqueConstraint('projects_slot_uq', ['competition_id', 'unit_code', 'track_code', 'slot'])
      .addUniqueConstraint('projects_seq_uq', ['competition_id', 'unit_code', 'track_code', 'seq'])
      .addUniqueConstraint('projects_name_uq', ['competition_id', 'unit_code', 'active_name']),
  );
  await db.schema.createIndex('projects_track_idx').on('projects').columns(['competition_id', 'track_code']).execute();

  await done(
    table('reports')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('period_code', 'varchar(32)', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('work_done', 'text', (c) => c.notNull())
      .addColumn('results', 'text', (c) => c.notNull())
      .addColumn('completion', 'integer', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('problems', 'text', (c) => c.notNull())
      .addColumn('late', 'integer', (c) => c.notNull())
      .addColumn('submitted_by', 'varchar(64)', (c) => c.notNull())
      .addColumn('submitted_at', instant, (c) => c.notNull())
      .addUniqueConstraint('reports_revision_uq', ['project_id', 'period_code', 'revision']),
  );
  await db.schema.createIndex('reports_period_idx').on('reports').columns(['competition_id', 'period_code']).execute();

  await done(
    table('scores')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('judge_open_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('criteria', 'text', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('recused', 'integer', (c) => c.notNull())
      .addColumn('recusal_reason', 'text', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('updated_at', instant, (c) => c.notNull())
      .addUniqueConstraint('scores_judge_uq', ['project_id', 'judge_open_id']),
  );

  await done(
    table('awards')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('track_code', 'varchar(16)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('project_id', 'varchar(32)')
      .addColumn('nominee_name', 'varchar(200)', (c) => c.notNull())
      .addColumn('unit_code', 'varchar(16)', (c) => c.notNull())
      .addColumn('status', 'varchar(24)', (c) => c.notNull())
      .addColumn('nominated_by', 'varchar(64)', (c) => c.notNull())
      .addColumn('decided_by', 'varchar(64)')
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('updated_at', instant, (c) => c.notNull()),
  );

  await done(
    table('receipts')
      .addColumn('kind', 'varchar(32)', (c) => c.notNull())
      .addColumn('receipt_key', 'varchar(191)', (c) => c.notNull())
      .addColumn('created_at', instant, (c) => c.notNull())
      .addPrimaryKeyConstraint('receipts_pk', ['kind', 'receipt_key']),
  );

  await done(
    table('outbox')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('uuid', 'varchar(50)', (c) => c.notNull().unique())
      .addColumn('competition_id', 'varchar(64)')
      .addColumn('purpose', 'varchar(64)', (c) => c.notNull())
      .addColumn('op', 'varchar(16)', (c) => c.notNull())
      .addColumn('receive_id_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('receive_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('rate_key', 'varchar(160)', (c) => c.notNull())
      .addColumn('msg_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('content', longText, (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', instant, (c) => c.notNull())
      .addColumn('lease_owner', 'varchar(64)')
      .addColumn('lease_until', instant)
      .addColumn('last_error', 'text')
      .addColumn('message_id', 'varchar(64)')
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('sent_at', instant),
  );
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await done(
    table('reminder_occurrences')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('rule', 'varchar(64)', (c) => c.notNull())
      .addColumn('deadline_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('unit_code', 'varchar(16)', (c) => c.notNull())
      .addColumn('step', 'varchar(32)', (c) => c.notNull())
      .addColumn('due_at', instant, (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('outbox_uuid', 'varchar(50)')
      .addColumn('created_at', instant, (c) => c.notNull())
      .addColumn('updated_at', instant, (c) => c.notNull())
      .addUniqueConstraint('reminder_occurrences_uq', ['competition_id', 'rule', 'deadline_key', 'unit_code', 'step']),
  );

  await done(
    table('audit_log')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('competition_id', 'varchar(64)')
      .addColumn('actor', 'varchar(64)', (c) => c.notNull())
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('entity_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('entity_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('before_json', longText)
      .addColumn('after_json', longText)
      .addColumn('at', instant, (c) => c.notNull()),
  );
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['competition_id', 'at']).execute();

  await done(
    table('leases')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('owner', 'varchar(64)', (c) => c.notNull())
      .addColumn('expires_at', instant, (c) => c.notNull()),
  );

  await done(
    table('cron_runs')
      .addColumn('slot', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('owner', 'varchar(64)', (c) => c.notNull())
      .addColumn('at', instant, (c) => c.notNull()),
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'cron_runs',
    'leases',
    'audit_log',
    'reminder_occurrences',
    'outbox',
    'receipts',
    'awards',
    'scores',
    'reports',
    'projects',
    'chats',
    'role_grants',
    'people',
    'units',
    'tracks',
    'stages',
    'competitions',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
