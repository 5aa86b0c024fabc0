/**
 * A named lease in the database: whoever holds it does the work (drains the outbox) until it expires; any server can
 * take it over after that. Conditional updates count matched rows on both engines (mysql2 sets FOUND_ROWS).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { insertIfAbsent, madeRow } from './db';
import { toDbInstant } from './instant';

export async function acquireLease(
  db: Kysely<Database>,
  name: string,
  owner: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  const expires = toDbInstant(now + ttlMs);
  const insert = db.insertInto('leases').values({ name, owner, expires_at: expires });
  const inserted = await insertIfAbsent(db, insert, ['name']).executeTakeFirst();
  if (madeRow(inserted)) return true;
  const updated = await db
    .updateTable('leases')
    .set({ owner, expires_at: expires })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('owner', '=', owner), eb('expires_at', '<', toDbInstant(now))]))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function releaseLease(db: Kysely<Database>, name: string, owner: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}

/**
 * Extends a lease its owner still holds: false when it has expired (even if nobody took it since: the owner then stops
 * and acquires it afresh, reading what others did meanwhile) or another owner has it. One conditional update, so a
 * renewal that reaches the database late can never take the lease back from a server that took it over.
 */
export async function renewLease(
  db: Kysely<Database>,
  name: string,
  owner: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  const updated = await db
    .updateTable('leases')
    .set({ expires_at: toDbInstant(now + ttlMs) })
    .where('name', '=', name)
    .where('owner', '=', owner)
    .where('expires_at', '>=', toDbInstant(now))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
