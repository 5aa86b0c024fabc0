/**
 * A button on a card in a group, end to end (src/lark/group-click.ts): the card is one message every member sees, so
 * a click leaves it as it is (no update of the stored message), the clicker gets the answer one-to-one (a new message
 * to their open_id) with a toast that says so; the same button in a one-to-one chat replaces the card in place. For
 * every button a group card carries: the welcome's 「我能做什么」, 我的项目 (pages, edit, withdraw, new registration),
 * a project's timeline (进展 <编号>), the report and self-evaluation pickers, and 进展情况's other periods. The ranking
 * cards' buttons: test/features/rankings/rankings.e2e.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../src/core/projects.repository';
import type { RecordedMessage } from '../../src/emulator/types';
import { json, toastText } from '../support/cards';
import { freshDatabase, type TestDatabase } from '../support/database';
import { at } from '../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../support/harness';
import { bindUnitChat, grantRole, registerProject } from '../support/people';

const HP = 'ou_gc_hp';
const HP2 = 'ou_gc_hp_2';
const JA = 'ou_gc_ja';
const STRANGER = 'ou_gc_stranger';
const HP_GROUP = 'oc_gc_hp';
const JA_GROUP = 'oc_gc_ja';
/** A group the bot is in but was never told about: it learns it is a group when it posts a card there. */
const OFFICE_GROUP = 'oc_gc_office';

let db: TestDatabase;
let h: Harness;
let hpProjects: Project[];
let jaT02: Project;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-03-20 10:00:00') });
  await grantRole(db, HP, 'contact', 'HP');
  await grantRole(db, HP2, 'contact', 'HP');
  await grantRole(db, JA, 'contact', 'JA');
  // Nine projects: 我的项目 comes in pages of eight.
  hpProjects = [];
  for (const t of ['T01', 'T02', 'T03', 'T04', 'T05'])
    for (const n of [1, 2])
      if (hpProjects.length < 9) hpProjects.push(await registerProject(db, 'HP', t, `黄浦${t}项目${n}`));
  jaT02 = await registerProject(db, 'JA', 'T02', '静安法治');
  await registerProject(db, 'JA', 'T03', '静安市容');
  h.emu.emulator.ensureGroupChat(HP_GROUP, [HP, HP2]);
  await bindUnitChat(db, HP_GROUP, 'HP');
  h.emu.emulator.ensureGroupChat(JA_GROUP, [JA, OFFICE]);
  await bindUnitChat(db, JA_GROUP, 'JA');
  h.emu.emulator.ensureGroupChat(OFFICE_GROUP, [OFFICE, HP]);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));
beforeEach(() => {
  h.emu.emulator.reset();
  h.container.clock.set(at('2024-03-20 10:00:00'));
});

/** What the bot sent `who` in their one-to-one chat, oldest first. */
const sentTo = (who: string): RecordedMessage[] =>
  h.emu.emulator.state.messages.filter((m) => m.chatType === 'p2p' && m.receiverOpenId === who);

/**
 * `who` clicks `button` on the group's card `messageId`: no card in the answer, the stored message exactly as it was
 * posted, a bilingual toast saying where the answer went, and the answer as one new message in `who`'s one-to-one chat.
 */
async function clickInGroup(
  messageId: string,
  who: string,
  button: Record<string, unknown>,
): Promise<{ toast: string; sent: string }> {
  const before = sentTo(who).length;
  const inGroup = h.emu.emulator.state.messages.filter((m) => m.chatType === 'group').length;
  const d = await h.click(messageId, who, button);
  await h.settle();
  expect(d.clientError).toBeUndefined();
  expect(d.card).toBeUndefined();
  const toast = toastText(d);
  expect(toast).toContain('已在与我的一对一聊天中发给你');
  expect(toast).toContain('群里的卡片保持不变');
  expect(toast).toContain('Sent to you in your one-to-one chat with me');
  const m = h.emu.emulator.message(messageId)!;
  expect(m.chatType).toBe('group');
  expect(m.updates).toEqual([]);
  expect(json(m.content)).toBe(json(m.initialContent));
  // Nothing new in any group; one new message to the clicker.
  expect(h.emu.emulator.state.messages.filter((x) => x.chatType === 'group')).toHaveLength(inGroup);
  expect(sentTo(who)).toHaveLength(before + 1);
  return { toast, sent: json(sentTo(who).at(-1)!.content) };
}

