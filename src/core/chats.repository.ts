import type { Kysely, Transaction } from 'kysely';
import { lockCompetition } from '../competition/competition.repository';
import { prepare } from '../platform/prepared';
import type { Bound, Repository } from '../platform/store';
import type { Database } from '../../db/schema';
import { insertIfAbsent, madeRow } from '../platform/db';
import { toDbInstant } from '../platform/instant';

/** Remembers that the bot is (or is no longer) in a chat, keeping any purpose the office gave it. */
export async function rememberChatMembership(
  db: Kysely<Database>,
  chat: {
    chatId: string;
    name: string | undefined;
    chatType: 'group' | 'p2p';
    present: boolean;
    /** null: a group whose competition the office has yet to choose (one app serving several). */
    competitionId: string | null;
  },
  now: number,
): Promise<void> {
  const at = toDbInstant(now);
  const insert = db.insertInto('chats').values({
    chat_id: chat.chatId,
    competition_id: chat.competitionId,
    name: chat.name ?? null,
    chat_type: chat.chatType,
    purpose: '',
    unit_code: null,
    bot_present: chat.present ? 1 : 0,
    created_at: at,
    updated_at: at,
  });
  const inserted = await insertIfAbsent(db, insert, ['chat_id']).executeTakeFirst();
  if (!madeRow(inserted)) {
    // A group belongs to one competition: another competition's bot (another app) joining or leaving it changes
    // nothing of the group's; a group whose competition was not chosen yet becomes this one's.
    let update = db
      .updateTable('chats')
      .set({
        bot_present: chat.present ? 1 : 0,
        updated_at: at,
        ...(chat.name ? { name: chat.name } : {}),
        ...(chat.competitionId ? { competition_id: chat.competitionId } : {}),
      })
      .where('chat_id', '=', chat.chatId);
    if (chat.competitionId)
      update = update.where((eb) =>
        eb.or([eb('competition_id', '=', chat.competitionId), eb('competition_id', 'is', null)]),
      );
    await update.execute();
  }
}

type Db = Kysely<Database> | Transaction<Database>;

export type ChatPurpose = '' | 'unit' | 'announcement';

export interface ChatBinding {
  chatId: string;
  competitionId: string | null;
  name: string | null;
  purpose: ChatPurpose;
  unitCode: string | null;
}

const toBinding = (r: {
  chat_id: string;
  competition_id: string | null;
  name: string | null;
  purpose: string;
  unit_code: string | null;
}): ChatBinding => ({
  chatId: r.chat_id,
  competitionId: r.competition_id,
  name: r.name,
  purpose: r.purpose === 'unit' || r.purpose === 'announcement' ? r.purpose : '',
  unitCode: r.unit_code,
});

export async function findChatBinding(db: Db, chatId: string): Promise<ChatBinding | undefined> {
  const row = await db
    .selectFrom('chats')
    .select(['chat_id', 'competition_id', 'name', 'purpose', 'unit_code'])
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
  return row && toBinding(row);
}

/** The competition's chats with a purpose (for a unit purpose, of that unit), other than `except`. */
export async function chatsWithPurpose(
  db: Db,
  competitionId: string,
  purpose: Exclude<ChatPurpose, ''>,
  unitCode: string | null,
  except: string,
): Promise<ChatBinding[]> {
  let q = db
    .selectFrom('chats')
    .select(['chat_id', 'competition_id', 'name', 'purpose', 'unit_code'])
    .where('competition_id', '=', competitionId)
    .where('purpose', '=', purpose)
    .where('chat_id', '!=', except);
  if (unitCode !== null) q = q.where('unit_code', '=', unitCode);
  return (await q.orderBy('chat_id').execute()).map(toBinding);
}

export async function updateChatPurpose(
  trx: Transaction<Database>,
  chatId: string,
  to: { competitionId: string; purpose: ChatPurpose; unitCode: string | null },
  now: number,
): Promise<void> {
  await trx
    .updateTable('chats')
    .set({
      competition_id: to.competitionId,
      purpose: to.purpose,
      unit_code: to.unitCode,
      updated_at: toDbInstant(now),
    })
    .where('chat_id', '=', chatId)
    .execute();
}

