import { silentLogger } from '../../src/platform/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLease, releaseLease, renewLease } from '../../src/platform/leases.repository';
import {
  claimDue,
  enqueueMessages,
  markRetry,
  priorityOf,
  releaseClaimed,
  uuidFor,
  type OutgoingMessage,
} from '../../src/lark/outbox.repository';
import { claimReceipt } from '../../src/lark/receipts.repository';
import { card, markdown } from '../../cards/kit';
import { callbackBody } from '../../src/lark/bot';
import { checkCard } from '../../src/lark/card-rules';
import { text } from '../../src/platform/i18n';
import { freshDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(async () => t.destroy());

const NOW = Date.parse('2024-04-01T02:00:00Z');
const msg = (key: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  key,
  purpose: 'test',
  op: 'send',
  receiveIdType: 'open_id',
  receiveId: 'ou_a',
  rateKey: 'user:ou_a',
  msgType: 'text',
  content: { text: key },
  ...extra,
});

describe('the outbox table', () => {
  it('stores a logical message once, however often it is enqueued, with a deterministic uuid of at most 50 characters', async () => {
    expect(await enqueueMessages(t.db, [msg('same'), msg('same')], NOW)).toBe(1);
    expect(await enqueueMessages(t.db, [msg('same')], NOW + 5)).toBe(0);
    const rows = await t.db.selectFrom('outbox').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.uuid).toBe(await uuidFor('same'));
    expect(rows[0]!.uuid.length).toBeLessThanOrEqual(50);
  });

  it('concurrent enqueues of the same message from many requests store one row', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => enqueueMessages(t.db, [msg('burst')], NOW)));
    expect(results.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("claims due rows once; a crashed sender's rows come back only after their lease", async () => {
    await enqueueMessages(t.db, [msg('later', { notBefore: NOW + 60_000 })], NOW);
    const first = await claimDue(t.db, 'srv-a', NOW, 30_000, 100);
    expect(first.map((r) => r.purpose)).toEqual(['test', 'test']);
    expect(await claimDue(t.db, 'srv-b', NOW + 1_000, 30_000, 100)).toEqual([]);
    // srv-a died without marking anything: after the lease, the rows (and the one now due) are claimable again.
    const again = await claimDue(t.db, 'srv-b', NOW + 61_000, 30_000, 100);
    expect(again).toHaveLength(3);
  });

  it('a row scheduled for a retry is not due before its time', async () => {
    const [row] = await claimDue(t.db, 'srv-c', NOW + 200_000, 30_000, 1);
    await markRetry(t.db, row!.id, 1, NOW + 300_000, 'HTTP 500');
    const due = await claimDue(t.db, 'srv-c', NOW + 250_000, 30_000, 100);
    expect(due.map((r) => r.id)).not.toContain(row!.id);
  });
});

