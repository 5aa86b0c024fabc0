/**
 * The competition a conversation chose, when one app serves several (src/lark/routing.ts): remembered per app and
 * chat, so that a person with roles in several is asked once per conversation.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { insertIfAbsent, madeRow } from '../platform/db';
import { toDbInstant } from '../platform/instant';

export async function rememberedChoice(db: Kysely<Database>, app: string, chatId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('conversation_choices')
    .select('competition_id')
    .where('app', '=', app)
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
  return row?.competition_id;
}

export async function rememberChoice(
  db: Kysely<Database>,
  choice: { app: string; chatId: string; competitionId: string; openId: string },
  now: number,
): Promise<void> {
  const values = {
    app: choice.app,
    chat_id: choice.chatId,
    competition_id: choice.competitionId,
    chosen_by: choice.openId,
    chosen_at: toDbInstant(now),
  };
  const inserted = await insertIfAbsent(db, db.insertInto('conversation_choices').values(values), [
    'app',
    'chat_id',
  ]).executeTakeFirst();
  if (madeRow(inserted)) return;
  await db
    .updateTable('conversation_choices')
    .set({ competition_id: values.competition_id, chosen_by: values.chosen_by, chosen_at: values.chosen_at })
    .where('app', '=', choice.app)
    .where('chat_id', '=', choice.chatId)
    .execute();
}
