/**
 * 进展情况 (the office's per-period view, a judge's for their tracks) counts guidance per track: how many projects
 * have a comment on the period, and how many questions (请回复) await an answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../../cards/kit';
import type { Project } from '../../../src/core/projects.repository';
import { freshDatabase, type TestDatabase } from '../../support/database';
import { at } from '../../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../../support/harness';
import { grantRole, registerProject } from '../../support/people';

const JUDGE = 'ou_gc_judge';
let db: TestDatabase;
let h: Harness;
let hp: Project;
let ja: Project;
let pd: Project;
let n = 0;

const comment = async (p: Project, period: string, needsAnswer: boolean, answered = false) => {
  const guidance = h.container.services.repos.guidance;
  const { comment: c } = await guidance.insertComment({
    competitionId: 'shanghai-2024',
    projectId: p.id,
    period,
    subject: n % 2 ? 'self_evaluation' : 'report',
    authorOpenId: JUDGE,
    body: '意见',
    needsAnswer,
    formKey: `gcform${String(++n).padStart(4, '0')}`,
    at: at('2024-05-28 10:00:00'),
  });
  if (answered)
    await guidance.insertAnswer({
      competitionId: 'shanghai-2024',
      commentId: c.id,
      authorOpenId: 'ou_gc_contact',
      body: '回复',
      formKey: `gcanswer${String(n).padStart(4, '0')}`,
      at: at('2024-05-29 10:00:00'),
    });
};

const byTrack = (m: { content: unknown }) =>
  (m.content as Card).body.elements
    .filter((e) => e.tag === 'markdown')
    .map((e) => e.content as string)
    .find((t) => t.startsWith('**按赛道**'))!;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-06-03 10:00:00') });
  await grantRole(db, JUDGE, 'judge', 'T02');
  hp = await registerProject(db, 'HP', 'T02');
  ja = await registerProject(db, 'JA', 'T02');
  pd = await registerProject(db, 'PD', 'T05');
  await registerProject(db, 'XH', 'T07');
  await comment(hp, '2024-05', true);
  await comment(hp, '2024-05', true, true);
  await comment(hp, '2024-05', false);
  await comment(pd, '2024-05', true, true);
  await comment(ja, '2024-06', true);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});

describe('进展情况 with guidance', () => {
  it('the office sees per track the projects with guidance and the questions awaiting an answer', async () => {
    const card = await h.say(OFFICE, '进展情况 2024-05');
    const lines = byTrack(card).split('\n');
    expect(lines.find((l) => l.startsWith('T02'))).toMatch(/：.* · 有指导意见的项目 1 个 · 待回复 1 条$/);
    expect(lines.find((l) => l.startsWith('T05'))).toMatch(/：.* · 有指导意见的项目 1 个$/);
    expect(lines.find((l) => l.startsWith('T07'))).toMatch(/ · 暂无指导意见$/);
    expect(JSON.stringify(card.content)).toContain(' · guidance on 1 project · 1 awaiting an answer');
    // Another period counts its own comments.
    const june = byTrack(await h.say(OFFICE, '进展情况 2024-06')).split('\n');
    expect(june.find((l) => l.startsWith('T02'))).toMatch(/ · 有指导意见的项目 1 个 · 待回复 1 条$/);
    expect(june.find((l) => l.startsWith('T05'))).toMatch(/ · 暂无指导意见$/);
  });

  it('a judge sees their tracks only', async () => {
    const lines = byTrack(await h.say(JUDGE, '进展情况 2024-05')).split('\n');
    expect(lines.slice(1).map((l) => l.slice(0, 3))).toEqual(['T02']);
    expect(lines[1]).toMatch(/ · 有指导意见的项目 1 个 · 待回复 1 条$/);
  });
});
