/**
 * Where summaries go and the record that a scheduled one went: the competition's announcement group, and one
 * summary_runs row per digest slot (its primary key is the exactly-once guarantee across servers).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { dialectOf } from '../../platform/db';
import { toDbInstant } from '../../platform/instant';

type Db = Kysely<Database> | Transaction<Database>;

/** The competition's announcement group (设为通知群), when one is set and the bot is still in it. */
export async function announcementChat(db: Db, competitionId: string): Promise<{ chatId: string; name: string | null } | undefined> {
  const r = await db
    .selectFrom('chats')
    .select(['chat_id', 'name'])
    .where('competition_id', '=', competitionId)
    .where('purpose', '=', 'announcement')
    .where('bot_present', '=', 1)
    .orderBy('updated_at', 'desc')
    .orderBy('chat_id')
    .executeTakeFirst();
  return r && { chatId: r.chat_id, name: r.name };
}

/** True for a group chat the bot knows; used to keep unpublished standings out of groups whatever a card says. */
export async function isKnownGroup(db: Db, chatId: string): Promise<boolean> {
  const r = await db.selectFrom('chats').select('chat_type').where('chat_id', '=', chatId).executeTakeFirst();
  return r?.chat_type === 'group';
}

export async function digestRan(db: Db, competitionId: string, slot: string): Promise<boolean> {
  return (await db.selectFrom('summary_runs').select('slot').where('competition_id', '=', competitionId).where('slot', '=', slot).executeTakeFirst()) !== undefined;
}

/** Claims a digest slot in the caller's transaction; true when this call made the row (and so, alone, posts). */
export async function claimDigest(trx: Transaction<Database>, row: { competitionId: string; slot: string; chatId: string; kind: string }, now: number): Promise<boolean> {
  const insert = trx.insertInto('summary_runs').values({ competition_id: row.competitionId, slot: row.slot, chat_id: row.chatId, kind: row.kind, created_at: toDbInstant(now) });
  const r = await (dialectOf(trx) === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.columns(['competition_id', 'slot']).doNothing())).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}
