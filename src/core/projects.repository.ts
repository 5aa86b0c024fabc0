/**
 * Projects in the database. The per-track limit and the no-duplicate-name rule are enforced by unique keys
 * (slot and active_name, both NULL once withdrawn), so concurrent submissions cannot overshoot: the loser of a race
 * reads again and either takes the next free slot or is told the track is full.
 */
import type { Bound, Repository } from '../platform/store';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { isLockConflict, isUniqueViolation } from '../platform/db';
import { newId } from '../platform/ids';
import { fromDbInstant, toDbInstant } from '../platform/instant';
import { prepare } from '../platform/prepared';
import { recordAudit } from './audit.repository';
import { freeSlot, nameKey, projectCode, type ProjectFields } from './projects';

export interface Project extends ProjectFields {
  id: string;
  code: string;
  unit: string;
  track: string;
  status: 'active' | 'withdrawn';
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

type ProjectRow = Database['projects'];

function toProject(
  r: Pick<
    ProjectRow,
    | 'id'
    | 'code'
    | 'unit_code'
    | 'track_code'
    | 'name'
    | 'lead_name'
    | 'summary'
    | 'goals'
    | 'phone'
    | 'status'
    | 'created_by'
    | 'created_at'
    | 'updated_at'
  >,
): Project {
  return {
    id: r.id,
    code: r.code,
    unit: r.unit_code,
    track: r.track_code,
    name: r.name,
    lead: r.lead_name,
    summary: r.summary,
    goals: r.goals,
    phone: r.phone,
    status: r.status === 'withdrawn' ? 'withdrawn' : 'active',
    createdBy: r.created_by,
    createdAt: fromDbInstant(r.created_at),
    updatedAt: fromDbInstant(r.updated_at),
  };
}

const COLUMNS = [
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
] as const;

const selectProject = prepare(['competitionId', 'id'], (db, v: { competitionId: string; id: string }) =>
  db.selectFrom('projects').select(COLUMNS).where('competition_id', '=', v.competitionId).where('id', '=', v.id),
);

export async function findProject(
  db: Kysely<Database>,
  competitionId: string,
  id: string,
): Promise<Project | undefined> {
  const r = (await selectProject(db, { competitionId, id })).rows[0];
  return r && toProject(r);
}

/** The id of the project with this code (withdrawn ones too: a code is never reused), if any. */
export async function projectIdByCode(
  db: Kysely<Database>,
  competitionId: string,
  code: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('projects')
    .select('id')
    .where('competition_id', '=', competitionId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row?.id;
}

/** Code and name of each of these projects, by id. */
export async function projectLabels(
  db: Kysely<Database>,
  competitionId: string,
  ids: readonly string[],
): Promise<Map<string, { code: string; name: string }>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('projects')
    .select(['id', 'code', 'name'])
    .where('competition_id', '=', competitionId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }]));
}

/** The unit's active project with this name key (see nameKey), if any. */
export async function findActiveByName(
  db: Kysely<Database>,
  competitionId: string,
  unit: string,
  key: string,
): Promise<Project | undefined> {
  const r = await db
    .selectFrom('projects')
    .select(COLUMNS)
    .where('competition_id', '=', competitionId)
    .where('unit_code', '=', unit)
    .where('active_name', '=', key)
    .executeTakeFirst();
  return r && toProject(r);
}

/** A unit's active projects, by track order then running number. */
export async function activeProjectsOf(db: Kysely<Database>, competitionId: string, unit: string): Promise<Project[]> {
  const rows = await db
    .selectFrom('projects')
    .select(COLUMNS)
    .where('competition_id', '=', competitionId)
    .where('unit_code', '=', unit)
    .where('status', '=', 'active')
    .orderBy('track_code')
    .orderBy('seq')
    .execute();
  return rows.map(toProject);
}

/** Every active project of the competition, optionally only in some tracks. */
export async function allActiveProjects(
  db: Kysely<Database>,
  competitionId: string,
  tracks?: readonly string[],
): Promise<Project[]> {
  if (tracks && !tracks.length) return [];
  let q = db
    .selectFrom('projects')
    .select(COLUMNS)
    .where('competition_id', '=', competitionId)
    .where('status', '=', 'active');
  if (tracks) q = q.where('track_code', 'in', tracks);
  const rows = await q.orderBy('unit_code').orderBy('track_code').orderBy('seq').execute();
  return rows.map(toProject);
}

