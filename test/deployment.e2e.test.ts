/**
 * Several competitions in one deployment, through signed and encrypted Lark traffic from the emulator:
 * - one app serving two competitions: a person with roles in both is asked which one a command is about (the choice is
 *   remembered for the conversation), someone in one is answered at once, 帮助 answers for each, a card's click goes
 *   to the competition that sent it, an archived competition reads but changes nothing and sends nothing on its own;
 * - two apps on one database: each app's webhook answers with its own competition, through its own app.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { loadCompetition } from '../src/competition/competition.service';
import type { Competition } from '../src/competition/competition';
import { loadConfig } from '../src/config';
import { createDeployment, type Deployment } from '../src/deployment';
import { createFeishuClient, type FeishuClient } from '../src/emulator/client';
import { createLarkSender, type LarkSender } from '../src/emulator/lark-sender';
import { startEmulatorServer, type EmulatorServer } from '../src/emulator/server';
import type { RecordedMessage } from '../src/emulator/types';
import { ManualClock } from '../src/platform/clock';
import { TrackedDefer } from '../src/platform/defer';
import { createLogger } from '../src/platform/logger';
import { json } from './support/cards';
import { freshDatabase, type TestDatabase } from './support/database';
import { at, competition2024 } from './support/fixtures';
import { grantRole } from './support/people';

const OFFICE = 'ou_office_admin';
const CONTACT_2024 = 'ou_contact_hp_2024';
const CONTACT_BOTH = 'ou_contact_both';

const youth = (mutate?: (file: any) => void) =>
  competition2024((f) => {
    f.id = 'youth-2024';
    f.name = '青年“人才+项目”创新赛';
    f.nameEn = 'Youth Talent and Project Contest';
    f.codePrefix = 'Y24';
    f.people = [];
    f.chats = [];
    for (const u of f.units) u.name = `青年${u.name}`;
    mutate?.(f);
  });

interface AppUnderTest {
  name: string;
  emu: EmulatorServer;
  lark: LarkSender;
  client: FeishuClient;
}

interface Rig {
  deployment: Deployment;
  clock: ManualClock;
  apps: Map<string, AppUnderTest>;
  settle(): Promise<void>;
  /** `who` sends `words` one-to-one through `app`; the bot's messages that arrived meanwhile. */
  say(who: string, words: string, app?: string): Promise<RecordedMessage[]>;
  close(): Promise<void>;
}

let counter = 0;

async function startRig(db: TestDatabase, competitions: Competition[], now = at('2024-03-20 10:00')): Promise<Rig> {
  const names = [...new Set(competitions.map((c) => c.file.app))];
  const emus = new Map<string, EmulatorServer>();
  const env: Record<string, string> = { BOT_ADMINS: OFFICE, LOG_LEVEL: 'silent' };
  for (const name of names) {
    const appId = `cli_dep_${process.pid}_${++counter}`;
    // Each rig's emulator its own seed: message ids differ from the earlier tests' on the same database, as Lark's do.
    const emu = await startEmulatorServer({
      appId,
      appSecret: `secret-${name}`,
      tokenTtlSeconds: 30 * 86_400,
      seed: counter,
    });
    emus.set(name, emu);
    const prefix = name === 'default' ? 'LARK_' : `LARK_${name.toUpperCase()}_`;
    Object.assign(env, {
      [`${prefix}APP_ID`]: appId,
      [`${prefix}APP_SECRET`]: `secret-${name}`,
      [`${prefix}VERIFICATION_TOKEN`]: `vt-${name}`,
      [`${prefix}ENCRYPT_KEY`]: `ek-${name}`,
      [name === 'default' ? 'LARK_DOMAIN' : `${prefix}DOMAIN`]: emu.url,
    });
  }
  const config = loadConfig(env);
  const logger = createLogger('silent');
  const clock = new ManualClock(now);
  const deployment = createDeployment({
    config,
    logger,
    clock,
    database: db,
    defer: new TrackedDefer(logger),
    competitions: competitions.map((c) => ({ id: c.id, app: c.file.app })),
    sender: { baseBackoffMs: 50, maxBackoffMs: 500 },
  });
  for (const c of competitions) await loadCompetition(db.db, c, { dryRun: false, now, actor: 'test' });
  const server = serve({ fetch: createApp(deployment).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apps = new Map<string, AppUnderTest>();
  for (const [name, emu] of emus) {
    const base = name === 'default' ? `${url}/lark` : `${url}/lark/${name}`;
    const lark = createLarkSender({
      eventUrl: `${base}/events`,
      legacyCardUrl: `${base}/card`,
      verificationToken: `vt-${name}`,
      encryptKey: `ek-${name}`,
      emulator: emu.emulator,
      appId: emu.emulator.config.appId,
      now: () => clock.now(),
    });
    apps.set(name, { name, emu, lark, client: createFeishuClient(emu.emulator, lark) });
  }
  const settle = async () => {
    for (let i = 0; i < 50; i++) {
      await deployment.defer.idle();
      await Promise.all(deployment.apps.map((a) => a.sender.drain()));
      await deployment.defer.idle();
      const pending = await db.db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['pending', 'sending'])
        .execute();
      if (!pending.length) return;
      await new Promise((r) => setTimeout(r, 60));
    }
  };
  const say = async (who: string, words: string, app = 'default') => {
    const a = apps.get(app)!;
    const before = a.emu.emulator.state.messages.length;
    await a.lark.messageReceived({ sender: who, text: words });
    await settle();
    return a.emu.emulator.state.messages.slice(before).filter((m) => m.receiverOpenId === who || m.chatType === 'p2p');
  };
  return {
    deployment,
    clock,
    apps,
    settle,
    say,
    close: async () => {
      await deployment.defer.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const emu of emus.values()) await emu.close();
    },
  };
}

