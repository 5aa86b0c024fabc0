/**
 * Failover of the drain: two drain processes over one database, the second trying the lease every second as the
 * Node entry's maintain does. The one holding the lease is killed with SIGKILL mid-burst; the other takes over once
 * the lease (3 s) runs out, and every message is delivered exactly once, never faster than Lark allows (two drainers
 * at once would overshoot the app's 50/s). The bound asserted is generous; bench/failover.ts measures the delay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { enqueueMessages, type OutgoingMessage } from '../../src/lark/outbox.repository';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startDrainer } from '../support/drainer';

let db: TestDatabase;
let emu: EmulatorServer;
const APP = `cli_failover_${process.pid}`;
beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  emu = await startEmulatorServer({ appId: APP, appSecret: 'secret', tokenTtlSeconds: 86_400 });
});
afterAll(async () => {
  await emu.close();
  await db.destroy();
});

const drainer = (owner: string, pollMs: number) =>
  startDrainer({
    databaseUrl: db.url,
    domain: emu.url,
    appId: APP,
    owner,
    env: { POLL_MS: String(pollMs), LOG_SENDS: '1' },
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function leaseHolder(): Promise<string | undefined> {
  const row = await db.db
    .selectFrom('leases')
    .select('owner')
    .where('name', '=', 'outbox-drain:default')
    .executeTakeFirst();
  return row?.owner;
}

describe('drain failover', () => {
  it('after a SIGKILL of the drainer another takes over within seconds; nothing lost, nothing twice, no overshoot', async () => {
    const e = emu.emulator;
    const n = 400;
    const chats = Array.from({ length: 100 }, (_, i) => `oc_failover_${i}`);
    for (const c of chats) e.ensureGroupChat(c, ['ou_member']);
    const messages: OutgoingMessage[] = Array.from({ length: n }, (_, i) => {
      const chat = chats[i % chats.length]!;
      return {
        key: `failover:${i}`,
        purpose: 'announcement',
        op: 'send',
        receiveIdType: 'chat_id',
        receiveId: chat,
        rateKey: `chat:${chat}`,
        msgType: 'text',
        content: { text: `message ${i}` },
      };
    });
    expect(await enqueueMessages(db.db, messages, Date.now())).toBe(n);

    const first = drainer('first', 50);
    for (let i = 0; i < 600 && e.state.messages.length < 60; i++) await sleep(50);
    const second = drainer('second', 1_000);
    try {
      // Let the second start and find the lease taken at least once.
      await sleep(2_500);
      expect(await leaseHolder()).toBe('first');
      expect(e.state.messages.length).toBeLessThan(n);
      first.child.kill('SIGKILL');
      await first.exited;
      const killedAt = Date.now();
      for (let i = 0; i < 1_200; i++) {
        const sent = await db.db.selectFrom('outbox').select('id').where('status', '=', 'sent').execute();
        if (sent.length === n) break;
        await sleep(50);
      }
      // The second's sends (it logs each): none before the kill (one drainer at a time), the first within seconds.
      const secondSends = [...second.output().matchAll(/^sent (\d+)$/gm)].map((m) => Number(m[1]));
      expect(secondSends.length).toBeGreaterThan(0);
      expect(Math.min(...secondSends)).toBeGreaterThanOrEqual(killedAt - 50);
      expect(Math.min(...secondSends) - killedAt).toBeLessThan(12_000);
      expect(await leaseHolder()).not.toBe('first');
    } finally {
      second.child.kill('SIGKILL');
      first.child.kill('SIGKILL');
      await second.exited;
    }

    const statuses = await db.db.selectFrom('outbox').select('status').where('purpose', '=', 'announcement').execute();
    expect(statuses.every((r) => r.status === 'sent')).toBe(true);
    const texts = e.state.messages.map((m) => (m.content as { text: string }).text);
    expect(texts).toHaveLength(n);
    expect(new Set(texts).size).toBe(n);
    expect(e.state.violations).toEqual([]);
    expect(e.peakRate('app:message')).toBeLessThanOrEqual(50);
    for (const c of chats) expect(e.peakRate(`chat:${c}`)).toBeLessThanOrEqual(5);
  }, 120_000);
});
