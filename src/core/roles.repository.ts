import type { Kysely, Transaction } from 'kysely';
import type { Bound, Repository } from '../platform/store';
import type { Database } from '../../db/schema';
import { insertIfAbsent, madeRow } from '../platform/db';
import { newId } from '../platform/ids';
import { toDbInstant } from '../platform/instant';
import { prepare } from '../platform/prepared';
import { isRole, rolesFromGrants, unitsOfPeople, type Grant, type Role, type Roles } from './roles';

const selectGrantsOf = prepare<{ competitionId: string; openId: string }, { role: string; scope: string }>(
  ['competitionId', 'openId'],
  (db, v) =>
    db
      .selectFrom('role_grants')
      .select(['role', 'scope'])
      .where('competition_id', '=', v.competitionId)
      .where('open_id', '=', v.openId),
);

/** Someone's roles in a competition (from their grants), with BOT_ADMINS always office. */
export async function rolesOf(
  db: Kysely<Database>,
  competitionId: string,
  openId: string,
  admins: readonly string[],
): Promise<Roles> {
  const grants = openId ? (await selectGrantsOf(db, { competitionId, openId })).rows : [];
  return rolesFromGrants(grants, admins.includes(openId));
}

/** Who holds `role` for `scope` (a unit's contacts or leaders, a track's judges), by open_id. */
export async function holdersOf(
  db: Kysely<Database>,
  competitionId: string,
  role: string,
  scope: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('role_grants')
    .select('open_id')
    .where('competition_id', '=', competitionId)
    .where('role', '=', role)
    .where('scope', '=', scope)
    .orderBy('open_id')
    .execute();
  return [...new Set(rows.map((r) => r.open_id))];
}

/** Everyone in the office: the BOT_ADMINS and whoever holds the office role. */
export async function officeOpenIds(
  db: Kysely<Database>,
  competitionId: string,
  admins: readonly string[],
): Promise<string[]> {
  const rows = await db
    .selectFrom('role_grants')
    .select('open_id')
    .where('competition_id', '=', competitionId)
    .where('role', '=', 'office')
    .execute();
  return [...new Set([...admins, ...rows.map((r) => r.open_id)])].sort();
}

type Db = Kysely<Database> | Transaction<Database>;

const toGrant = (r: { open_id: string; role: string; scope: string; source: string }): Grant | undefined =>
  isRole(r.role)
    ? { openId: r.open_id, role: r.role, scope: r.scope, source: r.source === 'file' ? 'file' : 'chat' }
    : undefined;

/** The stored grants of some people (all of the competition when `openIds` is omitted). */
export async function storedGrants(db: Db, competitionId: string, openIds?: readonly string[]): Promise<Grant[]> {
  if (openIds && openIds.length === 0) return [];
  let q = db
    .selectFrom('role_grants')
    .select(['open_id', 'role', 'scope', 'source'])
    .where('competition_id', '=', competitionId);
  if (openIds) q = q.where('open_id', 'in', [...openIds]);
  const rows = await q.orderBy('open_id').orderBy('role').orderBy('scope').execute();
  return rows.map(toGrant).filter((g): g is Grant => g !== undefined);
}

/**
 * Stores a grant made in chat. The unique key (competition, person, role, scope) makes a repeat, or a concurrent
 * identical command on another server, a no-op: false means someone else had already made it.
 */
export async function insertChatGrant(
  trx: Transaction<Database>,
  g: { competitionId: string; openId: string; role: Role; scope: string; grantedBy: string },
  now: number,
): Promise<boolean> {
  const insert = trx.insertInto('role_grants').values({
    id: newId('rol'),
    competition_id: g.competitionId,
    open_id: g.openId,
    role: g.role,
    scope: g.scope,
    source: 'chat',
    granted_by: g.grantedBy,
    created_at: toDbInstant(now),
  });
  const result = await insertIfAbsent(trx, insert, ['competition_id', 'open_id', 'role', 'scope']).executeTakeFirst();
  return madeRow(result);
}

