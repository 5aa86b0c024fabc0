/**
 * The playground without a browser: `startPlaygroundServer` on a real port, the page's API driven over HTTP as the
 * page drives it. The seeded cast and chats, delivery to the bot (signed and encrypted, through the emulator's sender),
 * the emulator on the same port under /emulator, time travel with the minute tick, files and images sent to the bot
 * (attached to a report, shown and downloadable, forwarded), and clear answers to bad input.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompetition } from '../../src/competition/competition.service';
import { competitionFromJson } from '../../src/competition/loader';
import { startPlaygroundServer, type PlaygroundServer } from '../../src/playground/server';
import { MAX_UPLOAD_BYTES } from '../../src/playground/web/api';
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
  file?: { key: string; name: string; size?: number };
  image?: { key: string };
  forwarded?: boolean;
  parentId?: string;
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
/** What the page's 📎 sends: multipart form data with the persona, the chat, maybe a parentId, and the file. */
const sendFile = async (fields: Record<string, string>, file?: { name: string; type: string; bytes: Uint8Array }) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
  const r = await fetch(`${pg.url}/playground/api/send-file`, { method: 'POST', body: form });
  return { status: r.status, body: (await r.json()) as { ok?: boolean; error?: string } };
};
const pdf = (kb: number) => new Uint8Array(kb * 1024).fill(0x25);
const png = (): Uint8Array => {
  const b = new Uint8Array(2048);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  b.set([0x49, 0x48, 0x44, 0x52], 12);
  b.set([0, 0, 0, 2, 0, 0, 0, 3], 16);
  return b;
};

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

  it('a contact sends a file and an image after a report, and one later in reply to the receipt: each attaches, the bot says so, the page shows and serves them', async () => {
    const chen = await openIdOf('陈刚（黄浦联络员）');
    const p2p = await chatNamed(chen, '赛道助手');
    // 黄浦 registers on the page's form on the reminder day (the clock is there), then reports in May.
    await post('clock', { local: '2024-04-08T10:00' });
    await post('send', { persona: chen, chat: p2p.chatId, text: '报名' });
    const registration = (await view(chen, p2p.chatId)).at(-1)!;
    const registered = await post('submit', {
      persona: chen,
      messageId: registration.id,
      fill: {
        track: 'T02',
        name: '门责智慧监管',
        lead: '陈刚',
        summary: '视频巡查自动派单。',
        goals: '投诉量下降 30%。',
      },
    });
    expect(registered.status).toBe(200);
    const code = /2024-T02-HP-\d+/.exec(json((await view(chen, p2p.chatId)).at(-1)))![0];
    await post('clock', { local: '2024-05-10T10:00' });
    await post('send', { persona: chen, chat: p2p.chatId, text: '进展' });
    const form = (await view(chen, p2p.chatId)).at(-1)!;
    expect(json(form.card)).toContain('"tag":"form"');
    const submitted = await post('submit', {
      persona: chen,
      messageId: form.id,
      fill: { period: '2024-05', work_done: '完成流程梳理', results: '办结 120 件', completion: '30' },
    });
    expect(submitted.status).toBe(200);
    expect(json((await view(chen, p2p.chatId)).find((m) => m.id === form.id)!.card)).toContain('进展已提交');

    const sent = await sendFile(
      { persona: chen, chat: p2p.chatId },
      { name: '台账.pdf', type: 'application/pdf', bytes: pdf(200) },
    );
    expect(sent).toEqual({ status: 200, body: { ok: true } });
    await post('clock', { local: '2024-05-10T10:05' });
    expect(
      (await sendFile({ persona: chen, chat: p2p.chatId }, { name: '现场.png', type: 'image/png', bytes: png() }))
        .status,
    ).toBe(200);
    let messages = await view(chen, p2p.chatId);
    const file = messages.find((m) => m.kind === 'file' && m.from === chen)!;
    expect(file.file).toMatchObject({ name: '台账.pdf', size: 200 * 1024 });
    const image = messages.find((m) => m.kind === 'image' && m.from === chen)!;
    expect(image.image!.key).toMatch(/^img_v3_/);
    const replies = messages
      .filter((m) => m.from === 'bot' && m.kind === 'text')
      .map((m) => m.text)
      .join('\n');
    expect(replies).toContain(`已附到 ${code}「5月进展」：台账.pdf（200 KB），共 1 个附件。`);
    expect(replies).toContain('图片 2024-05-10 10:05.png（2 KB），共 2 个附件');
    // The receipt lists both.
    expect(json(messages.find((m) => m.id === form.id)!.card)).toContain('台账.pdf');

    // An hour later only a reply to the receipt attaches.
    await post('clock', { local: '2024-05-10T11:30' });
    const replied = await sendFile(
      { persona: chen, chat: p2p.chatId, parentId: form.id },
      { name: '补充说明.txt', type: 'text/plain', bytes: new TextEncoder().encode('补充') },
    );
    expect(replied.status).toBe(200);
    messages = await view(chen, p2p.chatId);
    expect(messages.find((m) => m.file?.name === '补充说明.txt')).toMatchObject({ from: chen, parentId: form.id });
    expect(messages.at(-1)!.text).toContain(`已附到 ${code}「5月进展」：补充说明.txt`);

    const stored = await db.db
      .selectFrom('attachments')
      .select(['id', 'resource_type', 'file_name', 'size_bytes', 'subject', 'subject_key', 'project_id'])
      .orderBy('added_at')
      .execute();
    expect(stored.map((a) => [a.resource_type, a.file_name, Number(a.size_bytes), a.subject, a.subject_key])).toEqual([
      ['file', '台账.pdf', 200 * 1024, 'report', '2024-05'],
      ['image', '图片 2024-05-10 10:05.png', 2048, 'report', '2024-05'],
      ['file', '补充说明.txt', 6, 'report', '2024-05'],
    ]);
    expect(new Set(stored.map((a) => a.project_id)).size).toBe(1);

    // The page downloads what was sent, with its type.
    const download = await fetch(`${pg.url}/playground/api/files/${encodeURIComponent(file.file!.key)}`);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''%E5%8F%B0%E8%B4%A6.pdf");
    expect((await download.arrayBuffer()).byteLength).toBe(200 * 1024);
    const picture = await fetch(`${pg.url}/playground/api/files/${encodeURIComponent(image.image!.key)}`);
    expect(picture.headers.get('content-type')).toBe('image/png');

    // A judge of the track opens the file from the timeline: the bot forwards it, and the judge's chat shows it.
    const judge = await openIdOf('李强（法治建设评委）');
    const judgeChat = await chatNamed(judge, '赛道助手');
    await post('send', { persona: judge, chat: judgeChat.chatId, text: `进展 ${code}` });
    const timeline = (await view(judge, judgeChat.chatId)).at(-1)!;
    const opened = await post<{ toast?: unknown }>('click', {
      persona: judge,
      messageId: timeline.id,
      value: { a: 'att.open', id: stored[0]!.id },
    });
    expect(json(opened.body.toast)).toContain('单聊');
    const forwarded = (await view(judge, judgeChat.chatId)).at(-1)!;
    expect(forwarded).toMatchObject({
      from: 'bot',
      kind: 'file',
      forwarded: true,
      file: { key: file.file!.key, name: '台账.pdf' },
    });
  });

  it('refuses a file over 100 MB before reading it, an empty file, a file in a group, a reply to another chat, a request without a file', async () => {
    const chen = await openIdOf('陈刚（黄浦联络员）');
    const p2p = await chatNamed(chen, '赛道助手');
    const group = await chatNamed(chen, '黄浦工作群');
    const before = (await view(chen, p2p.chatId)).length;

    // A client that declares more than the limit is answered at once; the body is never waited for.
    const huge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${pg.url}/playground/api/send-file`,
        {
          method: 'POST',
          headers: {
            'content-type': 'multipart/form-data; boundary=x',
            'content-length': String(MAX_UPLOAD_BYTES * 2),
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.write('--x\r\n');
    });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body).error).toMatch(/^文件超过 100 MB，飞书不能把它交给机器人，没有发送。/);

    const empty = await sendFile(
      { persona: chen, chat: p2p.chatId },
      { name: 'a.pdf', type: 'application/pdf', bytes: new Uint8Array() },
    );
    expect(empty).toMatchObject({ status: 400, body: { error: expect.stringContaining('文件是空的') } });
    const inGroup = await sendFile(
      { persona: chen, chat: group.chatId },
      { name: 'a.pdf', type: 'application/pdf', bytes: pdf(1) },
    );
    expect(inGroup).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('文件只能在和赛道助手的单聊里发送') },
    });
    const groupMessage = (await view(chen, group.chatId))[0]!;
    const elsewhere = await sendFile(
      { persona: chen, chat: p2p.chatId, parentId: groupMessage.id },
      { name: 'a.pdf', type: 'application/pdf', bytes: pdf(1) },
    );
    expect(elsewhere).toMatchObject({
      status: 404,
      body: { error: expect.stringContaining('要回复的消息不在这个会话里') },
    });
    const noFile = await sendFile({ persona: chen, chat: p2p.chatId });
    expect(noFile).toMatchObject({ status: 400, body: { error: expect.stringContaining('file') } });
    const stranger = await sendFile(
      { persona: await openIdOf('刘洋（未绑定）'), chat: p2p.chatId },
      { name: 'a.pdf', type: 'application/pdf', bytes: pdf(1) },
    );
    expect(stranger.status).toBe(404);
    const asJson = await post<{ error: string }>('send-file', { persona: chen, chat: p2p.chatId });
    expect(asJson).toMatchObject({ status: 400, body: { error: expect.stringContaining('multipart/form-data') } });
    expect(await view(chen, p2p.chatId)).toHaveLength(before);
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
