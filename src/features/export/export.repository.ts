/**
 * Reads for the records export. Everything is read in pages, so that memory holds one page of rows at a time however
 * large the competition: reports, self-evaluations and score sheets by batches of projects (in sheet order), the
 * audit log by keyset on (at, id). Row types stay here; the rules see plain records.
 */
import type { Bound, Repository } from '../../platform/store';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { fromDbInstant } from '../../platform/instant';
import type {
  AuditRow,
  AwardRecord,
  ProjectRecord,
  ReportRecord,
  ScoreRecord,
  SelfEvaluationRecord,
} from './export.rules';

type Db = Kysely<Database>;

/** Projects per query when reading their reports, self-evaluations and sheets (well under any IN-list limit). */
export const PROJECT_BATCH = 100;
/** Audit entries per query. */
export const AUDIT_PAGE = 1_000;

const instantOrNull = (v: string | null) => (v ? fromDbInstant(v) : null);

function jsonScores(raw: string): Record<string, number> {
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(Object.entries(v).filter(([, n]) => typeof n === 'number')) as Record<string, number>;
  } catch {
    // A damaged row exports as an empty sheet rather than stopping the export.
  }
  return {};
}

function jsonList(raw: string): string[] {
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.map(String) : [raw];
  } catch {
    return raw ? [raw] : [];
  }
}

/** Every project of the competition (withdrawn ones too), optionally of one track. At most units × tracks × 2 rows. */
export async function exportProjects(db: Db, competitionId: string, track?: string): Promise<ProjectRecord[]> {
  let q = db
    .selectFrom('projects')
    .select([
      'id',
      'code',
      'unit_code',
      'track_code',
      'name',
      'lead_name',
      'summary',
      'goals',
      'phone',
      'status',
      'created_by',
      'created_at',
      'updated_at',
      'withdrawn_at',
    ])
    .where('competition_id', '=', competitionId);
  if (track) q = q.where('track_code', '=', track);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    unit: r.unit_code,
    track: r.track_code,
    name: r.name,
    lead: r.lead_name,
    summary: r.summary,
    goals: r.goals,
    phone: r.phone,
    status: r.status,
    createdBy: r.created_by,
    createdAt: fromDbInstant(r.created_at),
    updatedAt: fromDbInstant(r.updated_at),
    withdrawnAt: instantOrNull(r.withdrawn_at),
  }));
}

/** Every revision of every report of these projects. */
export async function reportsOfProjects(db: Db, projectIds: readonly string[]): Promise<ReportRecord[]> {
  if (!projectIds.length) return [];
  const rows = await db
    .selectFrom('reports')
    .select([
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
    ])
    .where('project_id', 'in', projectIds)
    .execute();
  return rows.map((r) => ({
    projectId: r.project_id,
    period: r.period_code,
    revision: r.revision,
    workDone: r.work_done,
    results: r.results,
    completion: r.completion,
    evidence: jsonList(r.evidence),
    problems: r.problems,
    late: r.late === 1,
    submittedBy: r.submitted_by,
    submittedAt: fromDbInstant(r.submitted_at),
  }));
}

/** Every revision of every self-evaluation of these projects. */
export async function selfEvaluationsOfProjects(
  db: Db,
  projectIds: readonly string[],
): Promise<SelfEvaluationRecord[]> {
  if (!projectIds.length) return [];
  const rows = await db
    .selectFrom('self_evaluations')
    .select([
      'project_id',
      'period_code',
      'revision',
      'scores',
      'justification',
      'late',
      'submitted_by',
      'submitted_at',
    ])
    .where('project_id', 'in', projectIds)
    .execute();
  return rows.map((r) => ({
    projectId: r.project_id,
    period: r.period_code,
    revision: r.revision,
    scores: jsonScores(r.scores),
    justification: r.justification,
    late: r.late === 1,
    submittedBy: r.submitted_by,
    submittedAt: fromDbInstant(r.submitted_at),
  }));
}

/** Every judge's sheet (recusals included) of these projects. */
export async function scoresOfProjects(db: Db, projectIds: readonly string[]): Promise<ScoreRecord[]> {
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
    scores: jsonScores(r.criteria),
    comment: r.comment,
    recused: r.recused === 1,
    recusalReason: r.recusal_reason,
    createdAt: fromDbInstant(r.created_at),
    updatedAt: fromDbInstant(r.updated_at),
  }));
}

/**
 * Every row of the awards table with all its columns, whatever migrations have added (selectAll), by track, kind
 * and creation. At most a few times the award quota, so one query.
 */
export async function exportAwards(db: Db, competitionId: string, track?: string): Promise<AwardRecord[]> {
  let q = db.selectFrom('awards').selectAll().where('competition_id', '=', competitionId);
  if (track) q = q.where('track_code', '=', track);
  const rows = await q.orderBy('track_code').orderBy('kind').orderBy('created_at').orderBy('id').execute();
  return rows as unknown as AwardRecord[];
}

/** The audit log of the competition, oldest first, a page at a time (keyset on at, id: stable under new inserts). */
export async function* auditPages(db: Db, competitionId: string, pageSize = AUDIT_PAGE): AsyncGenerator<AuditRow[]> {
  let after: { at: string; id: string } | undefined;
  for (;;) {
    let q = db
      .selectFrom('audit_log')
      .select(['id', 'actor', 'action', 'entity_type', 'entity_id', 'before_json', 'after_json', 'at'])
      .where('competition_id', '=', competitionId);
    if (after) {
      const { at, id } = after;
      q = q.where((eb) => eb.or([eb('at', '>', at), eb.and([eb('at', '=', at), eb('id', '>', id)])]));
    }
    const rows = await q.orderBy('at').orderBy('id').limit(pageSize).execute();
    if (!rows.length) return;
    yield rows.map((r) => ({
      actor: r.actor,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before_json,
      after: r.after_json,
      at: fromDbInstant(r.at),
    }));
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}

/** Known names of people (open_id → name), for "name (open_id)" cells. The people table holds those the bot has met. */
export async function allPeopleNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('people').select(['open_id', 'name']).where('name', 'is not', null).execute();
  return new Map(rows.map((r) => [r.open_id, r.name!]));
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const exportRepository = {
  auditPages,
  exportProjects,
  reportsOfProjects,
  selfEvaluationsOfProjects,
  scoresOfProjects,
  exportAwards,
  allPeopleNames,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    export: Bound<typeof exportRepository>;
  }
}
