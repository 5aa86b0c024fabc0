/**
 * Reports and self-evaluations in the database. Every submission is a new revision row (unique per project, period
 * and revision), so history is never overwritten and two concurrent submissions cannot both become revision n.
 */
import { numberRecord, stringList } from '../../platform/json';
import type { Bound, Repository } from '../../platform/store';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { isUniqueViolation } from '../../platform/db';
import { newId } from '../../platform/ids';
import { fromDbInstant, toDbInstant } from '../../platform/instant';
import { prepare } from '../../platform/prepared';
import { recordAudit } from '../../core/audit.repository';
import type { ReportFields } from '../../../cards/reports.form';

export interface StoredReport extends ReportFields {
  id: string;
  projectId: string;
  period: string;
  revision: number;
  late: boolean;
  submittedBy: string;
  submittedAt: number;
}

const toReport = (r: Database['reports']): StoredReport => ({
  id: r.id,
  projectId: r.project_id,
  period: r.period_code,
  revision: r.revision,
  workDone: r.work_done,
  results: r.results,
  completion: r.completion,
  evidence: stringList(r.evidence),
  problems: r.problems,
  late: r.late === 1,
  submittedBy: r.submitted_by,
  submittedAt: fromDbInstant(r.submitted_at),
});

const selectLastRevision = prepare(['projectId', 'period'], (db, v: { projectId: string; period: string }) =>
  db
    .selectFrom('reports')
    .select((eb) => eb.fn.max('revision').as('n'))
    .where('project_id', '=', v.projectId)
    .where('period_code', '=', v.period),
);

export async function revisionCount(db: Kysely<Database>, projectId: string, period: string): Promise<number> {
  const r = (await selectLastRevision(db, { projectId, period })).rows[0];
  return Number(r?.n ?? 0);
}

/** The project's most recent report, whatever the period: what the next form is pre-filled with. */
export async function lastReport(db: Kysely<Database>, projectId: string): Promise<StoredReport | undefined> {
  const r = await db
    .selectFrom('reports')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('submitted_at', 'desc')
    .orderBy('revision', 'desc')
    .executeTakeFirst();
  return r && toReport(r);
}

/** Every revision of every report of a project. */
export async function reportsOf(db: Kysely<Database>, projectId: string): Promise<StoredReport[]> {
  const rows = await db
    .selectFrom('reports')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('submitted_at')
    .orderBy('revision')
    .execute();
  return rows.map(toReport);
}

/**
 * For each (project, period) that has a report: the instant of its first revision. Keys `projectId|period`.
 * Narrowed to one period and/or some projects when given.
 */
export async function firstReportTimes(
  db: Kysely<Database>,
  competitionId: string,
  period?: string,
  projectIds?: readonly string[],
): Promise<Map<string, number>> {
  if (projectIds && !projectIds.length) return new Map();
  let q = db
    .selectFrom('reports')
    .select(['project_id', 'period_code', (eb) => eb.fn.min('submitted_at').as('first')])
    .where('competition_id', '=', competitionId)
    .groupBy(['project_id', 'period_code']);
  if (period) q = q.where('period_code', '=', period);
  if (projectIds) q = q.where('project_id', 'in', projectIds);
  const rows = await q.execute();
  return new Map(rows.map((r) => [`${r.project_id}|${r.period_code}`, fromDbInstant(String(r.first))]));
}

/** Thrown when another submission took this revision number a moment ago. */
export class RevisionTaken extends Error {}

const REPORT_COLUMNS = [
  'id',
  'competition_id',
  'project_id',
  'period_code',
  'revision',
  'work_done',
  'results',
  'completion',
  'evidence',
  'problems',
  'late',
  'submitted_by',
  'submitted_at',
] as const;
const insertReportRow = prepare([...REPORT_COLUMNS], (db, v: Database['reports']) =>
  db.insertInto('reports').values(v),
);

