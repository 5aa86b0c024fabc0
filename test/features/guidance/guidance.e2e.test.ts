/**
 * Guidance (指导意见) end to end through the emulator, with the real node-sdk and signed, encrypted callbacks: a judge
 * comments on a report from the timeline asking for an answer (请回复), the unit's contacts get it one-to-one, one
 * answers, the judge is told, the office reads the thread in the timeline; other units can neither read nor answer;
 * a double submission stores one comment; an empty comment is refused. Forms are filled on the card each person was
 * shown (the Feishu client model); only the attempts a card would never offer are posted by hand.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/core/audit.repository';
import { rememberPerson } from '../../../src/core/people.repository';
import type { Project } from '../../../src/core/projects.repository';
import type { RecordedMessage } from '../../../src/emulator/types';
import { json, toastText } from '../../support/cards';
import { cardFaults } from '../../support/card-checks';
import type { Card } from '../../../cards/kit';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { grantRole, registerProject } from '../../support/people';

const HP1 = 'ou_gd_contact_hp1';
const HP2 = 'ou_gd_contact_hp2';
const JA = 'ou_gd_contact_ja';
const JUDGE = 'ou_gd_judge_t02';
const JUDGE_T03 = 'ou_gd_judge_t03';
/** Typed text with markup in it: it must reach every card as plain text. */
const COMMENT = '请补充<at id=all></at>办结案件的[明细](https://x.example)和**同比**数据。';
const ANSWER = '已补充：5 月办结 120 件，明细见附件。';

let db: TestDatabase;
let h: Harness;
let hpT02: Project;
let xhT02: Project;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-05-10 10:00:00') });
  await grantRole(db, HP1, 'contact', 'HP');
  await grantRole(db, HP2, 'contact', 'HP');
  await grantRole(db, JA, 'contact', 'JA');
  await grantRole(db, JUDGE, 'judge', 'T02');
  await grantRole(db, JUDGE_T03, 'judge', 'T03');
  const now = at('2024-05-01 09:00:00');
  await rememberPerson(db.db, { openId: JUDGE, name: '王评委' }, now);
  await rememberPerson(db.db, { openId: HP1, name: '李联络' }, now);
  hpT02 = await registerProject(db, 'HP', 'T02', '执法规范化');
  // A unit nobody is a contact of.
  xhT02 = await registerProject(db, 'XH', 'T02', '徐汇法治');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));
beforeEach(() => {
  h.emu.emulator.reset();
  mark = 0;
  h.container.clock.set(at('2024-05-10 10:00:00'));
});

const report = {
  period: '2024-05',
  work_done: '完成流程梳理',
  results: '办结 120 件，提升 15%',
  completion: '30',
  evidence: '',
  problems: '',
};

/** HP1 reports on hpT02 through the form `进展` shows (the only project of HP, so the form itself). */
async function hpReports(): Promise<void> {
  const m = await h.say(HP1, '进展');
  expect(json((await h.submit(m.messageId, HP1, report)).card)).toContain('进展已提交');
}

/**
 * The judge opens the project's timeline and clicks 对报告写指导意见: the comment form comes below the timeline, which
 * stays; returns the form's message.
 */
async function openCommentForm(who: string, project: Project): Promise<string> {
  const timeline = await h.say(who, `进展 ${project.code}`);
  const opened = await h.click(timeline.messageId, who, '对报告写指导意见');
  expect(toastText(opened)).toContain('已在下方打开');
  await h.settle();
  const forms = h.emu.emulator.state.messages.filter(
    (m) => m.receiveIdType === 'message_id' && m.receiveId === timeline.messageId,
  );
  expect(json(forms.at(-1)?.content)).toContain('写指导意见');
  expect(json(h.emu.emulator.message(timeline.messageId)!.content)).toContain('进展记录');
  return forms.at(-1)!.messageId;
}

/** Where the messages sent from now on start (emulator.reset() would also forget the card being filled). */
let mark = 0;
const markNow = () => {
  mark = h.emu.emulator.state.messages.length;
};
/** The one-to-one messages `openId` got since the mark. */
const toPerson = (openId: string): RecordedMessage[] =>
  h.emu.emulator.state.messages.slice(mark).filter((m) => m.receiverOpenId === openId && m.chatType === 'p2p');

const comments = (project: Project) =>
  db.db.selectFrom('guidance_comments').selectAll().where('project_id', '=', project.id).execute();
const answers = () => db.db.selectFrom('guidance_answers').selectAll().orderBy('created_at').execute();

