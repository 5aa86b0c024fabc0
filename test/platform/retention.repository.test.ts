/**
 * Retention on the real databases (SQLite and MySQL): what the hourly prune forgets, what it always keeps, and that one
 * run deletes a bounded number of rows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toDbInstant } from '../../src/platform/instant';
import { pruneExpired } from '../../src/platform/retention.repository';
import { testContainer } from '../support/container';
import { freshDatabase, type TestDatabase } from '../support/database';

const DAY = 86_400_000;
const NOW = Date.parse('2024-06-10T03:00:00Z'); // the top of an hour: the prune job's slot
const ago = (ms: number) => toDbInstant(NOW - ms);

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  for (const table of ['outbox', 'inbox', 'receipts', 'cron_runs', 'audit_log'] as const)
    await db.db.deleteFrom(table).execute();
});

type Status = 'pending' | 'sending' | 'sent' | 'failed';
function outboxRow(id: string, status: Status, age: number, purpose = 'reminder') {
  const at = ago(age);
  return {
    id,
    uuid: `uuid-${id}`,
    competition_id: 'shanghai-2024',
    purpose,
    op: 'send',
    receive_id_type: 'open_id',
    receive_id: 'ou_reader',
    rate_key: 'user:ou_reader',
    msg_type: 'text',
    content: '{"text":"x"}',
    status,
    attempts: status === 'pending' ? 0 : 1,
    next_attempt_at: at,
    lease_owner: null,
    lease_until: null,
    last_error: status === 'failed' ? 'HTTP 400 code 230002: bot not in chat' : null,
    message_id: status === 'sent' ? `om_${id}` : null,
    created_at: at,
    sent_at: status === 'sent' ? at : null,
  };
}

function inboxRow(event_id: string, status: 'pending' | 'done' | 'failed', age: number) {
  const at = ago(age);
  return {
    event_id,
    event_type: 'im.message.receive_v1',
    payload: '{}',
    status,
    attempts: 1,
    lease_until: at,
    last_error: null,
    received_at: at,
    finished_at: status === 'pending' ? null : at,
  };
}

/** The keys each table still holds, sorted. */
const kept = {
  outbox: async () => (await db.db.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id),
  inbox: async () =>
    (await db.db.selectFrom('inbox').select('event_id').orderBy('event_id').execute()).map((r) => r.event_id),
  receipts: async () =>
    (await db.db.selectFrom('receipts').select('receipt_key').orderBy('receipt_key').execute()).map(
      (r) => r.receipt_key,
    ),
  slots: async () => (await db.db.selectFrom('cron_runs').select('slot').orderBy('slot').execute()).map((r) => r.slot),
  audit: async () => (await db.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map((r) => r.id),
};

describe('the hourly prune', () => {
  it('forgets what is older than the period and keeps the rest, pending work, comment cards and the audit log', async () => {
    await db.db
      .insertInto('outbox')
      .values([
        outboxRow('sent-old', 'sent', 31 * DAY),
        outboxRow('sent-recent', 'sent', 29 * DAY),
        outboxRow('failed-old', 'failed', 31 * DAY),
        outboxRow('failed-recent', 'failed', 2 * DAY),
        outboxRow('pending-old', 'pending', 31 * DAY),
        outboxRow('sending-old', 'sending', 31 * DAY),
        // A judge's comment card and a reply in its thread: replies to them are matched through these rows.
        outboxRow('comment-card-old', 'sent', 400 * DAY, 'guidance'),
        outboxRow('comment-reply-old', 'sent', 400 * DAY, 'guidance-reply'),
        outboxRow('comment-card-failed-old', 'failed', 400 * DAY, 'guidance'),
      ])
      .execute();
    await db.db
      .insertInto('inbox')
      .values([
        inboxRow('ev-done-old', 'done', 31 * DAY),
        inboxRow('ev-failed-old', 'failed', 31 * DAY),
        inboxRow('ev-pending-old', 'pending', 31 * DAY),
        inboxRow('ev-done-recent', 'done', 29 * DAY),
      ])
      .execute();
    await db.db
      .insertInto('receipts')
      .values([
        { kind: 'event', receipt_key: 'r-old', created_at: ago(31 * DAY) },
        { kind: 'card_action', receipt_key: 'r-old', created_at: ago(31 * DAY) },
        { kind: 'message', receipt_key: 'r-recent', created_at: ago(29 * DAY) },
      ])
      .execute();
    await db.db
      .insertInto('cron_runs')
      .values([
        { slot: 'prune:2024-06-02T03', owner: 'srv', at: ago(8 * DAY) },
        { slot: 'prune:2024-06-04T03', owner: 'srv', at: ago(6 * DAY) },
      ])
      .execute();
    await db.db
      .insertInto('audit_log')
      .values({
        id: 'aud-old',
        competition_id: 'shanghai-2024',
        actor: 'ou_office',
        action: 'unbind',
        entity_type: 'role_grant',
        entity_id: 'g1',
        before_json: null,
        after_json: null,
        at: ago(5 * 365 * DAY),
      })
      .execute();

    const report = await pruneExpired(db.db, NOW, { retentionDays: 30 });

    expect(report).toEqual({ outbox: 3, inbox: 2, receipts: 2, slots: 1, more: false });
    expect(await kept.outbox()).toEqual(
      ['comment-card-old', 'comment-reply-old', 'failed-recent', 'pending-old', 'sending-old', 'sent-recent'].sort(),
    );
    expect(await kept.inbox()).toEqual(['ev-done-recent', 'ev-pending-old']);
    expect(await kept.receipts()).toEqual(['r-recent']);
    expect(await kept.slots()).toEqual(['prune:2024-06-04T03']);
    expect(await kept.audit()).toEqual(['aud-old']);
    // Nothing left to do: a second run deletes nothing.
    expect(await pruneExpired(db.db, NOW, { retentionDays: 30 })).toEqual({
      outbox: 0,
      inbox: 0,
      receipts: 0,
      slots: 0,
      more: false,
    });
  });

  it('deletes at most batchSize × maxBatches rows of a table per run; the next run takes the rest', async () => {
    await db.db
      .insertInto('outbox')
      .values(Array.from({ length: 10 }, (_, i) => outboxRow(`bulk-${String(i).padStart(2, '0')}`, 'sent', 40 * DAY)))
      .execute();
    await db.db
      .insertInto('receipts')
      .values(
        Array.from({ length: 7 }, (_, i) => ({ kind: 'message', receipt_key: `bulk-${i}`, created_at: ago(40 * DAY) })),
      )
      .execute();
    const bounds = { retentionDays: 30, batchSize: 3, maxBatches: 2 };

    expect(await pruneExpired(db.db, NOW, bounds)).toEqual({ outbox: 6, inbox: 0, receipts: 6, slots: 0, more: true });
    expect(await kept.outbox()).toHaveLength(4);
    expect(await kept.receipts()).toHaveLength(1);
    expect(await pruneExpired(db.db, NOW, bounds)).toEqual({ outbox: 4, inbox: 0, receipts: 1, slots: 0, more: false });
    expect(await kept.outbox()).toEqual([]);
  });

  it("honours RETENTION_DAYS through the container's hourly job; receipts a few hours old stay even at one day", async () => {
    await db.db
      .insertInto('outbox')
      .values([outboxRow('sent-4d', 'sent', 4 * DAY), outboxRow('sent-2d', 'sent', 2 * DAY)])
      .execute();
    await db.db
      .insertInto('receipts')
      .values([
        { kind: 'event', receipt_key: 'r-2d', created_at: ago(2 * DAY) },
        { kind: 'event', receipt_key: 'r-8h', created_at: ago(8 * 3_600_000) },
      ])
      .execute();

    const threeDays = testContainer(db, { RETENTION_DAYS: '3' }, NOW);
    await threeDays.tick();
    expect(await kept.outbox()).toEqual(['sent-2d']);
    expect(await kept.receipts()).toEqual(['r-2d', 'r-8h']);
    expect(threeDays.logs.some((l) => l.includes('"msg":"pruned"') && l.includes('"outbox":1'))).toBe(true);

    const oneDay = testContainer(db, { RETENTION_DAYS: '1' }, NOW + 3_600_000); // the next hour's slot
    await oneDay.tick();
    expect(await kept.outbox()).toEqual([]);
    expect(await kept.receipts()).toEqual(['r-8h']);
  });
});
