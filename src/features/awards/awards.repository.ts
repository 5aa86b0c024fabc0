/**
 * Awards in the database. A nomination takes a quota place through a unique (track, kind, slot) key, and its nominee
 * through a unique live key, so concurrent nominations on several servers cannot overfill a track or name one
 * nominee twice. Every later step is a conditional update (only from the statuses the step starts from), committed
 * with its audit record and its messages: a double click, a stale card or a second server finds nothing to update.
 */
import type { Bound, Repository } from '../../platform/store';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { enqueueMessages, type OutgoingMessage } from '../../lark/outbox.repository';
import { isUniqueViolation } from '../../platform/db';
import { newId } from '../../platform/ids';
import { fromDbInstant, toDbInstant } from '../../platform/instant';
import { recordAudit } from '../../core/audit.repository';
import { activeKey, isLive } from './awards.rules';
import type { Nomination } from '../../../cards/awards.form';
import { freeSlot } from '../../core/projects';
import type { AwardKind, AwardStatus } from '../../core/awards';

type Db = Kysely<Database> | Transaction<Database>;

export interface Award {
  id: string;
  track: string;
  kind: AwardKind;
  projectId: string;
  unit: string;
  nominee: string;
  title: string;
  reason: string;
  status: AwardStatus;
  nominatedBy: string;
  allocatedBy: string | null;
  materials: string | null;
  materialsLinks: string[];
  materialsBy: string | null;
  materialsAt: number | null;
  decidedBy: string | null;
  decisionNote: string | null;
  decidedAt: number | null;
  createdAt: number;
}

const toAward = (r: Database['awards']): Award => ({
  id: r.id,
  track: r.track_code,
  kind: r.kind === 'individual' ? 'individual' : 'collective',
  projectId: r.project_id ?? '',
  unit: r.unit_code,
  nominee: r.nominee_name,
  title: r.nominee_title ?? '',
  reason: r.reason ?? '',
  status: r.status as AwardStatus,
  nominatedBy: r.nominated_by,
  allocatedBy: r.allocated_by,
  materials: r.materials,
  materialsLinks: r.materials_links ? (JSON.parse(r.materials_links) as string[]) : [],
  materialsBy: r.materials_by,
  materialsAt: r.materials_at ? fromDbInstant(r.materials_at) : null,
  decidedBy: r.decided_by,
  decisionNote: r.decision_note,
  decidedAt: r.decided_at ? fromDbInstant(r.decided_at) : null,
  createdAt: fromDbInstant(r.created_at),
});

/** The competition's awards, by track, kind and place; narrowed to some tracks, one unit or some statuses. */
export async function listAwards(
  db: Db,
  competitionId: string,
  filter: { tracks?: readonly string[]; unit?: string; statuses?: readonly AwardStatus[] } = {},
): Promise<Award[]> {
  if (filter.tracks && !filter.tracks.length) return [];
  let q = db.selectFrom('awards').selectAll().where('competition_id', '=', competitionId);
  if (filter.tracks) q = q.where('track_code', 'in', [...filter.tracks]);
  if (filter.unit !== undefined) q = q.where('unit_code', '=', filter.unit);
  if (filter.statuses) q = q.where('status', 'in', [...filter.statuses]);
  const rows = await q.orderBy('track_code').orderBy('kind').orderBy('created_at').orderBy('id').execute();
  return rows.map(toAward);
}

export async function findAward(db: Db, competitionId: string, id: string): Promise<Award | undefined> {
  const r = await db
    .selectFrom('awards')
    .selectAll()
    .where('competition_id', '=', competitionId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toAward(r);
}

export type NominateOutcome =
  | { kind: 'nominated'; award: Award }
  | { kind: 'full' }
  | { kind: 'duplicate'; award: Award | undefined };

/**
 * Stores a nomination in the first free place of its track and kind (`quota` places). Two nominations racing for the
 * last place: one gets it, the other is told the track is full.
 */
export async function insertNomination(
  db: Kysely<Database>,
  n: Nomination & { competitionId: string; track: string; unit: string; quota: number; actor: string; now: number },
): Promise<NominateOutcome> {
  const key = activeKey(n.kind, n.projectId, n.nominee);
  for (let attempt = 0; attempt < 8; attempt++) {
    const used = await db
      .selectFrom('awards')
      .select('slot')
      .where('competition_id', '=', n.competitionId)
      .where('track_code', '=', n.track)
      .where('kind', '=', n.kind)
      .where('slot', 'is not', null)
      .execute();
    const slot = freeSlot(
      used.map((u) => u.slot!),
      n.quota,
    );
    if (slot === undefined) return { kind: 'full' };
    const row: Database['awards'] = {
      id: newId('awd'),
      competition_id: n.competitionId,
      track_code: n.track,
      kind: n.kind,
      project_id: n.projectId,
      nominee_name: n.nominee,
      unit_code: n.unit,
      status: 'nominated',
      nominated_by: n.actor,
      decided_by: null,
      created_at: toDbInstant(n.now),
      updated_at: toDbInstant(n.now),
      slot,
      active_key: key,
      nominee_title: n.title || null,
      reason: n.reason,
      materials: null,
      materials_links: null,
      materials_by: null,
      materials_at: null,
      allocated_by: null,
      decision_note: null,
      decided_at: null,
    };
    try {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('awards').values(row).execute();
        await recordAudit(trx, {
          competitionId: n.competitionId,
          actor: n.actor,
          action: 'award.nominate',
          entityType: 'award',
          entityId: row.id,
          after: {
            track: n.track,
            kind: n.kind,
            project: n.projectId,
            nominee: n.nominee,
            title: n.title,
            reason: n.reason,
            slot,
          },
          at: n.now,
        });
      });
      return { kind: 'nominated', award: toAward(row) };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const same = await db
        .selectFrom('awards')
        .selectAll()
        .where('competition_id', '=', n.competitionId)
        .where('active_key', '=', key)
        .executeTakeFirst();
      if (same) return { kind: 'duplicate', award: toAward(same) };
      // Someone else took that place meanwhile: look again.
    }
  }
  return { kind: 'full' };
}

