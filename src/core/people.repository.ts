import type { Kysely, Transaction } from 'kysely';
import type { Bound, Repository } from '../platform/store';
import type { Database } from '../../db/schema';
import { dialectOf, insertIfAbsent, madeRow } from '../platform/db';
import { toDbInstant } from '../platform/instant';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Remembers a person (by open_id), with the name a mention gave. Outside any transaction on purpose: an insert that
 * meets an existing row takes a shared lock on it, and two transactions holding that lock and then updating the row
 * deadlock on MySQL. Remembering someone is not a role change, so it may commit on its own.
 */
export async function rememberPerson(
  db: Kysely<Database>,
  person: { openId: string; name?: string },
  now: number,
): Promise<void> {
  const at = toDbInstant(now);
  const name = person.name?.trim() || null;
  const insert = db
    .insertInto('people')
    .values({ open_id: person.openId, name, email: null, mobile: null, created_at: at, updated_at: at });
  const inserted = await insertIfAbsent(db, insert, ['open_id']).executeTakeFirst();
  if (!madeRow(inserted) && name) {
    await db
      .updateTable('people')
      .set({ name, updated_at: at })
      .where('open_id', '=', person.openId)
      .where((eb) => eb.or([eb('name', 'is', null), eb('name', '!=', name)]))
      .execute();
  }
}

/**
 * Takes the row locks of these people (remembered before) for the rest of the transaction. Run before reading their
 * grants, it makes concurrent commands about the same person, on any server, run one after the other, each seeing
 * what the other did (on MySQL the transaction's snapshot starts at its first plain read, after the lock).
 */
export async function lockPeople(trx: Transaction<Database>, openIds: readonly string[]): Promise<void> {
  if (!openIds.length) return;
  // Sorted, so that two transactions locking the same people take the locks in the same order.
  const ids = [...new Set(openIds)].sort();
  if (dialectOf(trx) === 'mysql')
    await trx
      .selectFrom('people')
      .select('open_id')
      .where('open_id', 'in', ids)
      .orderBy('open_id')
      .forUpdate()
      .execute();
  // SQLite runs one write transaction at a time: there is nothing to lock.
}

/** Known names by open_id (people without a name are left out). */
export async function peopleNames(db: Db, openIds: readonly string[]): Promise<Map<string, string>> {
  if (!openIds.length) return new Map();
  const rows = await db
    .selectFrom('people')
    .select(['open_id', 'name'])
    .where('open_id', 'in', [...new Set(openIds)])
    .execute();
  return new Map(rows.filter((r) => r.name).map((r) => [r.open_id, r.name!]));
}

/** Every person as the competition file's sync compares them (src/competition/competition.sync.ts). */
export async function personRows(db: Db): Promise<Array<Record<string, unknown>>> {
  return db.selectFrom('people').select(['open_id', 'name', 'email', 'mobile']).execute();
}

/** A person added or updated from the competition file, in the load's transaction. */
export async function applyPersonChange(
  trx: Transaction<Database>,
  op: 'add' | 'update' | 'remove',
  openId: string,
  row: Record<string, unknown>,
  at: string,
): Promise<void> {
  if (op === 'add')
    await trx
      .insertInto('people')
      .values({ ...(row as any), created_at: at, updated_at: at })
      .execute();
  else
    await trx
      .updateTable('people')
      .set({ ...(row as any), updated_at: at })
      .where('open_id', '=', openId)
      .execute();
}

/** Known names of people (open_id → name), for "name (open_id)" cells. The people table holds those the bot has met. */
export async function allPeopleNames(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('people').select(['open_id', 'name']).where('name', 'is not', null).execute();
  return new Map(rows.map((r) => [r.open_id, r.name!]));
}

/** The open_id of everyone the database knows (people are shared by every competition it holds). */
export async function knownOpenIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('people').select('open_id').execute();
  return rows.map((r) => r.open_id).sort();
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const peopleRepository = {
  rememberPerson,
  lockPeople,
  peopleNames,
  allPeopleNames,
  knownOpenIds,
} satisfies Repository;

declare module '../platform/store' {
  interface Repositories {
    people: Bound<typeof peopleRepository>;
  }
}
