/**
 * Registration end to end: a contact sends 报名 through the emulator, fills the form card, and gets the confirmation
 * card; every server-side check answers a toast that says what to fix and stores nothing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/core/audit.repository';
import { json, toastText } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { bindUnitChat, grantRole } from '../../support/people';

const HP = 'ou_contact_hp';
const HP2 = 'ou_contact_hp_2';
const JA = 'ou_contact_ja';
const PD = 'ou_contact_pd';
const JUDGE = 'ou_judge_t02';

let db: TestDatabase;
let h: Harness;
beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-03-20 10:00:00') });
  await grantRole(db, HP, 'contact', 'HP');
  await grantRole(db, HP2, 'contact', 'HP');
  await grantRole(db, JA, 'contact', 'JA');
  await grantRole(db, PD, 'contact', 'PD');
  await grantRole(db, JUDGE, 'judge', 'T02');
  h.emu.emulator.ensureGroupChat('oc_hp_group', [HP, HP2]);
  await bindUnitChat(db, 'oc_hp_group', 'HP');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
// Every card the bot sent or answered passed Lark's structure rules, and no limit was broken.
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));
beforeEach(() => {
  h.emu.emulator.reset();
  h.container.clock.set(at('2024-03-20 10:00:00'));
});

/** Sends `报名` as `who` and returns the form card's message id. */
async function openForm(who: string): Promise<string> {
  await h.lark.messageReceived({ sender: who, text: '报名' });
  await h.settle();
  const m = h.emu.emulator.state.messages.at(-1)!;
  expect(json(m.content)).toContain('"tag":"form"');
  return m.messageId;
}

/** What a contact types into the registration form. */
const fields = (over: Record<string, unknown> = {}) => ({
  track: 'T02',
  name: '执法规范化建设',
  lead: '张三',
  summary: '梳理执法流程，统一文书。',
  goals: '全年文书差错率下降 50%。',
  phone: '',
  ...over,
});

/**
 * Forged on purpose: a registration callback with values no client would send (empty required fields, more than
 * max_length, a track the select does not offer), posted by hand to check that the server refuses them too.
 */
const forge = (messageId: string, who: string, unit: string, form: Record<string, unknown>) =>
  h.lark.cardAction({ messageId, operator: who, value: { a: 'reg.submit', u: unit }, formValue: form, name: 'submit' });

const projects = (unit: string) =>
  db.db.selectFrom('projects').selectAll().where('unit_code', '=', unit).orderBy('seq').execute();

