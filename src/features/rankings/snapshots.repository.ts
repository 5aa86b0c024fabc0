/**
 * Published rankings: frozen snapshots, one per track and publication (version). Rows are only ever inserted; a new
 * publication gets the next version and the earlier ones stay, so what was announced can always be shown again and
 * checked (verifySnapshot recomputes a snapshot from its own inputs and parameters).
 */
import { lockCompetition } from '../../competition/competition.repository';
import type { Bound, Repository } from '../../platform/store';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { newId } from '../../platform/ids';
import { fromDbInstant, toDbInstant } from '../../platform/instant';
import type { RankingSnapshot } from './rankings.snapshot';

type Db = Kysely<Database> | Transaction<Database>;

export interface Publication {
  version: number;
  publishedAt: number;
  publishedBy: string;
  /** By track code, in the order of the competition file's tracks at publication (the order stored). */
  snapshots: Map<string, RankingSnapshot>;
}

export async function latestVersion(db: Db, competitionId: string): Promise<number> {
  const r = await db
    .selectFrom('ranking_snapshots')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('competition_id', '=', competitionId)
    .executeTakeFirst();
  return Number(r?.v ?? 0);
}

/** A publication with all its snapshots (the latest when `version` is omitted); undefined when there is none. */
export async function findPublication(
  db: Db,
  competitionId: string,
  version?: number,
): Promise<Publication | undefined> {
  const v = version ?? (await latestVersion(db, competitionId));
  if (!v) return undefined;
  const rows = await db
    .selectFrom('ranking_snapshots')
    .select(['track_code', 'snapshot', 'published_at', 'published_by'])
    .where('competition_id', '=', competitionId)
    .where('version', '=', v)
    .orderBy('id')
    .execute();
  if (!rows.length) return undefined;
  return {
    version: v,
    publishedAt: fromDbInstant(rows[0]!.published_at),
    publishedBy: rows[0]!.published_by,
    snapshots: new Map(rows.map((r) => [r.track_code, JSON.parse(r.snapshot) as RankingSnapshot])),
  };
}

/**
 * Serialises publications of a competition: on MySQL a lock on the competition's row, so that two offices publishing
 * at once get versions n and n+1 rather than colliding; SQLite runs one write transaction at a time anyway.
 */
export async function lockPublications(trx: Transaction<Database>, competitionId: string): Promise<void> {
  await lockCompetition(trx, competitionId);
}

/**
 * Inserts one publication's snapshots in the caller's transaction. Ids sort in insertion order within a version
 * (a zero-padded sequence after the version), so that reading them back keeps the file's track order.
 */
export async function insertSnapshots(
  trx: Transaction<Database>,
  competitionId: string,
  version: number,
  snapshots: readonly RankingSnapshot[],
  actor: string,
  now: number,
): Promise<void> {
  const at = toDbInstant(now);
  const batch = newId('rnk');
  let i = 0;
  for (const s of snapshots) {
    await trx
      .insertInto('ranking_snapshots')
      .values({
        id: `${batch}${String(i++).padStart(4, '0')}`,
        competition_id: competitionId,
        version,
        track_code: s.inputs.track,
        method: s.method,
        seed: s.parameters.seed,
        hash: s.hash,
        ranked: s.results.ranked,
        snapshot: JSON.stringify(s),
        published_by: actor,
        published_at: at,
      })
      .execute();
  }
}

/** Who published the competition's rankings. */
export async function publishers(db: Db, competitionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ranking_snapshots')
    .select('published_by')
    .distinct()
    .where('competition_id', '=', competitionId)
    .execute();
  return rows.map((r) => r.published_by).sort();
}

/**
 * Deletes every published snapshot of the competition: only the playground's `demo seed` does, replacing its own
 * season (a real publication is never deleted). How many went.
 */
export async function deleteSnapshotsOf(db: Db, competitionId: string): Promise<number> {
  const r = await db.deleteFrom('ranking_snapshots').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const snapshotsRepository = {
  latestVersion,
  findPublication,
  lockPublications,
  insertSnapshots,
  publishers,
  deleteSnapshotsOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    snapshots: Bound<typeof snapshotsRepository>;
  }
}
