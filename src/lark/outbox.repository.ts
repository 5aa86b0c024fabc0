/**
 * Outgoing messages as rows. A row's `uuid` is derived from its logical key, so enqueueing the same message twice
 * (a duplicate event, a second server, a retried tick) stores it once, and Lark's own one-hour uuid dedupe backs it
 * when a row is re-sent after a crash
 * (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create: a uuid is sent at most
 * once per hour).
 */
import type { Bound, Repository } from '../platform/store';
import { sha256Hex } from '../platform/hash';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { withinBudget, type Card } from '../../cards/kit';
import { insertIfAbsent, madeRow, retryOnLockConflict } from '../platform/db';
import { newId } from '../platform/ids';
import { fromDbInstant, toDbInstant } from '../platform/instant';

type Db = Kysely<Database> | Transaction<Database>;

/** `forward`: the message whose id is the content's `message_id` is forwarded to receiveId (a user's file, say). */
export type OutboxOp = 'send' | 'reply' | 'patch' | 'card_update' | 'forward';

export interface OutgoingMessage {
  /** The logical identity of the message, e.g. `help:<message_id>`: same key, same message. */
  key: string;
  /** What kind of message this is, e.g. 'help' or 'reminder'. */
  purpose: string;
  op: OutboxOp;
  /**
   * open_id / chat_id for sends and forwards; the message id for replies and patches; the callback token for card
   * updates.
   */
  receiveIdType: 'open_id' | 'chat_id' | 'user_id' | 'union_id' | 'email' | 'message_id' | 'token';
  receiveId: string;
  /** Which per-user/per-chat limit the message counts against. */
  rateKey: string;
  /** For a forward: the type of the message forwarded. */
  msgType: 'text' | 'interactive' | 'post' | 'file' | 'image';
  /** The message content object; serialised once here. A forward's is `{ message_id }`. */
  content: unknown;
  competitionId?: string | null;
  /** Do not send before this instant (epoch ms). */
  notBefore?: number;
  /** The Lark app that sends it (its name in the configuration); 'default' is LARK_APP_ID. */
  app?: string;
  /** 0 first, 2 last; derived from the op and purpose by priorityOf when not given. */
  priority?: Priority;
}

/**
 * 0: an answer to a person's own action (a reply, a card update, the file or form a click opens): someone is waiting.
 * 1: announcements and notices (welcome, ranking published, awards, registration and guidance notices, failure
 *    notices): nobody clicked for them, but they are news.
 * 2: bulk (reminders and their escalations, digests, question chases) and card redraws nobody is waiting for.
 */
export type Priority = 0 | 1 | 2;

/**
 * Sends that answer the person who caused them (a click in a group answered one-to-one by answerClick, the forms a
 * reminder's button opens, an export sent privately): as urgent as a reply.
 */
const DIRECT_ANSWERS: ReadonlySet<string> = new Set([
  'attachment-open',
  'export-file',
  'card-update',
  'help',
  'projects',
  'ranking',
  'registration-form',
  'registration-edit',
  'registration-withdraw',
  'report-form',
  'report-picker',
  'reports-overview',
  'self-evaluation-form',
  'self-evaluation-picker',
  'guidance-form',
]);

/** Sent to many at once by the minute tick; a few minutes late is fine. */
const BULK_PURPOSES: ReadonlySet<string> = new Set(['judge-digest', 'summary-digest']);

/**
 * The class of a message, when its sender did not say:
 *
 * | priority | what                                                                                          |
 * | -------- | --------------------------------------------------------------------------------------------- |
 * | 0        | op 'reply', 'card_update', 'forward' (attachment-open); sends in DIRECT_ANSWERS               |
 * | 1        | other sends: announcement, ranking-published, awards-announced, award-confirmed,              |
 * |          | registration-notice, guidance, guidance-answer, welcome, failure-notice…                      |
 * | 2        | reminder, reminder-* (overdue, escalation, group, digest, guidance: the question chase),      |
 * |          | judge-digest, summary-digest; op 'patch' (a receipt redrawn after a file: its reply says so)  |
 *
 * An unknown send is a notice (1): ahead of the bulk, behind anyone waiting.
 */