export async function insertReport(
  db: Kysely<Database>,
  r: {
    competitionId: string;
    projectId: string;
    projectCode: string;
    period: string;
    revision: number;
    late: boolean;
    fields: ReportFields;
    actor: string;
    now: number;
  },
): Promise<StoredReport> {
  const row: Database['reports'] = {
    id: newId('rpt'),
    competition_id: r.competitionId,
    project_id: r.projectId,
    period_code: r.period,
    revision: r.revision,
    work_done: r.fields.workDone,
    results: r.fields.results,
    completion: r.fields.completion,
    evidence: JSON.stringify(r.fields.evidence),
    problems: r.fields.problems,
    late: r.late ? 1 : 0,
    submitted_by: r.actor,
    submitted_at: toDbInstant(r.now),
  };
  try {
    await db.transaction().execute(async (trx) => {
      await insertReportRow(trx, row);
      await recordAudit(trx, {
        competitionId: r.competitionId,
        actor: r.actor,
        action: r.revision > 1 ? 'report.revise' : 'report.submit',
        entityType: 'report',
        entityId: `${r.projectCode}/${r.period}/${r.revision}`,
        after: { ...r.fields, late: r.late },
        at: r.now,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new RevisionTaken();
    throw err;
  }
  return toReport(row);
}

export interface StoredSelfEvaluation {
  projectId: string;
  period: string;
  revision: number;
  scores: Record<string, number>;
  justification: string;
  late: boolean;
  submittedBy: string;
  submittedAt: number;
}

const toSelfEvaluation = (r: Database['self_evaluations']): StoredSelfEvaluation => ({
  projectId: r.project_id,
  period: r.period_code,
  revision: r.revision,
  scores: numberRecord(r.scores),
  justification: r.justification,
  late: r.late === 1,
  submittedBy: r.submitted_by,
  submittedAt: fromDbInstant(r.submitted_at),
});

export async function selfEvaluationRevisions(
  db: Kysely<Database>,
  projectId: string,
  period: string,
): Promise<number> {
  const r = await db
    .selectFrom('self_evaluations')
    .select((eb) => eb.fn.max('revision').as('n'))
    .where('project_id', '=', projectId)
    .where('period_code', '=', period)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The latest self-evaluation of a project per period. */
export async function latestSelfEvaluations(db: Kysely<Database>, projectId: string): Promise<StoredSelfEvaluation[]> {
  const rows = await db
    .selectFrom('self_evaluations')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('period_code')
    .orderBy('revision', 'desc')
    .execute();
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.period_code) && seen.add(r.period_code)).map(toSelfEvaluation);
}

/** The latest self-evaluation of each of these projects for one period. */
export async function latestSelfEvaluationsFor(
  db: Kysely<Database>,
  projectIds: readonly string[],
  period: string,
): Promise<Map<string, StoredSelfEvaluation>> {
  if (!projectIds.length) return new Map();
  const rows = await db
    .selectFrom('self_evaluations')
    .selectAll()
    .where('project_id', 'in', projectIds)
    .where('period_code', '=', period)
    .orderBy('revision', 'desc')
    .execute();
  const out = new Map<string, StoredSelfEvaluation>();
  for (const r of rows) if (!out.has(r.project_id)) out.set(r.project_id, toSelfEvaluation(r));
  return out;
}

export async function insertSelfEvaluation(
  db: Kysely<Database>,
  r: {
    competitionId: string;
    projectId: string;
    projectCode: string;
    period: string;
    revision: number;
    late: boolean;
    scores: Record<string, number>;
    justification: string;
    actor: string;
    now: number;
  },
): Promise<void> {
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('self_evaluations')
        .values({
          id: newId('sev'),
          competition_id: r.competitionId,
          project_id: r.projectId,
          period_code: r.period,
          revision: r.revision,
          scores: JSON.stringify(r.scores),
          justification: r.justification,
          late: r.late ? 1 : 0,
          submitted_by: r.actor,
          submitted_at: toDbInstant(r.now),
        })
        .execute();
      await recordAudit(trx, {
        competitionId: r.competitionId,
        actor: r.actor,
        action: 'self-evaluation.submit',
        entityType: 'self_evaluation',
        entityId: `${r.projectCode}/${r.period}/${r.revision}`,
        after: { scores: r.scores, justification: r.justification, late: r.late },
        at: r.now,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new RevisionTaken();
    throw err;
  }
}

/** The projects with a report (or, `selfEvaluation`, a self-evaluation) for the period. */
export async function projectsThatReported(
  db: Kysely<Database>,
  competitionId: string,
  period: string,
  kind: 'report' | 'selfEvaluation',
): Promise<Set<string>> {
  const rows = await db
    .selectFrom(kind === 'report' ? 'reports' : 'self_evaluations')
    .select('project_id')
    .distinct()
    .where('competition_id', '=', competitionId)
    .where('period_code', '=', period)
    .execute();
  return new Set(rows.map((r) => r.project_id));
}

/** Every revision of every report of these projects. */
export async function reportsOfProjects(
  db: Kysely<Database>,
  projectIds: readonly string[],
): Promise<Array<Omit<StoredReport, 'id'>>> {
  if (!projectIds.length) return [];
  const rows = await db.selectFrom('reports').selectAll().where('project_id', 'in', projectIds).execute();
  return rows.map((r) => {
    const { id: _, ...report } = toReport(r);
    return report;
  });
}

/** Every revision of every self-evaluation of these projects. */
export async function selfEvaluationsOfProjects(
  db: Kysely<Database>,
  projectIds: readonly string[],
): Promise<StoredSelfEvaluation[]> {
  if (!projectIds.length) return [];
  const rows = await db.selectFrom('self_evaluations').selectAll().where('project_id', 'in', projectIds).execute();
  return rows.map(toSelfEvaluation);
}

/** Who submitted the competition's reports and self-evaluations: every distinct `submitted_by`. */
export async function reportAuthors(db: Kysely<Database>, competitionId: string): Promise<string[]> {
  const [reports, selfs] = await Promise.all([
    db.selectFrom('reports').select('submitted_by').distinct().where('competition_id', '=', competitionId).execute(),
    db
      .selectFrom('self_evaluations')
      .select('submitted_by')
      .distinct()
      .where('competition_id', '=', competitionId)
      .execute(),
  ]);
  return [...new Set([...reports, ...selfs].map((r) => r.submitted_by))].sort();
}

/**
 * Deletes every report and self-evaluation of the competition (the playground's `demo seed`, replacing its own
 * season; nothing in the bot deletes a report). Returns how many rows went.
 */
export async function deleteReportsOf(db: Kysely<Database>, competitionId: string): Promise<number> {
  const reports = await db.deleteFrom('reports').where('competition_id', '=', competitionId).executeTakeFirst();
  const selfs = await db.deleteFrom('self_evaluations').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(reports.numDeletedRows) + Number(selfs.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const reportsRepository = {
  revisionCount,
  lastReport,
  reportsOf,
  firstReportTimes,
  insertReport,
  selfEvaluationRevisions,
  latestSelfEvaluations,
  latestSelfEvaluationsFor,
  insertSelfEvaluation,
  projectsThatReported,
  reportsOfProjects,
  selfEvaluationsOfProjects,
  reportAuthors,
  deleteReportsOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    reports: Bound<typeof reportsRepository>;
  }
}
