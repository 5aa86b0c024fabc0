/**
 * The inbox holds every accepted event until its work is done. Lark stops re-delivering once it has its 200, so an
 * event whose deferred work was cut short (a crash, a deploy, the database away for a moment) would be lost without
 * it: a sweep on start and on every tick picks up rows whose lease ran out (the receipts and this lease are the only
 * dedupe: the SDK does none, larksuite/node-sdk#10). Inserting the row is the event's claim; a message's id is claimed
 * in the same transaction, because Lark may re-deliver a message under a new event id
 * (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/events/receive).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { insertIfAbsent, madeRow } from '../platform/db';
import { toDbInstant } from '../platform/instant';
import { claimReceipt } from './receipts.repository';

/**
 * How long an event stays with the server working on it without a heartbeat: the server renews it every
 * INBOX_RENEW_MS while the work runs (renewEventLease), so a long export is never taken over mid-way, and a server
 * that died leaves its events to another server's sweep within this time (plus the sweep's interval).
 */
export const INBOX_LEASE_MS = 5_000;
/** The work's heartbeat: a third of the lease, so two renewals in a row can fail before it runs out. */
export const INBOX_RENEW_MS = Math.round(INBOX_LEASE_MS / 3);
/** Attempts (the first one included) before an event is set aside as failed. */
export const INBOX_MAX_ATTEMPTS = 5;

export interface InboxEntry {
  eventId: string;
  eventType: string;
  payload: unknown;
  /** For message events: the message id, claimed with the event. */
  messageId?: string;
  /** The Lark app it came through (default 'default'): that app's sweeps finish it if this server does not. */
  app?: string;
}

export interface DueEvent {
  eventId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
}

/** 'accepted' when this call claimed the event (and its message); 'duplicate' when either was claimed before. */
export async function acceptEvent(db: Kysely<Database>, e: InboxEntry, now: number): Promise<'accepted' | 'duplicate'> {
  return db.transaction().execute(async (trx) => {
    const insert = trx.insertInto('inbox').values({
      event_id: e.eventId.slice(0, 191),
      event_type: e.eventType.slice(0, 128),
      app: e.app ?? 'default',
      payload: JSON.stringify(e.payload ?? null),
      status: 'pending',
      attempts: 1,
      lease_until: toDbInstant(now + INBOX_LEASE_MS),
      received_at: toDbInstant(now),
    });
    const r = await insertIfAbsent(trx, insert, ['event_id']).executeTakeFirst();
    if (!madeRow(r)) return 'duplicate';
    if (e.messageId !== undefined && !(await claimReceipt(trx, 'message', e.messageId, now))) {
      await trx
        .updateTable('inbox')
        .set({ status: 'done', last_error: 'duplicate message', finished_at: toDbInstant(now) })
        .where('event_id', '=', e.eventId.slice(0, 191))
        .execute();
      return 'duplicate';
    }
    return 'accepted';
  });
}

export async function finishEvent(db: Kysely<Database>, eventId: string, now: number): Promise<void> {
  await db
    .updateTable('inbox')
    .set({ status: 'done', finished_at: toDbInstant(now) })
    .where('event_id', '=', eventId)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * The heartbeat of an event's work: extends the lease of attempt `attempt` to `until`. False when the event is no
 * longer this attempt's (a sweep elsewhere took it over after the lease ran out, which bumped its attempts, or it is
 * finished): a conditional update, so a late renewal never takes an event back.
 */
export async function renewEventLease(
  db: Kysely<Database>,
  eventId: string,
  attempt: number,
  until: number,
): Promise<boolean> {
  const r = await db
    .updateTable('inbox')
    .set({ lease_until: toDbInstant(until) })
    .where('event_id', '=', eventId)
    .where('status', '=', 'pending')
    .where('attempts', '=', attempt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The work failed: leave the row pending for a later sweep, a little later each time. */
export async function retryEventLater(
  db: Kysely<Database>,
  eventId: string,
  attempts: number,
  error: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('inbox')
    .set({ lease_until: toDbInstant(now + 15_000 * 2 ** Math.min(attempts, 6)), last_error: error.slice(0, 500) })
    .where('event_id', '=', eventId)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Takes over an app's pending events whose lease ran out, one conditional update each so that two servers sweeping at
 * once never both take the same row. Events past the attempt limit are marked failed instead (a poison event must not
 * crash every server in turn forever); they are returned separately for logging. Each event taken has a fresh lease
 * of INBOX_LEASE_MS: take only as many as are worked on at once, or renew them (renewEventLease).
 */
export async function claimDueEvents(
  db: Kysely<Database>,
  now: number,
  options: number | { limit?: number; app?: string } = {},
): Promise<{ due: DueEvent[]; failed: string[] }> {
  const { limit = 20, app = 'default' } = typeof options === 'number' ? { limit: options } : options;
  const rows = await db
    .selectFrom('inbox')
    .select(['event_id', 'event_type', 'payload', 'attempts', 'lease_until'])
    .where('app', '=', app)
    .where('status', '=', 'pending')
    .where('lease_until', '<=', toDbInstant(now))
    .orderBy('lease_until')
    .limit(limit)
    .execute();
  const due: DueEvent[] = [];
  const failed: string[] = [];
  for (const row of rows) {
    const giveUp = row.attempts >= INBOX_MAX_ATTEMPTS;
    const r = await db
      .updateTable('inbox')
      .set(
        giveUp
          ? { status: 'failed', finished_at: toDbInstant(now) }
          : { attempts: row.attempts + 1, lease_until: toDbInstant(now + INBOX_LEASE_MS) },
      )
      .where('event_id', '=', row.event_id)
      .where('status', '=', 'pending')
      .where('lease_until', '=', row.lease_until)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) continue;
    if (giveUp) failed.push(row.event_id);
    else
      due.push({
        eventId: row.event_id,
        eventType: row.event_type,
        payload: JSON.parse(row.payload),
        attempts: row.attempts + 1,
      });
  }
  return { due, failed };
}

export async function inboxCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('inbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** The payload of an event this app received (a command put aside while its sender chose a competition). */
export async function receivedEvent(
  db: Kysely<Database>,
  app: string,
  eventId: string,
): Promise<{ eventType: string; payload: unknown } | undefined> {
  const row = await db
    .selectFrom('inbox')
    .select(['event_type', 'payload'])
    .where('event_id', '=', eventId)
    .where('app', '=', app)
    .executeTakeFirst();
  return row && { eventType: row.event_type, payload: JSON.parse(row.payload) };
}
