/**
 * Judging end to end through the emulator: a judge lists the projects of their track with the latest progress and
 * self-evaluation, scores, revises, recuses with a reason; the server refuses after the deadline, before the
 * evaluation stage, for another track and for the judge's own unit (from the competition file, or as a contact);
 * every change is audited; two clicks at once store one sheet.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cardBytes, type Card } from '../../../cards/kit';
import { loadCompetition } from '../../../src/competition/competition.service';
import { listAudit } from '../../../src/core/audit.repository';
import type { Project } from '../../../src/core/projects.repository';
import { insertReport, insertSelfEvaluation } from '../../../src/features/reports/reports.repository';
import { json } from '../../support/cards';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at, competition2024 } from '../../support/fixtures';
import { startHarness, type Harness } from '../../support/harness';
import { grantRole, registerProject } from '../../support/people';

const JUDGE = 'ou_jdg_t02';
/** Judges T02; the competition file says they belong to 黄浦 (HP). */
const JUDGE_HP = 'ou_jdg_t02_hp';
/** Judges T02 and is also a contact of 静安 (JA). */
const JUDGE_JA = 'ou_jdg_t02_ja';
const JUDGE_T03 = 'ou_jdg_t03';
const CONTACT = 'ou_jdg_contact_pd';

let db: TestDatabase;
let h: Harness;
let hp: Project;
let ja: Project;
let pd: Project;
let t03: Project;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-11-05 10:00:00') });
  // The file gives JUDGE_HP their unit; loading it again (as every start does) stores it as a judge_unit grant.
  await loadCompetition(
    db.db,
    competition2024(
      (f) => (f.people = [{ openId: JUDGE_HP, name: '评委甲', roles: [{ role: 'judge', track: 'T02', unit: 'HP' }] }]),
    ),
    { dryRun: false, now: at('2024-11-01 09:00:00'), actor: 'test' },
  );
  await grantRole(db, JUDGE, 'judge', 'T02');
  await grantRole(db, JUDGE_JA, 'judge', 'T02');
  await grantRole(db, JUDGE_JA, 'contact', 'JA');
  await grantRole(db, JUDGE_T03, 'judge', 'T03');
  await grantRole(db, CONTACT, 'contact', 'PD');
  hp = await registerProject(db, 'HP', 'T02', '黄浦执法规范化');
  ja = await registerProject(db, 'JA', 'T02', '静安法治<b>示范</b>');
  pd = await registerProject(db, 'PD', 'T02', '浦东法治');
  t03 = await registerProject(db, 'HP', 'T03', '黄浦数字化');
  await insertReport(db.db, {
    competitionId: 'shanghai-2024',
    projectId: ja.id,
    projectCode: ja.code,
    period: 'year-end',
    revision: 1,
    late: false,
    fields: { workDone: '全年完成', results: '办结 320 件，投诉下降 40%', completion: 95, evidence: [], problems: '' },
    actor: 'seed',
    now: at('2024-10-20 10:00:00'),
  });
  await insertSelfEvaluation(db.db, {
    competitionId: 'shanghai-2024',
    projectId: ja.id,
    projectCode: ja.code,
    period: 'year-end',
    revision: 1,
    late: false,
    scores: { effectiveness: 22, results: 23, feasibility: 20, exemplary: 21 },
    justification: '成效显著',
    actor: 'seed',
    now: at('2024-10-21 10:00:00'),
  });
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => {
  h.emu.emulator.reset();
  h.container.clock.set(at('2024-11-05 10:00:00'));
});
afterEach(() => {
  expect(h.emu.emulator.state.violations).toEqual([]);
  for (const m of h.emu.emulator.state.messages)
    if (m.msgType === 'interactive') expect(cardBytes(m.content as Card)).toBeLessThan(30_000);
});

const scores = (over: Record<string, unknown> = {}) => ({
  score_effectiveness: '20',
  score_results: '21',
  score_feasibility: '18',
  score_exemplary: '15',
  comment: '数据扎实',
  ...over,
});

/** `who` sends 评分 and clicks the project's score button: the returned message shows its score form. */
async function openScore(who: string, project: Project): Promise<string> {
  const list = await h.say(who, '评分');
  await h.click(list.messageId, who, { a: 'judge.open', p: project.id });
  return list.messageId;
}
/**
 * Forged on purpose: a callback posted by hand, with a value or form that the card the person was shown does not
 * offer (another track, one's own unit, a closed window), to check that the server refuses it whatever the card says.
 */
