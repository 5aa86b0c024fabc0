/**
 * The run coordinator: the first server to insert a slot's row runs that slot's work; the others skip it.
 * A slot is a name plus the minute it is for (e.g. `reminders:2024-04-08T01:30`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { dialectOf } from './db';
import { toDbInstant } from './instant';

export const minuteSlot = (name: string, ms: number): string => `${name}:${new Date(Math.floor(ms / 60_000) * 60_000).toISOString().slice(0, 16)}`;

/** True when this call claimed the slot. */
export async function claimCronSlot(db: Kysely<Database>, slot: string, owner: string, now: number): Promise<boolean> {
  const insert = db.insertInto('cron_runs').values({ slot, owner, at: toDbInstant(now) });
  const r = await (dialectOf(db) === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('slot').doNothing())).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function pruneCronRuns(db: Kysely<Database>, before: number): Promise<number> {
  const r = await db.deleteFrom('cron_runs').where('at', '<', toDbInstant(before)).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * node-cron's run coordinator, backed by the same table: with `distributed: true` each server's scheduler asks it
 * before a run, and only the first to claim `<task>:<slot time>` runs that slot (fail-closed on errors).
 */
export function databaseRunCoordinator(db: Kysely<Database>, owner: string, now: () => number) {
  return {
    shouldRun: (key: string) => claimCronSlot(db, `cron:${key}`.slice(0, 128), owner, now()),
  };
}