/** Active projects per track for one unit. */
export async function activeCountsOf(
  db: Kysely<Database>,
  competitionId: string,
  unit: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('projects')
    .select(['track_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('competition_id', '=', competitionId)
    .where('unit_code', '=', unit)
    .where('status', '=', 'active')
    .groupBy('track_code')
    .execute();
  return new Map(rows.map((r) => [r.track_code, Number(r.n)]));
}

/** Active projects per unit and track, for the office's overview. */
export async function activeCounts(
  db: Kysely<Database>,
  competitionId: string,
): Promise<Array<{ unit: string; track: string; n: number }>> {
  const rows = await db
    .selectFrom('projects')
    .select(['unit_code', 'track_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('competition_id', '=', competitionId)
    .where('status', '=', 'active')
    .groupBy(['unit_code', 'track_code'])
    .execute();
  return rows.map((r) => ({ unit: r.unit_code, track: r.track_code, n: Number(r.n) }));
}

export type CreateOutcome =
  | { kind: 'created'; project: Project }
  | { kind: 'full' }
  | { kind: 'name_taken' }
  | { kind: 'busy' };

/** Which unique key a failed insert or update ran into, on either engine; undefined for other errors. */
function uniqueViolation(err: unknown): 'name' | 'other' | undefined {
  if (!isUniqueViolation(err)) return undefined;
  return /projects_name_uq|active_name/.test((err as Error).message ?? '') ? 'name' : 'other';
}

export async function createProject(
  db: Kysely<Database>,
  p: {
    competitionId: string;
    codePrefix: string;
    unit: string;
    track: string;
    limit: number;
    fields: ProjectFields;
    actor: string;
    now: number;
  },
): Promise<CreateOutcome> {
  for (let attempt = 0; attempt < 12; attempt++) {
    const key = nameKey(p.fields.name);
    if (await findActiveByName(db, p.competitionId, p.unit, key)) return { kind: 'name_taken' };
    const inTrack = await db
      .selectFrom('projects')
      .select(['slot', 'seq'])
      .where('competition_id', '=', p.competitionId)
      .where('unit_code', '=', p.unit)
      .where('track_code', '=', p.track)
      .execute();
    const slot = freeSlot(
      inTrack.flatMap((r) => (r.slot === null ? [] : [r.slot])),
      p.limit,
    );
    if (slot === undefined) return { kind: 'full' };
    const seq = Math.max(0, ...inTrack.map((r) => r.seq)) + 1;
    const at = toDbInstant(p.now);
    const row = {
      id: newId('prj'),
      competition_id: p.competitionId,
      code: projectCode(p.codePrefix, p.track, p.unit, seq),
      unit_code: p.unit,
      track_code: p.track,
      seq,
      slot,
      active_name: key,
      name: p.fields.name,
      lead_name: p.fields.lead,
      summary: p.fields.summary,
      goals: p.fields.goals,
      phone: p.fields.phone,
      status: 'active',
      created_by: p.actor,
      created_at: at,
      updated_at: at,
      withdrawn_at: null,
    };
    try {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('projects').values(row).execute();
        await recordAudit(trx, {
          competitionId: p.competitionId,
          actor: p.actor,
          action: 'project.register',
          entityType: 'project',
          entityId: row.code,
          after: p.fields,
          at: p.now,
        });
      });
      return { kind: 'created', project: toProject(row) };
    } catch (err) {
      const v = uniqueViolation(err);
      if (v === 'name') return { kind: 'name_taken' };
      if (v === 'other' || isLockConflict(err)) continue; // someone took this slot or number a moment ago: look again
      throw err;
    }
  }
  return { kind: 'busy' };
}

export type ChangeOutcome = { kind: 'changed'; project: Project } | { kind: 'gone' } | { kind: 'name_taken' };

export async function updateProject(
  db: Kysely<Database>,
  p: { competitionId: string; project: Project; fields: ProjectFields; actor: string; now: number },
): Promise<ChangeOutcome> {
  try {
    return await db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('projects')
        .set({
          name: p.fields.name,
          active_name: nameKey(p.fields.name),
          lead_name: p.fields.lead,
          summary: p.fields.summary,
          goals: p.fields.goals,
          phone: p.fields.phone,
          updated_at: toDbInstant(p.now),
        })
        .where('id', '=', p.project.id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return { kind: 'gone' } as const;
      const { name, lead, summary, goals, phone } = p.project;
      await recordAudit(trx, {
        competitionId: p.competitionId,
        actor: p.actor,
        action: 'project.edit',
        entityType: 'project',
        entityId: p.project.code,
        before: { name, lead, summary, goals, phone },
        after: p.fields,
        at: p.now,
      });
      return { kind: 'changed', project: { ...p.project, ...p.fields, updatedAt: p.now } } as const;
    });
  } catch (err) {
    if (uniqueViolation(err) === 'name') return { kind: 'name_taken' };
    throw err;
  }
}

/** Withdraws an active project, freeing its slot and its name; 'gone' when it was already withdrawn. */
export async function withdrawProject(
  db: Kysely<Database>,
  p: { competitionId: string; project: Project; actor: string; now: number },
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx) => {
    const at = toDbInstant(p.now);
    const r = await trx
      .updateTable('projects')
      .set({ status: 'withdrawn', slot: null, active_name: null, withdrawn_at: at, updated_at: at })
      .where('id', '=', p.project.id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return { kind: 'gone' } as const;
    await recordAudit(trx, {
      competitionId: p.competitionId,
      actor: p.actor,
      action: 'project.withdraw',
      entityType: 'project',
      entityId: p.project.code,
      before: { status: 'active' },
      after: { status: 'withdrawn' },
      at: p.now,
    });
    return { kind: 'changed', project: { ...p.project, status: 'withdrawn', updatedAt: p.now } } as const;
  });
}

