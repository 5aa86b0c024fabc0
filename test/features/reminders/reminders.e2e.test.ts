/**
 * Reminders through the real tick, the outbox and the emulator: who gets what, when (working calendar of 2024 in
 * Shanghai), exactly once across servers and ticks, no stale burst after downtime, snooze and pause.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../../src/core/projects.repository';
import { testContainer } from '../../support/container';
import { json } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { bindUnitChat, grantRole, registerProject } from '../../support/people';
import type { Project } from '../../../src/core/projects.repository';

const CONTACT = { HP: 'ou_rem_hp', JA: 'ou_rem_ja', PD: 'ou_rem_pd' } as const;
const localTime = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

let db: TestDatabase;
let h: Harness;

async function setUp(): Promise<void> {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-03-20 10:00:00') });
  for (const [unit, who] of Object.entries(CONTACT)) await grantRole(db, who, 'contact', unit);
  await grantRole(db, 'ou_rem_ja_leader', 'unit_leader', 'JA');
  h.emu.emulator.ensureGroupChat('oc_rem_hp', [CONTACT.HP]);
  await bindUnitChat(db, 'oc_rem_hp', 'HP');
}
async function tearDown(): Promise<void> {
  await h.close();
  await db.destroy();
}

/** Ticks every `stepMinutes` from `from` to `to` (local Shanghai times), as node-cron would, and delivers. */
async function tickThrough(from: string, to: string, stepMinutes = 30, containers = [h.container]): Promise<void> {
  for (let t = at(from); t <= at(to); t += stepMinutes * 60_000) {
    for (const c of containers) c.clock.set(t);
    await Promise.all(containers.map((c) => c.tick(t)));
  }
  await h.settle();
}

const toUser = (openId: string) =>
  h.emu.emulator.state.messages.filter((m) => m.receiverOpenId === openId && m.chatType === 'p2p');
const toChat = (chatId: string) => h.emu.emulator.state.messages.filter((m) => m.chatId === chatId);
/** When each message to `openId` was sent (emulator time is real time: use the occurrences instead). */
const occurrences = (subject: string) =>
  db.db
    .selectFrom('reminder_occurrences')
    .select(['rule', 'deadline_key', 'step', 'due_at', 'status'])
    .where('unit_code', '=', subject)
    .orderBy('due_at')
    .execute();