const botMessages = (rig: Rig, app = 'default') => rig.apps.get(app)!.emu.emulator.state.messages;

describe('one app serving two competitions', () => {
  let db: TestDatabase;
  let rig: Rig;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db.destroy();
  });
  afterEach(async () => {
    await rig?.close();
  });

  it('asks a person with roles in both which one a command is about, remembers it, and answers the command', async () => {
    rig = await startRig(db, [competition2024(), youth()]);
    await grantRole(db, CONTACT_2024, 'contact', 'HP', 'shanghai-2024');
    await grantRole(db, CONTACT_BOTH, 'contact', 'HP', 'shanghai-2024');
    await grantRole(db, CONTACT_BOTH, 'contact', 'PD', 'youth-2024');

    // Someone in one competition is answered at once, in it.
    const [mine] = await rig.say(CONTACT_2024, '我的项目');
    expect(json(mine!.content)).not.toContain('选择竞赛');

    // Someone in both is asked, with a button per competition.
    const [chooser] = await rig.say(CONTACT_BOTH, '我的项目');
    const card = json(chooser!.content);
    expect(card).toContain('选择竞赛');
    expect(card).toContain('2024年度赛道制立功竞赛'.slice(0, 4));
    expect(card).toContain('青年“人才+项目”创新赛');

    // Choosing answers the command that was put aside, in the competition chosen (the youth contest's unit PD).
    const client = rig.apps.get('default')!.client;
    const before = botMessages(rig).length;
    const click = await client.clickButton(chooser!.messageId, CONTACT_BOTH, /青年/);
    expect(json(click)).toContain('已选择');
    await rig.settle();
    const answered = botMessages(rig).slice(before);
    expect(answered).toHaveLength(1);
    expect(json(answered[0]!.content)).toMatch(/浦东|PD/);

    // Remembered: the next command goes straight to the youth contest.
    const [next] = await rig.say(CONTACT_BOTH, '我的项目');
    expect(json(next!.content)).not.toContain('选择竞赛');
    const choice = await db.db.selectFrom('conversation_choices').selectAll().execute();
    expect(choice.map((c) => c.competition_id)).toEqual(['youth-2024']);

    // 切换竞赛 offers them again, the current one named.
    const [switched] = await rig.say(CONTACT_BOTH, '切换竞赛');
    expect(json(switched!.content)).toContain('当前：青年“人才+项目”创新赛');
  });

  it('帮助 answers for each competition the asker is in, and says how the others are chosen', async () => {
    rig = await startRig(db, [competition2024(), youth()]);
    // Opening the chat: welcomed once by each competition, each card naming its own.
    const { lark, emu } = rig.apps.get('default')!;
    await lark.p2pChatEntered({ operator: OFFICE });
    await lark.p2pChatEntered({ operator: OFFICE });
    await rig.settle();
    const welcomes = emu.emulator.state.messages.filter((m) => json(m.content).includes('欢迎使用赛道助手'));
    expect(welcomes).toHaveLength(2);
    expect(json(welcomes.map((m) => m.content))).toContain('青年');
    const replies = await rig.say(OFFICE, '帮助');
    const cards = replies.filter((m) => m.msgType === 'interactive').map((m) => json(m.content));
    expect(cards).toHaveLength(2);
    const note = replies.find((m) => m.msgType === 'text');
    expect(json(note!.content)).toContain('你在 2 个竞赛中有角色');
    expect(json(note!.content)).toContain('切换竞赛');
  });

  it('a click goes to the competition that sent the card, whatever the conversation chose since', async () => {
    rig = await startRig(db, [competition2024(), youth()]);
    const who = 'ou_contact_hp_in_both';
    await grantRole(db, who, 'contact', 'HP', 'shanghai-2024');
    await grantRole(db, who, 'contact', 'HP', 'youth-2024');
    const client = rig.apps.get('default')!.client;
    const [chooser] = await rig.say(who, '我的项目');
    await client.clickButton(chooser!.messageId, who, /城市管理/);
    await rig.settle();
    const card2024 = botMessages(rig).at(-1)!;
    expect(json(card2024.content)).toContain('"reg.open"');
    // Every card says which competition it is about, under its title.
    expect((card2024.content as { header: { subtitle?: { content: string } } }).header.subtitle?.content).toBe(
      '2024年度上海市城市管理行政执法分赛区立功竞赛',
    );
    // Now the contact switches the conversation to the youth contest, whose units are named apart.
    const [again] = await rig.say(who, '切换竞赛');
    await client.clickButton(again!.messageId, who, /青年/);
    await rig.settle();
    // The 2024 card's button still acts on 2024: the card's own competition, not the conversation's.
    const opened = await client.clickButton(card2024.messageId, who, { a: 'reg.open', u: 'HP' });
    await rig.settle();
    const shown = json(opened) + json(botMessages(rig).at(-1)!.content);
    expect(shown).toContain('黄浦');
    expect(shown).not.toContain('青年黄浦');
    expect(shown).toContain('"subtitle"');
  });

  it("a group the bot joins is given to a competition by that competition's office, then answered in it", async () => {
    rig = await startRig(db, [competition2024(), youth()]);
    const { lark, client, emu } = rig.apps.get('default')!;
    const group = 'oc_shared_group_1';
    const contact = 'ou_contact_hp_group';
    await grantRole(db, contact, 'contact', 'HP', 'shanghai-2024');
    // The office (in both competitions) adds the bot: the group is asked which competition it belongs to.
    await lark.botAdded({ chatId: group, operator: OFFICE, members: [contact] });
    await rig.settle();
    const chooser = emu.emulator.state.messages.filter((m) => m.chatId === group).at(-1)!;
    expect(json(chooser.content)).toContain('这个群还没有对应的竞赛');
    // A unit contact may not choose for the group; the office of the competition may.
    const refused = await client.clickButton(chooser.messageId, contact, /城市管理/);
    expect(json(refused)).toContain('只有该竞赛的竞赛办');
    const chosen = await client.clickButton(chooser.messageId, OFFICE, /城市管理/);
    expect(json(chosen)).toContain('本群属于');
    const row = await db.db
      .selectFrom('chats')
      .select('competition_id')
      .where('chat_id', '=', group)
      .executeTakeFirstOrThrow();
    expect(row.competition_id).toBe('shanghai-2024');
    // Now anyone in the group is answered in 2024, the office included, without being asked.
    const before = emu.emulator.state.messages.length;
    await lark.messageReceived({ sender: OFFICE, text: '日程', chatType: 'group', chatId: group, mentionBot: true });
    await rig.settle();
    const answer = emu.emulator.state.messages.slice(before).filter((m) => m.chatId === group);
    expect(answer).toHaveLength(1);
    expect(json(answer[0]!.content)).toContain('城市管理');
    expect(json(answer[0]!.content)).not.toContain('选择竞赛');
  });

  it("an undecided group is not given away by a reply; only the office is shown a group's chooser", async () => {
    rig = await startRig(db, [competition2024(), youth()]);
    const { lark, client, emu } = rig.apps.get('default')!;
    const group = 'oc_undecided_group';
    const contact = 'ou_contact_undecided';
    await grantRole(db, contact, 'contact', 'HP', 'shanghai-2024');
    await lark.botAdded({ chatId: group, operator: OFFICE, members: [contact] });
    await rig.settle();
    const first = emu.emulator.state.messages.filter((m) => m.chatId === group).at(-1)!;
    const inGroup = async (who: string, words: string) => {
      const before = emu.emulator.state.messages.length;
      await lark.messageReceived({ sender: who, text: words, chatType: 'group', chatId: group, mentionBot: true });
      await rig.settle();
      return emu.emulator.state.messages.slice(before).filter((m) => m.chatId === group);
    };
    // The contact (in 2024 only) is answered in 2024, and the group still has no competition.
    const [schedule] = await inGroup(contact, '日程');
    expect(json(schedule!.content)).toContain('城市管理');
    const row = () =>
      db.db.selectFrom('chats').select('competition_id').where('chat_id', '=', group).executeTakeFirstOrThrow();
    expect((await row()).competition_id).toBeNull();
    // The contact cannot choose for the group: told who can, with no button to be refused.
    const [told] = await inGroup(contact, '切换竞赛');
    expect(told!.msgType).toBe('text');
    expect(json(told!.content)).toContain('请竞赛办在群里 @我 发送「切换竞赛」选择');
    // The office chooses the youth contest on a chooser; the first one, clicked afterwards, changes nothing.
    const [chooser] = await inGroup(OFFICE, '报名情况');
    await client.clickButton(chooser!.messageId, OFFICE, /青年/);
    await rig.settle();
    const late = await client.clickButton(first.messageId, OFFICE, /城市管理/);
    expect(json(late)).toContain('未更换');
    expect((await row()).competition_id).toBe('youth-2024');
    // 切换竞赛 by the office changes it, the chooser saying what the group belongs to now.
    const [switcher] = await inGroup(OFFICE, '切换竞赛');
    expect(json(switcher!.content)).toContain('本群属于「青年“人才+项目”创新赛」');
    await client.clickButton(switcher!.messageId, OFFICE, /城市管理/);
    expect((await row()).competition_id).toBe('shanghai-2024');
  });

  it('a reply to a card goes to its competition; a refusal names the competition; one competition needs no choice', async () => {
    rig = await startRig(db, [competition2024(), youth()]);
    const { lark, client, emu } = rig.apps.get('default')!;
    const who = 'ou_judge_and_contact';
    await grantRole(db, who, 'judge', 'T02', 'shanghai-2024');
    await grantRole(db, who, 'contact', 'PD', 'youth-2024');
    // 评分 is theirs only in 2024: no need to ask.
    const [scoring] = await rig.say(who, '评分');
    expect(json(scoring!.content)).not.toContain('选择竞赛');
    // With the youth contest chosen, 评分 there is refused, naming the competition and the way out.
    // 我的项目 is theirs only in the youth contest: answered there without asking; then they choose it for the chat.
    const [mine] = await rig.say(who, '我的项目');
    expect(json(mine!.content)).not.toContain('选择竞赛');
    const [chooser] = await rig.say(who, '切换竞赛');
    await client.clickButton(chooser!.messageId, who, /青年/);
    await rig.settle();
    const [refused] = await rig.say(who, '评分');
    expect(json(refused!.content)).toContain('在「青年“人才+项目”创新赛」中你没有权限使用「评分」');
    expect(json(refused!.content)).toContain('切换竞赛');
    // A message in reply to the 2024 card goes to 2024, whatever the conversation chose.
    const before = emu.emulator.state.messages.length;
    await lark.messageReceived({ sender: who, text: '评分', parentId: scoring!.messageId });
    await rig.settle();
    const answer = emu.emulator.state.messages.slice(before);
    expect(json(answer.map((m) => m.content))).not.toContain('没有权限');
    // Someone in one competition is told there is nothing to choose.
    await grantRole(db, 'ou_only_2024', 'contact', 'HP', 'shanghai-2024');
    const [single] = await rig.say('ou_only_2024', '切换竞赛');
    expect(json(single!.content)).toContain('你只在「2024年度上海市城市管理行政执法分赛区立功竞赛」中有角色');
  });

  it('an archived competition answers its readers, refuses changes, and runs no reminders of its own', async () => {
    rig = await startRig(db, [competition2024(), youth((f) => (f.archived = true))]);
    await grantRole(db, CONTACT_BOTH, 'contact', 'PD', 'youth-2024');
    // Only the archived one: answered there, without asking.
    const [schedule] = await rig.say(CONTACT_BOTH, '日程');
    expect(json(schedule!.content)).toContain('青年');
    expect(json(schedule!.content)).toContain('本竞赛已归档');
    expect(json(schedule!.content)).not.toContain('还欠');
    const [refused] = await rig.say(CONTACT_BOTH, '报名');
    expect(json(refused!.content)).toContain('已归档');
    expect(json(refused!.content)).toContain('archived');
    // Reading a project's timeline is a read: 进展 with a code is not refused (the project does not exist here).
    const [timeline] = await rig.say(CONTACT_BOTH, '进展 Y24-T02-PD-1');
    expect(json(timeline!.content)).not.toContain('已归档');
    // At a minute when every job is due, the archived competition claims no slot of its own.
    await rig.deployment.tick(at('2024-03-21 09:00'));
    const slots = (await db.db.selectFrom('cron_runs').select('slot').execute()).map((r) => r.slot);
    expect(slots.some((s) => s.startsWith('shanghai-2024/reminders:'))).toBe(true);
    expect(slots.some((s) => s.startsWith('youth-2024/'))).toBe(false);
  });
});

