/**
 * The judges' daily card through the real minute tick, the outbox and the emulator (competition file
 * `guidance.judgeDigest`: 17:00 on working days in 2024): each judge gets one card one-to-one listing what is new in
 * their tracks since their last card, exactly once with two servers ticking every minute; nothing when nothing is
 * new, nothing on a day off, and what came meanwhile on the next working day's card.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cardBytes, type Card } from '../../../cards/kit';
import type { Project } from '../../../src/core/projects.repository';
import { insertReport, insertSelfEvaluation } from '../../../src/features/reports/reports.repository';
import { buttonValues } from '../../support/card-checks';
import { json } from '../../support/cards';
import { testContainer, type TestContainer } from '../../support/container';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { tickServers } from '../../support/ticks';
import { grantRole, registerProject } from '../../support/people';

const A = 'ou_jd_judge_a'; // T02
const B = 'ou_jd_judge_b'; // T02 and T05
const C = 'ou_jd_judge_c'; // T07: nothing ever happens there
const CONTACT_HP = 'ou_jd_contact_hp';

let db: TestDatabase;
let h: Harness;
let other: TestContainer;
let hp: Project;
let ja: Project;
let pd: Project;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-04-01 10:00:00') });
  other = testContainer(db, { BOT_ADMINS: OFFICE }, at('2024-04-01 10:00:00'), { lark: h.container.lark });
  await grantRole(db, A, 'judge', 'T02');
  await grantRole(db, B, 'judge', 'T02');
  await grantRole(db, B, 'judge', 'T05');
  await grantRole(db, C, 'judge', 'T07');
  await grantRole(db, CONTACT_HP, 'contact', 'HP');
  // Typed names with markup in them: shown as typed, as plain text.
  hp = await registerProject(db, 'HP', 'T02', '**黄浦** <b>数字</b> [x](y)');
  ja = await registerProject(db, 'JA', 'T02', '静安项目');
  pd = await registerProject(db, 'PD', 'T05', '浦东项目');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
afterEach(() => {
  expect(h.emu.emulator.state.violations).toEqual([]);
  for (const m of h.emu.emulator.state.messages)
    if (m.msgType === 'interactive') expect(cardBytes(m.content as Card)).toBeLessThan(30_000);
});

const report = (p: Project, period: string, revision: number, local: string) =>
  insertReport(db.db, {
    competitionId: 'shanghai-2024',
    projectId: p.id,
    projectCode: p.code,
    period,
    revision,
    late: false,
    fields: { workDone: 'w', results: 'r', completion: 20, evidence: [], problems: '' },
    actor: CONTACT_HP,
    now: at(local),
  });

/** Both servers tick every minute from `from` to `to` (local Shanghai times), as node-cron would; then delivery. */
const tickThrough = (from: string, to: string) => tickServers(h, [other], from, to);

const cardsTo = (openId: string) =>
  h.emu.emulator.state.messages.filter(
    (m) => m.receiverOpenId === openId && m.chatType === 'p2p' && json(m.content).includes('评审动态'),
  );
const body = (m: { content: unknown }) => (m.content as Card).body.elements;
/** The plain-text lines of a card (what people typed is only ever there). */
const plainLines = (m: { content: unknown }) =>
  body(m)
    .filter((e) => e.tag === 'div')
    .map((e) => (e.text as { content: string }).content);
const markdownOf = (m: { content: unknown }) =>
  body(m)
    .filter((e) => e.tag === 'markdown')
    .map((e) => e.content as string)
    .join('\n');