describe('registration reminders over the 2024 season', () => {
  beforeAll(setUp);
  afterAll(tearDown);
  afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));

  it('units that have not registered get the configured reminders at the right local times; none after registering', async () => {
    // HP registers on 10 April; JA never does; PD is paused by the office.
    await h.lark.messageReceived({ sender: OFFICE, text: '暂停提醒 浦东' });
    await h.settle();
    expect(json(h.emu.emulator.state.messages.at(-1)!.content)).toContain('已暂停浦东的提醒');
    h.emu.emulator.reset();
    await tickThrough('2024-04-01 00:00', '2024-04-10 12:00');
    const r = await createProject(db.db, {
      competitionId: 'shanghai-2024',
      codePrefix: '2024',
      unit: 'HP',
      track: 'T01',
      limit: 2,
      fields: { name: 'n', lead: 'l', summary: 's', goals: 'g', phone: '' },
      actor: CONTACT.HP,
      now: at('2024-04-10 12:00:00'),
    });
    expect(r.kind).toBe('created');
    await tickThrough('2024-04-10 12:30', '2024-04-19 12:00');

    const ja = await occurrences('JA');
    expect(ja.map((o) => `${o.step}@${localTime(Date.parse(`${o.due_at.replace(' ', 'T')}Z`))}`)).toEqual([
      'T-7@2024-04-08 09:30',
      'T-3@2024-04-12 09:30',
      'T-0@2024-04-15 09:30', // T-1 (Sunday 14th) merged into the deadline morning
      'overdue@2024-04-16 09:30',
      'escalate@2024-04-17 09:30',
    ]);
    expect(toUser(CONTACT.JA)).toHaveLength(4);
    expect(json(toUser(CONTACT.JA)[0]!.content)).toContain('还有 7 天截止（2024-04-15）');
    expect(json(toUser(CONTACT.JA)[0]!.content)).toContain('"a":"reg.open","u":"JA"');
    expect(json(toUser(CONTACT.JA)[0]!.content)).toContain('rem.snooze');
    expect(json(toUser(CONTACT.JA)[3]!.content)).toContain('逾期提醒');
    // HP registered on the 10th: reminded on the 8th only, never in its group (group posts start at T-1).
    expect((await occurrences('HP')).map((o) => o.step)).toEqual(['T-7']);
    expect(toChat('oc_rem_hp')).toHaveLength(0);
    // JA's leader is told two working days after the deadline (Wednesday 17 April), once.
    const escalation = toUser('ou_rem_ja_leader');
    expect(escalation).toHaveLength(1);
    expect(json(escalation[0]!.content)).toContain('请督办：静安「项目报名」逾期');
    expect(
      (await occurrences('JA')).some(
        (o) => o.step === 'escalate' && localTime(Date.parse(`${o.due_at.replace(' ', 'T')}Z`)) === '2024-04-17 09:30',
      ),
    ).toBe(true);
    // PD is paused: nothing.
    expect(toUser(CONTACT.PD)).toHaveLength(0);
    // The office digest after the 15th lists exactly the units still missing (all but HP; PD is paused).
    const digest = toUser(OFFICE);
    expect(digest).toHaveLength(1);
    const missing = c2024Units().filter((u) => u !== '黄浦' && u !== '浦东');
    // One table row per unit still owing.
    for (const u of missing) expect(json(digest[0]!.content)).toContain(`"who":"${u}"`);
    expect(json(digest[0]!.content)).not.toContain('"who":"黄浦"');
    expect(json(digest[0]!.content)).toContain(`以下 **${missing.length}** 个仍未完成`);
    // Nothing on the weekend, nothing outside working hours.
    for (const o of await db.db
      .selectFrom('reminder_occurrences')
      .select(['due_at', 'created_at'])
      .where('status', '=', 'sent')
      .execute()) {
      const created = Date.parse(`${o.created_at.replace(' ', 'T')}Z`);
      const local = new Date(created + 8 * 3_600_000);
      expect([0, 6]).not.toContain(local.getUTCDay());
      expect(local.getUTCHours()).toBeGreaterThanOrEqual(9);
      expect(local.getUTCHours()).toBeLessThan(18);
    }
  });

  it('the office sees the plan, what was sent and the pauses; resuming brings the unit back', async () => {
    h.container.clock.set(at('2024-04-19 10:00:00'));
    await h.lark.messageReceived({ sender: OFFICE, text: '提醒计划' });
    await h.settle();
    const plan = json(h.emu.emulator.state.messages.at(-1)!.content);
    expect(plan).toContain('已暂停的单位：浦东');
    expect(plan).toContain('最近 14 天已发送');
    expect(plan).toContain('项目报名');
    for (const who of [CONTACT.JA, 'ou_nobody']) {
      await h.lark.messageReceived({ sender: who, text: '提醒计划' });
      await h.settle();
      expect(json(h.emu.emulator.state.messages.at(-1)!.content)).toContain('你没有权限使用「提醒计划」');
    }
    await h.lark.messageReceived({ sender: OFFICE, text: '恢复提醒 PD' });
    await h.settle();
    expect(json(h.emu.emulator.state.messages.at(-1)!.content)).toContain('已恢复浦东的提醒');
  });
});

function c2024Units(): string[] {
  return [
    '浦东',
    '黄浦',
    '静安',
    '徐汇',
    '长宁',
    '普陀',
    '虹口',
    '杨浦',
    '宝山',
    '闵行',
    '嘉定',
    '金山',
    '松江',
    '青浦',
    '奉贤',
    '崇明',
    '临港',
    '机场',
    '自贸区',
    '总队',
  ];
}

