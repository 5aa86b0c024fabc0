/**
 * The drain lease under a stall: a drainer that could not renew its lease in time (its process or its database
 * stalled longer than the lease) must stop sending before another can take over, and hand its rows back. The stall is
 * a jump of the sender's clock; Lark is a stand-in that only counts sends (what is asserted is the sender's own
 * decision, not Lark's answers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LarkApi } from '../../src/lark/client';
import { enqueueMessages, type OutgoingMessage } from '../../src/lark/outbox.repository';
import { OutboxSender, type RealTime } from '../../src/lark/outbox.sender';
import { silentLogger } from '../../src/platform/logger';
import { freshDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db.destroy());

const notice = (i: number): OutgoingMessage => ({
  key: `stall:${i}`,
  purpose: 'announcement',
  op: 'send',
  receiveIdType: 'chat_id',
  receiveId: `oc_stall_${i}`,
  rateKey: `chat:oc_stall_${i}`,
  msgType: 'text',
  content: { text: `m${i}` },
});

describe('the drain lease', () => {
  it('a drainer stalled past its lease sends nothing more, hands its rows back, and another drains them', async () => {
    let skew = 0;
    const time: RealTime = { now: () => Date.now() + skew, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
    const sends: { by: string; at: number }[] = [];
    const lark = (by: string, onSend?: () => void) =>
      ({
        enabled: true,
        send: async () => {
          sends.push({ by, at: time.now() });
          onSend?.();
          await new Promise((r) => setTimeout(r, 5));
          return { messageId: `om_${sends.length}` };
        },
      }) as unknown as LarkApi;
    await enqueueMessages(
      db.db,
      Array.from({ length: 60 }, (_, i) => notice(i)),
      Date.now(),
    );
    // After its 10th send, the first drainer's clock jumps 10 s: its lease (3 s) ran out while it was stalled.
    const first = new OutboxSender(
      db.db,
      lark('first', () => {
        if (sends.length === 10) skew += 10_000;
      }),
      silentLogger,
      { owner: 'srv-first', time, concurrency: 1 },
    );
    const report = await first.drain();
    expect(report.skipped).toBe('lease');
    // Only the send already under way when the clock jumped went out: nothing was started past the lease.
    expect(sends.filter((s) => s.by === 'first').length).toBe(10);
    const left = await db.db
      .selectFrom('outbox')
      .select(['status', 'lease_owner'])
      .where('status', '!=', 'sent')
      .execute();
    expect(left).toHaveLength(50);
    expect(left.every((r) => r.status === 'pending' && r.lease_owner === null)).toBe(true);

    const second = new OutboxSender(db.db, lark('second'), silentLogger, { owner: 'srv-second', time });
    expect(await second.drain()).toEqual({ sent: 50, retried: 0, failed: 0 });
    expect(sends).toHaveLength(60);
  });
});
