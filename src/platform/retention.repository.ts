/**
 * Retention: the hourly `prune` job (src/container.ts scheduledJobs) forgets the rows the bot only keeps for a while
 * (delivered outbox messages, finished inbox events, receipts, run slots), in bounded batches, so that these tables
 * stay the size of the last RETENTION_DAYS and no prune holds locks for long.
 *
 * This is the one place that deletes by age, so what is kept and why can be read in one file. The tables' owners
 * (outbox, inbox, receipts and run-slots repositories) still hold every other statement on them. The audit log is
 * never pruned: it is the competition's record of who did what, exported with it.
 *
 * Each batch is two statements: the keys of at most `batchSize` expired rows (a SELECT … LIMIT), then a DELETE of
 * those keys that repeats the condition. SQLite has no DELETE … LIMIT unless built with
 * SQLITE_ENABLE_UPDATE_DELETE_LIMIT (https://www.sqlite.org/lang_delete.html), so one portable form serves both
 * databases. Each statement runs on its own (autocommit): a batch locks at most `batchSize` rows, briefly. At most
 * `maxBatches` per table per run: what is left goes at the next hour.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { toDbInstant } from './instant';

const DAY_MS = 86_400_000;

/**
 * Outbox purposes whose sent rows are kept for the competition's life. A judge's comment card ('guidance') and a reply
 * in its thread ('guidance-reply') are found again by their Lark message id when someone replies to them
 * (outbox.repository.ts sentMessage, used by the guidance feature's commentCardItem): pruning them would turn a reply
 * to an old comment card into a message that attaches to nothing. They are a few per comment; deleting a competition
 * deletes them with its other outbox rows.
 */
export const KEPT_OUTBOX_PURPOSES = ['guidance', 'guidance-reply'] as const;

/** Run slots only guard against running a minute's job twice: a week is far more than any clock jump or replay. */
export const SLOT_KEEP_MS = 7 * DAY_MS;

export interface PruneOptions {
  /** Rows whose age is past this many days go (RETENTION_DAYS). */
  retentionDays: number;
  /** Rows per statement (default 1,000). */
  batchSize?: number;
  /** Batches per table per run (default 10). */
  maxBatches?: number;
}

export interface PruneReport {
  outbox: number;
  inbox: number;
  receipts: number;
  slots: number;
  /** True when some table had more expired rows than one run takes: the rest goes at the next run. */
  more: boolean;
}

/** Deletes in batches until a batch comes back short or `maxBatches` ran; returns the rows deleted and if any may be left. */
async function inBatches(
  batchSize: number,
  maxBatches: number,
  batch: (limit: number) => Promise<{ found: number; deleted: number }>,
): Promise<{ deleted: number; more: boolean }> {
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const r = await batch(batchSize);
    deleted += r.deleted;
    if (r.found < batchSize) return { deleted, more: false };
  }
  return { deleted, more: true };
}

const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);

/**
 * Outbox rows sent before `before`, but for KEPT_OUTBOX_PURPOSES (found by outbox_sent_idx on sent_at). Pending and
 * sending rows always stay.
 */
const outboxSentExpired = (before: string) => (eb: ExpressionBuilder<Database, 'outbox'>) =>
  eb.and([eb('status', '=', 'sent'), eb('sent_at', '<', before), eb('purpose', 'not in', [...KEPT_OUTBOX_PURPOSES])]);

/**
 * Outbox rows given up on and queued before `before`: a failure that old is past acting on; the office's 发送失败
 * lists the newest ones. (A failed row records no failure time; it failed within the hour or so of retries after it
 * was queued.)
 */
const outboxFailedExpired = (before: string) => (eb: ExpressionBuilder<Database, 'outbox'>) =>
  eb.and([eb('status', '=', 'failed'), eb('created_at', '<', before)]);

/** Inbox events finished (done, or set aside as failed) and received before `before`; pending ones always stay. */
const inboxExpired = (before: string) => (eb: ExpressionBuilder<Database, 'inbox'>) =>
  eb.and([eb('status', 'in', ['done', 'failed']), eb('received_at', '<', before)]);