/** `who` clicks `button` on their one-to-one card `messageId`: the card is replaced in place, nothing new is sent. */
async function clickInPlace(messageId: string, who: string, button: Record<string, unknown>): Promise<string> {
  const count = h.emu.emulator.state.messages.length;
  const d = await h.click(messageId, who, button);
  await h.settle();
  expect(d.clientError).toBeUndefined();
  expect(d.card).toBeDefined();
  expect(toastText(d)).not.toContain('已在与我的一对一聊天中发给你');
  expect(h.emu.emulator.state.messages).toHaveLength(count);
  const m = h.emu.emulator.message(messageId)!;
  expect(m.chatType).toBe('p2p');
  expect(m.updates.length).toBeGreaterThan(0);
  expect(json(m.content)).toBe(json(d.card));
  return json(m.content);
}

describe("the welcome card's 「我能做什么」", () => {
  it('in a group: the welcome stays for everyone, each clicker gets their own help one-to-one', async () => {
    await h.lark.botAdded({ chatId: 'oc_gc_new', operator: OFFICE, name: '新群', members: [HP, STRANGER] });
    await h.settle();
    const welcome = h.emu.emulator.state.messages.find((m) => m.chatId === 'oc_gc_new')!;
    expect(json(welcome.content)).toContain('欢迎使用赛道助手');
    const stranger = await clickInGroup(welcome.messageId, STRANGER, { a: 'help.show' });
    expect(stranger.toast).toContain('帮助');
    expect(stranger.sent).toContain('赛道助手 · 帮助');
    const contact = await clickInGroup(welcome.messageId, HP, { a: 'help.show' });
    expect(contact.sent).toContain('赛道助手 · 帮助');
    // Each their own: the contact's help lists 我的项目, the stranger's does not.
    expect(contact.sent).toContain('我的项目');
    expect(stranger.sent).not.toContain('我的项目');
    expect(h.emu.emulator.state.messages.filter((m) => m.chatId === 'oc_gc_new')).toHaveLength(1);
  });

  it('one-to-one: the help replaces the welcome in place', async () => {
    await h.lark.p2pChatEntered({ operator: STRANGER });
    await h.settle();
    const welcome = sentTo(STRANGER)[0]!;
    expect(await clickInPlace(welcome.messageId, STRANGER, { a: 'help.show' })).toContain('赛道助手 · 帮助');
  });
});

describe("我的项目 in the unit's group", () => {
  it('its pages, edit, withdraw and new-registration buttons leave the list for everyone and answer the clicker one-to-one', async () => {
    const list = await h.say(HP, '我的项目', HP_GROUP);
    expect(list.chatId).toBe(HP_GROUP);
    expect(json(list.content)).toContain(hpProjects[0]!.code);

    const page = await clickInGroup(list.messageId, HP2, { a: 'reg.list', o: 8 });
    expect(page.toast).toContain('我的项目 · 黄浦');
    expect(page.sent).toContain(hpProjects[8]!.code);

    const edit = await clickInGroup(list.messageId, HP2, { a: 'reg.edit', p: hpProjects[0]!.id });
    expect(edit.toast).toContain(`修改项目 ${hpProjects[0]!.code} 的表单`);
    expect(edit.sent).toContain('"tag":"form"');
    expect(edit.sent).toContain(hpProjects[0]!.name);

    const withdraw = await clickInGroup(list.messageId, HP, { a: 'reg.withdraw', p: hpProjects[1]!.id });
    expect(withdraw.toast).toContain(`撤回项目 ${hpProjects[1]!.code} 的确认`);
    expect(withdraw.sent).toContain('reg.withdraw.confirm');

    const register = await clickInGroup(list.messageId, HP, { a: 'reg.open', u: 'HP' });
    expect(register.toast).toContain('黄浦的项目报名表');
    expect(register.sent).toContain('"tag":"form"');
    expect((await db.db.selectFrom('projects').select('status').where('unit_code', '=', 'HP').execute()).length).toBe(
      9,
    );
  });

  it('the form sent one-to-one is used there: saving replaces it in place, the group list is untouched', async () => {
    const list = await h.say(HP, '我的项目', HP_GROUP);
    const p = hpProjects[2]!;
    await clickInGroup(list.messageId, HP2, { a: 'reg.edit', p: p.id });
    const form = sentTo(HP2).at(-1)!;
    const d = await h.submit(form.messageId, HP2, { name: `${p.name}（修订）` });
    await h.settle();
    expect(d.clientError).toBeUndefined();
    expect(toastText(d)).toContain('已保存');
    expect(json(h.emu.emulator.message(form.messageId)!.content)).toContain(`${p.name}（修订）`);
    const group = h.emu.emulator.message(list.messageId)!;
    expect(group.updates).toEqual([]);
    expect(json(group.content)).toBe(json(group.initialContent));
  });

  it('one-to-one: the same buttons replace the list in place', async () => {
    const list = await h.say(HP, '我的项目');
    expect(list.chatType).toBe('p2p');
    expect(await clickInPlace(list.messageId, HP, { a: 'reg.list', o: 8 })).toContain(hpProjects[8]!.code);
    expect(await clickInPlace(list.messageId, HP, { a: 'reg.list', o: 0 })).toContain(hpProjects[0]!.code);
    expect(await clickInPlace(list.messageId, HP, { a: 'reg.edit', p: hpProjects[3]!.id })).toContain('"tag":"form"');
  });
});