describe("the judges' daily card", () => {
  it('goes once to each judge with news in their tracks, at 17:00, with two servers ticking every minute', async () => {
    await report(hp, '2024-05', 1, '2024-05-20 10:00:00');
    h.emu.emulator.reset();
    await tickThrough('2024-05-20 16:50', '2024-05-20 17:10');
    expect(cardsTo(A)).toHaveLength(1);
    expect(cardsTo(B)).toHaveLength(1);
    expect(cardsTo(C)).toHaveLength(0);
    const card = cardsTo(A)[0]!;
    expect(json(card.content)).toContain('评审动态 · 2024-05-20');
    // The first card covers since the previous working day's slot (Friday 17 May, 17:00).
    expect(markdownOf(card)).toContain('自 2024-05-17 17:00 以来，你评审的赛道（T02 法治建设）有 **1** 个项目有新内容');
    expect(markdownOf(card)).toContain('· 5月进展：新报告');
    // The project's code and typed name as plain text, never inside markdown.
    expect(plainLines(card)).toEqual([`${hp.code} · **黄浦** <b>数字</b> [x](y)`]);
    expect(markdownOf(card)).not.toContain('黄浦**');
    expect(buttonValues(card.content as Card)).toEqual([{ a: 'rpt.history', p: hp.id, n: 1 }]);
    expect(card.receiverOpenId).toBe(A);

    // A restart, a late server: the same minutes again send nothing more.
    await tickThrough('2024-05-20 17:00', '2024-05-20 17:05');
    expect(cardsTo(A)).toHaveLength(1);
    expect(cardsTo(B)).toHaveLength(1);
    expect(
      await db.db
        .selectFrom('judge_digests')
        .select(['open_id', 'day', 'items'])
        .where('day', '=', '2024-05-20')
        .orderBy('open_id')
        .execute(),
    ).toEqual([
      { open_id: A, day: '2024-05-20', items: 1 },
      { open_id: B, day: '2024-05-20', items: 1 },
      { open_id: C, day: '2024-05-20', items: 0 },
    ]);
  });

  it('lists revisions, new reports, self-evaluations and answers since the last card; only the judge’s tracks', async () => {
    const guidance = h.container.services.repos.guidance;
    const { comment } = await guidance.insertComment({
      competitionId: 'shanghai-2024',
      projectId: hp.id,
      period: '2024-05',
      subject: 'report',
      authorOpenId: A,
      body: '请补充数据',
      needsAnswer: true,
      formKey: 'jdform00001',
      at: at('2024-05-21 09:00:00'),
    });
    await guidance.insertAnswer({
      competitionId: 'shanghai-2024',
      commentId: comment.id,
      authorOpenId: CONTACT_HP,
      body: '已补充',
      formKey: 'jdanswer0001',
      at: at('2024-05-21 11:00:00'),
    });
    await report(ja, '2024-05', 1, '2024-05-21 12:00:00');
    await report(hp, '2024-05', 2, '2024-05-21 13:00:00');
    await report(pd, '2024-05', 1, '2024-05-21 14:00:00');
    await insertSelfEvaluation(db.db, {
      competitionId: 'shanghai-2024',
      projectId: ja.id,
      projectCode: ja.code,
      period: 'midterm',
      revision: 1,
      late: false,
      scores: { effectiveness: 20 },
      justification: 'j',
      actor: CONTACT_HP,
      now: at('2024-05-21 15:00:00'),
    });
    // After today's slot: tomorrow's card.
    await report(pd, '2024-05', 2, '2024-05-21 17:30:00');
    h.emu.emulator.reset();
    await tickThrough('2024-05-21 16:59', '2024-05-21 17:02');

    expect(cardsTo(A)).toHaveLength(1);
    const a = cardsTo(A)[0]!;
    expect(markdownOf(a)).toContain('自 2024-05-20 17:00 以来');
    expect(markdownOf(a)).toContain('有 **2** 个项目有新内容：报告 2 份 · 自评 1 份 · 指导意见回复 1 条。');
    expect(plainLines(a)).toEqual([`${hp.code} · **黄浦** <b>数字</b> [x](y)`, `${ja.code} · 静安项目`]);
    expect(markdownOf(a)).toContain('· 5月进展：报告修改（第 2 版）；1 条指导意见回复（其中 1 条回复你的意见）');
    expect(markdownOf(a)).toContain('· 5月进展：新报告\n· 中途检查：新自评');
    expect(buttonValues(a.content as Card)).toEqual([
      { a: 'rpt.history', p: hp.id, n: 1 },
      { a: 'rpt.history', p: ja.id, n: 1 },
    ]);
    // In English too.
    expect(JSON.stringify(a.content)).toContain(
      '· May progress: report revised (version 2); 1 answer to guidance (1 to yours)',
    );

    const b = cardsTo(B)[0]!;
    expect(cardsTo(B)).toHaveLength(1);
    expect(markdownOf(b)).toContain('（T02 法治建设、T05 执法监督）有 **3** 个项目');
    expect(plainLines(b)).toEqual([
      `${hp.code} · **黄浦** <b>数字</b> [x](y)`,
      `${ja.code} · 静安项目`,
      `${pd.code} · 浦东项目`,
    ]);
    expect(markdownOf(b)).toContain('1 条指导意见回复');
    expect(markdownOf(b)).not.toContain('回复你的意见');
    expect(cardsTo(C)).toHaveLength(0);

    // The judge opens a project's timeline from the card: it comes to them one-to-one.
    await h.click(a.messageId, A, { a: 'rpt.history', p: ja.id });
    await h.settle();
    expect(json(h.emu.emulator.state.messages.at(-1)!.content)).toContain(ja.code);
  });

  it('nothing new: no card; a day off: no card; what came meanwhile is on the next working day’s card', async () => {
    h.emu.emulator.reset();
    // Wednesday 22 May: only PD's revision of 21 May 17:30, in B's track.
    await tickThrough('2024-05-22 17:00', '2024-05-22 17:01');
    expect(cardsTo(A)).toHaveLength(0);
    expect(cardsTo(B)).toHaveLength(1);
    expect(markdownOf(cardsTo(B)[0]!)).toContain('· 5月进展：报告修改（第 2 版）');
    // Thursday: nothing new for anyone.
    await tickThrough('2024-05-23 17:00', '2024-05-23 17:01');
    expect(cardsTo(A)).toHaveLength(0);
    expect(cardsTo(B)).toHaveLength(1);
    // Friday: nothing before the slot; a revision after it, then the weekend: no card on Saturday; Monday's has it.
    await tickThrough('2024-05-24 17:00', '2024-05-24 17:01');
    expect(cardsTo(A)).toHaveLength(0);
    await report(ja, '2024-05', 2, '2024-05-24 18:00:00');
    await tickThrough('2024-05-25 17:00', '2024-05-25 17:01');
    expect(cardsTo(A)).toHaveLength(0);
    await tickThrough('2024-05-27 17:00', '2024-05-27 17:01');
    expect(cardsTo(A)).toHaveLength(1);
    const monday = cardsTo(A)[0]!;
    expect(markdownOf(monday)).toContain('自 2024-05-24 17:00 以来');
    expect(plainLines(monday)).toEqual([`${ja.code} · 静安项目`]);
    expect(await db.db.selectFrom('judge_digests').select('day').where('day', '=', '2024-05-25').execute()).toEqual([]);
  });

  it('not before implementation starts nor after judging closes', async () => {
    h.emu.emulator.reset();
    await report(hp, '2024-10', 1, '2024-11-29 10:00:00');
    await tickThrough('2024-12-02 17:00', '2024-12-02 17:01');
    expect(cardsTo(A)).toHaveLength(0);
    await tickThrough('2024-04-15 17:00', '2024-04-15 17:01');
    expect(cardsTo(A)).toHaveLength(0);
  });
});
