/**
 * The record that a scheduled summary went: one summary_runs row per digest slot (its primary key is the exactly-once
 * guarantee across servers). Where it goes is the announcement group (src/core/chats.repository.ts).
 */
import type { Bound, Repository } from '../../platform/store';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { insertIfAbsent, madeRow } from '../../platform/db';
import { toDbInstant } from '../../platform/instant';

type Db = Kysely<Database> | Transaction<Database>;

export async function digestRan(db: Db, competitionId: string, slot: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('summary_runs')
      .select('slot')
      .where('competition_id', '=', competitionId)
      .where('slot', '=', slot)
      .executeTakeFirst()) !== undefined
  );
}

/** Claims a digest slot in the caller's transaction; true when this call made the row (and so, alone, posts). */
export async function claimDigest(
  trx: Transaction<Database>,
  row: { competitionId: string; slot: string; chatId: string; kind: string },
  now: number,
): Promise<boolean> {
  const insert = trx.insertInto('summary_runs').values({
    competition_id: row.competitionId,
    slot: row.slot,
    chat_id: row.chatId,
    kind: row.kind,
    created_at: toDbInstant(now),
  });
  const r = await insertIfAbsent(trx, insert, ['competition_id', 'slot']).executeTakeFirst();
  return madeRow(r);
}

/** Forgets which digest slots went (the playground's `demo seed`, replacing its own season). How many went. */
export async function deleteDigestsOf(db: Db, competitionId: string): Promise<number> {
  const r = await db.deleteFrom('summary_runs').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const summariesRepository = { digestRan, claimDigest, deleteDigestsOf } satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    summaries: Bound<typeof summariesRepository>;
  }
}
