/**
 * Progress reports end to end through the emulator: the form, revisions, late reports, the timeline,
 * self-evaluation, the office's per-period view, and who may see what.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/core/audit.repository';
import type { Project } from '../../../src/core/projects.repository';
import { json, toastText } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { grantRole, registerProject } from '../../support/people';

const HP = 'ou_rpt_hp';
const JA = 'ou_rpt_ja';
const JUDGE_T02 = 'ou_rpt_judge_t02';
const LEADER = 'ou_rpt_leader';

let db: TestDatabase;
let h: Harness;
let hpT02: Project;
let hpT04: Project;
let jaT02: Project;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-05-10 10:00:00') });
  await grantRole(db, HP, 'contact', 'HP');
  await grantRole(db, JA, 'contact', 'JA');
  await grantRole(db, JUDGE_T02, 'judge', 'T02');
  await grantRole(db, LEADER, 'leader');
  hpT02 = await registerProject(db, 'HP', 'T02', '执法规范化');
  hpT04 = await registerProject(db, 'HP', 'T04', '专项整治');
  jaT02 = await registerProject(db, 'JA', 'T02', '静安法治');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));
beforeEach(() => {
  h.emu.emulator.reset();
  h.container.clock.set(at('2024-05-10 10:00:00'));
});

const report = (over: Record<string, unknown> = {}) => ({
  period: '2024-05',
  work_done: '完成流程梳理',
  results: '办结 120 件，提升 15%',
  completion: '30',
  evidence: 'https://example.com/a\nhttps://example.com/b',
  problems: '',
  ...over,
});

/** `who` sends 进展 and, when asked which project, picks `project`: the message then shows its report form. */
async function openReport(who: string, project: Project): Promise<string> {
  const m = await h.say(who, '进展');
  if (!json(m.content).includes('"tag":"form"'))
    await h.client.clickButton(m.messageId, who, { a: 'rpt.open', p: project.id });
  return m.messageId;
}

/** Forged on purpose: a report callback posted by hand, with a project or values the card the person was shown does not offer. */
const forgeReport = (messageId: string, who: string, project: Project, form: Record<string, unknown>) =>
  h.lark.cardAction({
    messageId,
    operator: who,
    value: { a: 'rpt.submit', p: project.id },
    formValue: form,
    name: 'submit',
  });

const rows = (project: Project) =>
  db.db
    .selectFrom('reports')
    .selectAll()
    .where('project_id', '=', project.id)
    .orderBy('period_code')
    .orderBy('revision')
    .execute();