/** Where every project of the competition sits (withdrawn ones too): the file's sync keeps units and tracks in use. */
export async function projectPlaces(
  db: Kysely<Database>,
  competitionId: string,
): Promise<Array<{ unit: string; track: string }>> {
  const rows = await db
    .selectFrom('projects')
    .select(['unit_code', 'track_code'])
    .where('competition_id', '=', competitionId)
    .execute();
  return rows.map((r) => ({ unit: r.unit_code, track: r.track_code }));
}

/** A project with every column the records export shows. */
export interface ProjectRecord {
  id: string;
  code: string;
  unit: string;
  track: string;
  name: string;
  lead: string;
  summary: string;
  goals: string;
  phone: string;
  status: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  withdrawnAt: number | null;
}

/** Every project of the competition (withdrawn ones too), optionally of one track. At most units × tracks × 2 rows. */
export async function projectsForExport(
  db: Kysely<Database>,
  competitionId: string,
  track?: string,
): Promise<ProjectRecord[]> {
  let q = db
    .selectFrom('projects')
    .select([...COLUMNS, 'withdrawn_at'])
    .where('competition_id', '=', competitionId);
  if (track) q = q.where('track_code', '=', track);
  const rows = await q.execute();
  return rows.map((r) => ({ ...toProject(r), withdrawnAt: r.withdrawn_at ? fromDbInstant(r.withdrawn_at) : null }));
}

/** Who registered the competition's projects (withdrawn ones too): every distinct `created_by`. */
export async function projectAuthors(db: Kysely<Database>, competitionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('projects')
    .select('created_by')
    .distinct()
    .where('competition_id', '=', competitionId)
    .execute();
  return rows.map((r) => r.created_by).sort();
}

/**
 * Deletes every project of the competition (withdrawn ones too): the playground's `demo seed` replaces its own
 * season with another; nothing in the bot deletes a project. Returns how many went.
 */
export async function deleteProjectsOf(db: Kysely<Database>, competitionId: string): Promise<number> {
  const r = await db.deleteFrom('projects').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const projectsRepository = {
  findProject,
  projectIdByCode,
  projectLabels,
  findActiveByName,
  activeProjectsOf,
  allActiveProjects,
  activeCountsOf,
  activeCounts,
  createProject,
  updateProject,
  withdrawProject,
  projectsForExport,
  projectAuthors,
  deleteProjectsOf,
} satisfies Repository;

declare module '../platform/store' {
  interface Repositories {
    projects: Bound<typeof projectsRepository>;
  }
}