describe('registration', () => {
  it('a contact registers through the form card and gets the confirmation; the unit group is told', async () => {
    const form = await openForm(HP);
    expect(json(h.emu.emulator.message(form)!.content)).toContain('还可报 2 个');
    const d = await h.submit(form, HP, fields({ phone: '021-6321 0000' }));
    expect(d.clientError).toBeUndefined();
    expect(json(d.card)).toContain('报名成功');
    expect(json(d.card)).toContain('2024-T02-HP-1');
    const [row] = await projects('HP');
    expect(row).toMatchObject({
      code: '2024-T02-HP-1',
      track_code: 'T02',
      name: '执法规范化建设',
      lead_name: '张三',
      phone: '021-6321 0000',
      status: 'active',
      created_by: HP,
    });
    await h.settle();
    const notice = h.emu.emulator.state.messages.filter((m) => m.chatId === 'oc_hp_group');
    expect(notice).toHaveLength(1);
    expect(json(notice[0]!.content)).toContain('执法规范化建设');
    // The card shown in the client was replaced by the confirmation.
    expect(json(h.emu.emulator.message(form)!.content)).toContain('2024-T02-HP-1');
    const audit = await listAudit(db.db, 'shanghai-2024', 20);
    expect(audit.some((a) => a.action === 'project.register' && a.actor === HP && a.entityId === '2024-T02-HP-1')).toBe(
      true,
    );
  });

  it('refuses bad fields with one toast naming each problem, keeps the form, stores nothing', async () => {
    const form = await openForm(PD);
    const before = await projects('PD');
    // The client itself stops a form with empty required fields, and sends nothing.
    expect(await h.client.submitForm(form, PD, { fill: { name: ' ' } })).toEqual({
      blocked: 'required',
      missing: ['track', 'lead', 'summary', 'goals'],
    });
    const empty = await forge(form, PD, 'PD', { track: '', name: ' ', lead: '', summary: '', goals: '' });
    expect(empty.card).toBeUndefined();
    expect(empty.toast).toMatchObject({ type: 'error' });
    for (const s of ['请选择赛道', '请填写项目名称', '请填写项目负责人', '请填写项目简介', '请填写目标与预期成效'])
      expect(toastText(empty)).toContain(s);
    expect(toastText(empty)).toContain('Project name is required');

    expect(toastText(await h.submit(form, PD, fields({ phone: 'call me' })))).toContain('联系电话格式不对');
    const huge = await forge(
      form,
      PD,
      'PD',
      fields({ name: '长'.repeat(10_000), goals: 'x'.repeat(10_000), phone: 'call me' }),
    );
    expect(toastText(huge)).toContain('项目名称最多 60 个字（现在 10000 个）');
    expect(toastText(huge)).toContain('目标与预期成效最多 1000 个字');
    expect(toastText(huge)).toContain('联系电话格式不对');
    const unknownTrack = await forge(form, PD, 'PD', fields({ track: 'T99' }));
    expect(toastText(unknownTrack)).toContain('请选择赛道');
    expect(await projects('PD')).toEqual(before);
    expect(json(h.emu.emulator.message(form)!.content)).toContain('"tag":"form"');
  });

  it('stores SQL and markup verbatim and shows them as plain text, never as mentions or markdown', async () => {
    const form = await openForm(PD);
    const nasty = {
      name: "x'); DROP TABLE projects;-- <at id=all></at>",
      lead: '<at user_id="all">所有人</at>',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: typed text that looks like a template must stay as typed
      summary: '**粗体** [链接](https://evil.example) <font color=red>红</font> ${1+1} \\u0000',
      goals: "' OR 1=1 --",
      phone: '',
    };
    const d = await h.submit(form, PD, fields({ ...nasty, track: 'T05' }));
    expect(json(d.card)).toContain('报名成功');
    const row = (await projects('PD')).find((r) => r.track_code === 'T05')!;
    expect(row.name).toBe(nasty.name);
    expect(row.lead_name).toBe(nasty.lead);
    expect(row.summary).toBe(nasty.summary);
    expect(row.goals).toBe(nasty.goals);
    // Every element that carries what the user typed is plain_text; no markdown element contains it.
    const elements: any[] = [];
    const walk = (x: any) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        if (x.tag) elements.push(x);
        Object.values(x).forEach(walk);
      }
    };
    walk(d.card);
    for (const v of [nasty.name, nasty.lead, nasty.summary]) {
      expect(elements.some((e) => e.tag === 'plain_text' && String(e.content).includes(v))).toBe(true);
      expect(elements.some((e) => e.tag === 'markdown' && json(e).includes(v))).toBe(false);
    }
  });

  it('refuses a third project in a track, and a second project with the same name (ignoring case and width)', async () => {
    // Each confirmation replaces its form: the contact sends 报名 again for the next one.
    expect(json((await h.submit(await openForm(JA), JA, fields({ track: 'T04', name: 'Alpha' }))).card)).toContain(
      '2024-T04-JA-1',
    );
    expect(json((await h.submit(await openForm(JA), JA, fields({ track: 'T04', name: 'Beta' }))).card)).toContain(
      '2024-T04-JA-2',
    );
    const form = await openForm(JA);
    const third = await h.submit(form, JA, fields({ track: 'T04', name: 'Gamma' }));
    expect(toastText(third)).toContain('已报满 2 个项目');
    expect(toastText(third)).toContain('already has 2 projects');
    const sameName = await h.submit(form, JA, fields({ track: 'T06', name: 'ＡＬＰＨＡ' }));
    expect(toastText(sameName)).toContain('已有名为「ＡＬＰＨＡ」的项目');
    // The next form marks the track as full.
    expect(json(h.emu.emulator.message(await openForm(JA))!.content)).toContain('T04 专项执法（已满）');
    expect((await projects('JA')).map((r) => r.code)).toEqual(['2024-T04-JA-1', '2024-T04-JA-2']);
  });

  it('a double click on the same form answers the same confirmation and stores one project', async () => {
    const form = await openForm(HP);
    const f = fields({ track: 'T07', name: '长三角联动' });
    const [a, b] = await Promise.all([h.submit(form, HP, f), h.submit(form, HP, f)]);
    expect(json(a.card)).toContain('2024-T07-HP-1');
    expect(json(b.card)).toContain('2024-T07-HP-1');
    expect((await projects('HP')).filter((r) => r.track_code === 'T07')).toHaveLength(1);
  });

  it('50 concurrent submissions for one unit and track: exactly 2 stored, 48 clear refusals', async () => {
    await grantRole(db, 'ou_contact_xh', 'contact', 'XH');
    const form = await openForm('ou_contact_xh');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.submit(form, 'ou_contact_xh', fields({ track: 'T03', name: `数字化项目 ${i}` })),
      ),
    );
    const ok = results.filter((r) => json(r.card).includes('报名成功'));
    const refused = results.filter((r) => !r.card);
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(48);
    for (const r of refused) expect(toastText(r)).toContain('已报满 2 个项目');
    const rows = await projects('XH');
    expect(rows.map((r) => r.code).sort()).toEqual(['2024-T03-XH-1', '2024-T03-XH-2']);
    expect(results.every((r) => r.reply.status === 200 && r.clientError === undefined)).toBe(true);
  });

  it('the window is judged in Shanghai time: 23:59:59 on the last day is in, midnight is out', async () => {
    // Two forms opened while the window is open; the first is replaced by its confirmation, the second stays.
    const form = await openForm(HP2);
    const second = await openForm(HP2);
    h.container.clock.set(at('2024-04-15 23:59:59'));
    expect(json((await h.submit(form, HP2, fields({ track: 'T08', name: '最后一刻' }))).card)).toContain('报名成功');
    h.container.clock.set(at('2024-04-16 00:00:00'));
    const late = await h.submit(second, HP2, fields({ track: 'T09', name: '迟到的项目' }));
    expect(toastText(late)).toContain('报名已于 2024-04-15 截止');
    expect(toastText(late)).toContain('Registration closed');
    await h.lark.messageReceived({ sender: HP2, text: '报名' });
    await h.settle();
    expect(json(h.emu.emulator.state.messages.at(-1)!.content)).toContain('报名已于 2024-04-15 截止');
    h.container.clock.set(at('2024-03-14 23:00:00'));
    const early = await h.submit(second, HP2, fields({ track: 'T09', name: '太早的项目' }));
    expect(toastText(early)).toContain('报名 2024-03-15 才开始');
    expect((await projects('HP')).some((r) => r.name === '迟到的项目' || r.name === '太早的项目')).toBe(false);
  });

  it('a form forwarded to another unit, a judge or a stranger is refused and stores nothing', async () => {
    const form = await openForm(HP);
    const before = (await db.db.selectFrom('projects').selectAll().execute()).length;
    const other = await h.submit(form, JA, fields({ track: 'T10', name: '转发的卡片' }));
    expect(toastText(other)).toContain('这张卡片属于黄浦，只有黄浦的联络员可以操作');
    for (const who of [JUDGE, 'ou_stranger'])
      expect(toastText(await h.submit(form, who, fields({ track: 'T10', name: '转发的卡片' })))).toContain(
        '你没有权限',
      );
    expect((await db.db.selectFrom('projects').selectAll().execute()).length).toBe(before);
  });

  it('我的项目: edit and withdraw (with confirmation), checked and audited; the slot is free again', async () => {
    await grantRole(db, 'ou_contact_cn', 'contact', 'CN');
    const who = 'ou_contact_cn';
    await h.submit(await openForm(who), who, fields({ track: 'T01', name: '改革一号' }));
    await h.submit(await openForm(who), who, fields({ track: 'T01', name: '改革二号' }));

    await h.lark.messageReceived({ sender: who, text: '我的项目' });
    await h.settle();
    const list = h.emu.emulator.state.messages.at(-1)!;
    expect(json(list.content)).toContain('改革一号');
    const [first, second] = await projects('CN');

    const edit = await h.client.clickButton(list.messageId, who, { a: 'reg.edit', p: first!.id });
    expect(json(edit.card)).toContain('"default_value":"改革一号"');
    // The edit form is filled with the project as stored; the contact changes the name only.
    const clash = await h.submit(list.messageId, who, { name: '改革二号' });
    expect(toastText(clash)).toContain('已有名为「改革二号」');
    const saved = await h.submit(list.messageId, who, { name: '改革一号（修订）' });
    expect(json(saved.card)).toContain('项目已修改');
    expect((await projects('CN'))[0]!.name).toBe('改革一号（修订）');

    // Someone else's contact cannot touch it, even with the card in hand (forged on purpose: posted by hand).
    expect(
      toastText(
        await h.lark.cardAction({
          messageId: list.messageId,
          operator: JA,
          value: { a: 'reg.withdraw.confirm', p: second!.id },
        }),
      ),
    ).toContain('只有长宁的联络员可以操作');

    await h.client.clickButton(list.messageId, who, { a: 'reg.list', u: 'CN' });
    const ask = await h.client.clickButton(list.messageId, who, { a: 'reg.withdraw', p: second!.id });
    expect(json(ask.card)).toContain('确认撤回项目');
    expect((await projects('CN'))[1]!.status).toBe('active');
    const done = await h.client.clickButton(list.messageId, who, '确认撤回');
    expect(json(done.card)).toContain('项目已撤回');
    // A second click that arrives after the first was answered (the card no longer shows the button): posted by hand.
    const again = await h.lark.cardAction({
      messageId: list.messageId,
      operator: who,
      value: { a: 'reg.withdraw.confirm', p: second!.id },
    });
    expect(json(again.card)).toContain('项目已撤回');
    expect((await projects('CN'))[1]).toMatchObject({ status: 'withdrawn', slot: null, active_name: null });
    // The slot and the name are free again; the code is not reused.
    expect(json((await h.submit(await openForm(who), who, fields({ track: 'T01', name: '改革二号' }))).card)).toContain(
      '2024-T01-CN-3',
    );

    const audit = (await listAudit(db.db, 'shanghai-2024', 100)).filter((a) => a.entityId.includes('-CN-'));
    expect(audit.map((a) => a.action).sort()).toEqual([
      'project.edit',
      'project.register',
      'project.register',
      'project.register',
      'project.withdraw',
    ]);
    const editEntry = audit.find((a) => a.action === 'project.edit')!;
    expect(json(editEntry.before)).toContain('改革一号');
    expect(json(editEntry.after)).toContain('改革一号（修订）');

    // After the window, the list has no buttons and the actions are refused.
    h.container.clock.set(at('2024-04-16 09:00:00'));
    await h.lark.messageReceived({ sender: who, text: 'projects' });
    await h.settle();
    const closed = json(h.emu.emulator.state.messages.at(-1)!.content);
    expect(closed).toContain('报名已截止');
    expect(closed).not.toContain('reg.withdraw');
    // An old card's edit button (forged on purpose: posted by hand, the card shown no longer has it).
    expect(
      toastText(
        await h.lark.cardAction({ messageId: list.messageId, operator: who, value: { a: 'reg.edit', p: first!.id } }),
      ),
    ).toContain('报名已于 2024-04-15 截止');
  });

  it('报名情况: the office sees the unit × track matrix, units with none, thin tracks; others are refused', async () => {
    await h.lark.messageReceived({ sender: OFFICE, text: '报名情况' });
    await h.settle();
    const c = json(h.emu.emulator.state.messages.at(-1)!.content);
    expect(c).toContain('"tag":"table"');
    expect(c).toContain('尚未报名的单位');
    expect(c).toContain('报名较少的赛道');
    const total = (await db.db.selectFrom('projects').select('id').where('status', '=', 'active').execute()).length;
    expect(c).toContain(`共 **${total}** 个项目`);
    for (const who of [HP, JUDGE, 'ou_nobody']) {
      await h.lark.messageReceived({ sender: who, text: 'registrations' });
      await h.settle();
      expect(json(h.emu.emulator.state.messages.at(-1)!.content)).toContain('你没有权限使用「报名情况」');
    }
  });

  it("in a group: 报名 works for the unit's contact when @mentioned in the unit group, and is refused elsewhere", async () => {
    await h.lark.messageReceived({
      sender: HP2,
      chatType: 'group',
      chatId: 'oc_hp_group',
      text: '报名',
      mentionBot: true,
    });
    await h.settle();
    expect(json(h.emu.emulator.state.messages.at(-1)!.content)).toContain('项目报名 · 黄浦');
    h.emu.emulator.ensureGroupChat('oc_other', [HP2]);
    await h.lark.messageReceived({
      sender: HP2,
      chatType: 'group',
      chatId: 'oc_other',
      text: '报名',
      mentionBot: true,
    });
    await h.settle();
    expect(json(h.emu.emulator.state.messages.at(-1)!.content)).toContain(
      '请在一对一聊天中，或在本单位的群里使用这个命令',
    );
  });
});