describe('exactly once and catching up', () => {
  beforeAll(setUp);
  afterAll(tearDown);

  it('two servers ticking the same minutes send each reminder once', async () => {
    const other = testContainer(db, { BOT_ADMINS: OFFICE }, at('2024-04-08 09:00:00'), { lark: h.container.lark });
    await tickThrough('2024-04-08 09:00', '2024-04-08 10:30', 1, [h.container, other]);
    await other.sender.drain();
    await h.settle();
    expect(toUser(CONTACT.JA)).toHaveLength(1);
    expect(toUser(CONTACT.HP)).toHaveLength(1);
    // The same minutes again (a restart, a CLI tick with an old --at): nothing more.
    await tickThrough('2024-04-08 09:00', '2024-04-08 10:30', 7, [other]);
    await other.sender.drain();
    expect(toUser(CONTACT.JA)).toHaveLength(1);
  });

  it('after three days without ticks, one reminder, not a burst; a snooze comes back two hours later, once', async () => {
    // No tick from 8 April 10:30 to 12 April 15:00: T-3 (12th 09:30) is due, nothing older is sent.
    await tickThrough('2024-04-12 15:00', '2024-04-12 15:00');
    const ja = toUser(CONTACT.JA);
    expect(ja).toHaveLength(2);
    expect(json(ja[1]!.content)).toContain('还有 3 天截止');
    // JA snoozes from the card.
    h.container.clock.set(at('2024-04-12 15:10:00'));
    const snooze = await h.lark.cardAction({
      messageId: ja[1]!.messageId,
      operator: CONTACT.JA,
      value: { a: 'rem.snooze', r: 'registration', k: 'registration', u: 'JA' },
    });
    expect(json(snooze.toast)).toContain('2024-04-12 17:10 再提醒你');
    const again = await h.lark.cardAction({
      messageId: ja[1]!.messageId,
      operator: CONTACT.JA,
      value: { a: 'rem.snooze', r: 'registration', k: 'registration', u: 'JA' },
    });
    expect(json(again.toast)).toContain('已经设置过稍后提醒了');
    // Someone else's snooze button is refused.
    const other = await h.lark.cardAction({
      messageId: ja[1]!.messageId,
      operator: CONTACT.HP,
      value: { a: 'rem.snooze', r: 'registration', k: 'registration', u: 'JA' },
    });
    expect(json(other.toast)).toContain('这条提醒不是发给你的单位的');
    await tickThrough('2024-04-12 15:30', '2024-04-12 17:00');
    expect(toUser(CONTACT.JA)).toHaveLength(2);
    await tickThrough('2024-04-12 17:10', '2024-04-12 17:59', 7);
    expect(toUser(CONTACT.JA)).toHaveLength(3);
    expect(toUser(CONTACT.HP)).toHaveLength(2); // the snooze was JA's only
    // Too close to the deadline to snooze: 15 April 17:00.
    h.container.clock.set(at('2024-04-15 17:00:00'));
    const late = await h.lark.cardAction({
      messageId: ja[1]!.messageId,
      operator: CONTACT.JA,
      value: { a: 'rem.snooze', r: 'registration', k: 'registration', u: 'JA' },
    });
    expect(json(late.toast)).toContain('离截止不到 2 个工作小时');
  });

  it('a snooze for something done in the meantime is dropped', async () => {
    h.container.clock.set(at('2024-04-15 10:00:00'));
    const ja = toUser(CONTACT.HP);
    const s = await h.lark.cardAction({
      messageId: ja.at(-1)!.messageId,
      operator: CONTACT.HP,
      value: { a: 'rem.snooze', r: 'registration', k: 'registration', u: 'HP' },
    });
    expect(json(s.toast)).toContain('再提醒你');
    await createProject(db.db, {
      competitionId: 'shanghai-2024',
      codePrefix: '2024',
      unit: 'HP',
      track: 'T01',
      limit: 2,
      fields: { name: 'n', lead: 'l', summary: 's', goals: 'g', phone: '' },
      actor: CONTACT.HP,
      now: at('2024-04-15 10:30:00'),
    });
    const before = toUser(CONTACT.HP).length;
    await tickThrough('2024-04-15 12:00', '2024-04-15 12:30');
    expect(toUser(CONTACT.HP)).toHaveLength(before);
    const snoozes = await db.db
      .selectFrom('reminder_occurrences')
      .select(['status'])
      .where('unit_code', '=', 'HP')
      .where('step', 'like', 'snooze%')
      .execute();
    expect(snoozes.map((r) => r.status)).toEqual(['skipped']);
  });
});