/**
 * Serialises changes of chat purposes within a competition (on MySQL, a lock on the competition's row): "one
 * announcement group" and "one group per unit" are checked and changed by one command at a time, on any server.
 */
export async function lockChatPurposes(trx: Transaction<Database>, competitionId: string): Promise<void> {
  // SQLite runs one write transaction at a time: there is nothing to lock.
  await lockCompetition(trx, competitionId);
}

/** Each unit's group chat (one per unit) that the bot is still in: unit code → chat id. */
export async function unitGroupChats(db: Db, competitionId: string, unit?: string): Promise<Map<string, string>> {
  let q = db
    .selectFrom('chats')
    .select(['chat_id', 'unit_code'])
    .where('competition_id', '=', competitionId)
    .where('purpose', '=', 'unit')
    .where('bot_present', '=', 1);
  if (unit !== undefined) q = q.where('unit_code', '=', unit);
  // Should two ever coexist, the one changed last wins.
  const rows = await q.orderBy('updated_at').execute();
  return new Map(rows.flatMap((r) => (r.unit_code ? [[r.unit_code, r.chat_id] as const] : [])));
}

/** The competition's announcement group (设为通知群), when one is set and the bot is still in it. */
export async function announcementChat(
  db: Db,
  competitionId: string,
): Promise<{ chatId: string; name: string | null } | undefined> {
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
  const r = (await selectChatType(db, { chatId })).rows[0];
  return r?.chat_type === 'group';
}

/** Built once (src/platform/prepared.ts): every click on a card asks it (answerClick, a receipt's files). */
const selectChatType = prepare(['chatId'], (db, v: { chatId: string }) =>
  db.selectFrom('chats').select('chat_type').where('chat_id', '=', v.chatId),
);

/** Every chat as the competition file's sync compares them (src/competition/competition.sync.ts). */
export async function chatRows(db: Db): Promise<Array<Record<string, unknown>>> {
  return db.selectFrom('chats').select(['chat_id', 'competition_id', 'purpose', 'unit_code']).execute();
}

/** A chat the competition file names, added or updated in the load's transaction. */
export async function applyFileChatChange(
  trx: Transaction<Database>,
  op: 'add' | 'update' | 'remove',
  chatId: string,
  row: Record<string, unknown>,
  at: string,
): Promise<void> {
  if (op === 'add') {
    await trx
      .insertInto('chats')
      .values({ ...(row as any), name: null, chat_type: 'group', bot_present: 0, created_at: at, updated_at: at })
      .execute();
  } else
    await trx
      .updateTable('chats')
      .set({ ...(row as any), updated_at: at })
      .where('chat_id', '=', chatId)
      .execute();
}

/** The chats the bot knows in the competition (with a purpose or not), by id. */
export async function chatIdsOf(db: Db, competitionId: string): Promise<string[]> {
  const rows = await db.selectFrom('chats').select('chat_id').where('competition_id', '=', competitionId).execute();
  return rows.map((r) => r.chat_id).sort();
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const chatsRepository = {
  rememberChatMembership,
  findChatBinding,
  chatsWithPurpose,
  updateChatPurpose,
  lockChatPurposes,
  unitGroupChats,
  announcementChat,
  isKnownGroup,
  chatIdsOf,
} satisfies Repository;

declare module '../platform/store' {
  interface Repositories {
    chats: Bound<typeof chatsRepository>;
  }
}

/** The competition a group was recorded for (its chats row). */
export async function groupCompetition(db: Kysely<Database>, chatId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('chats')
    .select('competition_id')
    .where('chat_id', '=', chatId)
    .where('chat_type', '=', 'group')
    .executeTakeFirst();
  return row?.competition_id ?? undefined;
}

/** Gives a group to a competition (the office chose it in the group). */
export async function assignGroup(db: Kysely<Database>, chatId: string, competitionId: string, now: number) {
  await db
    .updateTable('chats')
    .set({ competition_id: competitionId, updated_at: toDbInstant(now) })
    .where('chat_id', '=', chatId)
    .execute();
}