function pruneOutboxBatch(expired: typeof outboxSentExpired) {
  return async (db: Kysely<Database>, before: string, limit: number) => {
    const ids = (await db.selectFrom('outbox').select('id').where(expired(before)).limit(limit).execute()).map(
      (r) => r.id,
    );
    if (!ids.length) return { found: 0, deleted: 0 };
    const r = await db.deleteFrom('outbox').where('id', 'in', ids).where(expired(before)).executeTakeFirst();
    return { found: ids.length, deleted: count(r) };
  };
}

async function pruneInboxBatch(db: Kysely<Database>, before: string, limit: number) {
  const ids = (await db.selectFrom('inbox').select('event_id').where(inboxExpired(before)).limit(limit).execute()).map(
    (r) => r.event_id,
  );
  if (!ids.length) return { found: 0, deleted: 0 };
  const r = await db.deleteFrom('inbox').where('event_id', 'in', ids).where(inboxExpired(before)).executeTakeFirst();
  return { found: ids.length, deleted: count(r) };
}

/**
 * Receipts only need to outlive Lark's re-delivery of the same event, message or click: retries 5 s, 5 min, 1 h and
 * 6 h after the first push, about 7.1 h in all (https://open.feishu.cn/document/server-docs/event-subscription-guide/overview).
 * RETENTION_DAYS is at least one day.
 */
async function pruneReceiptsBatch(db: Kysely<Database>, before: string, limit: number) {
  const keys = await db
    .selectFrom('receipts')
    .select(['kind', 'receipt_key'])
    .where('created_at', '<', before)
    .limit(limit)
    .execute();
  if (!keys.length) return { found: 0, deleted: 0 };
  const r = await db
    .deleteFrom('receipts')
    .where((eb) =>
      eb(
        eb.refTuple('kind', 'receipt_key'),
        'in',
        keys.map((k) => eb.tuple(k.kind, k.receipt_key)),
      ),
    )
    .where('created_at', '<', before)
    .executeTakeFirst();
  return { found: keys.length, deleted: count(r) };
}

async function pruneSlotsBatch(db: Kysely<Database>, before: string, limit: number) {
  const slots = (await db.selectFrom('cron_runs').select('slot').where('at', '<', before).limit(limit).execute()).map(
    (r) => r.slot,
  );
  if (!slots.length) return { found: 0, deleted: 0 };
  const r = await db.deleteFrom('cron_runs').where('slot', 'in', slots).where('at', '<', before).executeTakeFirst();
  return { found: slots.length, deleted: count(r) };
}

/** One run of the prune job at `now`: each table in turn, each at most `maxBatches` × `batchSize` rows. */
export async function pruneExpired(db: Kysely<Database>, now: number, options: PruneOptions): Promise<PruneReport> {
  const batchSize = options.batchSize ?? 1_000;
  const maxBatches = options.maxBatches ?? 10;
  const before = toDbInstant(now - options.retentionDays * DAY_MS);
  const slotsBefore = toDbInstant(now - SLOT_KEEP_MS);
  const run = (
    batch: (db: Kysely<Database>, before: string, limit: number) => Promise<{ found: number; deleted: number }>,
    cutoff: string,
  ) => inBatches(batchSize, maxBatches, (limit) => batch(db, cutoff, limit));
  const sent = await run(pruneOutboxBatch(outboxSentExpired), before);
  const failed = await run(pruneOutboxBatch(outboxFailedExpired), before);
  const inbox = await run(pruneInboxBatch, before);
  const receipts = await run(pruneReceiptsBatch, before);
  const slots = await run(pruneSlotsBatch, slotsBefore);
  return {
    outbox: sent.deleted + failed.deleted,
    inbox: inbox.deleted,
    receipts: receipts.deleted,
    slots: slots.deleted,
    more: sent.more || failed.more || inbox.more || receipts.more || slots.more,
  };
}