describe('two apps on one database', () => {
  let db: TestDatabase;
  let rig: Rig;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await rig?.close();
    await db.destroy();
  });

  it("each app's webhook answers with its own competition, sent with its own app's credentials", async () => {
    rig = await startRig(db, [competition2024(), youth((f) => (f.app = 'youth'))]);
    const viaDefault = await rig.say(OFFICE, '日程', 'default');
    const viaYouth = await rig.say(OFFICE, '日程', 'youth');
    expect(viaDefault).toHaveLength(1);
    expect(viaYouth).toHaveLength(1);
    expect(json(viaDefault[0]!.content)).not.toContain('青年');
    expect(json(viaYouth[0]!.content)).toContain('青年');
    const rows = await db.db.selectFrom('outbox').select(['app', 'competition_id', 'status']).execute();
    expect(rows.map((r) => `${r.app}:${r.competition_id}:${r.status}`).sort()).toEqual([
      'default:shanghai-2024:sent',
      'youth:youth-2024:sent',
    ]);
    // Events are each app's own: the youth app's sweep would finish only the youth app's.
    const inbox = await db.db.selectFrom('inbox').select(['app']).execute();
    expect(inbox.map((r) => r.app).sort()).toEqual(['default', 'youth']);
  });

  it("with both apps' bots in one group, a competition's unit group is not taken over by the other", async () => {
    const group = 'oc_two_bots';
    const inGroup = async (app: string, words: string) => {
      const { lark, emu } = rig.apps.get(app)!;
      const before = emu.emulator.state.messages.length;
      await lark.messageReceived({ sender: OFFICE, text: words, chatType: 'group', chatId: group, mentionBot: true });
      await rig.settle();
      return emu.emulator.state.messages.slice(before).filter((m) => m.chatId === group);
    };
    await rig.apps.get('default')!.lark.botAdded({ chatId: group, operator: OFFICE });
    await rig.apps.get('youth')!.lark.botAdded({ chatId: group, operator: OFFICE });
    await rig.settle();
    const [bound] = await inGroup('youth', '本群绑定 浦东');
    expect(json(bound!.content)).toContain('本群已设为');
    const [refused] = await inGroup('default', '本群绑定 黄浦');
    expect(json(refused!.content)).toContain('这个群已是另一个竞赛的单位群或通知群');
    const row = await db.db
      .selectFrom('chats')
      .select(['competition_id', 'purpose', 'unit_code'])
      .where('chat_id', '=', group)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ competition_id: 'youth-2024', purpose: 'unit', unit_code: 'PD' });
  });
});