export function priorityOf(m: Pick<OutgoingMessage, 'op' | 'purpose'>): Priority {
  switch (m.op) {
    case 'reply':
    case 'card_update':
    case 'forward':
      return 0;
    case 'patch':
      return 2;
    case 'send':
      if (DIRECT_ANSWERS.has(m.purpose)) return 0;
      if (m.purpose === 'reminder' || m.purpose.startsWith('reminder-') || BULK_PURPOSES.has(m.purpose)) return 2;
      return 1;
    default: {
      const never: never = m.op;
      throw new Error(`unknown outbox op ${String(never)}`);
    }
  }
}

export const DEFAULT_APP = 'default';

export interface OutboxRow {
  id: string;
  uuid: string;
  priority: Priority;
  purpose: string;
  op: OutboxOp;
  receiveIdType: OutgoingMessage['receiveIdType'];
  receiveId: string;
  rateKey: string;
  msgType: string;
  content: string;
  attempts: number;
}

/** Lark's uuid is at most 50 characters: a digest of the key keeps any key within that. */
export async function uuidFor(key: string): Promise<string> {
  return `sd-${(await sha256Hex(key)).slice(0, 40)}`;
}

/** Inserts the messages not already present; returns how many were new. */
export async function enqueueMessages(db: Db, messages: readonly OutgoingMessage[], now: number): Promise<number> {
  if (!messages.length) return 0;
  let inserted = 0;
  for (const m of messages) {
    // The last guard before Lark: a card over the budget is replaced by a short card saying so (never sent to be
    // refused), and the row keeps the reason for the office's `发送失败` view.
    const guarded = isCard(m) ? withinBudget(m.content as Card) : undefined;
    const content = guarded ? guarded.card : m.content;
    const values = {
      id: newId('out'),
      uuid: await uuidFor(m.key),
      competition_id: m.competitionId ?? null,
      app: m.app ?? DEFAULT_APP,
      priority: m.priority ?? priorityOf(m),
      purpose: m.purpose,
      op: m.op,
      receive_id_type: m.receiveIdType,
      receive_id: m.receiveId,
      rate_key: m.rateKey,
      msg_type: m.msgType,
      content: typeof content === 'string' ? content : JSON.stringify(content),
      status: 'pending',
      attempts: 0,
      next_attempt_at: toDbInstant(Math.max(now, m.notBefore ?? now)),
      lease_owner: null,
      lease_until: null,
      // The key is kept for operators; the uuid is what Lark sees.
      last_error: guarded?.problems.length ? `card over budget: ${guarded.problems.join('; ')}`.slice(0, 500) : null,
      message_id: null,
      created_at: toDbInstant(now),
      sent_at: null,
    };
    if (madeRow(await insertIfAbsent(db, db.insertInto('outbox').values(values), ['uuid']).executeTakeFirstOrThrow()))
      inserted++;
  }
  return inserted;
}

const isCard = (m: OutgoingMessage): boolean =>
  m.msgType === 'interactive' &&
  typeof m.content === 'object' &&
  m.content !== null &&
  (m.content as { schema?: unknown }).schema === '2.0';

/** Whether the message with this logical key is already in the outbox (whatever its state). */
export async function isEnqueued(db: Db, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('uuid', '=', await uuidFor(key))
    .executeTakeFirst();
  return row !== undefined;
}

const duePredicate = (now: string) =>
  sql<boolean>`((status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and lease_until < ${now}))`;

export interface ClaimOptions {
  /** Only this app's rows (default 'default'). */
  app?: string;
  /**
   * Only pending rows more urgent than this (priority below it): the drain's look for replies while it sends bulk.
   * Rows a crashed server left 'sending' are left to the next full claim.
   */
  below?: Priority;
}

/**
 * Marks up to `limit` due rows of one app as being sent by `owner`, most urgent first, then oldest due. Rows left
 * 'sending' by a crashed server are due again once their lease has passed: they are re-sent with the same uuid, which
 * Lark drops if the first attempt arrived.
 */
