/**
 * The Lark edge end to end: Lark (the emulator's sender) → /lark/events → bot → outbox → node-sdk → emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { showHelpAction } from '../../src/features/help/help.handlers';
import { freshDatabase, type TestDatabase } from '../support/database';
import { OFFICE, startHarness, type Harness } from '../support/harness';

let db: TestDatabase;
let h: Harness;
beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => h.emu.emulator.reset());

const cardText = (content: unknown) => JSON.stringify(content);

describe('url_verification', () => {
  it('echoes an encrypted challenge', async () => {
    const d = await h.lark.urlVerification({ challenge: 'abc-123' });
    expect(d.reply.status).toBe(200);
    expect(d.echoed).toBe(true);
  });

  it('echoes a plain challenge', async () => {
    const d = await h.lark.urlVerification({ challenge: 'plain-1', encrypt: false });
    expect(d.reply.body).toEqual({ challenge: 'plain-1' });
  });
});

describe('help', () => {
  it('in a one-to-one chat: exactly one card message to that chat, sent with a uuid', async () => {
    const d = await h.lark.messageReceived({ sender: 'ou_stranger', text: '帮助' });
    expect(d.reply.status).toBe(200);
    await h.settle();
    const sent = h.emu.emulator.state.messages;
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ msgType: 'interactive', chatType: 'p2p', receiverOpenId: 'ou_stranger' });
    expect(sent[0]!.uuid).toMatch(/^sd-[0-9a-f]{40}$/);
    expect(cardText(sent[0]!.content)).toContain('你还没有角色');
  });

  it('the office sees its own commands; full-width and slash forms work', async () => {
    await h.lark.messageReceived({ sender: OFFICE, text: '／ＨＥＬＰ' });
    await h.settle();
    const [card] = h.emu.emulator.state.messages;
    expect(cardText(card!.content)).toContain('发送失败');
    expect(cardText(card!.content)).toContain('竞赛办');
  });

  it('in a group, the bot answers only when it is @mentioned', async () => {
    h.emu.emulator.ensureGroupChat('oc_group1', ['ou_a', 'ou_b']);
    await h.lark.messageReceived({ sender: 'ou_a', chatType: 'group', chatId: 'oc_group1', text: '帮助' });
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(0);
    await h.lark.messageReceived({
      sender: 'ou_a',
      chatType: 'group',
      chatId: 'oc_group1',
      text: '帮助',
      mentionBot: true,
    });
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(1);
    expect(h.emu.emulator.state.messages[0]).toMatchObject({ chatId: 'oc_group1', receiveIdType: 'message_id' });
  });

  it('unknown text gets a short hint, in Chinese first and English', async () => {
    await h.lark.messageReceived({ sender: 'ou_c', text: '今天天气怎么样' });
    await h.settle();
    const [hint] = h.emu.emulator.state.messages;
    expect(hint!.msgType).toBe('text');
    expect((hint!.content as { text: string }).text).toMatch(
      /没有「今天天气怎么样」这个命令[\s\S]*There is no command/,
    );
  });

  it('an office-only command from a stranger is refused with an explanation', async () => {
    await h.lark.messageReceived({ sender: 'ou_d', text: 'failures' });
    await h.settle();
    expect((h.emu.emulator.state.messages[0]!.content as { text: string }).text).toContain(
      '你没有权限使用「发送失败」',
    );
  });
});

describe('welcome', () => {
  it('adding the bot to a group sends a welcome card there and remembers the chat; removal is remembered too', async () => {
    h.emu.emulator.ensureGroupChat('oc_new', ['ou_a']);
    await h.lark.botAdded({ chatId: 'oc_new', operator: OFFICE, name: '黄浦区竞赛群' });
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(1);
    expect(cardText(h.emu.emulator.state.messages[0]!.content)).toContain('欢迎使用赛道助手');
    expect(
      await db.db
        .selectFrom('chats')
        .select(['name', 'bot_present'])
        .where('chat_id', '=', 'oc_new')
        .executeTakeFirst(),
    ).toEqual({ name: '黄浦区竞赛群', bot_present: 1 });
    await h.lark.botDeleted({ chatId: 'oc_new', operator: OFFICE });
    await h.settle();
    expect(
      (await db.db.selectFrom('chats').select('bot_present').where('chat_id', '=', 'oc_new').executeTakeFirst())
        ?.bot_present,
    ).toBe(0);
  });

  it('opening a one-to-one chat welcomes the person once, however often they come back', async () => {
    await h.lark.p2pChatEntered({ operator: 'ou_newcomer' });
    await h.lark.p2pChatEntered({ operator: 'ou_newcomer' });
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(1);
  });
});

describe('card callbacks', () => {
  it("the welcome card's button answers with the help card, which replaces it", async () => {
    await h.lark.p2pChatEntered({ operator: 'ou_clicker' });
    await h.settle();
    const welcome = h.emu.emulator.state.messages[0]!;
    const d = await h.lark.cardAction({
      messageId: welcome.messageId,
      operator: 'ou_clicker',
      value: { a: 'help.show' },
    });
    expect(d.reply.status).toBe(200);
    expect(d.clientError).toBeUndefined();
    expect(cardText(h.emu.emulator.message(welcome.messageId)!.content)).toContain('赛道助手 · 帮助');
  });

  it('a forged or stale button value gets an error toast and changes nothing', async () => {
    await h.lark.p2pChatEntered({ operator: 'ou_forger' });
    await h.settle();
    const welcome = h.emu.emulator.state.messages[0]!;
    const d = await h.lark.cardAction({
      messageId: welcome.messageId,
      operator: 'ou_forger',
      value: { a: 'admin.grant', role: 'office' },
    });
    expect(d.reply.status).toBe(200);
    expect(JSON.stringify(d.toast)).toContain('这个按钮已失效');
    expect(cardText(h.emu.emulator.message(welcome.messageId)!.content)).toContain('欢迎使用赛道助手');
  });

  it('an answer slower than the budget is a toast now and a card update with the callback token later', async () => {
    // help.show, made slower than a 50 ms budget.
    const slowHelp = {
      ...showHelpAction,
      run: async (...args: Parameters<typeof showHelpAction.run>) => {
        await new Promise((r) => setTimeout(r, 200));
        return showHelpAction.run(...args);
      },
    };
    const slowDb = await freshDatabase();
    const slow = await startHarness(slowDb, { callbackBudgetMs: 50, cardActions: [slowHelp] });
    try {
      await slow.lark.p2pChatEntered({ operator: 'ou_slow' });
      await slow.settle();
      const welcome = slow.emu.emulator.state.messages[0]!;
      const d = await slow.lark.cardAction({
        messageId: welcome.messageId,
        operator: 'ou_slow',
        value: { a: 'help.show' },
      });
      expect(JSON.stringify(d.toast)).toContain('正在处理');
      await slow.settle();
      const updated = slow.emu.emulator.message(welcome.messageId)!;
      expect(updated.updates.map((u) => u.source)).toContain('card_update');
      expect(cardText(updated.content)).toContain('赛道助手 · 帮助');
    } finally {
      await slow.close();
      await slowDb.destroy();
    }
  });

  it('the legacy card request URL (SHA-1, never encrypted) works too', async () => {
    await h.lark.p2pChatEntered({ operator: 'ou_legacy' });
    await h.settle();
    const welcome = h.emu.emulator.state.messages[0]!;
    const d = await h.lark.legacyCardAction({
      messageId: welcome.messageId,
      operator: 'ou_legacy',
      value: { a: 'help.show' },
    });
    expect(d.reply.status).toBe(200);
    expect(d.clientError).toBeUndefined();
    expect(JSON.stringify(d.reply.body)).toContain('赛道助手 · 帮助');
  });
});

describe('the Open API client', () => {
  it('fetches a new token when Lark says the old one expired, and the message still goes out', async () => {
    await h.lark.messageReceived({ sender: 'ou_e', text: 'help' });
    await h.settle();
    h.emu.emulator.expireTokens();
    await h.lark.messageReceived({ sender: 'ou_e', text: 'help' });
    await h.settle();
    expect(h.emu.emulator.state.messages).toHaveLength(2);
    expect(h.emu.emulator.state.calls.some((c) => c.code === 99991663)).toBe(true);
  });

  it('resolves e-mails to open_ids, lists chat members and uploads a file', async () => {
    h.emu.emulator.addUser({ open_id: 'ou_mail', email: 'li@example.gov.cn' });
    h.emu.emulator.addChat('oc_members', ['ou_m1', 'ou_m2', 'ou_m3']);
    expect(await h.container.lark.resolveIds({ emails: ['li@example.gov.cn', 'nobody@example.gov.cn'] })).toEqual([
      { email: 'li@example.gov.cn', mobile: undefined, openId: 'ou_mail' },
      { email: 'nobody@example.gov.cn', mobile: undefined, openId: undefined },
    ]);
    expect((await h.container.lark.chatMembers('oc_members')).map((m) => m.openId).sort()).toEqual([
      'ou_m1',
      'ou_m2',
      'ou_m3',
    ]);
    const { fileKey } = await h.container.lark.uploadFile({
      fileType: 'xls',
      fileName: '报名.xlsx',
      data: new Uint8Array(1234),
    });
    expect(fileKey).toMatch(/^file_/);
    expect(h.emu.emulator.state.files[0]).toMatchObject({ fileName: '报名.xlsx', size: 1234 });
  });
});

describe('rate limits of replies', () => {
  it('a one-to-one reply counts against the person, as reminders to them do: no burst over 5 a second', async () => {
    // Five reminders to the office go out in one second (rate key user:…, as the reminders job writes them), and the
    // office sends a command in that second: its reply must wait for the person's window, not a chat's.
    await h.container.services.enqueue(
      Array.from({ length: 5 }, (_, i) => ({
        key: `burst:${i}`,
        purpose: 'test',
        op: 'send' as const,
        receiveIdType: 'open_id' as const,
        receiveId: OFFICE,
        rateKey: `user:${OFFICE}`,
        msgType: 'text',
        content: { text: `reminder ${i}` },
        competitionId: h.container.competitionId,
      })),
    );
    await h.say(OFFICE, '帮助');
    expect(h.emu.emulator.state.messages.filter((m) => m.receiverOpenId === OFFICE)).toHaveLength(6);
    expect(h.emu.emulator.state.violations).toEqual([]);
    expect(h.emu.emulator.peakRate(`user:${OFFICE}`)).toBeLessThanOrEqual(5);
  });
});