describe('progress reports', () => {
  it('a contact with two projects picks one, reports, revises; revisions are kept and the form is pre-filled from the last', async () => {
    const picker = await h.say(HP, '进展');
    expect(json(picker.content)).toContain('rpt.open');
    const open = await h.client.clickButton(picker.messageId, HP, { a: 'rpt.open', p: hpT02.id });
    expect(json(open.card)).toContain('"initial_option":"2024-05"');
    const first = await h.submit(picker.messageId, HP, report());
    expect(json(first.card)).toContain('进展已提交');
    expect(json(first.card)).toContain('按时提交');
    // The receipt replaced the form: the contact opens it again to revise.
    const second = await h.submit(
      await openReport(HP, hpT02),
      HP,
      report({ completion: '35%', work_done: '流程梳理完成，开始试点' }),
    );
    expect(json(second.card)).toContain('第 2 次修改');
    const stored = await rows(hpT02);
    expect(stored.map((r) => [r.period_code, r.revision, r.late, r.completion])).toEqual([
      ['2024-05', 1, 0, 30],
      ['2024-05', 2, 0, 35],
    ]);
    expect(JSON.parse(stored[0]!.evidence)).toEqual(['https://example.com/a', 'https://example.com/b']);
    const picked = await h.say(HP, '进展');
    const again = await h.client.clickButton(picked.messageId, HP, { a: 'rpt.open', p: hpT02.id });
    expect(json(again.card)).toContain('"default_value":"流程梳理完成，开始试点"');
    // Same period: the form says it holds the last revision, not "update it for this period".
    expect(json(again.card)).toContain('已填入你上次提交的「5月进展」报告；修改后提交即保存为新版本。');
    expect(json(again.card)).not.toContain('请改成本期的情况');
    const audit = await listAudit(db.db, 'shanghai-2024', 50);
    expect(
      audit
        .filter((a) => a.entityId.startsWith(`${hpT02.code}/2024-05`))
        .map((a) => a.action)
        .sort(),
    ).toEqual(['report.revise', 'report.submit']);
  });

  it('the due day ends at midnight in Shanghai: 23:59 is on time, 00:00 late; a closed period cannot be revised', async () => {
    // Forms opened earlier in the month and still on screen.
    const form = await openReport(JA, jaT02);
    const revision = await openReport(JA, jaT02);
    const hpForm = await openReport(HP, hpT04);
    h.container.clock.set(at('2024-05-24 23:59:00')); // 25 May 2024 is a Saturday: due on Friday the 24th
    expect(json((await h.submit(form, JA, report())).card)).toContain('按时提交');
    h.container.clock.set(at('2024-05-25 00:00:00'));
    const locked = await h.submit(revision, JA, report({ work_done: '补充' }));
    expect(toastText(locked)).toContain('已于 2024-05-24 截止，已报的内容不能再修改');
    const late = await h.submit(hpForm, HP, report());
    expect(json(late.card)).toContain('记为补报');
    expect((await rows(hpT04)).map((r) => r.late)).toEqual([1]);
    expect((await rows(jaT02)).map((r) => r.late)).toEqual([0]);
  });

  it('bad fields get one toast naming each problem and store nothing', async () => {
    const form = await openReport(JA, jaT02);
    const before = (await rows(jaT02)).length;
    // What a client lets through: a completion out of range and links that are not http(s).
    const typed = await h.submit(
      form,
      JA,
      report({ completion: '150', evidence: 'javascript:alert(1) ftp://x.y/z https://ok.example/a' }),
    );
    for (const s of ['完成度请填 0 到 100 之间的整数', '这些不是有效链接', 'javascript:alert(1)'])
      expect(toastText(typed)).toContain(s);
    expect(await h.client.submitForm(form, JA, { fill: report({ work_done: '' }) })).toEqual({
      blocked: 'required',
      missing: ['work_done'],
    });
    // Forged on purpose (a period the select does not offer, an empty required field, more than max_length): the server refuses them too.
    const bad = await forgeReport(
      form,
      JA,
      jaT02,
      report({
        period: 'nope',
        work_done: '',
        completion: '150',
        evidence: 'javascript:alert(1) ftp://x.y/z https://ok.example/a',
        problems: '问'.repeat(1001),
      }),
    );
    for (const s of [
      '请选择填报期',
      '请填写本期完成的工作',
      '完成度请填 0 到 100 之间的整数',
      '这些不是有效链接',
      'javascript:alert(1)',
      '问题与需要的帮助最多 1000 个字',
    ])
      expect(toastText(bad)).toContain(s);
    expect((await rows(jaT02)).length).toBe(before);
  });

  it("a contact cannot report on or read another unit's project; a judge reads only their tracks", async () => {
    const form = await openReport(JA, jaT02);
    expect(toastText(await h.submit(form, JA, report({ period: '2024-05' })))).not.toContain('属于');
    // Forged on purpose: JA's card with HP's project in its value.
    expect(toastText(await forgeReport(form, JA, hpT02, report()))).toContain(
      `项目 ${hpT02.code} 属于黄浦，只有黄浦的联络员可以填报`,
    );
    expect(json((await h.say(JA, `进展 ${hpT02.code}`)).content)).toContain(`你不能查看项目 ${hpT02.code} 的进展`);
    expect(json((await h.say(JUDGE_T02, `进展 ${hpT02.code}`)).content)).toContain('进展记录');
    expect(json((await h.say(JUDGE_T02, `进展 ${hpT04.code}`)).content)).toContain(
      `你不能查看项目 ${hpT04.code} 的进展`,
    );
    const judgeView = json((await h.say(JUDGE_T02, '进展情况 2024-05')).content);
    expect(judgeView).toContain('你评审的赛道：T02');
    expect(judgeView).not.toContain('T04');
    for (const stranger of ['ou_nobody'])
      expect(json((await h.say(stranger, '进展情况')).content)).toContain('你没有权限使用「进展情况」');
    expect(json((await h.say('ou_nobody', `进展 ${hpT02.code}`)).content)).toContain('你没有权限使用「进展」');
  });

  it("the office's view counts on time, late and missing per period; leaders see it too", async () => {
    h.container.clock.set(at('2024-06-03 09:00:00'));
    const card = json((await h.say(OFFICE, '进展情况 2024-05')).content);
    // hpT02 on time (10 May), jaT02 on time (24 May 23:59), hpT04 late (25 May 00:00): no one missing.
    expect(card).toContain('按时 2 · 逾期补报 1 · 缺报 0');
    expect(card).toContain('按时率 **67%**');
    const june = json((await h.say(LEADER, '进展情况 2024-06')).content);
    expect(june).toContain('待报 3');
    h.container.clock.set(at('2024-06-26 09:00:00'));
    const overdue = json((await h.say(OFFICE, '进展情况')).content);
    expect(overdue).toContain('6月进展');
    expect(overdue).toContain('缺报 3');
    expect(overdue).toContain(hpT02.code);
  });

  it('mid-term self-evaluation through the card, checked against the rubric, shown on the timeline', async () => {
    h.container.clock.set(at('2024-07-20 10:00:00'));
    const form = await openReport(JA, jaT02);
    const receipt = await h.submit(form, JA, report({ period: 'midterm', completion: '50' }));
    expect(json(receipt.card)).toContain('sev.open');
    const sevForm = await h.client.clickButton(form, JA, { a: 'sev.open', p: jaT02.id, period: 'midterm' });
    expect(json(sevForm.card)).toContain('score_effectiveness');
    const scores = (n: string) => ({
      score_effectiveness: n,
      score_results: '20',
      score_feasibility: '18',
      score_exemplary: '15',
      justification: '数据支撑',
    });
    const bad = await h.submit(form, JA, scores('30'));
    expect(toastText(bad)).toContain('请填 0 到 25 的整数');
    const ok = await h.submit(form, JA, scores('22'));
    expect(json(ok.card)).toContain('**75/100**');
    // Forged on purpose: no card offers a self-evaluation for a monthly period.
    const notMidterm = await h.lark.cardAction({
      messageId: form,
      operator: JA,
      value: { a: 'sev.submit', p: jaT02.id, period: '2024-07' },
      formValue: scores('22'),
    });
    expect(toastText(notMidterm)).toContain('这一期不需要自评');
    expect(json((await h.say(JA, `进展 ${jaT02.code}`)).content)).toContain('自评 **75/100**');
    // The picker says, per project, whether its self-evaluation is in and until when it can change.
    const picker = json((await h.say(HP, '自评')).content);
    expect(picker).toContain('中途检查：未自评（2024-07-31 截止）');
    expect(picker).toContain('"a":"sev.open"');
  });

  it("between a period's due day and the next period, 进展 says what is due next instead of a form that can only be refused", async () => {
    // hpT02 reported May on 10 May; June opens on 1 June.
    h.container.clock.set(at('2024-05-28 10:00:00'));
    // The picker lists it without a button (one that could only be refused), saying when the next period comes.
    const picker = await h.say(HP, '进展');
    expect(h.client.buttons(picker.messageId).map((b) => b.value?.p)).not.toContain(hpT02.id);
    expect(json(picker.content)).toContain(`项目 ${hpT02.code} 目前没有可以填报的期次`);
    expect(json(picker.content)).toContain('下一期「6月进展」2024-06-01 开始，2024-06-25 截止');
    // A click forged from an older picker still gets the same answer, not a form.
    const answer = await h.lark.cardAction({
      messageId: picker.messageId,
      operator: HP,
      value: { a: 'rpt.open', p: hpT02.id },
    });
    expect(toastText(answer)).toContain('下一期「6月进展」2024-06-01 开始，2024-06-25 截止');
    expect(json(h.client.card(picker.messageId))).not.toContain('"name":"report"');
    // In June the form offers June (May is locked and not offered), pre-filled from May's report for this period.
    h.container.clock.set(at('2024-06-03 10:00:00'));
    const june = h.client.card(await openReport(HP, hpT02));
    expect(json(june)).toContain('已按「5月进展」的报告预先填好，请改成本期的情况。');
    expect(json(june)).toContain('"initial_option":"2024-06"');
    expect(json(june)).not.toContain('"value":"2024-05"');
  });

  it('日程 shows the stages, the next deadlines and what the unit still owes', async () => {
    h.container.clock.set(at('2024-06-26 09:00:00'));
    const card = json((await h.say(HP, '日程')).content);
    expect(card).toContain('▶ **实施推进**');
    expect(card).toContain('2024-07-25 7月进展截止');
    expect(card).toContain(`${hpT02.code} 6月进展（2024-06-25，已逾期）`);
    expect(card).not.toContain(`${hpT02.code} 5月进展`);
  });

  it('我的项目 has a timeline button per project', async () => {
    const list = await h.say(HP, '我的项目');
    expect(json(list.content)).toContain(`"a":"rpt.history","p":"${hpT02.id}"`);
    const t = await h.lark.cardAction({
      messageId: list.messageId,
      operator: HP,
      value: { a: 'rpt.history', p: hpT02.id },
    });
    expect(json(t.card)).toContain('进展记录');
    expect(json(t.card)).toContain('5月进展');
  });

  it('the legacy card URL: a report replayed with another (unsigned) X-Refresh-Token takes effect once', async () => {
    h.container.clock.set(at('2024-06-10 10:00:00'));
    const form = await openReport(JA, jaT02);
    const before = (await rows(jaT02)).length;
    const audits = async () =>
      (await listAudit(db.db, 'shanghai-2024', 500)).filter((a) => a.entityId.startsWith(`${jaT02.code}/2024-06`))
        .length;
    const auditsBefore = await audits();
    // Sent by hand on purpose: a tenant still on the old request URL, the click signed with SHA-1 and the token.
    const click = await h.lark.legacyCardAction({
      messageId: form,
      operator: JA,
      value: { a: 'rpt.submit', p: jaT02.id },
      formValue: report({ period: '2024-06' }),
      name: 'submit',
    });
    expect(JSON.stringify(click.reply.body)).toContain('进展已提交');
    // The same signed bytes and signature headers, with only the unsigned X-Refresh-Token changed, inside the window.
    const replay = await fetch(click.url, {
      method: 'POST',
      headers: { ...click.requestHeaders, 'X-Refresh-Token': 'another-refresh-token' },
      body: click.rawBody,
    });
    expect(replay.status).toBe(200);
    expect(JSON.stringify(await replay.json())).not.toContain('进展已提交');
    expect((await rows(jaT02)).length).toBe(before + 1);
    expect(await audits()).toBe(auditsBefore + 1);
  });

  it('before implementation starts, 进展 says when reporting opens', async () => {
    h.container.clock.set(at('2024-04-10 10:00:00'));
    expect(json((await h.say(HP, '进展')).content)).toContain('实施推进阶段 2024-04-16 开始');
  });
});

describe('the project picker', () => {
  it('the picker lists first the projects that can still report, and gives no button to one that cannot', async () => {
    const XH = 'ou_rpt_xh';
    await grantRole(db, XH, 'contact', 'XH');
    const done = await registerProject(db, 'XH', 'T03', '已报项目');
    const owing = await registerProject(db, 'XH', 'T05', '欠报项目');
    await h.submit(await openReport(XH, done), XH, report());
    // May is due on the 24th: the reported project is locked, the other one may still report late.
    h.container.clock.set(at('2024-05-26 10:00:00'));
    const picker = await h.say(XH, '进展');
    const buttons = h.client.buttons(picker.messageId).filter((b) => b.value?.a === 'rpt.open');
    expect(buttons.map((b) => b.value!.p)).toEqual([owing.id]);
    const shown = json(picker.content);
    expect(shown.indexOf(owing.code)).toBeLessThan(shown.indexOf(done.code));
    expect(shown).toContain(`项目 ${done.code} 目前没有可以填报的期次`);
    const form = await h.client.clickButton(picker.messageId, XH, { a: 'rpt.open', p: owing.id });
    expect(json(form.card)).toContain('"tag":"form"');
  });
});