export async function claimDue(
  db: Kysely<Database>,
  owner: string,
  now: number,
  leaseMs: number,
  limit: number,
  options: ClaimOptions = {},
): Promise<OutboxRow[]> {
  const app = options.app ?? DEFAULT_APP;
  const at = toDbInstant(now);
  const until = toDbInstant(now + leaseMs);
  const below = options.below;
  // Both shapes lead with (app, status): the outbox_app_due_idx index.
  const due =
    below === undefined
      ? duePredicate(at)
      : sql<boolean>`(status = 'pending' and priority < ${below} and next_attempt_at <= ${at})`;
  const candidates = await db
    .selectFrom('outbox')
    .select('id')
    .where('app', '=', app)
    .where('status', 'in', below === undefined ? ['pending', 'sending'] : ['pending'])
    .where(due)
    .orderBy('priority')
    .orderBy('next_attempt_at')
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  if (!candidates.length) return [];
  const ids = candidates.map((c) => c.id);
  await db
    .updateTable('outbox')
    .set({ status: 'sending', lease_owner: owner, lease_until: until })
    .where('id', 'in', ids)
    .where(duePredicate(at))
    .execute();
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .where('lease_until', '=', until)
    .where('status', '=', 'sending')
    .orderBy('priority')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    uuid: r.uuid,
    priority: Math.min(2, Math.max(0, Number(r.priority))) as Priority,
    purpose: r.purpose,
    op: r.op as OutboxOp,
    receiveIdType: r.receive_id_type as OutboxRow['receiveIdType'],
    receiveId: r.receive_id,
    rateKey: r.rate_key,
    msgType: r.msg_type,
    content: r.content,
    attempts: r.attempts,
  }));
}

/**
 * Hands rows `owner` claimed but did not send back to the queue (a drain that lost its lease stops at once rather
 * than leave them until their lease runs out). Only rows still ours: one a new holder re-claimed is not touched.
 */
export async function releaseClaimed(db: Kysely<Database>, owner: string, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await db
    .updateTable('outbox')
    .set({ status: 'pending', lease_owner: null, lease_until: null })
    .where('id', 'in', [...ids])
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .execute();
}

// The marks are single-row updates that may lose a lock conflict to the lease renewal of the same batch: they run
// again.
export async function markSent(db: Kysely<Database>, id: string, messageId: string, now: number): Promise<void> {
  await retryOnLockConflict(() =>
    db
      .updateTable('outbox')
      .set({
        status: 'sent',
        message_id: messageId || null,
        sent_at: toDbInstant(now),
        lease_owner: null,
        lease_until: null,
        last_error: null,
      })
      .where('id', '=', id)
      .execute(),
  );
}

export async function markRetry(
  db: Kysely<Database>,
  id: string,
  attempts: number,
  nextAttemptAt: number,
  error: string,
): Promise<void> {
  await retryOnLockConflict(() =>
    db
      .updateTable('outbox')
      .set({
        status: 'pending',
        attempts,
        next_attempt_at: toDbInstant(nextAttemptAt),
        lease_owner: null,
        lease_until: null,
        last_error: error.slice(0, 1000),
      })
      .where('id', '=', id)
      .execute(),
  );
}

export async function markFailed(db: Kysely<Database>, id: string, attempts: number, reason: string): Promise<void> {
  await retryOnLockConflict(() =>
    db
      .updateTable('outbox')
      .set({ status: 'failed', attempts, lease_owner: null, lease_until: null, last_error: reason.slice(0, 1000) })
      .where('id', '=', id)
      .execute(),
  );
}

export interface OutboxCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
}

/** How many rows are in each state: a competition's (the office's `发送失败`), or every row. */
export async function outboxCounts(db: Kysely<Database>, competitionId?: string): Promise<OutboxCounts> {
  let query = db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]);
  // A competition's rows and those of no competition (a chooser asked before any was chosen).
  if (competitionId !== undefined)
    query = query.where((eb) => eb.or([eb('competition_id', '=', competitionId), eb('competition_id', 'is', null)]));
  const rows = await query.groupBy('status').execute();
  const counts: OutboxCounts = { pending: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status as keyof OutboxCounts] = Number(r.n);
  return counts;
}