describe('progress cards in a group', () => {
  beforeEach(() => h.container.clock.set(at('2024-10-10 10:00:00')));

  it("进展 <编号>: the timeline's pages go to the clicker one-to-one", async () => {
    const timeline = await h.say(JA, `进展 ${jaT02.code}`, JA_GROUP);
    expect(timeline.chatId).toBe(JA_GROUP);
    const older = await clickInGroup(timeline.messageId, OFFICE, { a: 'rpt.history', p: jaT02.id, o: 4 });
    expect(older.toast).toContain(`项目 ${jaT02.code} 的进展记录（第 5 条起）`);
    expect(older.sent).toContain(jaT02.code);
    expect(older.sent).toContain('较新的期次');
  });

  it('进展 and 自评 pickers: a project opens its form one-to-one', async () => {
    const picker = await h.say(JA, '进展', JA_GROUP);
    expect(json(picker.content)).toContain('rpt.open');
    const report = await clickInGroup(picker.messageId, JA, { a: 'rpt.open', p: jaT02.id });
    expect(report.toast).toContain(`项目 ${jaT02.code} 的进展填报表`);
    expect(report.sent).toContain('"tag":"form"');

    const sevPicker = await h.say(JA, '自评', JA_GROUP);
    expect(json(sevPicker.content)).toContain('sev.open');
    const sev = await clickInGroup(sevPicker.messageId, JA, { a: 'sev.open', p: jaT02.id });
    expect(sev.toast).toContain(`项目 ${jaT02.code} 的自评表`);
    expect(sev.sent).toContain('"tag":"form"');
  });

  it('进展情况 in a group the bot was never told about: another period goes to the clicker one-to-one', async () => {
    const overview = await h.say(OFFICE, '进展情况', OFFICE_GROUP);
    expect(overview.chatId).toBe(OFFICE_GROUP);
    expect(json(overview.content)).toContain('rpt.overview');
    const midterm = await clickInGroup(overview.messageId, OFFICE, { a: 'rpt.overview', period: 'midterm' });
    expect(midterm.toast).toContain('进展情况 · 中途检查');
    expect(midterm.toast).toContain('Reports · Mid-term check');
    expect(midterm.sent).toContain('中途检查');
  });

  it('one-to-one: the timeline pages and 进展情况 periods replace the card in place', async () => {
    const timeline = await h.say(JA, `进展 ${jaT02.code}`);
    expect(timeline.chatType).toBe('p2p');
    expect(await clickInPlace(timeline.messageId, JA, { a: 'rpt.history', p: jaT02.id, o: 4 })).toContain('较新的期次');
    const overview = await h.say(OFFICE, '进展情况');
    expect(overview.chatType).toBe('p2p');
    expect(await clickInPlace(overview.messageId, OFFICE, { a: 'rpt.overview', period: 'midterm' })).toContain(
      '中途检查',
    );
    const picker = await h.say(JA, '进展');
    expect(await clickInPlace(picker.messageId, JA, { a: 'rpt.open', p: jaT02.id })).toContain('"tag":"form"');
  });
});
