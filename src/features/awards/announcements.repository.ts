/**
 * The award lists the office announced (award_announcements): the latest one is what groups see, and the list's
 * hash as key makes announcing the same list twice a no-op, whichever server takes the command.
 */
import type { Bound, Repository } from '../../platform/store';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { insertIfAbsent, madeRow } from '../../platform/db';
import { toDbInstant } from '../../platform/instant';

type Db = Kysely<Database> | Transaction<Database>;

/** Records an announcement in the caller's transaction; true when this call made it (so it alone posts the list). */
export async function recordAnnouncement(
  db: Db,
  a: { competitionId: string; hash: string; awardIds: readonly string[]; chats: readonly string[]; actor: string },
  now: number,
): Promise<boolean> {
  const insert = db.insertInto('award_announcements').values({
    competition_id: a.competitionId,
    list_hash: a.hash,
    award_ids: JSON.stringify([...a.awardIds].sort()),
    chats: JSON.stringify(a.chats),
    announced_by: a.actor,
    announced_at: toDbInstant(now),
  });
  return madeRow(await insertIfAbsent(db, insert, ['competition_id', 'list_hash']).executeTakeFirstOrThrow());
}

export async function wasAnnounced(db: Db, competitionId: string, hash: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('award_announcements')
      .select('list_hash')
      .where('competition_id', '=', competitionId)
      .where('list_hash', '=', hash)
      .executeTakeFirst()) !== undefined
  );
}

/** The ids of the awards on the latest announced list; undefined when nothing was announced yet. */
export async function latestAnnouncedIds(db: Db, competitionId: string): Promise<Set<string> | undefined> {
  const row = await db
    .selectFrom('award_announcements')
    .select('award_ids')
    .where('competition_id', '=', competitionId)
    .orderBy('announced_at', 'desc')
    .orderBy('list_hash', 'desc')
    .executeTakeFirst();
  return row ? new Set(JSON.parse(row.award_ids) as string[]) : undefined;
}

/** Who announced the competition's award lists. */
export async function announcers(db: Db, competitionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('award_announcements')
    .select('announced_by')
    .distinct()
    .where('competition_id', '=', competitionId)
    .execute();
  return rows.map((r) => r.announced_by).sort();
}

/** Deletes the competition's announced lists (the playground's `demo seed`, replacing its own season). */
export async function deleteAnnouncementsOf(db: Db, competitionId: string): Promise<number> {
  const r = await db.deleteFrom('award_announcements').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const announcementsRepository = {
  recordAnnouncement,
  wasAnnounced,
  latestAnnouncedIds,
  announcers,
  deleteAnnouncementsOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    announcements: Bound<typeof announcementsRepository>;
  }
}