describe('priorities and apps', () => {
  it('priorityOf: answers to a person first, notices next, bulk and redraws last', () => {
    const p = (op: OutgoingMessage['op'], purpose: string) => priorityOf({ op, purpose });
    expect([p('reply', 'help'), p('card_update', 'card-update'), p('forward', 'attachment-open')]).toEqual([0, 0, 0]);
    expect([p('send', 'export-file'), p('send', 'registration-form'), p('send', 'ranking')]).toEqual([0, 0, 0]);
    expect([p('send', 'announcement'), p('send', 'welcome'), p('send', 'failure-notice')]).toEqual([1, 1, 1]);
    expect([p('send', 'ranking-published'), p('send', 'guidance-answer'), p('send', 'something-new')]).toEqual([
      1, 1, 1,
    ]);
    expect([p('send', 'reminder'), p('send', 'reminder-overdue'), p('send', 'reminder-guidance')]).toEqual([2, 2, 2]);
    expect([p('send', 'judge-digest'), p('send', 'summary-digest'), p('patch', 'attachment-receipt')]).toEqual([
      2, 2, 2,
    ]);
  });

  it("claims an app's rows only, most urgent first, then oldest; an urgent-only claim leaves the rest", async () => {
    const at = NOW + 10_000_000;
    const m = (key: string, extra: Partial<OutgoingMessage>) => msg(key, { notBefore: at, ...extra });
    const rows = [
      m('p-bulk-1', { purpose: 'reminder', app: 'p' }),
      m('p-notice', { purpose: 'announcement', app: 'p' }),
      m('p-bulk-2', { purpose: 'reminder', app: 'p' }),
      m('p-reply', { op: 'reply', app: 'p' }),
      m('p-forced', { purpose: 'reminder', app: 'p', priority: 0 }),
      m('q-reply', { op: 'reply', app: 'q' }),
    ];
    // Enqueued one after another (all due at the same instant): within a class, the oldest first.
    for (const [i, row] of rows.entries()) await enqueueMessages(t.db, [row], at - 100 + i);
    const urgent = await claimDue(t.db, 'srv-p', at, 3_000, 10, { app: 'p', below: 1 });
    expect(urgent.map((r) => [JSON.parse(r.content).text, r.priority])).toEqual([
      ['p-reply', 0],
      ['p-forced', 0],
    ]);
    await releaseClaimed(
      t.db,
      'srv-p',
      urgent.map((r) => r.id),
    );
    const all = await claimDue(t.db, 'srv-p', at, 3_000, 10, { app: 'p' });
    expect(all.map((r) => JSON.parse(r.content).text)).toEqual([
      'p-reply',
      'p-forced',
      'p-notice',
      'p-bulk-1',
      'p-bulk-2',
    ]);
    // Released only by their owner.
    await releaseClaimed(
      t.db,
      'srv-other',
      all.map((r) => r.id),
    );
    expect(await claimDue(t.db, 'srv-p', at + 1, 3_000, 10, { app: 'p' })).toEqual([]);
    expect((await claimDue(t.db, 'srv-q', at, 3_000, 10, { app: 'q' })).map((r) => r.purpose)).toEqual(['test']);
  });
});

