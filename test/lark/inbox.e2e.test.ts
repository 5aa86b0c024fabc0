/**
 * An event acknowledged to Lark whose work never ran (the process died right after the 200) is finished by the
 * next process's sweep, exactly once; a poison event is set aside after a bounded number of attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptEvent,
  claimDueEvents,
  inboxCounts,
  INBOX_LEASE_MS,
  INBOX_MAX_ATTEMPTS,
  INBOX_RENEW_MS,
  renewEventLease,
} from '../../src/lark/inbox.repository';
import type { Defer } from '../../src/platform/defer';
import { testContainer } from '../support/container';
import { freshDatabase, type TestDatabase } from '../support/database';
import { OFFICE, startHarness, type Harness } from '../support/harness';

/** A process that answers Lark and then dies: deferred work never runs. */
const dyingDefer: Defer = { run: () => undefined, idle: async () => undefined };

let db: TestDatabase;
let h: Harness;
beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { defer: dyingDefer });
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});

describe('the inbox', () => {
  it('finishes, after a restart, the work of events that were acknowledged but not done, once', async () => {
    const e = h.emu.emulator;
    e.ensureGroupChat('oc_unit_group', ['ou_member']);
    const help = await h.lark.messageReceived({ sender: 'ou_someone', text: '帮助' });
    const added = await h.lark.botAdded({ chatId: 'oc_unit_group', operator: OFFICE, name: '黄浦区工作群' });
    expect([help.reply.status, added.reply.status]).toEqual([200, 200]);
    // Lark retries a few times before the crash is noticed: still one row each.
    await h.lark.redeliver(help);
    expect(await inboxCounts(db.db)).toEqual({ pending: 2 });
    expect(e.state.messages).toHaveLength(0);

    // The next process, over the same database and the same Lark.
    const next = testContainer(db, { BOT_ADMINS: OFFICE }, h.container.clock.now(), { lark: h.container.lark });
    await next.maintain();
    expect(e.state.messages).toHaveLength(0); // the lease of the server that received them has not run out yet

    next.clock.advance(INBOX_LEASE_MS + 1);
    await next.maintain();
    await next.defer.idle();
    await next.sender.drain();
    const sent = e.state.messages;
    expect(sent).toHaveLength(2);
    expect(sent.map((m) => m.chatType).sort()).toEqual(['group', 'p2p']);
    expect(JSON.stringify(sent.find((m) => m.chatType === 'p2p')!.content)).toContain('你还没有角色');
    expect(await inboxCounts(db.db)).toEqual({ done: 2 });

    // Another tick later, and the same events delivered again hours later: nothing more.
    next.clock.advance(3 * 3_600_000);
    await next.maintain();
    await h.lark.redeliver(help);
    await next.sender.drain();
    expect(e.state.messages).toHaveLength(2);
  });

  it('two servers sweeping at once take each event once; a poison event is set aside after its attempts', async () => {
    const t0 = h.container.clock.now() + 86_400_000;
    for (let i = 0; i < 30; i++)
      await acceptEvent(db.db, { eventId: `ev-sweep-${i}`, eventType: 'x', payload: { i } }, t0);
    const later = t0 + INBOX_LEASE_MS + 1;
    const [a, b] = await Promise.all([claimDueEvents(db.db, later, 50), claimDueEvents(db.db, later, 50)]);
    const taken = [...a.due, ...b.due].map((d) => d.eventId).filter((id) => id.startsWith('ev-sweep-'));
    expect(taken).toHaveLength(30);
    expect(new Set(taken).size).toBe(30);

    // Every attempt dies with its process: the row comes back once per lease, until it is set aside.
    let at = later;
    let retaken = 0;
    let failed: string[] = [];
    while (!failed.includes('ev-sweep-0') && retaken < 20) {
      at += INBOX_LEASE_MS + 1;
      const r = await claimDueEvents(db.db, at, 50);
      failed = r.failed;
      retaken += r.due.filter((d) => d.eventId === 'ev-sweep-0').length;
    }
    expect(retaken + 1).toBe(INBOX_MAX_ATTEMPTS - 1); // taken by the first sweep above, then again until the limit
    expect((await inboxCounts(db.db)).failed).toBe(30);
  });
});

