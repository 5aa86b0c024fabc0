import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { dialectOf } from '../../platform/db';
import { toDbInstant } from '../../platform/instant';

/** Remembers that the bot is (or is no longer) in a chat, keeping any purpose the office gave it. */
export async function rememberChatMembership(
  db: Kysely<Database>,
  chat: { chatId: string; name: string | undefined; chatType: 'group' | 'p2p'; present: boolean; competitionId: string },
  now: number,
): Promise<void> {
  const at = toDbInstant(now);
  const insert = db.insertInto('chats').values({
    chat_id: chat.chatId, competition_id: chat.competitionId, name: chat.name ?? null, chat_type: chat.chatType, purpose: '', unit_code: null,
    bot_present: chat.present ? 1 : 0, created_at: at, updated_at: at,
  });
  const inserted = await (dialectOf(db) === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('chat_id').doNothing())).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    await db
      .updateTable('chats')
      .set({ bot_present: chat.present ? 1 : 0, updated_at: at, ...(chat.name ? { name: chat.name } : {}) })
      .where('chat_id', '=', chat.chatId)
      .execute();
  }
}
