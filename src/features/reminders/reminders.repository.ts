/**
 * What the reminders remember: one reminder_occurrences row per (rule, deadline, subject, step) sent or planned (its
 * unique key makes a reminder exactly once across servers and repeated ticks; a snooze is a planned row), and the
 * units whose reminders the office paused (reminder_pauses; '' pauses everyone).
 */
import type { Bound, Repository } from '../../platform/store';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { insertIfAbsent, madeRow } from '../../platform/db';
import { newId } from '../../platform/ids';
import { fromDbInstant, toDbInstant } from '../../platform/instant';

type Db = Kysely<Database> | Transaction<Database>;

export interface OccurrenceKey {
  competitionId: string;
  rule: string;
  /** The deadline's key within its rule (a period code, a stage). */
  key: string;
  /** The unit (or '' for the office's digest). */
  subject: string;
  step: string;
}

/** Records an occurrence; true when this call made it (so it, and only it, enqueues the messages). */
export async function recordOccurrence(
  db: Db,
  row: OccurrenceKey & { dueAt: number; status: 'sent' | 'planned' },
  now: number,
): Promise<boolean> {
  const at = toDbInstant(now);
  const insert = db.insertInto('reminder_occurrences').values({
    id: newId('rem'),
    competition_id: row.competitionId,
    rule: row.rule,
    deadline_key: row.key,
    unit_code: row.subject,
    step: row.step,
    due_at: toDbInstant(row.dueAt),
    status: row.status,
    outbox_uuid: null,
    created_at: at,
    updated_at: at,
  });
  return madeRow(
    await insertIfAbsent(db, insert, [
      'competition_id',
      'rule',
      'deadline_key',
      'unit_code',
      'step',
    ]).executeTakeFirstOrThrow(),
  );
}

/** The steps already recorded for a deadline, as `<subject>|<step>`. */
export async function recordedSteps(db: Db, competitionId: string, rule: string, key: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('reminder_occurrences')
    .select(['unit_code', 'step'])
    .where('competition_id', '=', competitionId)
    .where('rule', '=', rule)
    .where('deadline_key', '=', key)
    .execute();
  return new Set(rows.map((r) => `${r.unit_code}|${r.step}`));
}

export interface PlannedSnooze {
  id: string;
  competitionId: string;
  rule: string;
  key: string;
  subject: string;
  step: string;
  createdAt: number;
}

/** Snoozes whose time has come. */
export async function dueSnoozes(db: Db, competitionId: string, now: number): Promise<PlannedSnooze[]> {
  const rows = await db
    .selectFrom('reminder_occurrences')
    .selectAll()
    .where('competition_id', '=', competitionId)
    .where('status', '=', 'planned')
    .where('due_at', '<=', toDbInstant(now))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    competitionId: r.competition_id,
    rule: r.rule,
    key: r.deadline_key,
    subject: r.unit_code,
    step: r.step,
    createdAt: fromDbInstant(r.created_at),
  }));
}

/** Settles a planned snooze as sent or skipped; true when this call settled it (another server may have). */
export async function settleSnooze(db: Db, id: string, status: 'sent' | 'skipped', now: number): Promise<boolean> {
  const u = await db
    .updateTable('reminder_occurrences')
    .set({ status, updated_at: toDbInstant(now) })
    .where('id', '=', id)
    .where('status', '=', 'planned')
    .executeTakeFirst();
  return Number(u.numUpdatedRows) === 1;
}

/** Whether a regular step (not a snooze, a digest or an escalation) of the same obligation was sent since the snooze was set. */
export async function regularReminderSince(db: Db, snooze: PlannedSnooze): Promise<boolean> {
  const row = await db
    .selectFrom('reminder_occurrences')
    .select('id')
    .where('competition_id', '=', snooze.competitionId)
    .where('rule', '=', snooze.rule)
    .where('deadline_key', '=', snooze.key)
    .where('unit_code', '=', snooze.subject)
    .where('status', '=', 'sent')
    .where('step', 'not like', 'snooze:%')
    .where('step', 'not in', ['digest', 'escalate'])
    .where('created_at', '>=', toDbInstant(snooze.createdAt))
    .executeTakeFirst();
  return row !== undefined;
}

