/**
 * Judges' score sheets in the database: one row per (project, judge), held by the unique key scores_judge_uq. A
 * revision updates the row; what it was before is in the audit record written in the same transaction, so the
 * history of every sheet can be read back from the audit log. Concurrent first submissions of the same sheet (a
 * double click, two devices) meet at the unique key: the loser reads again and revises.
 */
import { numberRecord } from '../../platform/json';
import type { Bound, Repository } from '../../platform/store';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { dialectOf, isLockConflict, isUniqueViolation } from '../../platform/db';
import { newId } from '../../platform/ids';
import { fromDbInstant, toDbInstant } from '../../platform/instant';
import { recordAudit } from '../../core/audit.repository';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredSheet {
  projectId: string;
  judge: string;
  /** Criterion code → score; empty for a recusal. */
  scores: Record<string, number>;
  comment: string;
  recused: boolean;
  recusalReason: string;
  updatedAt: number;
}

type Row = Pick<
  Database['scores'],
  'project_id' | 'judge_open_id' | 'criteria' | 'comment' | 'recused' | 'recusal_reason' | 'updated_at'
>;
const COLUMNS = [
  'project_id',
  'judge_open_id',
  'criteria',
  'comment',
  'recused',
  'recusal_reason',
  'updated_at',
] as const;

const toSheet = (r: Row): StoredSheet => ({
  projectId: r.project_id,
  judge: r.judge_open_id,
  scores: numberRecord(r.criteria),
  comment: r.comment,
  recused: r.recused === 1,
  recusalReason: r.recusal_reason,
  updatedAt: fromDbInstant(r.updated_at),
});

export async function sheetOf(db: Db, projectId: string, judge: string): Promise<StoredSheet | undefined> {
  const r = await db
    .selectFrom('scores')
    .select(COLUMNS)
    .where('project_id', '=', projectId)
    .where('judge_open_id', '=', judge)
    .executeTakeFirst();
  return r && toSheet(r);
}

/** Every sheet a judge has left in the competition. */
export async function sheetsOfJudge(db: Db, competitionId: string, judge: string): Promise<StoredSheet[]> {
  const rows = await db
    .selectFrom('scores')
    .select(COLUMNS)
    .where('competition_id', '=', competitionId)
    .where('judge_open_id', '=', judge)
    .execute();
  return rows.map(toSheet);
}

/** Every sheet on the active projects of some tracks (all tracks when omitted), in a stable order. */
/** Every sheet of the competition, withdrawn projects' too (callers keep those of the projects they rank). */
export async function sheetsOfCompetition(db: Db, competitionId: string): Promise<StoredSheet[]> {
  const rows = await db
    .selectFrom('scores')
    .select(['project_id', 'judge_open_id', 'criteria', 'comment', 'recused', 'recusal_reason', 'updated_at'])
    .where('competition_id', '=', competitionId)
    .orderBy('project_id')
    .orderBy('judge_open_id')
    .execute();
  return rows.map(toSheet);
}

export type SheetChange =
  | { kind: 'score'; scores: Record<string, number>; comment: string }
  | { kind: 'recuse'; reason: string };

export type SaveOutcome = { kind: 'created' | 'revised' | 'unchanged'; sheet: StoredSheet } | { kind: 'busy' };

const sameSheet = (a: StoredSheet, change: SheetChange) =>
  change.kind === 'score'
    ? !a.recused && a.comment === change.comment && JSON.stringify(a.scores) === JSON.stringify(change.scores)
    : a.recused && a.recusalReason === change.reason;

/** What the audit keeps of a sheet. */
const auditView = (s: StoredSheet) =>
  s.recused ? { recused: true, reason: s.recusalReason } : { scores: s.scores, comment: s.comment };

/**
 * Stores a judge's score (or recusal) of a project, with its audit record, in one transaction: a first sheet is
 * `score.submit` (or `score.recuse`), a change `score.revise` with before and after; the same sheet again changes
 * nothing and writes no audit. A recusal keeps no scores: a judge who scores again after recusing starts afresh.
 */