describe("reminders that respect a person's attention", () => {
  beforeAll(setUp);
  afterAll(tearDown);
  afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));

  it("a snooze is two working hours: pressed Friday 17:00 it is due Monday 10:00, and the deadline morning's reminder replaces it", async () => {
    await tickThrough('2024-04-12 09:00', '2024-04-12 10:00');
    const card = toUser(CONTACT.JA).at(-1)!;
    expect(json(card.content)).toContain('还有 3 天截止');
    h.container.clock.set(at('2024-04-12 17:00:00'));
    const snooze = await h.lark.cardAction({
      messageId: card.messageId,
      operator: CONTACT.JA,
      value: { a: 'rem.snooze', r: 'registration', k: 'registration', u: 'JA' },
    });
    // One working hour left on Friday (until 18:00), one more on Monday from 09:00.
    expect(json(snooze.toast)).toContain('2024-04-15 10:00 再提醒你');
    const before = toUser(CONTACT.JA).length;
    await tickThrough('2024-04-15 09:00', '2024-04-15 11:00', 10);
    // The deadline morning's reminder (09:30) reached JA after the snooze was set: the snooze does not add a second card.
    const monday = toUser(CONTACT.JA)
      .slice(before)
      .map((m) => json(m.content));
    expect(monday).toHaveLength(1);
    expect(monday[0]).toContain('今天截止');
    const snoozes = await db.db
      .selectFrom('reminder_occurrences')
      .select(['status'])
      .where('unit_code', '=', 'JA')
      .where('step', 'like', 'snooze%')
      .execute();
    expect(snoozes.map((r) => r.status)).toEqual(['skipped']);
  });

  it('after registration closes, the overdue notice has no button that could only be refused; it says to ask the office', async () => {
    await tickThrough('2024-04-16 09:00', '2024-04-16 10:00');
    const overdue = json(toUser(CONTACT.JA).at(-1)!.content);
    expect(overdue).toContain('逾期提醒');
    expect(overdue).not.toContain('"a":"reg.open"');
    expect(overdue).toContain('截止后已不能自行办理；如有特殊情况，请联系竞赛办。');
  });

  it("the plan and the office's digest say when an escalation to unit leaders has nobody to reach", async () => {
    // The office's digest of 16 April 09:30: only JA has a unit leader in this set-up.
    const digest = json(toUser(OFFICE).at(-1)!.content);
    expect(digest).toContain('逾期汇总');
    expect(digest).toContain('**督办提醒无人可发** ：以下 19 个单位在竞赛文件中没有单位领导（unit_leader）');
    expect(digest).not.toMatch(/没有单位领导[^"]*静安/);
    h.container.clock.set(at('2024-04-16 11:00:00'));
    await h.lark.messageReceived({ sender: OFFICE, text: '提醒计划' });
    await h.settle();
    const plan = json(h.emu.emulator.state.messages.at(-1)!.content);
    expect(plan).toMatch(/督办 · 目前 20 个未完成，其中 19 个没有单位领导：不会发给它们/);
  });
});

