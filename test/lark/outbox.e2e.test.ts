/**
 * The outbox under a hostile Lark: 30% of sends fail (429 with reset headers, 500, timeouts), and the sending process
 * is killed midway. An injected 429 pauses all sending for its reset time, as a real one must. After a restart every queued message is delivered exactly once and no limit is ever exceeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompetition } from '../../src/competition/competition.service';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { enqueueMessages, type OutgoingMessage } from '../../src/lark/outbox.repository';
import { freshDatabase, type TestDatabase } from '../support/database';
import { competition2024 } from '../support/fixtures';
import { OFFICE, startHarness } from '../support/harness';
import { startDrainer } from '../support/drainer';

let db: TestDatabase;
let emu: EmulatorServer;
const APP = `cli_faults_${process.pid}`;
beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  emu = await startEmulatorServer({ appId: APP, appSecret: 'secret', seed: 7 });
});
afterAll(async () => {
  await emu.close();
  await db.destroy();
});

const drainer = (owner: string) => startDrainer({ databaseUrl: db.url, domain: emu.url, appId: APP, owner });

async function statusCounts() {
  const rows = await db.db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('outbox with faults and a crash', () => {
  it('delivers 200 messages to 20 chats exactly once, within the limits, across a SIGKILL', async () => {
    const e = emu.emulator;
    const chats = Array.from({ length: 20 }, (_, i) => `oc_fault_${i}`);
    for (const c of chats) e.ensureGroupChat(c, ['ou_member']);
    const messages: OutgoingMessage[] = [];
    for (let i = 0; i < 200; i++) {
      const chat = chats[i % chats.length]!;
      messages.push({
        key: `fault-test:${i}`,
        purpose: 'test',
        op: 'send',
        receiveIdType: 'chat_id',
        receiveId: chat,
        rateKey: `chat:${chat}`,
        msgType: 'text',
        content: { text: `message ${i}` },
      });
    }
    expect(await enqueueMessages(db.db, messages, Date.now())).toBe(200);
    e.setFaults({ errorRate: 0.1, rateLimitRate: 0.1, timeoutRate: 0.1, hangMs: 1_200, hangOutcome: 'answer' });

    const first = drainer('first');
    // Kill it once it has sent part of the queue.
    for (let i = 0; i < 400 && e.state.messages.length < 40; i++) await new Promise((r) => setTimeout(r, 50));
    first.child.kill('SIGKILL');
    await first.exited;
    const sentBeforeCrash = e.state.messages.length;
    expect(sentBeforeCrash).toBeGreaterThan(0);
    expect(sentBeforeCrash).toBeLessThan(200);

    const second = drainer('second');
    for (let i = 0; i < 1200; i++) {
      const counts = await statusCounts();
      if ((counts.sent ?? 0) === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    second.child.kill('SIGKILL');
    await second.exited;

    expect(await statusCounts()).toEqual({ sent: 200 });
    const texts = e.state.messages.map((m) => (m.content as { text: string }).text);
    expect(new Set(texts).size).toBe(200);
    expect(texts).toHaveLength(200);
    expect(e.state.calls.filter((c) => c.fault).length).toBeGreaterThan(10);
    expect(e.state.violations).toEqual([]);
    for (const c of chats) expect(e.peakRate(`chat:${c}`)).toBeLessThanOrEqual(5);
    expect(e.peakRate('app:message')).toBeLessThanOrEqual(50);
  }, 150_000);
});

describe('permanent failures', () => {
  it('a message to a chat the bot has left is given up at once, the reason stored and the office told', async () => {
    const local = await freshDatabase();
    const h = await startHarness(local);
    try {
      await loadCompetition(local.db, competition2024(), {
        dryRun: false,
        now: h.container.clock.now(),
        actor: 'test',
      });
      h.emu.emulator.addChat('oc_left', ['ou_a'], { botIsMember: false });
      await h.container.services.enqueue([
        {
          key: 'to-left-chat',
          purpose: 'announcement',
          op: 'send',
          receiveIdType: 'chat_id',
          receiveId: 'oc_left',
          rateKey: 'chat:oc_left',
          msgType: 'text',
          content: { text: 'hello' },
        },
      ]);
      await h.settle();
      const row = await local.db
        .selectFrom('outbox')
        .selectAll()
        .where('purpose', '=', 'announcement')
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('failed');
      expect(row.attempts).toBe(1);
      expect(row.last_error).toContain('230002');
      const notice = h.emu.emulator.messagesTo(OFFICE);
      expect(notice).toHaveLength(1);
      expect((notice[0]!.content as { text: string }).text).toMatch(
        /没能送达 chat_id oc_left[\s\S]*could not be delivered/,
      );
      // The office can list it.
      await h.lark.messageReceived({ sender: OFFICE, text: '发送失败' });
      await h.settle();
      expect(JSON.stringify(h.emu.emulator.state.messages.at(-1)!.content)).toContain('oc_left');
    } finally {
      await h.close();
      await local.destroy();
    }
  });
});
