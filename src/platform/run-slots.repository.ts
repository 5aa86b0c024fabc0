/**
 * Once per slot, on any number of servers: the first server to insert a slot's row runs that slot's work; the others
 * skip it. A slot is a job's name plus the minute or hour it is for (e.g. `reminders:2024-04-08T01:30`); see
 * src/platform/jobs.ts for the jobs that use it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { insertIfAbsent, madeRow } from './db';
import { toDbInstant } from './instant';

/** True when this call claimed the slot. */
export async function claimSlot(db: Kysely<Database>, slot: string, owner: string, now: number): Promise<boolean> {
  return madeRow(
    await insertIfAbsent(
      db,
      db.insertInto('cron_runs').values({ slot: slot.slice(0, 128), owner, at: toDbInstant(now) }),
      ['slot'],
    ).executeTakeFirstOrThrow(),
  );
}

/** Forgets slots claimed before `before`; returns how many. */
export async function pruneSlots(db: Kysely<Database>, before: number): Promise<number> {
  const r = await db.deleteFrom('cron_runs').where('at', '<', toDbInstant(before)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