/** True when the grant was there (and is now gone). */
export async function deleteGrant(
  trx: Transaction<Database>,
  competitionId: string,
  g: Pick<Grant, 'openId' | 'role' | 'scope'>,
): Promise<boolean> {
  const r = await trx
    .deleteFrom('role_grants')
    .where('competition_id', '=', competitionId)
    .where('open_id', '=', g.openId)
    .where('role', '=', g.role)
    .where('scope', '=', g.scope)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Role grants that matter to judging: judges per track, and the units people belong to (see unitsOfPeople), of
 * everyone or of one person.
 */
export async function judgingGrants(
  db: Db,
  competitionId: string,
  openId?: string,
): Promise<Array<{ openId: string; role: string; scope: string }>> {
  let q = db
    .selectFrom('role_grants')
    .select(['open_id', 'role', 'scope'])
    .where('competition_id', '=', competitionId)
    .where('role', 'in', ['judge', 'judge_unit', 'contact']);
  if (openId !== undefined) q = q.where('open_id', '=', openId);
  const rows = await q.orderBy('open_id').orderBy('role').orderBy('scope').execute();
  return rows.map((r) => ({ openId: r.open_id, role: r.role, scope: r.scope }));
}

/** The units whose projects this judge must not judge (own unit from the file, units they are a contact of). */
export async function unitsOfJudge(db: Db, competitionId: string, openId: string): Promise<Set<string>> {
  return unitsOfPeople(await judgingGrants(db, competitionId, openId)).get(openId) ?? new Set();
}

/** Every grant of the competition as the competition file's sync compares them (src/competition/competition.sync.ts). */
export async function grantRows(db: Db, competitionId: string): Promise<Array<Record<string, unknown>>> {
  return db
    .selectFrom('role_grants')
    .select(['open_id', 'role', 'scope', 'source'])
    .where('competition_id', '=', competitionId)
    .execute();
}

/** A grant from the competition file added or removed, in the load's transaction (chat grants are never touched). */
export async function applyFileGrantChange(
  trx: Transaction<Database>,
  competitionId: string,
  op: 'add' | 'update' | 'remove',
  row: Record<string, unknown>,
  actor: string,
  at: string,
): Promise<void> {
  if (op === 'add') {
    await trx
      .insertInto('role_grants')
      .values({
        id: newId('rol'),
        competition_id: competitionId,
        open_id: String(row.open_id),
        role: String(row.role),
        scope: String(row.scope),
        source: 'file',
        granted_by: actor,
        created_at: at,
      })
      .execute();
  } else {
    await trx
      .deleteFrom('role_grants')
      .where('competition_id', '=', competitionId)
      .where('open_id', '=', String(row.open_id))
      .where('role', '=', String(row.role))
      .where('scope', '=', String(row.scope))
      .where('source', '=', 'file')
      .execute();
  }
}

/** The holders of a role by scope (a unit's contacts or leaders, a track's judges), each list sorted. */
export async function holdersByScope(db: Db, competitionId: string, role: string): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('role_grants')
    .select(['open_id', 'scope'])
    .where('competition_id', '=', competitionId)
    .where('role', '=', role)
    .orderBy('open_id')
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.scope, [...(out.get(r.scope) ?? []), r.open_id]);
  return out;
}

/**
 * A judge's own unit granted from chat. A `judge_unit` grant normally comes only from the competition file
 * (`people[].roles[]: { role: judge, track, unit }`, see competition.sync.ts), and no chat command makes one; the
 * playground's `demo seed` does, for the judges it binds in chat, so that their automatic recusal works as the file's
 * does. Stored with source `chat` so that the file's next load keeps it, as it keeps every chat grant. False when the
 * grant was there already.
 */
export async function insertJudgeUnitGrant(
  trx: Transaction<Database>,
  g: { competitionId: string; openId: string; unit: string; grantedBy: string },
  now: number,
): Promise<boolean> {
  const insert = trx.insertInto('role_grants').values({
    id: newId('rol'),
    competition_id: g.competitionId,
    open_id: g.openId,
    role: 'judge_unit',
    scope: g.unit,
    source: 'chat',
    granted_by: g.grantedBy,
    created_at: toDbInstant(now),
  });
  return madeRow(
    await insertIfAbsent(trx, insert, ['competition_id', 'open_id', 'role', 'scope']).executeTakeFirstOrThrow(),
  );
}

/** Everyone the competition's grants name, any role (judge_unit and unit_leader too): holder, source and granter. */
export async function grantPeople(
  db: Db,
  competitionId: string,
): Promise<Array<{ openId: string; role: string; scope: string; source: string; grantedBy: string | null }>> {
  const rows = await db
    .selectFrom('role_grants')
    .select(['open_id', 'role', 'scope', 'source', 'granted_by'])
    .where('competition_id', '=', competitionId)
    .orderBy('open_id')
    .orderBy('role')
    .orderBy('scope')
    .execute();
  return rows.map((r) => ({
    openId: r.open_id,
    role: r.role,
    scope: r.scope,
    source: r.source,
    grantedBy: r.granted_by,
  }));
}

/**
 * Deletes every grant made in chat in the competition, judge_unit ones included (the playground's `demo seed`, which
 * binds its people again; the file's grants stay). How many went.
 */
export async function deleteChatGrants(db: Db, competitionId: string): Promise<number> {
  const r = await db
    .deleteFrom('role_grants')
    .where('competition_id', '=', competitionId)
    .where('source', '=', 'chat')
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const rolesRepository = {
  rolesOf,
  holdersOf,
  officeOpenIds,
  storedGrants,
  insertChatGrant,
  deleteGrant,
  judgingGrants,
  unitsOfJudge,
  holdersByScope,
  insertJudgeUnitGrant,
  grantPeople,
  deleteChatGrants,
} satisfies Repository;

declare module '../platform/store' {
  interface Repositories {
    roles: Bound<typeof rolesRepository>;
  }
}

/** The competitions where `openId` holds any role. */
export async function competitionsOfPerson(db: Kysely<Database>, openId: string): Promise<Set<string>> {
  if (!openId) return new Set();
  const rows = await db
    .selectFrom('role_grants')
    .select('competition_id')
    .distinct()
    .where('open_id', '=', openId)
    .execute();
  return new Set(rows.map((r) => r.competition_id));
}
