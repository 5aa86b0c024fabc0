/**
 * The playground without a browser: `startPlaygroundServer` on a real port, the page's API driven over HTTP as the
 * page drives it. The seeded cast and chats, delivery to the bot (signed and encrypted, through the emulator's sender),
 * the emulator on the same port under /emulator, time travel with the minute tick, and clear answers to bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompetition } from '../../src/competition/competition.service';
import { competitionFromJson } from '../../src/competition/loader';
import { startPlaygroundServer, type PlaygroundServer } from '../../src/playground/server';
import { competition2024 } from '../support/fixtures';
import { freshDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let pg: PlaygroundServer;

beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  pg = await startPlaygroundServer({ env: { DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent' } });
});
afterAll(async () => {
  await pg?.close();
  await db?.destroy();
});

interface ChatView {
  chatId: string;
  name: string;
  kind: string;
  members: { openId: string; name: string }[];
}
interface State {
  personas: { openId: string; label: string }[];
  chats: ChatView[];
  local: string;
  botOpenId: string;
}
interface MessageView {
  id: string;
  from: string;
  kind: string;
  text?: string;
  card?: unknown;
  revision: number;
}

const get = async <T>(path: string) => {
  const r = await fetch(`${pg.url}${path}`);
  return { status: r.status, body: (await r.json()) as T };
};
const post = async <T>(path: string, body: unknown) => {
  const r = await fetch(`${pg.url}/playground/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
};
const state = async (persona: string) => (await get<State>(`/playground/api/state?persona=${persona}`)).body;
const openIdOf = async (label: string) =>
  (await state('ou_demo_office')).personas.find((p) => p.label === label)!.openId;
const chatNamed = async (persona: string, name: string) => (await state(persona)).chats.find((c) => c.name === name)!;
const view = async (persona: string, chat: string) =>
  (await post<{ messages: MessageView[] }>('view', { persona, chat, have: {} })).body.messages;
const json = (x: unknown) => JSON.stringify(x);

describe('the playground server', () => {
  it('serves the page with its named controls, its scripts, and the bot beside it', async () => {
    const page = await fetch(`${pg.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const name of ['身份', '时间', '前往', '消息', '发送']) expect(html).toContain(name);
    const app = await fetch(`${pg.url}/playground/app.js`);
    expect(app.headers.get('content-type')).toContain('javascript');
    expect((await app.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${pg.url}/playground/vchart.js`)).status).toBe(200);
    expect((await fetch(`${pg.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${pg.url}/readyz`)).status).toBe(200);
    expect(pg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists the seeded cast as 「name（role）」 and each persona only the chats it is in', async () => {
    const s = await state('ou_demo_office');
    expect(s.personas.map((p) => p.label)).toEqual([
      '周敏（竞赛办）',
      '王芳（浦东联络员）',
      '陈刚（黄浦联络员）',
      '李强（法治建设评委）',
      '赵丽（法治建设评委）',
      '吴建国（领导小组）',
      '刘洋（未绑定）',
    ]);
    expect(s.chats.map((c) => c.name)).toEqual(['赛道助手', '浦东工作群', '黄浦工作群', '竞赛通知群']);
    const pudong = s.chats.find((c) => c.name === '浦东工作群')!;
    expect(pudong.members.map((m) => m.name)).toEqual(['赛道助手', '周敏', '王芳']);
    const stranger = await state(await openIdOf('刘洋（未绑定）'));
    expect(stranger.chats.map((c) => c.name)).toEqual(['赛道助手', '竞赛通知群']);
    const contact = await state(await openIdOf('陈刚（黄浦联络员）'));
    expect(contact.chats.map((c) => c.name)).toEqual(['赛道助手', '黄浦工作群', '竞赛通知群']);
  });

  it('delivers what a persona types to the bot as Lark does, through the emulator on the same port', async () => {
    const office = 'ou_demo_office';
    const p2p = await chatNamed(office, '赛道助手');
    expect((await post('send', { persona: office, chat: p2p.chatId, text: '帮助' })).status).toBe(200);
    const messages = await view(office, p2p.chatId);
    expect(messages[0]).toMatchObject({ from: office, kind: 'text', text: '帮助' });
    expect(messages[1]).toMatchObject({ from: 'bot', kind: 'card' });
    expect(json(messages[1]!.card)).toContain('发布排行');
    // The node-sdk called the emulator over HTTP on this port (the token exchange, then the reply).
    const calls = await (await fetch(`${pg.url}/emulator/_emulator/calls`)).json();
    expect(json(calls)).toContain('/open-apis/im/v1/messages');
  });

  it('in a group the bot hears only messages that @mention it; a picked mention reaches it as @_user_N', async () => {
    const office = 'ou_demo_office';
    const group = await chatNamed(office, '浦东工作群');
    // At start the office added the bot to the group, and the bot said hello there.
    expect((await view(office, group.chatId)).map((m) => m.from)).toEqual(['bot']);
    await post('send', { persona: office, chat: group.chatId, text: '大家好' });
    expect((await view(office, group.chatId)).map((m) => m.from)).toEqual(['bot', office]);

    const s = await state(office);
    const wang = await openIdOf('王芳（浦东联络员）');
    const sent = await post('send', {
      persona: office,
      chat: group.chatId,
      text: '@_user_1 绑定 @_user_2 浦东',
      mentions: [s.botOpenId, wang],
    });
    expect(sent.status).toBe(200);
    const messages = await view(office, group.chatId);
    expect(messages.at(-2)).toMatchObject({ from: office, text: '@赛道助手 绑定 @王芳 浦东' });
    const reply = messages.at(-1)!;
    expect(reply.from).toBe('bot');
    expect(json(reply.card ?? reply.text)).toContain('王芳');
    expect(json(reply.card ?? reply.text)).toContain('浦东');
  });

  it('moves the clock, runs the minute tick there, and the reminder reaches the unit that owes a registration', async () => {
    const moved = await post<{ local: string; ranReminders: boolean; reminders: { sent: number } }>('clock', {
      local: '2024-04-08T09:30',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ local: '2024-04-08T09:30', ranReminders: true });
    expect(moved.body.reminders.sent).toBeGreaterThan(0);
    expect((await state('ou_demo_office')).local).toMatch(/^2024-04-08T09:3/);
    const chen = await openIdOf('陈刚（黄浦联络员）');
    const p2p = await chatNamed(chen, '赛道助手');
    const reminders = await view(chen, p2p.chatId);
    expect(reminders).toHaveLength(1);
    expect(json(reminders[0]!.card)).toContain('报名');
    // Backwards, then the same minute again: the slot has run, nothing is sent twice.
    await post('clock', { local: '2024-03-20T09:30' });
    const again = await post<{ ranReminders: boolean }>('clock', { local: '2024-04-08T09:30' });
    expect(again.body.ranReminders).toBe(false);
    expect(await view(chen, p2p.chatId)).toHaveLength(1);
  });

  it('hands the exported workbook over as a file message the page downloads', async () => {
    const office = 'ou_demo_office';
    const p2p = await chatNamed(office, '赛道助手');
    await post('send', { persona: office, chat: p2p.chatId, text: '导出' });
    const file = (await view(office, p2p.chatId)).find((m) => m.kind === 'file') as MessageView & {
      file: { key: string; name: string };
    };
    expect(file.file.name).toMatch(/\.xlsx$/);
    const download = await fetch(`${pg.url}/playground/api/files/${encodeURIComponent(file.file.key)}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(String.fromCharCode(bytes[0]!, bytes[1]!)).toBe('PK');
    expect((await fetch(`${pg.url}/playground/api/files/nope`)).status).toBe(404);
  });

  it('answers bad input with a sentence in Chinese and English and changes nothing', async () => {
    const office = 'ou_demo_office';
    const before = (await state(office)).local;
    const clock = await post<{ error: string }>('clock', { local: 'tomorrow' });
    expect(clock.status).toBe(400);
    expect(clock.body.error).toContain('请填写日期和时间');
    expect(clock.body.error).toContain('2024-04-08T09:30');
    expect((await state(office)).local.slice(0, 15)).toBe(before.slice(0, 15));
    const stranger = await openIdOf('刘洋（未绑定）');
    const group = await chatNamed(office, '黄浦工作群');
    expect((await post('send', { persona: stranger, chat: group.chatId, text: 'hi' })).status).toBe(404);
    expect((await post('send', { persona: office, chat: group.chatId, text: '   ' })).status).toBe(400);
    expect((await post('view', { persona: 'nobody', chat: group.chatId })).status).toBe(400);
    const notJson = await fetch(`${pg.url}/playground/api/send`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    const added = await post<{ error: string }>('personas', { name: '   ' });
    expect(added.status).toBe(400);
    expect(added.body.error).toContain('请填写');
  });

  it('adds a person, who is in the announcement group and unknown to the bot until bound', async () => {
    const added = await post<{ openId: string; label: string }>('personas', { name: '孙丽' });
    expect(added.body.label).toBe('孙丽（未绑定）');
    const s = await state(added.body.openId);
    expect(s.chats.map((c) => c.name)).toEqual(['赛道助手', '竞赛通知群']);
    const p2p = s.chats[0]!;
    await post('send', { persona: added.body.openId, chat: p2p.chatId, text: '报名' });
    const reply = (await view(added.body.openId, p2p.chatId)).at(-1)!;
    expect(json(reply.card ?? reply.text)).toContain('你没有权限使用「报名」');
  });

  it('creates a group with the bot in it: Lark tells the bot, which greets the group', async () => {
    const office = 'ou_demo_office';
    const chen = await openIdOf('陈刚（黄浦联络员）');
    const made = await post<{ chatId: string }>('groups', { persona: office, name: '专项工作组', members: [chen] });
    expect(made.status).toBe(200);
    const group = await chatNamed(chen, '专项工作组');
    expect(group.members.map((m) => m.name)).toEqual(['赛道助手', '周敏', '陈刚']);
    const greeting = await view(chen, group.chatId);
    expect(greeting).toHaveLength(1);
    expect(json(greeting[0]!.card)).toContain('欢迎使用赛道助手');
    expect((await state(await openIdOf('刘洋（未绑定）'))).chats.map((c) => c.name)).not.toContain('专项工作组');
    expect((await post('groups', { persona: office, name: ' ', members: [] })).status).toBe(400);
  });

  it('fills the database with the demo competition at the playground time and starts the chats afresh', async () => {
    await post('clock', { local: '2024-11-20T10:00' });
    // Nothing is sent while the season is written: its reminders and digests went out "in the past".
    const lark = pg.container.lark as { send: (...a: unknown[]) => Promise<unknown> };
    const send = lark.send;
    let sentDuringSeed = 0;
    lark.send = (...a) => {
      sentDuringSeed++;
      return send.apply(lark, a);
    };
    const seeded = await post<{ projects: number; judges: number; scoreSheets: number }>('demo-seed', {}).finally(
      () => (lark.send = send),
    );
    expect(sentDuringSeed).toBe(0);
    expect(seeded.status).toBe(200);
    expect(seeded.body.projects).toBeGreaterThan(100);
    expect(seeded.body.scoreSheets).toBeGreaterThan(0);
    const office = 'ou_demo_office';
    // The reminders and digests the season implies went out "in the past": nothing of them reaches a chat now, even
    // once the outbox has been drained.
    await pg.container.maintain();
    for (const chat of (await state(office)).chats) expect(await view(office, chat.chatId), chat.name).toEqual([]);
    const p2p = await chatNamed(office, '赛道助手');
    await post('send', { persona: office, chat: p2p.chatId, text: '进展情况' });
    const overview = (await view(office, p2p.chatId)).at(-1)!;
    expect(overview.kind).toBe('card');
    expect(json(overview.card)).toContain('进展');
  });
});

describe('the playground on a database with real data', () => {
  it('does not start, and says how to run the bot for real', async () => {
    const real = await freshDatabase({ shared: true });
    try {
      const file = { ...competition2024().file, people: [{ openId: 'ou_3f2a9c', roles: [{ role: 'office' }] }] };
      await loadCompetition(real.db, competitionFromJson(JSON.stringify(file)), {
        dryRun: false,
        now: Date.now(),
        actor: 'test',
      });
      const started = startPlaygroundServer({ env: { DATABASE_URL: real.url, PORT: '0', LOG_LEVEL: 'silent' } });
      await expect(started).rejects.toThrow(/演练场没有启动：这个数据库里有真实数据.*ou_3f2a9c/);
      await expect(started).rejects.toThrow(/set LARK_APP_ID/);
      const grants = await real.db.selectFrom('role_grants').select('open_id').execute();
      expect(grants.map((g) => g.open_id)).toEqual(['ou_3f2a9c']);
    } finally {
      await real.destroy();
    }
  });
});