describe('guidance', () => {
  it('a judge comments asking for an answer; both contacts get it; one answers; the judge is told; the office sees the thread', async () => {
    await hpReports();
    const form = await openCommentForm(JUDGE, hpT02);
    const shown = json(h.client.card(form));
    // The form gives the report's key facts and the two ways to send.
    for (const s of ['完成度 30%', '提交于 2024-05-10 10:00', '发送并请单位回复', '发送（无需回复）'])
      expect(shown).toContain(s);
    markNow();
    const sent = await h.submit(form, JUDGE, { guidance: COMMENT }, '发送并请单位回复');
    expect(json(sent.card)).toContain('已一对一发送给黄浦的 2 位联络员');
    expect(toastText(sent)).toContain('指导意见已发送');
    await h.settle();

    // Both contacts get the card one-to-one, asking for an answer, the comment as typed in plain text.
    const cards = [HP1, HP2].map((who) => {
      const got = toPerson(who);
      expect(got).toHaveLength(1);
      return got[0]!;
    });
    for (const m of cards) {
      const c = json(m.content);
      expect(c).toContain('评委请你回复');
      expect(c).toContain('王评委');
      expect(c).toContain(JSON.stringify(COMMENT).slice(1, -1));
      expect(cardFaults(m.content as Card)).toEqual([]);
    }
    expect(toPerson(JA)).toEqual([]);

    // HP1 answers on the card they received; the card becomes the receipt; the judge gets the notice.
    markNow();
    const answered = await h.submit(cards[0]!.messageId, HP1, { answer: ANSWER });
    expect(toastText(answered)).toContain('回复已提交');
    expect(json(answered.card)).toContain('回复已提交');
    expect(json(answered.card)).toContain(ANSWER);
    await h.settle();
    const notices = toPerson(JUDGE);
    expect(notices).toHaveLength(1);
    const notice = json(notices[0]!.content);
    for (const s of ['单位已回复', ANSWER, '李联络', 'rpt.history']) expect(notice).toContain(s);
    // The notice's button opens the timeline, with the thread.
    // The notice's button opens the timeline below it, and the notice stays.
    const fromNotice = await h.click(notices[0]!.messageId, JUDGE, { a: 'rpt.history' });
    expect(toastText(fromNotice)).toContain('已在下方打开');
    expect(fromNotice.card).toBeUndefined();
    await h.settle();
    const below = h.emu.emulator.state.messages.filter(
      (m) => m.receiveIdType === 'message_id' && m.receiveId === notices[0]!.messageId,
    );
    expect(below).toHaveLength(1);
    expect(json(below[0]!.content)).toContain(ANSWER);

    // HP2 answers too, an hour later: threaded under the same comment.
    h.container.clock.set(at('2024-05-10 11:00:00'));
    expect(toastText(await h.submit(cards[1]!.messageId, HP2, { answer: '补充说明：数据来自业务系统。' }))).toContain(
      '回复已提交',
    );

    // The office reads the timeline: the comment and both answers.
    const officeView = json((await h.say(OFFICE, `进展 ${hpT02.code}`)).content);
    for (const s of ['指导意见', '已回复', ANSWER, '补充说明：数据来自业务系统。', '王评委', '李联络'])
      expect(officeView).toContain(s);

    const [stored] = await comments(hpT02);
    expect(stored).toMatchObject({ needs_answer: 1, author_open_id: JUDGE, period_code: '2024-05', subject: 'report' });
    expect(stored!.answered_at).not.toBeNull();
    expect((await answers()).filter((a) => a.comment_id === stored!.id).map((a) => a.author_open_id)).toEqual([
      HP1,
      HP2,
    ]);
    const audit = await listAudit(db.db, 'shanghai-2024', 100);
    expect(audit.filter((a) => a.action.startsWith('guidance.')).map((a) => [a.action, a.actor])).toEqual(
      expect.arrayContaining([
        ['guidance.comment', JUDGE],
        ['guidance.answer', HP1],
        ['guidance.answer', HP2],
      ]),
    );
  });

  it('a contact of another unit can neither read the timeline nor answer; a judge of another track cannot comment', async () => {
    const [comment] = await comments(hpT02);
    const before = { comments: (await comments(hpT02)).length, answers: (await answers()).length };
    expect(json((await h.say(JA, `进展 ${hpT02.code}`)).content)).toContain(`你不能查看项目 ${hpT02.code} 的进展`);
    // Forged on purpose: JA was never sent the comment card; an answer posted by hand on JA's own message.
    const own = await h.say(JA, '帮助');
    const refused = await h.lark.cardAction({
      messageId: own.messageId,
      operator: JA,
      value: { a: 'gd.answer', c: comment!.id, k: 'forgedkey0001' },
      formValue: { answer: '我们来回复' },
      name: 'submit',
    });
    expect(toastText(refused)).toContain('只有黄浦的联络员可以回复');
    expect(refused.card).toBeUndefined();
    // Forged on purpose: a judge of T03 aims the comment form of a T02 project.
    const t03 = await h.say(JUDGE_T03, '帮助');
    const notJudge = await h.lark.cardAction({
      messageId: t03.messageId,
      operator: JUDGE_T03,
      value: { a: 'gd.submit', p: hpT02.id, period: '2024-05', s: 'report', k: 'forgedkey0002', ask: 1 },
      formValue: { guidance: '意见' },
      name: 'send_ask',
    });
    expect(toastText(notJudge)).toContain('只有该赛道的评委可以写指导意见');
    expect({ comments: (await comments(hpT02)).length, answers: (await answers()).length }).toEqual(before);
  });

  it('a double submission of one form stores one comment and answers the same receipt; an empty comment is refused', async () => {
    const form = await openCommentForm(JUDGE, hpT02);
    const before = (await comments(hpT02)).length;
    // Spaces only: the client sends it, the server refuses it and stores nothing.
    const blank = await h.submit(form, JUDGE, { guidance: '   ' }, '发送（无需回复）');
    expect(toastText(blank)).toContain('请填写指导意见后再发送');
    expect(blank.card).toBeUndefined();
    expect(await h.client.submitForm(form, JUDGE, { fill: { guidance: '' }, button: '发送（无需回复）' })).toEqual({
      blocked: 'required',
      missing: ['guidance'],
    });
    expect((await comments(hpT02)).length).toBe(before);
    markNow();
    const [a, b] = await Promise.all([
      h.submit(form, JUDGE, { guidance: '仅供参考：可加强宣传。' }, '发送（无需回复）'),
      h.submit(form, JUDGE, { guidance: '仅供参考：可加强宣传。' }, '发送（无需回复）'),
    ]);
    expect(json(a.card)).toContain('已一对一发送给黄浦的 2 位联络员');
    expect(json(b.card)).toEqual(json(a.card));
    const stored = await comments(hpT02);
    expect(stored).toHaveLength(before + 1);
    const made = stored.find((x) => x.body === '仅供参考：可加强宣传。');
    expect(made).toMatchObject({ needs_answer: 0, author_open_id: JUDGE });
    await h.settle();
    // One card per contact, saying an answer is optional.
    for (const who of [HP1, HP2]) {
      expect(toPerson(who)).toHaveLength(1);
      expect(json(toPerson(who)[0]!.content)).toContain('如需回复可在此填写');
    }
    expect(
      (await listAudit(db.db, 'shanghai-2024', 200)).filter(
        (x) => x.action === 'guidance.comment' && x.entityId === made!.id,
      ),
    ).toHaveLength(1);
  });

  it('a unit with no contact: the comment is kept and the judge is told nobody got it', async () => {
    const m = await h.say(JUDGE, `进展 ${xhT02.code}`);
    expect(json(m.content)).not.toContain('对报告写指导意见'); // no report yet, no button
    // Forged on purpose: the form of a period with no report.
    const none = await h.lark.cardAction({
      messageId: m.messageId,
      operator: JUDGE,
      value: { a: 'gd.open', p: xhT02.id, period: '2024-05', s: 'report' },
    });
    expect(toastText(none)).toContain('还没有进展报告');
    await db.db
      .insertInto('reports')
      .values({
        id: 'rpt_gdxhreport000000001',
        competition_id: 'shanghai-2024',
        project_id: xhT02.id,
        period_code: '2024-05',
        revision: 1,
        work_done: 'w',
        results: 'r',
        completion: 50,
        evidence: '[]',
        problems: '',
        late: 0,
        submitted_by: 'ou_gd_someone',
        submitted_at: '2024-05-09 10:00:00.000',
      })
      .execute();
    const form = await openCommentForm(JUDGE, xhT02);
    markNow();
    const sent = await h.submit(form, JUDGE, { guidance: '请尽快补充联络员。' }, '发送并请单位回复');
    expect(json(sent.card)).toContain('徐汇还没有联络员');
    expect((sent.toast as { type?: string }).type).toBe('warning');
    await h.settle();
    expect(
      h.emu.emulator.state.messages.slice(mark).filter((x) => x.chatType === 'p2p' && x.receiverOpenId !== JUDGE),
    ).toEqual([]);
    expect(await comments(xhT02)).toHaveLength(1);
  });
});