describe('a reminder acts on what is owed when it is pressed, at the minute it promises', () => {
  let pdT02: Project;
  let pdT03: Project;
  beforeAll(async () => {
    await setUp();
    pdT02 = await registerProject(db, 'PD', 'T02', '浦东法治');
    pdT03 = await registerProject(db, 'PD', 'T03', '浦东市容');
  });
  afterAll(tearDown);
  afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));

  const report = {
    period: '2024-05',
    work_done: '完成流程梳理',
    results: '办结 120 件',
    completion: '30',
    evidence: '',
    problems: '',
  };
  const message = (id: string) => h.emu.emulator.state.messages.find((m) => m.messageId === id)!;

  it('a snooze pressed at 09:30:23 is due at 11:30:00: the tick of 11:29 does not send it, the tick of 11:30 does', async () => {
    await tickThrough('2024-04-08 09:30', '2024-04-08 09:30');
    const card = toUser(CONTACT.HP).at(-1)!;
    expect(json(card.content)).toContain('还有 7 天截止');
    h.container.clock.set(at('2024-04-08 09:30:23') + 950);
    const snooze = await h.click(card.messageId, CONTACT.HP, { a: 'rem.snooze' });
    expect(json(snooze.toast)).toContain('好的，2024-04-08 11:30 再提醒你。');
    const [row] = await db.db
      .selectFrom('reminder_occurrences')
      .select(['due_at'])
      .where('unit_code', '=', 'HP')
      .where('step', 'like', 'snooze%')
      .execute();
    expect(Date.parse(`${row!.due_at.replace(' ', 'T')}Z`)).toBe(at('2024-04-08 11:30:00'));
    const before = toUser(CONTACT.HP).length;
    await tickThrough('2024-04-08 11:29', '2024-04-08 11:29');
    expect(toUser(CONTACT.HP)).toHaveLength(before);
    await tickThrough('2024-04-08 11:30', '2024-04-08 11:30');
    expect(toUser(CONTACT.HP)).toHaveLength(before + 1);
    expect(json(toUser(CONTACT.HP).at(-1)!.content)).toContain('还有 7 天截止');
  });

  it("去填写 opens what is owed when pressed: a picker of both, then the other project's form once one is reported, then a toast; the reminder stays", async () => {
    await tickThrough('2024-05-17 09:30', '2024-05-17 09:30');
    const reminder = toUser(CONTACT.PD).at(-1)!;
    const listed = json(reminder.content);
    expect(listed).toContain('5月进展报告');
    expect(listed).toContain(pdT02.code);
    expect(listed).toContain(pdT03.code);
    expect(listed).toContain('"a":"rem.open","r":"report","k":"2024-05","u":"PD"');
    expect(listed).not.toContain('rpt.open');
    h.container.clock.set(at('2024-05-20 10:00:00'));

    // Both owe: a picker of the two, in reply to the reminder, which stays as it was.
    let n = toUser(CONTACT.PD).length;
    const both = await h.click(reminder.messageId, CONTACT.PD, '去填写');
    await h.settle();
    expect(both.card).toBeUndefined();
    expect(json(both.toast)).toContain('还有 2 个项目未完成，请在下方选择。');
    expect(toUser(CONTACT.PD)).toHaveLength(n + 1);
    const picker = toUser(CONTACT.PD).at(-1)!;
    expect(picker.parentId).toBe(reminder.messageId);
    expect(json(picker.content)).toContain(`"a":"rpt.open","p":"${pdT02.id}"`);
    expect(json(picker.content)).toContain(`"a":"rpt.open","p":"${pdT03.id}"`);
    expect(json(message(reminder.messageId).content)).toBe(listed);

    // She reports T02 (from the picker; 进展 would do the same).
    await h.click(picker.messageId, CONTACT.PD, { a: 'rpt.open', p: pdT02.id });
    expect(json((await h.submit(picker.messageId, CONTACT.PD, report)).card)).toContain('进展已提交');

    // The old reminder's button now opens T03's form (not T02's, pre-filled with what she just sent), as a new message.
    n = toUser(CONTACT.PD).length;
    const one = await h.click(reminder.messageId, CONTACT.PD, '去填写');
    await h.settle();
    expect(one.card).toBeUndefined();
    expect(json(one.toast)).toContain(`${pdT03.code} 的表单已发在下方。`);
    expect(toUser(CONTACT.PD)).toHaveLength(n + 1);
    const form = toUser(CONTACT.PD).at(-1)!;
    expect(form.parentId).toBe(reminder.messageId);
    expect(json(form.content)).toContain(`"a":"rpt.submit","p":"${pdT03.id}"`);
    expect(json(form.content)).toContain('"initial_option":"2024-05"');
    expect(json(form.content)).not.toContain(pdT02.id);
    expect(json(form.content)).not.toContain('已填入你上次提交');
    expect(json(message(reminder.messageId).content)).toBe(listed);
    expect(json((await h.submit(form.messageId, CONTACT.PD, report)).card)).toContain('进展已提交');

    // Nothing owed any more: a toast, no message, the reminder untouched.
    n = toUser(CONTACT.PD).length;
    const none = await h.click(reminder.messageId, CONTACT.PD, '去填写');
    await h.settle();
    expect(none.card).toBeUndefined();
    expect(none.toast).toMatchObject({ type: 'success' });
    expect(json(none.toast)).toContain('「5月进展报告」已全部提交，没有要填的了。');
    expect(toUser(CONTACT.PD)).toHaveLength(n);
    expect(json(message(reminder.messageId).content)).toBe(listed);
    // Another unit's contact cannot use PD's button.
    const other = await h.lark.cardAction({
      messageId: reminder.messageId,
      operator: CONTACT.HP,
      value: { a: 'rem.open', r: 'report', k: '2024-05', u: 'PD' },
    });
    expect(json(other.toast)).toContain('这条提醒不是发给你的单位的');
  });

  it("a self-evaluation reminder's 去填写: a picker while both owe, then the form of the project that still owes it", async () => {
    await tickThrough('2024-07-24 09:30', '2024-07-24 09:30');
    const reminder = toUser(CONTACT.PD)
      .filter((m) => json(m.content).includes('"r":"self-evaluation"'))
      .at(-1)!;
    expect(json(reminder.content)).toContain('"a":"rem.open","r":"self-evaluation","k":"midterm","u":"PD"');
    h.container.clock.set(at('2024-07-24 10:00:00'));
    // Both owe: the picker, in reply; T02 is self-evaluated from it.
    await h.click(reminder.messageId, CONTACT.PD, '去填写');
    await h.settle();
    const picker = toUser(CONTACT.PD).at(-1)!;
    expect(picker.parentId).toBe(reminder.messageId);
    expect(json(picker.content)).toContain(`"a":"sev.open","p":"${pdT03.id}","period":"midterm"`);
    await h.click(picker.messageId, CONTACT.PD, { a: 'sev.open', p: pdT02.id });
    const scores = {
      score_effectiveness: '20',
      score_results: '20',
      score_feasibility: '20',
      score_exemplary: '20',
      justification: '按计划推进',
    };
    expect(json((await h.submit(picker.messageId, CONTACT.PD, scores)).card)).toContain(pdT02.code);
    const open = await h.click(reminder.messageId, CONTACT.PD, '去填写');
    await h.settle();
    expect(json(open.toast)).toContain(`${pdT03.code} 的表单已发在下方。`);
    const form = toUser(CONTACT.PD).at(-1)!;
    expect(form.parentId).toBe(reminder.messageId);
    expect(json(form.content)).toContain(`"a":"sev.submit","p":"${pdT03.id}","period":"midterm"`);
  });
});
