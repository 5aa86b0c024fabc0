/**
 * The judges' daily cards in the database: one judge_digests row per judge and local day (its primary key is the
 * exactly-once guarantee across servers and repeated ticks), with the instant the card covered up to, which is where
 * the judge's next card starts. A day with nothing new gets its row too (items 0): the check is not repeated, and the
 * next card starts from there.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { insertIfAbsent, madeRow } from '../../platform/db';
import { fromDbInstant, toDbInstant } from '../../platform/instant';
import type { Bound, Repository } from '../../platform/store';

type Db = Kysely<Database> | Transaction<Database>;

/** The judges whose card of `day` is already recorded. */
export async function judgesDigestedOn(db: Db, competitionId: string, day: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('judge_digests')
    .select('open_id')
    .where('competition_id', '=', competitionId)
    .where('day', '=', day)
    .execute();
  return new Set(rows.map((r) => r.open_id));
}

/** For each of these judges who had a card before, the instant their latest one covered up to. */
export async function lastCoveredUntil(
  db: Db,
  competitionId: string,
  openIds: readonly string[],
): Promise<Map<string, number>> {
  if (!openIds.length) return new Map();
  const rows = await db
    .selectFrom('judge_digests')
    .select('open_id')
    .select((eb) => eb.fn.max('covered_until').as('until'))
    .where('competition_id', '=', competitionId)
    .where('open_id', 'in', openIds)
    .groupBy('open_id')
    .execute();
  return new Map(rows.filter((r) => r.until !== null).map((r) => [r.open_id, fromDbInstant(r.until as never)]));
}

/** Claims a judge's card of a day in the caller's transaction; true when this call made the row (and so, alone, sends). */
export async function claimJudgeDigest(
  db: Db,
  row: { competitionId: string; openId: string; day: string; coveredUntil: number; items: number },
  now: number,
): Promise<boolean> {
  const insert = db.insertInto('judge_digests').values({
    competition_id: row.competitionId,
    open_id: row.openId,
    day: row.day,
    covered_until: toDbInstant(row.coveredUntil),
    items: row.items,
    created_at: toDbInstant(now),
  });
  return madeRow(
    await insertIfAbsent(db as Kysely<Database>, insert, [
      'competition_id',
      'open_id',
      'day',
    ]).executeTakeFirstOrThrow(),
  );
}

/** Forgets the competition's daily cards (the playground's `demo seed`, replacing its own season). How many went. */
export async function deleteJudgeDigestsOf(db: Db, competitionId: string): Promise<number> {
  const r = await db.deleteFrom('judge_digests').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const judgeDigestsRepository = {
  judgesDigestedOn,
  lastCoveredUntil,
  claimJudgeDigest,
  deleteJudgeDigestsOf,
} satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    judgeDigests: Bound<typeof judgeDigestsRepository>;
  }
}