const forge = (messageId: string, who: string, value: Record<string, unknown>, formValue?: Record<string, unknown>) =>
  h.lark.cardAction({ messageId, operator: who, value, formValue });
const sheet = (project: Project, judge: string) =>
  db.db
    .selectFrom('scores')
    .selectAll()
    .where('project_id', '=', project.id)
    .where('judge_open_id', '=', judge)
    .executeTakeFirst();
const audits = async (entity: string) =>
  (await listAudit(db.db, 'shanghai-2024', 500)).filter((a) => a.entityId === entity).reverse();

describe('a judge scores the projects of their track', () => {
  it('评分 lists the track with progress and self-evaluation at hand, a timeline button each, and cannot be forwarded', async () => {
    const list = await h.say(JUDGE, '评分');
    const card = json(list.content);
    for (const p of [hp, ja, pd]) expect(card).toContain(`${p.code} · `);
    expect(card).not.toContain(t03.code);
    expect(card).toContain('年终总结完成度 95%');
    expect(card).toContain('自评 86/100');
    expect(card).toContain(`"a":"rpt.history","p":"${ja.id}"`);
    expect(card).toContain(`"a":"judge.open","p":"${ja.id}"`);
    expect(card).toContain('"enable_forward":false');
    expect(card).toContain('未评 **3**');
    // The project name is shown as typed (plain text), never as markup.
    expect(card).toContain(`"tag":"plain_text","content":"${ja.code} · 静安法治<b>示范</b>`);
    const timeline = await h.click(list.messageId, JUDGE, { a: 'rpt.history', p: ja.id });
    expect(json(timeline.card)).toContain('进展记录');
  });

  it('the form shows the latest report and the self-evaluation; scores are stored, revised and audited', async () => {
    const list = await h.say(JUDGE, '评分');
    const form = await h.click(list.messageId, JUDGE, { a: 'judge.open', p: ja.id });
    const f = json(form.card);
    expect(f).toContain('办结 320 件，投诉下降 40%');
    expect(f).toContain('**单位自评** （年终总结）：86/100');
    expect(f).toContain('score_effectiveness');
    const saved = await h.submit(list.messageId, JUDGE, scores());
    expect(json(saved.toast)).toContain('评分已保存');
    expect(json(saved.card)).toContain('加权总分 **74.0**');
    expect(json(saved.card)).toContain(`下一个：${pd.code}`);
    const row = await sheet(ja, JUDGE);
    expect(JSON.parse(row!.criteria)).toEqual({ effectiveness: 20, results: 21, feasibility: 18, exemplary: 15 });
    expect(row).toMatchObject({ comment: '数据扎实', recused: 0 });

    h.container.clock.set(at('2024-11-05 10:05:00'));
    const again = await h.click(list.messageId, JUDGE, { a: 'judge.open', p: ja.id });
    expect(json(again.card)).toContain('"default_value":"数据扎实"');
    const revised = await h.submit(list.messageId, JUDGE, scores({ score_exemplary: '19', comment: '示范性强' }));
    expect(json(revised.toast)).toContain('评分已修改');
    await h.click(list.messageId, JUDGE, { a: 'judge.open', p: ja.id });
    const same = await h.submit(list.messageId, JUDGE, scores({ score_exemplary: '19', comment: '示范性强' }));
    expect(json(same.card)).toContain('与上次相同');

    const trail = await audits(`${ja.code}/${JUDGE}`);
    expect(trail.map((a) => a.action)).toEqual(['score.submit', 'score.revise']);
    expect(trail[1]).toMatchObject({
      actor: JUDGE,
      before: { scores: { exemplary: 15 }, comment: '数据扎实' },
      after: { scores: { exemplary: 19 }, comment: '示范性强' },
    });
  });

  it('bad scores get one toast naming each thing to fix, and store nothing', async () => {
    const form = await openScore(JUDGE, pd);
    // The client stops empty required fields; what it lets through, the server checks.
    expect(await h.client.submitForm(form, JUDGE, { fill: scores({ score_results: '', comment: '' }) })).toEqual({
      blocked: 'required',
      missing: ['score_results', 'comment'],
    });
    expect(json((await h.submit(form, JUDGE, scores({ score_effectiveness: '30' }))).toast)).toContain(
      '「成效」请填 0 到 25 的整数',
    );
    const bad = await forge(
      form,
      JUDGE,
      { a: 'judge.submit', p: pd.id },
      scores({ score_effectiveness: '30', score_results: '', comment: '' }),
    );
    for (const s of ['「成效」请填 0 到 25 的整数', '请给「实绩」打分', '请写一句简短评语'])
      expect(json(bad.toast)).toContain(s);
    expect(bad.card).toBeUndefined();
    expect(await sheet(pd, JUDGE)).toBeUndefined();
  });

  it('scores can be revised until the end of 29 November, not after; not before the evaluation stage either', async () => {
    // Forms opened while scoring is open, and still on screen later.
    const list = await openScore(JUDGE, pd);
    const revision = await openScore(JUDGE, pd);
    const recusal = await openScore(JUDGE, pd);
    await h.click(recusal, JUDGE, { a: 'judge.recuse', p: pd.id });
    const early = await openScore(JUDGE, hp);
    h.container.clock.set(at('2024-11-29 23:59:00'));
    expect(json((await h.submit(list, JUDGE, scores())).toast)).toContain('评分已保存');
    h.container.clock.set(at('2024-11-30 00:00:00'));
    const late = await h.submit(revision, JUDGE, scores({ score_results: '5' }));
    expect(json(late.toast)).toContain('评分已于 2024-11-29 截止');
    expect(JSON.parse((await sheet(pd, JUDGE))!.criteria).results).toBe(21);
    expect(json((await h.click(list, JUDGE, { a: 'judge.open', p: pd.id })).toast)).toContain(
      '评分已于 2024-11-29 截止',
    );
    expect(json((await h.submit(recusal, JUDGE, { reason: '迟来的回避' })).toast)).toContain(
      '评分已于 2024-11-29 截止',
    );
    // The list is still there to read, without scoring buttons.
    const closed = json((await h.say(JUDGE, '评分')).content);
    expect(closed).toContain('评分已于 2024-11-29 截止');
    expect(closed).not.toContain('judge.open');
    h.container.clock.set(at('2024-10-31 23:59:00'));
    expect(json((await h.submit(early, JUDGE, scores())).toast)).toContain('评分 2024-11-01 才开始');
    expect(await sheet(hp, JUDGE)).toBeUndefined();
  });

  it("another track's project is refused, from a card or by code", async () => {
    const list = await h.say(JUDGE, '评分');
    expect(json((await forge(list.messageId, JUDGE, { a: 'judge.submit', p: t03.id }, scores())).toast)).toContain(
      `你不是 T03 赛道的评委，不能查看或评分项目 ${t03.code}`,
    );
    expect(json((await forge(list.messageId, JUDGE, { a: 'judge.open', p: t03.id })).toast)).toContain(
      '不能查看或评分',
    );
    expect(json((await h.say(JUDGE, `评分 ${t03.code}`)).content)).toContain(`你不是 T03 赛道的评委`);
    expect(json((await forge(list.messageId, JUDGE, { a: 'judge.list', t: 'T03', o: 0 })).toast)).toContain(
      '你不是 T03 赛道的评委',
    );
    expect(await sheet(t03, JUDGE)).toBeUndefined();
    // 评分 <code> of their own track opens the form straight away.
    expect(json((await h.say(JUDGE_T03, `评分 ${t03.code.toLowerCase()}`)).content)).toContain('score_effectiveness');
  });

  it('judges are recused automatically from their own unit: from the competition file, and as a contact', async () => {
    const unit = await db.db
      .selectFrom('role_grants')
      .select(['role', 'scope', 'source'])
      .where('open_id', '=', JUDGE_HP)
      .orderBy('role')
      .execute();
    expect(unit).toEqual([
      { role: 'judge', scope: 'T02', source: 'file' },
      { role: 'judge_unit', scope: 'HP', source: 'file' },
    ]);
    const list = await h.say(JUDGE_HP, '评分');
    const card = json(list.content);
    expect(card).toContain('本单位项目，已自动回避');
    expect(card).not.toContain(`"a":"judge.open","p":"${hp.id}"`);
    expect(card).toContain(`"a":"judge.open","p":"${ja.id}"`);
    const refused = await forge(list.messageId, JUDGE_HP, { a: 'judge.submit', p: hp.id }, scores());
    expect(json(refused.toast)).toContain(`项目 ${hp.code} 属于黄浦，是你所在单位的项目：你已自动回避，不能评分`);
    expect(await sheet(hp, JUDGE_HP)).toBeUndefined();
    // JUDGE_JA clicks on JUDGE_HP's list (lists cannot be forwarded): forged on purpose.
    const contact = await forge(list.messageId, JUDGE_JA, { a: 'judge.open', p: ja.id });
    expect(json(contact.toast)).toContain('属于静安，是你所在单位的项目');
    expect(json((await forge(list.messageId, JUDGE_JA, { a: 'judge.open', p: hp.id })).card)).toContain(
      'score_effectiveness',
    );
  });

  it('a judge recuses themselves with a reason (required), audited; scoring again withdraws the recusal', async () => {
    const list = await h.say(JUDGE_T03, '评分');
    await h.click(list.messageId, JUDGE_T03, { a: 'judge.open', p: t03.id });
    const form = await h.click(list.messageId, JUDGE_T03, { a: 'judge.recuse', p: t03.id });
    expect(json(form.card)).toContain('"name":"reason"');
    expect(json((await h.submit(list.messageId, JUDGE_T03, { reason: ' ' })).toast)).toContain('请写明回避理由');
    const done = await h.submit(list.messageId, JUDGE_T03, { reason: '与项目负责人有亲属关系' });
    expect(json(done.toast)).toContain('已回避');
    expect(json(done.card)).toContain('与项目负责人有亲属关系');
    expect(await sheet(t03, JUDGE_T03)).toMatchObject({
      recused: 1,
      recusal_reason: '与项目负责人有亲属关系',
      criteria: '{}',
    });
    expect(json((await h.say(JUDGE_T03, '评分')).content)).toContain('已回避');
    const reopened = await h.click(list.messageId, JUDGE_T03, { a: 'judge.open', p: t03.id });
    expect(json(reopened.card)).toContain('提交评分即取消回避');
    h.container.clock.set(at('2024-11-05 10:05:00'));
    await h.submit(list.messageId, JUDGE_T03, scores());
    expect(await sheet(t03, JUDGE_T03)).toMatchObject({ recused: 0, recusal_reason: '' });
    expect((await audits(`${t03.code}/${JUDGE_T03}`)).map((a) => a.action)).toEqual(['score.recuse', 'score.revise']);
  });

  it('scoring stays out of groups: 评分 in a group is refused and shows nothing', async () => {
    await h.lark.botAdded({ chatId: 'oc_jdg_group', operator: CONTACT, name: '评审群' });
    await h.settle();
    const reply = await h.say(JUDGE, '评分', 'oc_jdg_group');
    expect(json(reply.content)).toContain('评分请在与我的一对一聊天中进行');
    expect(json(reply.content)).not.toContain(ja.code);
    // A scoring button clicked from a group card is refused too, whatever it says.
    const groupCard = h.emu.emulator.state.messages.find(
      (m) => m.chatId === 'oc_jdg_group' && m.msgType === 'interactive',
    )!;
    expect(json((await forge(groupCard.messageId, JUDGE, { a: 'judge.open', p: ja.id })).toast)).toContain(
      '评分请在与我的一对一聊天中进行',
    );
  });

  it('two submissions of one sheet at the same moment store one row', async () => {
    const form = await openScore(JUDGE, hp);
    const [a, b] = await Promise.all([
      h.submit(form, JUDGE, scores({ score_results: '10' })),
      h.submit(form, JUDGE, scores({ score_results: '10' })),
    ]);
    for (const d of [a, b]) expect(json(d.toast)).toContain('评分已保存');
    const rows = await db.db
      .selectFrom('scores')
      .select('id')
      .where('project_id', '=', hp.id)
      .where('judge_open_id', '=', JUDGE)
      .execute();
    expect(rows).toHaveLength(1);
    expect((await audits(`${hp.code}/${JUDGE}`)).map((x) => x.action)).toEqual(['score.submit']);
  });

  it('the judging reminder counts what a judge still owes without their own unit, and opens the list', async () => {
    await h.container.tick(at('2024-11-22 09:30:00'));
    await h.settle();
    const reminder = h.emu.emulator.state.messages.filter((m) => m.receiverOpenId === JUDGE_HP);
    expect(reminder).toHaveLength(1);
    // T02 has three projects; HP's is JUDGE_HP's own unit, so two are owed.
    expect(json(reminder[0]!.content)).toContain('还有 2 个项目未评分');
    expect(json(reminder[0]!.content)).toContain('"a":"judge.list","t":"*","o":0');
  });

  it('only judges may score', async () => {
    expect(json((await h.say(CONTACT, '评分')).content)).toContain('你没有权限使用「评分」');
  });
});