export interface FailedMessage {
  id: string;
  purpose: string;
  receiveId: string;
  receiveIdType: string;
  reason: string;
  attempts: number;
  createdAt: string;
}

export async function recentFailures(
  db: Kysely<Database>,
  limit = 20,
  competitionId?: string,
): Promise<FailedMessage[]> {
  let query = db
    .selectFrom('outbox')
    .select(['id', 'purpose', 'receive_id', 'receive_id_type', 'last_error', 'attempts', 'created_at'])
    .where('status', '=', 'failed');
  // A competition's rows and those of no competition (a chooser asked before any was chosen).
  if (competitionId !== undefined)
    query = query.where((eb) => eb.or([eb('competition_id', '=', competitionId), eb('competition_id', 'is', null)]));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose,
    receiveId: r.receive_id,
    receiveIdType: r.receive_id_type,
    reason: r.last_error ?? '',
    attempts: r.attempts,
    createdAt: r.created_at,
  }));
}

/**
 * An app's rows sent since `since` (by any server), with their rate keys: the sends that still count against its
 * limits (Lark counts per app).
 */
export async function recentlySent(
  db: Db,
  since: number,
  app = DEFAULT_APP,
): Promise<{ id: string; rateKey: string; sentAt: number }[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'rate_key', 'sent_at'])
    .where('sent_at', '>', toDbInstant(since))
    .where('app', '=', app)
    .execute();
  return rows.map((r) => ({ id: r.id, rateKey: r.rate_key, sentAt: fromDbInstant(r.sent_at!) }));
}

/**
 * Extends the leases of the app's rows `owner` is sending to `until` (the drain's lease renewal). Conditional on the
 * owner: a row another server re-claimed after our lease ran out stays its.
 */
export async function extendSendingLeases(
  db: Kysely<Database>,
  owner: string,
  until: number,
  app = DEFAULT_APP,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ lease_until: toDbInstant(until) })
    .where('app', '=', app)
    .where('status', '=', 'sending')
    .where('lease_owner', '=', owner)
    .execute();
}

/** When the app's pending rows not due before `at` come due, soonest first. */
export async function pendingAfter(db: Kysely<Database>, at: number, app = DEFAULT_APP): Promise<number[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('next_attempt_at')
    .where('app', '=', app)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', toDbInstant(at))
    .orderBy('next_attempt_at')
    .execute();
  return rows.map((r) => fromDbInstant(r.next_attempt_at));
}

/**
 * Deletes the competition's messages, whatever their state (the playground's `demo seed`: what its replayed past
 * would have sent is not sent now, and an earlier season's messages are not sent either). How many went.
 */
export async function deleteOutboxOf(db: Db, competitionId: string): Promise<number> {
  const r = await db.deleteFrom('outbox').where('competition_id', '=', competitionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
/** What the bot sent as `messageId` (its purpose and content), when the outbox still holds it. */
export async function sentMessage(
  db: Db,
  messageId: string,
): Promise<{ purpose: string; receiveId: string; content: string } | undefined> {
  const r = await db
    .selectFrom('outbox')
    .select(['purpose', 'receive_id', 'content'])
    .where('message_id', '=', messageId)
    .where('status', '=', 'sent')
    .executeTakeFirst();
  return r && { purpose: r.purpose, receiveId: r.receive_id, content: r.content };
}

export const outboxRepository = {
  sentMessage,
  enqueueMessages,
  isEnqueued,
  outboxCounts,
  recentFailures,
  deleteOutboxOf,
} satisfies Repository;

declare module '../platform/store' {
  interface Repositories {
    outbox: Bound<typeof outboxRepository>;
  }
}

/** The competition whose message `messageId` is, while the outbox keeps the row (src/platform/retention). */
export async function competitionOfMessage(db: Kysely<Database>, messageId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('outbox')
    .select('competition_id')
    .where('message_id', '=', messageId)
    .where('competition_id', 'is not', null)
    .executeTakeFirst();
  return row?.competition_id ?? undefined;
}

/** The competition an outbox row belongs to (the office told when it is given up). */
export async function competitionOfRow(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('outbox').select('competition_id').where('id', '=', id).executeTakeFirst();
  return row?.competition_id ?? undefined;
}