describe('leases and receipts', () => {
  it('one owner at a time holds a lease; another takes over once it expires', async () => {
    expect(await acquireLease(t.db, 'drain', 'a', NOW, 10_000)).toBe(true);
    expect(await acquireLease(t.db, 'drain', 'b', NOW + 1, 10_000)).toBe(false);
    expect(await acquireLease(t.db, 'drain', 'a', NOW + 2, 10_000)).toBe(true);
    expect(await acquireLease(t.db, 'drain', 'b', NOW + 10_003, 10_000)).toBe(true);
    await releaseLease(t.db, 'drain', 'b');
    expect(await acquireLease(t.db, 'drain', 'c', NOW + 10_004, 10_000)).toBe(true);
  });

  it('a renewal extends only a lease its owner still holds: never one that ran out or that another took over', async () => {
    expect(await acquireLease(t.db, 'renew', 'a', NOW, 3_000)).toBe(true);
    expect(await renewLease(t.db, 'renew', 'a', NOW + 1_000, 3_000)).toBe(true);
    expect(await renewLease(t.db, 'renew', 'b', NOW + 1_000, 3_000)).toBe(false);
    // Renewed at +1 s: still a's at +3.5 s, free after +4 s.
    expect(await acquireLease(t.db, 'renew', 'b', NOW + 3_500, 3_000)).toBe(false);
    expect(await acquireLease(t.db, 'renew', 'b', NOW + 4_001, 3_000)).toBe(true);
    // a's renewal reaching the database late cannot take it back, nor renew an expired lease nobody took.
    expect(await renewLease(t.db, 'renew', 'a', NOW + 2_000, 3_000)).toBe(false);
    await releaseLease(t.db, 'renew', 'b');
    expect(await renewLease(t.db, 'renew', 'a', NOW + 5_000, 3_000)).toBe(false);
  });

  it('contended leases: of 20 simultaneous claimants exactly one wins', async () => {
    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) => acquireLease(t.db, 'contended', `o${i}`, NOW, 10_000)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('a receipt is claimed once, even by 25 concurrent deliveries', async () => {
    const claims = await Promise.all(Array.from({ length: 25 }, () => claimReceipt(t.db, 'event', 'ev-dup', NOW)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimReceipt(t.db, 'event', 'ev-dup', NOW + 7 * 3_600_000)).toBe(false);
    expect(await claimReceipt(t.db, 'message', 'ev-dup', NOW)).toBe(true);
  });
});

describe('scheduled jobs, once per slot', () => {
  it('twelve servers ticking the same minute run each due job once; an hourly job only at the top of the hour', async () => {
    const { claimSlot } = await import('../../src/platform/run-slots.repository');
    const { runDueJobs, slotOf } = await import('../../src/platform/jobs');
    const t = await freshDatabase();
    try {
      expect(slotOf({ name: 'reminders', every: 'minute' }, Date.parse('2024-04-08T01:30:42Z'))).toBe(
        'reminders:2024-04-08T01:30',
      );
      expect(slotOf({ name: 'prune', every: 'hour' }, Date.parse('2024-04-08T01:00:05Z'))).toBe('prune:2024-04-08T01');
      const runs: string[] = [];
      const jobs = [
        { name: 'reminders', every: 'minute' as const, run: async (at: number) => void runs.push(`reminders@${at}`) },
        { name: 'prune', every: 'hour' as const, run: async (at: number) => void runs.push(`prune@${at}`) },
        { name: 'broken', every: 'minute' as const, run: async () => Promise.reject(new Error('down')) },
      ];
      const tickAll = (at: number) =>
        Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            runDueJobs(jobs, (slot) => claimSlot(t.db, slot, `srv-${i}`, at), at, silentLogger),
          ),
        );
      const top = Date.parse('2024-04-08T02:00:00Z');
      const outcomes = (await tickAll(top)).flat();
      await tickAll(top + 20_000); // the same minute again (a retried Cron Trigger)
      await tickAll(top + 60_000);
      expect(runs.sort()).toEqual([`prune@${top}`, `reminders@${top + 60_000}`, `reminders@${top}`].sort());
      // A failing job is reported, once, and does not stop the others.
      expect(outcomes.filter((o) => o.job === 'broken' && !o.ran && o.reason === 'failed')).toHaveLength(1);
    } finally {
      await t.destroy();
    }
  });
});

describe('the last guard before Lark', () => {
  // A card no builder should make: 300 markdown elements, past the 200 Lark allows.
  const tooBig = card({
    title: text('太多', 'Too much'),
    elements: Array.from({ length: 300 }, (_, i) => markdown(text(`第 ${i} 行`, `row ${i}`))),
  });

  it('an over-budget card is never stored to be sent: a short card says it could not be shown, and the row keeps why', async () => {
    expect(await enqueueMessages(t.db, [msg('too-big', { msgType: 'interactive', content: tooBig })], NOW)).toBe(1);
    const row = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('uuid', '=', await uuidFor('too-big'))
      .executeTakeFirstOrThrow();
    const stored = JSON.parse(row.content);
    expect(checkCard(stored).problems).toEqual([]);
    expect(JSON.stringify(stored)).toContain('这张卡片内容过多，无法显示');
    expect(JSON.stringify(stored)).toContain('太多');
    expect(row.last_error).toMatch(/^card over budget: .*elements/);
  });

  it('the same holds for a card answered in a callback', () => {
    const problems: string[][] = [];
    const body = callbackBody({ card: tooBig }, (p) => problems.push(p));
    expect(checkCard((body.card as { data: unknown }).data).problems).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(JSON.stringify(body)).toContain('这张卡片内容过多');
  });
});
