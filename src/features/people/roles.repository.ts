import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { rolesFromGrants, type Roles } from './roles';

export async function rolesOf(db: Kysely<Database>, competitionId: string, openId: string, admins: readonly string[]): Promise<Roles> {
  const grants = openId
    ? await db.selectFrom('role_grants').select(['role', 'scope']).where('competition_id', '=', competitionId).where('open_id', '=', openId).execute()
    : [];
  return rolesFromGrants(grants, admins.includes(openId));
}

/** Everyone in the office: the BOT_ADMINS and whoever holds the office role. */
export async function officeOpenIds(db: Kysely<Database>, competitionId: string, admins: readonly string[]): Promise<string[]> {
  const rows = await db.selectFrom('role_grants').select('open_id').where('competition_id', '=', competitionId).where('role', '=', 'office').execute();
  return [...new Set([...admins, ...rows.map((r) => r.open_id)])].sort();
}
