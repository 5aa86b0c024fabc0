import { newId } from '../../src/platform/ids';
import { toDbInstant } from '../../src/platform/instant';
import type { TestDatabase } from './database';

/** Gives a role directly in the database (as the competition file would): contact of a unit, judge of a track… */
export async function grantRole(db: TestDatabase, openId: string, role: 'office' | 'contact' | 'judge' | 'leader' | 'unit_leader', scope = '', competitionId = 'shanghai-2024'): Promise<void> {
  await db.db
    .insertInto('role_grants')
    .values({ id: newId('grt'), competition_id: competitionId, open_id: openId, role, scope, source: 'file', granted_by: null, created_at: toDbInstant(Date.now()) })
    .execute();
}

/** Binds a group chat to a unit, with the bot in it. */
export async function bindUnitChat(db: TestDatabase, chatId: string, unit: string, competitionId = 'shanghai-2024'): Promise<void> {
  const at = toDbInstant(Date.now());
  await db.db
    .insertInto('chats')
    .values({ chat_id: chatId, competition_id: competitionId, name: `${unit} group`, chat_type: 'group', purpose: 'unit', unit_code: unit, bot_present: 1, created_at: at, updated_at: at })
    .execute();
}