/** A unit's snoozes of one deadline, planned or settled. */
export async function snoozesOf(
  db: Db,
  competitionId: string,
  rule: string,
  key: string,
  unit: string,
): Promise<Array<{ step: string; status: string }>> {
  return db
    .selectFrom('reminder_occurrences')
    .select(['step', 'status'])
    .where('competition_id', '=', competitionId)
    .where('rule', '=', rule)
    .where('deadline_key', '=', key)
    .where('unit_code', '=', unit)
    .where('step', 'like', 'snooze:%')
    .execute();
}

/** Reminders sent since `since` (the office's plan shows what went). */
export async function sentSince(
  db: Db,
  competitionId: string,
  since: number,
): Promise<Array<{ rule: string; key: string; step: string; at: number }>> {
  const rows = await db
    .selectFrom('reminder_occurrences')
    .select(['rule', 'deadline_key', 'step', 'created_at'])
    .where('competition_id', '=', competitionId)
    .where('status', '=', 'sent')
    .where('created_at', '>=', toDbInstant(since))
    .execute();
  return rows.map((r) => ({ rule: r.rule, key: r.deadline_key, step: r.step, at: fromDbInstant(r.created_at) }));
}

export async function pausedUnits(db: Db, competitionId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('reminder_pauses')
    .select('unit_code')
    .where('competition_id', '=', competitionId)
    .execute();
  return new Set(rows.map((r) => r.unit_code));
}

/** Pauses or resumes a unit's reminders ('' for everyone); true when that changed something. */
export async function setPaused(
  db: Db,
  p: { competitionId: string; unit: string; actor: string; paused: boolean },
  now: number,
): Promise<boolean> {
  if (p.paused) {
    const insert = db
      .insertInto('reminder_pauses')
      .values({ competition_id: p.competitionId, unit_code: p.unit, paused_by: p.actor, paused_at: toDbInstant(now) });
    return madeRow(await insertIfAbsent(db, insert, ['competition_id', 'unit_code']).executeTakeFirstOrThrow());
  }
  const r = await db
    .deleteFrom('reminder_pauses')
    .where('competition_id', '=', p.competitionId)
    .where('unit_code', '=', p.unit)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Who paused reminders in the competition (the pauses in force). */
export async function pausers(db: Db, competitionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('reminder_pauses')
    .select('paused_by')
    .distinct()
    .where('competition_id', '=', competitionId)
    .execute();
  return rows.map((r) => r.paused_by).sort();
}

/**
 * Forgets every reminder of the competition, sent, planned or snoozed, and its pauses (the playground's `demo seed`,
 * replacing its own season: a later season's occurrences would otherwise keep an earlier date's reminders from going).
 */
export async function deleteRemindersOf(db: Db, competitionId: string): Promise<number> {
  const sent = await db
    .deleteFrom('reminder_occurrences')
    .where('competition_id', '=', competitionId)
    .executeTakeFirst();
  const paused = await db.deleteFrom('reminder_pauses').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(sent.numDeletedRows) + Number(paused.numDeletedRows);
}

/** Of these deadline keys of a rule, those with any occurrence recorded (the question chases: one key per comment). */
export async function recordedKeys(
  db: Db,
  competitionId: string,
  rule: string,
  keys: readonly string[],
): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db
    .selectFrom('reminder_occurrences')
    .select('deadline_key')
    .distinct()
    .where('competition_id', '=', competitionId)
    .where('rule', '=', rule)
    .where('deadline_key', 'in', keys)
    .execute();
  return new Set(rows.map((r) => r.deadline_key));
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const remindersRepository = {
  recordedKeys,
  recordOccurrence,
  recordedSteps,
  dueSnoozes,
  settleSnooze,
  regularReminderSince,
  snoozesOf,
  sentSince,
  pausedUnits,
  setPaused,
  pausers,
  deleteRemindersOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    reminders: Bound<typeof remindersRepository>;
  }
}