describe('the lease of an event being worked on', () => {
  it("is kept by the work's heartbeat; a server's death leaves it to another's sweep within seconds; a late renewal never takes it back", async () => {
    const t0 = h.container.clock.now() + 2 * 86_400_000;
    await acceptEvent(db.db, { eventId: 'ev-beat', eventType: 'x', payload: {}, app: 'beat' }, t0);
    // Another app's sweep never sees it.
    expect((await claimDueEvents(db.db, t0 + 3_600_000, { app: 'default', limit: 50 })).due).toEqual([]);
    // Long work: the heartbeat renews every INBOX_RENEW_MS, so however long it runs, no sweep takes it.
    let at = t0;
    for (let beat = 0; beat < 10; beat++) {
      at += INBOX_RENEW_MS;
      expect(await renewEventLease(db.db, 'ev-beat', 1, at + INBOX_LEASE_MS)).toBe(true);
      expect((await claimDueEvents(db.db, at + 1, { app: 'beat' })).due).toEqual([]);
    }
    expect(at - t0).toBeGreaterThan(2 * INBOX_LEASE_MS);
    // The server dies after its last beat: the next sweep after the lease (every second on Node) takes it over.
    const taken = await claimDueEvents(db.db, at + INBOX_LEASE_MS + 1, { app: 'beat' });
    expect(taken.due.map((d) => [d.eventId, d.attempts])).toEqual([['ev-beat', 2]]);
    expect(INBOX_LEASE_MS + INBOX_RENEW_MS + 1_000).toBeLessThanOrEqual(10_000);
    // The first server's heartbeat, arriving late, finds the event no longer its own.
    expect(await renewEventLease(db.db, 'ev-beat', 1, at + 10 * INBOX_LEASE_MS)).toBe(false);
    expect(await renewEventLease(db.db, 'ev-beat', 2, at + INBOX_LEASE_MS + 2 * INBOX_RENEW_MS)).toBe(true);
  });
});

describe('pruning', () => {
  it('once an hour at the top of the hour (the scheduled prune job), finished events and receipts older than RETENTION_DAYS go; recent and pending ones stay', async () => {
    const now = Date.parse('2024-05-06T02:00:00Z');
    const { toDbInstant } = await import('../../src/platform/instant');
    const old = toDbInstant(now - 8 * 86_400_000);
    const recent = toDbInstant(now - 86_400_000);
    await db.db
      .insertInto('inbox')
      .values([
        {
          event_id: 'ev-prune-old',
          event_type: 'x',
          payload: '{}',
          status: 'done',
          attempts: 1,
          lease_until: old,
          last_error: null,
          received_at: old,
          finished_at: old,
        },
        {
          event_id: 'ev-prune-recent',
          event_type: 'x',
          payload: '{}',
          status: 'done',
          attempts: 1,
          lease_until: recent,
          last_error: null,
          received_at: recent,
          finished_at: recent,
        },
        {
          event_id: 'ev-prune-pending',
          event_type: 'x',
          payload: '{}',
          status: 'pending',
          attempts: 9,
          lease_until: toDbInstant(now + 86_400_000),
          last_error: null,
          received_at: old,
          finished_at: null,
        },
      ])
      .execute();
    await db.db
      .insertInto('receipts')
      .values([
        { kind: 'message', receipt_key: 'om-prune-old', created_at: old },
        { kind: 'message', receipt_key: 'om-prune-recent', created_at: recent },
      ])
      .execute();
    const c = testContainer(db, { BOT_ADMINS: OFFICE, RETENTION_DAYS: '7' }, now - 30 * 60_000, {
      lark: h.container.lark,
    });
    await c.tick(); // half past: not yet
    expect(
      (await db.db.selectFrom('inbox').select('event_id').where('event_id', 'like', 'ev-prune-%').execute()).length,
    ).toBe(3);
    c.clock.set(now);
    await c.tick();
    expect(
      (
        await db.db
          .selectFrom('inbox')
          .select('event_id')
          .where('event_id', 'like', 'ev-prune-%')
          .orderBy('event_id')
          .execute()
      ).map((r) => r.event_id),
    ).toEqual(['ev-prune-pending', 'ev-prune-recent']);
    expect(
      (
        await db.db.selectFrom('receipts').select('receipt_key').where('receipt_key', 'like', 'om-prune-%').execute()
      ).map((r) => r.receipt_key),
    ).toEqual(['om-prune-recent']);
  });
});
