/**
 * Questions (指导意见 with 请回复) in the reminders, through the real tick, the outbox and the emulator: a question left
 * unanswered past its answer-by day (3 working days in 2024) is chased once, to the unit's contacts one-to-one, at the
 * reminders' send time of the next working day, with a button to the project's timeline; the unit's regular deadline
 * reminders list its open questions. Two servers tick every minute; nothing on a day off; nothing once answered.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../../cards/kit';
import type { Project } from '../../../src/core/projects.repository';
import { buttonValues } from '../../support/card-checks';
import { json } from '../../support/cards';
import { testContainer, type TestContainer } from '../../support/container';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { tickServers } from '../../support/ticks';
import { grantRole, registerProject } from '../../support/people';

const HP1 = 'ou_q_hp_1';
const HP2 = 'ou_q_hp_2';
const JA = 'ou_q_ja';
const JUDGE = 'ou_q_judge';

let db: TestDatabase;
let h: Harness;
let other: TestContainer;
let hp: Project;
let ja: Project;
let keys = 0;

async function ask(p: Project, local: string, needsAnswer = true, answeredAt?: string) {
  const guidance = h.container.services.repos.guidance;
  const { comment } = await guidance.insertComment({
    competitionId: 'shanghai-2024',
    projectId: p.id,
    period: '2024-05',
    subject: 'report',
    authorOpenId: JUDGE,
    body: '请说明数据来源',
    needsAnswer,
    formKey: `qform${String(++keys).padStart(4, '0')}`,
    at: at(local),
  });
  if (answeredAt)
    await guidance.insertAnswer({
      competitionId: 'shanghai-2024',
      commentId: comment.id,
      authorOpenId: HP1,
      body: '已说明',
      formKey: `qanswer${String(keys).padStart(4, '0')}`,
      at: at(answeredAt),
    });
  return comment;
}

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-05-20 09:00:00') });
  other = testContainer(db, { BOT_ADMINS: OFFICE }, at('2024-05-20 09:00:00'), { lark: h.container.lark });
  await grantRole(db, HP1, 'contact', 'HP');
  await grantRole(db, HP2, 'contact', 'HP');
  await grantRole(db, JA, 'contact', 'JA');
  await grantRole(db, JUDGE, 'judge', 'T02');
  hp = await registerProject(db, 'HP', 'T02');
  ja = await registerProject(db, 'JA', 'T02');
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
afterEach(() => expect(h.emu.emulator.state.violations).toEqual([]));

/** Both servers tick every minute from `from` to `to` (local Shanghai times), as node-cron would; then delivery. */
const tickThrough = (from: string, to: string) => tickServers(h, [other], from, to);

const toUser = (openId: string) =>
  h.emu.emulator.state.messages.filter((m) => m.receiverOpenId === openId && m.chatType === 'p2p');
const chases = (openId: string) => toUser(openId).filter((m) => json(m.content).includes('请回复指导意见'));
const deadlineReminders = (openId: string) =>
  toUser(openId).filter((m) => json(m.content).includes('5月进展报告') && !json(m.content).includes('请回复指导意见'));
const markdownOf = (m: { content: unknown }) =>
  (m.content as Card).body.elements
    .filter((e) => e.tag === 'markdown')
    .map((e) => e.content as string)
    .join('\n');

describe('questions awaiting an answer, in the reminders', () => {
  it('a question unanswered past its answer-by day is chased once, the next working morning at 09:30', async () => {
    await ask(hp, '2024-05-20 10:00:00'); // due by Thursday 23 May: chased Friday 24 May 09:30
    await ask(hp, '2024-05-20 11:00:00', true, '2024-05-22 10:00:00'); // answered: never chased
    await ask(hp, '2024-05-20 12:00:00', false); // no answer asked for: never chased
    await ask(ja, '2024-05-21 10:00:00'); // due by Friday 24 May: chased Monday 27 May
    h.emu.emulator.reset();
    await tickThrough('2024-05-23 09:30', '2024-05-23 10:00');
    expect(chases(HP1)).toHaveLength(0);

    await tickThrough('2024-05-24 09:00', '2024-05-24 10:00');
    for (const who of [HP1, HP2]) {
      expect(chases(who)).toHaveLength(1);
      const card = chases(who)[0]!;
      expect(markdownOf(card)).toContain('黄浦有 **1** 条评委指导意见要求回复，已超过 3 个工作日仍未回复');
      expect(markdownOf(card)).toContain(
        `· ${hp.code} · 5月进展报告 · 2024-05-20 提出，最晚应于 2024-05-23 当天回复（已逾期）`,
      );
      expect(buttonValues(card.content as Card)).toEqual([{ a: 'rpt.history', p: hp.id, n: 1 }]);
    }
    expect(chases(JA)).toHaveLength(0);
    // Re-running the same minutes sends nothing more.
    await tickThrough('2024-05-24 09:25', '2024-05-24 09:40');
    expect(chases(HP1)).toHaveLength(1);
    expect(chases(HP2)).toHaveLength(1);
  });

  it("the unit's deadline reminder that morning lists its open questions, with the project's timeline", async () => {
    // May reports are due Friday 24 May (25th is a Saturday): reminders went on the 23rd and the 24th at 09:30.
    const [before, deadlineDay] = deadlineReminders(HP1);
    expect(deadlineReminders(HP1)).toHaveLength(2);
    expect(markdownOf(before!)).toContain('明天截止');
    expect(markdownOf(before!)).toContain(`· ${hp.code} · 5月进展报告 · 2024-05-20 提出，请最晚于 2024-05-23 当天回复`);
    expect(markdownOf(deadlineDay!)).toContain('今天截止');
    expect(markdownOf(deadlineDay!)).toContain('**另有 1 条指导意见待回复** （在项目进展记录中回复）');
    expect(markdownOf(deadlineDay!)).toContain(
      `· ${hp.code} · 5月进展报告 · 2024-05-20 提出，最晚应于 2024-05-23 当天回复（已逾期）`,
    );
    expect(buttonValues(deadlineDay!.content as Card)).toContainEqual({ a: 'rpt.history', p: hp.id, n: 1 });
    const jaReminder = deadlineReminders(JA);
    expect(jaReminder).toHaveLength(2);
    expect(markdownOf(jaReminder[1]!)).toContain(
      `· ${ja.code} · 5月进展报告 · 2024-05-21 提出，请最晚于 2024-05-24 当天回复`,
    );
  });

  it('not on a day off; the next working day, the other unit; never again the first', async () => {
    h.emu.emulator.reset();
    await tickThrough('2024-05-25 09:00', '2024-05-25 10:00');
    expect(chases(JA)).toHaveLength(0);
    await tickThrough('2024-05-27 09:00', '2024-05-27 10:00');
    expect(chases(JA)).toHaveLength(1);
    expect(markdownOf(chases(JA)[0]!)).toContain('静安有 **1** 条评委指导意见要求回复');
    expect(chases(HP1)).toHaveLength(0);
    expect(
      await db.db
        .selectFrom('reminder_occurrences')
        .select(['unit_code', 'step'])
        .where('rule', '=', 'guidance')
        .orderBy('unit_code')
        .execute(),
    ).toEqual([
      { unit_code: 'HP', step: 'overdue' },
      { unit_code: 'JA', step: 'overdue' },
    ]);
  });

  it('a question answered before its chase is not chased', async () => {
    await ask(ja, '2024-05-27 10:00:00', true, '2024-05-29 16:00:00');
    h.emu.emulator.reset();
    await tickThrough('2024-05-31 09:00', '2024-05-31 10:00');
    expect(chases(JA)).toHaveLength(0);
  });
});
