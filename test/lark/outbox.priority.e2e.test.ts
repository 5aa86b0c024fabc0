/**
 * Priorities and apps in the outbox, through the real SDK into the emulator (which enforces Lark's limits): a reply
 * enqueued while a bulk step drains goes out before most of it, whether it was enqueued on the server holding the
 * drain lease or on another one; each app's sender drains only its own rows, with its own credentials. Orders are
 * asserted, not times (the figures are in bench/priority.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorServer, type EmulatorServer } from '../../src/emulator/server';
import { SdkLarkApi } from '../../src/lark/client';
import { enqueueMessages, type OutgoingMessage } from '../../src/lark/outbox.repository';
import { OutboxSender } from '../../src/lark/outbox.sender';
import { silentLogger } from '../../src/platform/logger';
import { freshDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
const emus: EmulatorServer[] = [];
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  for (const e of emus) await e.close();
  await db.destroy();
});

async function lark(appId: string) {
  const emu = await startEmulatorServer({ appId, appSecret: `secret-${appId}`, tokenTtlSeconds: 86_400 });
  emus.push(emu);
  const api = new SdkLarkApi({ appId, appSecret: `secret-${appId}`, domain: emu.url, logger: silentLogger });
  return { emu, api };
}

const bulk = (tag: string, n: number, app?: string): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `${tag}:${i}`,
    purpose: 'reminder',
    op: 'send',
    receiveIdType: 'open_id',
    receiveId: `ou_${tag}_${i}`,
    rateKey: `user:ou_${tag}_${i}`,
    msgType: 'text',
    content: { text: `${tag} ${i}` },
    ...(app ? { app } : {}),
  }));

/** A command the person sent, and the bot's reply to it (priority 0 from its op). */
function replyTo(emu: EmulatorServer, tag: string): OutgoingMessage {
  const chat = emu.emulator.p2pChat(`ou_asker_${tag}`);
  emu.emulator.recordInbound({
    messageId: `om_${tag}`,
    chatId: chat.chatId,
    chatType: 'p2p',
    senderOpenId: `ou_asker_${tag}`,
    msgType: 'text',
    content: { text: '帮助' },
  });
  return {
    key: `reply:${tag}`,
    purpose: 'help',
    op: 'reply',
    receiveIdType: 'message_id',
    receiveId: `om_${tag}`,
    rateKey: `user:ou_asker_${tag}`,
    msgType: 'text',
    content: { text: `reply ${tag}` },
  };
}

const until = async (what: () => boolean, ms = 30_000) => {
  for (const end = Date.now() + ms; !what() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  expect(what()).toBe(true);
};

const textsOf = (emu: EmulatorServer) => emu.emulator.state.messages.map((m) => (m.content as { text: string }).text);

describe('priorities', () => {
  it('a reply enqueued after 300 bulk rows, on the server draining them, is sent before most of them', async () => {
    const { emu, api } = await lark('cli_prio_one');
    const sender = new OutboxSender(db.db, api, silentLogger, { owner: 'srv-one' });
    expect(await enqueueMessages(db.db, bulk('one', 300), Date.now())).toBe(300);
    const drained = sender.drain();
    await until(() => emu.emulator.state.messages.length >= 20);
    await enqueueMessages(db.db, [replyTo(emu, 'one')], Date.now());
    void sender.drain(); // what services.enqueue does after an insert
    const report = await drained;

    expect(report).toMatchObject({ sent: 301, failed: 0 });
    const texts = textsOf(emu);
    expect(texts).toHaveLength(301);
    // Bulk goes at 45/s; the reply within the watcher's next look, not after the 280 bulk rows still queued.
    expect(texts.indexOf('reply one')).toBeLessThan(150);
    expect(emu.emulator.state.violations).toEqual([]);
    expect(emu.emulator.peakRate('app:message')).toBeLessThanOrEqual(45 + 5);
  }, 60_000);

  it("a reply enqueued on another server, whose own drain finds the lease taken, goes out quickly on the holder's", async () => {
    const { emu, api } = await lark('cli_prio_two');
    // Two servers over one database and one app; rows of the first test are done.
    const holder = new OutboxSender(db.db, api, silentLogger, { owner: 'srv-holder' });
    const other = new OutboxSender(db.db, api, silentLogger, { owner: 'srv-other' });
    await enqueueMessages(db.db, bulk('two', 300), Date.now());
    const drained = holder.drain();
    await until(() => emu.emulator.state.messages.length >= 20);
    await enqueueMessages(db.db, [replyTo(emu, 'two')], Date.now());
    expect(await other.drain()).toMatchObject({ sent: 0, skipped: 'lease' });
    const report = await drained;

    expect(report).toMatchObject({ sent: 301, failed: 0 });
    const texts = textsOf(emu);
    expect(new Set(texts).size).toBe(301);
    expect(texts.indexOf('reply two')).toBeLessThan(150);
    expect(emu.emulator.state.violations).toEqual([]);
  }, 60_000);
});

describe('apps', () => {
  it("two apps' senders in one process drain side by side, each only its own rows, with its own credentials", async () => {
    const a = await lark('cli_app_a');
    const b = await lark('cli_app_b');
    // One process serving both apps: the same owner, one sender per app.
    const senderA = new OutboxSender(db.db, a.api, silentLogger, { owner: 'srv-both', app: 'a' });
    const senderB = new OutboxSender(db.db, b.api, silentLogger, { owner: 'srv-both', app: 'b' });
    await enqueueMessages(db.db, [...bulk('app-a', 40, 'a'), ...bulk('app-b', 30, 'b'), ...bulk('app-c', 5, 'c')], 0);
    const [ra, rb] = await Promise.all([senderA.drain(), senderB.drain()]);

    expect(ra).toEqual({ sent: 40, retried: 0, failed: 0 });
    expect(rb).toEqual({ sent: 30, retried: 0, failed: 0 });
    expect(textsOf(a.emu).every((t) => t.startsWith('app-a '))).toBe(true);
    expect(textsOf(a.emu)).toHaveLength(40);
    expect(textsOf(b.emu).every((t) => t.startsWith('app-b '))).toBe(true);
    expect(textsOf(b.emu)).toHaveLength(30);
    // Each emulator knows only its own app's secret: every send it took came with its own app's token.
    for (const { emu } of [a, b]) expect(emu.emulator.state.violations).toEqual([]);
    const left = await db.db.selectFrom('outbox').select(['app', 'status']).where('app', '=', 'c').execute();
    expect(left).toEqual(Array.from({ length: 5 }, () => ({ app: 'c', status: 'pending' })));
    const leases = await db.db.selectFrom('leases').select('name').where('name', 'like', 'outbox-drain:%').execute();
    expect(leases).toEqual([]); // both released
  }, 60_000);
});
