import { newId } from '../../src/platform/ids';
import { toDbInstant } from '../../src/platform/instant';
import { createProject, type Project } from '../../src/core/projects.repository';
import type { TestDatabase } from './database';
import { at } from './fixtures';

/** Gives a role directly in the database (as the competition file would): contact of a unit, judge of a track… */
export async function grantRole(
  db: TestDatabase,
  openId: string,
  role: 'office' | 'contact' | 'judge' | 'leader' | 'unit_leader',
  scope = '',
  competitionId = 'shanghai-2024',
): Promise<void> {
  await db.db
    .insertInto('role_grants')
    .values({
      id: newId('grt'),
      competition_id: competitionId,
      open_id: openId,
      role,
      scope,
      source: 'file',
      granted_by: null,
      created_at: toDbInstant(Date.now()),
    })
    .execute();
}

/** Binds a group chat to a unit, with the bot in it. */
export async function bindUnitChat(
  db: TestDatabase,
  chatId: string,
  unit: string,
  competitionId = 'shanghai-2024',
): Promise<void> {
  const at = toDbInstant(Date.now());
  await db.db
    .insertInto('chats')
    .values({
      chat_id: chatId,
      competition_id: competitionId,
      name: `${unit} group`,
      chat_type: 'group',
      purpose: 'unit',
      unit_code: unit,
      bot_present: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

/** A project registered on 1 April 2024 (inside the 2024 registration window), as a contact's form would. */
export async function registerProject(
  db: TestDatabase,
  unit: string,
  track: string,
  name = `${unit}${track}项目`,
): Promise<Project> {
  const r = await createProject(db.db, {
    competitionId: 'shanghai-2024',
    codePrefix: '2024',
    unit,
    track,
    limit: 2,
    fields: { name, lead: '负责人', summary: '简介', goals: '目标', phone: '' },
    actor: 'seed',
    now: at('2024-04-01 10:00:00'),
  });
  if (r.kind !== 'created') throw new Error(`could not register ${unit} ${track}: ${r.kind}`);
  return r.project;
}