export interface StepChange {
  status: AwardStatus;
  /** Columns the step sets besides the status. */
  set?: Partial<
    Pick<
      Database['awards'],
      | 'allocated_by'
      | 'materials'
      | 'materials_links'
      | 'materials_by'
      | 'materials_at'
      | 'decided_by'
      | 'decision_note'
      | 'decided_at'
    >
  >;
  audit: { action: string; actor: string; after?: unknown };
  messages?: (award: Award) => OutgoingMessage[];
}

/**
 * Moves an award from one of `from` to `change.status`, with its audit record and messages, in one transaction.
 * Undefined when the award was not in one of `from` any more (someone else was first, or the card is stale).
 */
export async function stepAward(
  db: Kysely<Database>,
  competitionId: string,
  id: string,
  from: readonly AwardStatus[],
  change: StepChange,
  now: number,
): Promise<Award | undefined> {
  return db.transaction().execute(async (trx) => {
    const before = await findAward(trx, competitionId, id);
    if (!before || !from.includes(before.status)) return undefined;
    const leaving = !isLive(change.status);
    const r = await trx
      .updateTable('awards')
      .set({
        ...change.set,
        status: change.status,
        updated_at: toDbInstant(now),
        ...(leaving ? { slot: null, active_key: null } : {}),
      })
      .where('competition_id', '=', competitionId)
      .where('id', '=', id)
      .where('status', '=', before.status)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return undefined;
    const after = (await findAward(trx, competitionId, id))!;
    await recordAudit(trx, {
      competitionId,
      actor: change.audit.actor,
      action: change.audit.action,
      entityType: 'award',
      entityId: id,
      before: { status: before.status },
      after: { status: after.status, ...(change.audit.after as object | undefined) },
      at: now,
    });
    const messages = change.messages?.(after) ?? [];
    if (messages.length) await enqueueMessages(trx, messages, now);
    return after;
  });
}

/** Live awards per track and kind: how many places are used. */
export function usedPlaces(awards: readonly Award[]): Map<string, number> {
  const used = new Map<string, number>();
  for (const a of awards)
    if (isLive(a.status)) used.set(`${a.track}|${a.kind}`, (used.get(`${a.track}|${a.kind}`) ?? 0) + 1);
  return used;
}

/**
 * Every row of the awards table with all its columns, whatever migrations have added (selectAll), by track, kind
 * and creation. At most a few times the award quota, so one query.
 */
export async function awardRowsForExport(
  db: Db,
  competitionId: string,
  track?: string,
): Promise<Array<Record<string, unknown>>> {
  let q = db.selectFrom('awards').selectAll().where('competition_id', '=', competitionId);
  if (track) q = q.where('track_code', '=', track);
  const rows = await q.orderBy('track_code').orderBy('kind').orderBy('created_at').orderBy('id').execute();
  return rows as unknown as Array<Record<string, unknown>>;
}

/** Everyone who acted on the competition's awards: nominated, confirmed, submitted materials or decided. */
export async function awardActors(db: Db, competitionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('awards')
    .select(['nominated_by', 'allocated_by', 'materials_by', 'decided_by'])
    .where('competition_id', '=', competitionId)
    .execute();
  const out = new Set<string>();
  for (const r of rows)
    for (const who of [r.nominated_by, r.allocated_by, r.materials_by, r.decided_by]) if (who) out.add(who);
  return [...out].sort();
}

/** Deletes every award of the competition (the playground's `demo seed`, replacing its own season). How many went. */
export async function deleteAwardsOf(db: Db, competitionId: string): Promise<number> {
  const r = await db.deleteFrom('awards').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const awardsRepository = {
  listAwards,
  findAward,
  insertNomination,
  stepAward,
  awardRowsForExport,
  awardActors,
  deleteAwardsOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    awards: Bound<typeof awardsRepository>;
  }
}