export async function saveSheet(
  db: Kysely<Database>,
  s: { competitionId: string; project: { id: string; code: string }; judge: string; change: SheetChange; now: number },
): Promise<SaveOutcome> {
  const at = toDbInstant(s.now);
  const values =
    s.change.kind === 'score'
      ? { criteria: JSON.stringify(s.change.scores), comment: s.change.comment, recused: 0, recusal_reason: '' }
      : { criteria: '{}', comment: '', recused: 1, recusal_reason: s.change.reason };
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        let q = trx
          .selectFrom('scores')
          .select(COLUMNS)
          .where('project_id', '=', s.project.id)
          .where('judge_open_id', '=', s.judge);
        if (dialectOf(trx) === 'mysql') q = q.forUpdate();
        const found = await q.executeTakeFirst();
        const before = found && toSheet(found);
        if (before && sameSheet(before, s.change)) return { kind: 'unchanged', sheet: before } as const;
        if (before) {
          await trx
            .updateTable('scores')
            .set({ ...values, updated_at: at })
            .where('project_id', '=', s.project.id)
            .where('judge_open_id', '=', s.judge)
            .execute();
        } else {
          await trx
            .insertInto('scores')
            .values({
              id: newId('scr'),
              competition_id: s.competitionId,
              project_id: s.project.id,
              judge_open_id: s.judge,
              ...values,
              created_at: at,
              updated_at: at,
            })
            .execute();
        }
        const sheet: StoredSheet = {
          projectId: s.project.id,
          judge: s.judge,
          scores: s.change.kind === 'score' ? s.change.scores : {},
          comment: values.comment,
          recused: values.recused === 1,
          recusalReason: values.recusal_reason,
          updatedAt: s.now,
        };
        const action = !before
          ? s.change.kind === 'score'
            ? 'score.submit'
            : 'score.recuse'
          : s.change.kind === 'recuse'
            ? 'score.recuse'
            : 'score.revise';
        await recordAudit(trx, {
          competitionId: s.competitionId,
          actor: s.judge,
          action,
          entityType: 'score',
          entityId: `${s.project.code}/${s.judge}`,
          before: before ? auditView(before) : null,
          after: auditView(sheet),
          at: s.now,
        });
        return { kind: before ? 'revised' : 'created', sheet } as const;
      });
    } catch (err) {
      // Another submission created the row a moment ago, or the engine chose us as a deadlock victim: read again.
      if (isUniqueViolation(err) || isLockConflict(err)) continue;
      throw err;
    }
  }
  return { kind: 'busy' };
}

/** Every sheet of the competition as `<judge>|<project>` (a recusal is a sheet too). */
export async function sheetKeys(db: Db, competitionId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('scores')
    .select(['project_id', 'judge_open_id'])
    .where('competition_id', '=', competitionId)
    .execute();
  return new Set(rows.map((r) => `${r.judge_open_id}|${r.project_id}`));
}

/** Every judge's sheet (recusals included) of these projects. */
export async function scoresOfProjects(
  db: Db,
  projectIds: readonly string[],
): Promise<Array<StoredSheet & { createdAt: number }>> {
  if (!projectIds.length) return [];
  const rows = await db
    .selectFrom('scores')
    .select([
      'project_id',
      'judge_open_id',
      'criteria',
      'comment',
      'recused',
      'recusal_reason',
      'created_at',
      'updated_at',
    ])
    .where('project_id', 'in', projectIds)
    .orderBy('judge_open_id')
    .execute();
  return rows.map((r) => ({
    projectId: r.project_id,
    judge: r.judge_open_id,
    scores: numberRecord(r.criteria),
    comment: r.comment,
    recused: r.recused === 1,
    recusalReason: r.recusal_reason,
    createdAt: fromDbInstant(r.created_at),
    updatedAt: fromDbInstant(r.updated_at),
  }));
}

/** The judges who left a sheet (a score or a recusal) in the competition. */
export async function sheetJudges(db: Db, competitionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('scores')
    .select('judge_open_id')
    .distinct()
    .where('competition_id', '=', competitionId)
    .execute();
  return rows.map((r) => r.judge_open_id).sort();
}

/** Deletes every sheet of the competition (the playground's `demo seed`, replacing its own season). How many went. */
export async function deleteSheetsOf(db: Db, competitionId: string): Promise<number> {
  const r = await db.deleteFrom('scores').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const scoresRepository = {
  sheetOf,
  sheetsOfJudge,
  sheetsOfCompetition,
  saveSheet,
  sheetKeys,
  scoresOfProjects,
  sheetJudges,
  deleteSheetsOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    scores: Bound<typeof scoresRepository>;
  }
}
