/**
 * `demo seed` on the test database (SQLite or MySQL): the playground's competition (the 2024 file with the cast's
 * people and chats) seeded at three dates of the season gives plausible figures, every row inside the bot's own
 * windows and nothing after the date; the bot's own views (commands through the emulator, the rankings, the judges'
 * lists, the participation card) work on it; the first tick after seeding sends only what is due then, not a burst of
 * stale reminders; seeding again replaces the earlier season, and gives in an old database what it gives in a fresh
 * one; a database with anything not the demo's is refused and left as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Competition } from '../../src/competition/competition';
import { loadCompetition } from '../../src/competition/competition.service';
import { periodWindows } from '../../src/core/periods';
import { unitsOfPeople } from '../../src/core/roles';
import { liveRankings } from '../../src/features/rankings';
import { judgeWork } from '../../src/features/scoring/scoring.service';
import { participationCardAt } from '../../src/features/summaries';
import type { BotServices } from '../../src/lark/handlers';
import { castOf, castSections } from '../../src/playground/cast';
import { DemoRefused, type DemoSummary, nonDemoData, seedDemo } from '../../src/playground/demo-seed';
import { testContainer, type TestContainer } from '../support/container';
import { freshDatabase, type TestDatabase } from '../support/database';
import { at, competition2024 } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { grantRole, registerProject } from '../support/people';

const OFFICE = 'ou_demo_office';
const JUDGE = 'ou_demo_judge_1';
const CONTACT_HP = 'ou_demo_contact_hp';
const CONTACT_PD = 'ou_demo_contact_pd';
const LEADER = 'ou_demo_leader';
const ANNOUNCEMENTS = 'oc_demo_announcements';

/** The playground's competition: the 2024 file with the cast's people and chats. */
const playgroundCompetition = () => competition2024((f) => Object.assign(f, castSections(castOf(f))));

async function loadPlayground(db: TestDatabase, s: BotServices): Promise<Competition> {
  await loadCompetition(db.db, playgroundCompetition(), {
    dryRun: false,
    now: at('2024-03-01 10:00:00'),
    actor: 'test',
  });
  return s.competition();
}

/** Everything the seed wrote, by codes and open ids rather than by ids (ids are random), in a stable order. */
async function contentOf(s: BotServices) {
  const c = s.competitionId;
  const projects = (await s.repos.projects.projectsForExport(c)).sort((a, b) => a.code.localeCompare(b.code));
  const code = new Map(projects.map((p) => [p.id, p.code]));
  const ids = projects.map((p) => p.id);
  const byCode = <T extends { projectId: string }>(rows: T[]) =>
    rows
      .map(({ projectId, ...rest }) => ({ project: code.get(projectId), ...rest }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const audit = [];
  for await (const page of s.repos.audit.auditPages(c)) audit.push(...page);
  return {
    projects: projects.map(({ id: _, ...p }) => p),
    reports: byCode(await s.repos.reports.reportsOfProjects(ids)),
    selfEvaluations: byCode(await s.repos.reports.selfEvaluationsOfProjects(ids)),
    sheets: byCode(await s.repos.scores.scoresOfProjects(ids)),
    grants: await s.repos.roles.grantPeople(c),
    names: [...(await s.repos.people.allPeopleNames())].sort(),
    audit: audit
      .filter((a) => a.action !== 'competition.load')
      .map((a) => JSON.stringify(a))
      .sort(),
    reminders: (await s.repos.reminders.sentSince(c, 0)).map((r) => JSON.stringify(r)).sort(),
  };
}

const owed = (r: DemoSummary['reports']) => r.onTime + r.late + r.missing;

let db: TestDatabase;
let h: Harness;
let c: Competition;
let s: BotServices;

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-03-01 10:00:00'), env: { BOT_ADMINS: OFFICE } });
  s = h.container.services;
  c = await loadPlayground(db, s);
  // The bot is in the announcement group (the playground adds it): digests and group reminders have somewhere to go.
  await h.lark.botAdded({ chatId: ANNOUNCEMENTS, operator: OFFICE, name: '竞赛通知群' });
  await h.settle();
});
afterAll(async () => {
  await h?.close();
  await db?.destroy();
});

describe('demo seed in the evaluation stage (2024-11-20 09:00)', () => {
  const when = at('2024-11-20 09:00:00');
  let summary: DemoSummary;

  beforeAll(async () => {
    h.container.clock.set(when);
    summary = await seedDemo(h.container, { at: when });
  });

  it('gives plausible figures: about 150 projects, three in four reports on time, most sheets in', async () => {
    expect(summary.stage).toBe('evaluation');
    expect(summary.projects).toBeGreaterThan(120);
    expect(summary.projects).toBeLessThan(185);
    expect(summary.withdrawn).toBeGreaterThan(0);
    const r = summary.reports;
    expect(r.pending).toBe(0);
    expect(r.onTime / owed(r)).toBeGreaterThan(0.62);
    expect(r.onTime / owed(r)).toBeLessThan(0.85);
    expect(r.late / owed(r)).toBeGreaterThan(0.08);
    expect(r.late / owed(r)).toBeLessThan(0.25);
    expect(r.missing / owed(r)).toBeGreaterThan(0.04);
    expect(r.missing / owed(r)).toBeLessThan(0.2);
    expect(r.rows).toBeGreaterThan(r.onTime + r.late); // some revised
    expect(summary.selfEvaluations).toBeGreaterThan(summary.projects); // mid-term and year-end
    expect(summary.reminders).toBeGreaterThan(100);
    expect(summary.digests).toBeGreaterThan(20); // Mondays since 15 March
    expect(await nonDemoData(s, c.id)).toEqual([]);
  });

  it('binds contacts for every unit (the cast’s included) and three to five judges a track, each with a unit', async () => {
    const contacts = await s.repos.roles.holdersByScope(c.id, 'contact');
    for (const u of c.file.units) expect(contacts.get(u.code)?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(contacts.get('PD')).toContain(CONTACT_PD); // the one the cast leaves unbound at start
    expect(contacts.get('HP')).toContain(CONTACT_HP);
    const judges = await s.repos.roles.holdersByScope(c.id, 'judge');
    for (const t of c.file.tracks) {
      expect(judges.get(t.code)?.length).toBeGreaterThanOrEqual(3);
      expect(judges.get(t.code)?.length).toBeLessThanOrEqual(5);
    }
    expect(judges.get('T02')).toContain(JUDGE); // the cast's judges keep their track
    const unitsOf = unitsOfPeople(await s.repos.roles.judgingGrants(c.id));
    for (const ids of judges.values()) for (const j of ids) expect(unitsOf.get(j)?.size).toBe(1);
    // The cast's grants from the file stay the file's; what the file does not give was bound in chat by the office.
    const grants = await s.repos.roles.grantPeople(c.id);
    expect(grants.find((g) => g.openId === CONTACT_HP && g.role === 'contact')?.source).toBe('file');
    expect(grants.find((g) => g.openId === CONTACT_PD && g.role === 'contact')).toMatchObject({
      source: 'chat',
      grantedBy: OFFICE,
    });
    expect(grants.filter((g) => g.openId === JUDGE && g.role === 'judge_unit')).toHaveLength(1);
  });

  it('writes every row inside its window and before the date: reports on time or late by the due day, sheets in the judging window, none on a judge’s own unit', async () => {
    const projects = await s.repos.projects.allActiveProjects(c.id);
    expect(projects.every((p) => p.createdAt < when && p.createdBy.startsWith('ou_demo_contact_'))).toBe(true);
    const windows = new Map(periodWindows(c).map((w) => [w.code, w]));
    const reports = await s.repos.reports.reportsOfProjects(projects.map((p) => p.id));
    for (const r of reports) {
      const w = windows.get(r.period)!;
      expect(r.submittedAt).toBeLessThan(when);
      expect(r.submittedAt).toBeGreaterThanOrEqual(w.opensAt);
      if (r.late) expect(r.submittedAt).toBeGreaterThanOrEqual(w.dueAt);
      else expect(r.submittedAt).toBeLessThan(w.dueAt);
    }
    const selfs = await s.repos.reports.selfEvaluationsOfProjects(projects.map((p) => p.id));
    expect(selfs.every((x) => windows.get(x.period)!.selfEvaluation && x.submittedAt < when)).toBe(true);
    const sheets = await s.repos.scores.sheetsOfCompetition(c.id);
    const unitsOf = unitsOfPeople(await s.repos.roles.judgingGrants(c.id));
    const byId = new Map(projects.map((p) => [p.id, p]));
    for (const sheet of sheets) {
      expect(sheet.updatedAt).toBeGreaterThanOrEqual(at('2024-11-01 00:00:00'));
      expect(sheet.updatedAt).toBeLessThan(when);
      expect(unitsOf.get(sheet.judge)?.has(byId.get(sheet.projectId)!.unit)).toBe(false);
    }
    // Most judges have scored most of their projects, and judging is not over.
    const judges = await s.repos.roles.holdersByScope(c.id, 'judge');
    let expected = 0;
    for (const [track, ids] of judges)
      for (const j of ids) expected += projects.filter((p) => p.track === track && !unitsOf.get(j)?.has(p.unit)).length;
    expect(sheets.length / expected).toBeGreaterThan(0.5);
    expect(sheets.length / expected).toBeLessThan(0.95);
  });

  it('the bot’s views work on it: rankings, participation, a judge’s list, and the commands of each role', async () => {
    const rankings = await liveRankings(s.repos, c);
    expect(rankings).toHaveLength(10);
    expect(rankings.every((r) => r.ranked > 0)).toBe(true);
    expect(JSON.stringify(await participationCardAt(s, c, when))).toContain('评分');
    const work = await judgeWork(s, c, JUDGE, ['T02']);
    expect(work.states.some((x) => x.state === 'own-unit')).toBe(true);
    expect(work.states.some((x) => x.state === 'scored')).toBe(true);
    expect(work.states.filter((x) => x.state === 'own-unit').every((x) => x.project.unit === 'JA')).toBe(true);

    const hp = (await s.repos.projects.activeProjectsOf(c.id, 'HP'))[0]!;
    const said = [
      [OFFICE, '排行'],
      [OFFICE, '排行 法治'],
      [OFFICE, '报名情况'],
      [OFFICE, '进展情况'],
      [OFFICE, '进展情况 midterm'],
      [OFFICE, '成员'],
      [OFFICE, '提醒计划'],
      [LEADER, '排行'],
      [JUDGE, '评分'],
      [JUDGE, '进展情况'],
      [CONTACT_HP, '我的项目'],
      [CONTACT_HP, '日程'],
      [CONTACT_HP, `进展 ${hp.code}`],
      [CONTACT_HP, '排行'],
    ] as const;
    for (const [who, words] of said) {
      const reply = await h.say(who, words);
      expect({ words, type: reply.msgType }).toEqual({ words, type: 'interactive' });
    }
    expect(h.container.logs.filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
  });

  it('the first tick after seeding sends only what is due then: nothing stale', async () => {
    const report = await h.container.tick(at('2024-11-20 09:30:00'));
    expect(report.ranReminders).toBe(true);
    // 20 November: no deadline has a step that morning (judging closes on the 29th, its T-7 is the 22nd).
    expect(report.reminders.sent).toBe(0);
    const early = await h.container.tick(at('2024-11-22 09:30:00'));
    // The 22nd: the judges who still have projects to score, and the office's list of them.
    expect(early.reminders.sent).toBeGreaterThan(0);
    const sent = await s.repos.reminders.sentSince(c.id, at('2024-11-22 09:30:00'));
    expect(sent.every((r) => r.rule === 'judging' && r.step === 'T-7')).toBe(true);
  });
});

describe('demo seed again, during implementation (2024-08-01 09:00)', () => {
  const when = at('2024-08-01 09:00:00');
  let summary: DemoSummary;

  beforeAll(async () => {
    h.container.clock.set(when);
    summary = await seedDemo(h.container, { at: when });
  });

  it('replaces the season: every project registered, reports up to the date, no sheet, no later reminder', async () => {
    expect(summary.stage).toBe('implementation');
    expect(summary.projects).toBeGreaterThan(120);
    expect(summary.scoreSheets).toBe(0);
    expect(summary.reports.pending).toBeGreaterThan(0); // August is open
    expect(summary.reports.missing).toBeGreaterThan(0);
    expect(await s.repos.scores.sheetsOfCompetition(c.id)).toEqual([]);
    const reports = await s.repos.reports.reportsOfProjects(
      (await s.repos.projects.allActiveProjects(c.id)).map((p) => p.id),
    );
    expect(reports.every((r) => r.submittedAt < when)).toBe(true);
    expect(new Set(reports.map((r) => r.period))).toEqual(new Set(['2024-05', '2024-06', '2024-07', 'midterm']));
    const reminders = await s.repos.reminders.sentSince(c.id, 0);
    expect(reminders.every((r) => r.at < when && r.rule !== 'judging')).toBe(true);
    const audit = [];
    for await (const page of s.repos.audit.auditPages(c.id)) audit.push(...page);
    expect(audit.every((a) => a.at < when || a.action === 'competition.load')).toBe(true);
    expect(await s.repos.outbox.outboxCounts()).toMatchObject({ pending: 0, sending: 0 });
  });

  it('the first tick sends that morning’s steps only: the mid-term check, overdue since yesterday', async () => {
    const tick = at('2024-08-01 09:30:00');
    const report = await h.container.tick(tick);
    expect(report.reminders.sent).toBeGreaterThan(0);
    const sent = await s.repos.reminders.sentSince(c.id, tick);
    expect(new Set(sent.map((r) => `${r.key} ${r.step}`))).toEqual(new Set(['midterm overdue', 'midterm digest']));
  });

  it('gives what a fresh database gives for the same date and seed', { timeout: 90_000 }, async () => {
    await seedDemo(h.container, { at: when });
    const fresh = await freshDatabase();
    try {
      const other: TestContainer = testContainer(fresh, { BOT_ADMINS: OFFICE }, when);
      await loadCompetition(fresh.db, competition2024(), {
        dryRun: false,
        now: at('2024-03-01 10:00:00'),
        actor: 'test',
      });
      await loadPlayground(fresh, other.services);
      await other.services.repos.chats.rememberChatMembership(
        { chatId: ANNOUNCEMENTS, name: '竞赛通知群', chatType: 'group', present: true, competitionId: c.id },
        at('2024-03-01 10:00:00'),
      );
      const again = await seedDemo(other, { at: when });
      expect(again).toEqual(summary);
      expect(await contentOf(other.services)).toEqual(await contentOf(s));
    } finally {
      await fresh.destroy();
    }
  });
});

describe('demo seed during registration', () => {
  it('registers more projects the later the date, and nothing else yet', async () => {
    const counts: number[] = [];
    for (const date of ['2024-03-10 09:00:00', '2024-03-25 09:00:00', '2024-04-08 09:00:00', '2024-04-16 09:00:00']) {
      const summary = await seedDemo(h.container, { at: at(date) });
      expect(summary.reports.rows + summary.selfEvaluations + summary.scoreSheets).toBe(0);
      counts.push(summary.projects);
    }
    expect(counts[0]).toBe(0); // registration opens on 15 March
    expect(counts[1]).toBeGreaterThan(0);
    expect(counts[2]).toBeGreaterThan(counts[1]!);
    expect(counts[3]).toBeGreaterThan(counts[2]!);
    expect(counts[3]).toBeGreaterThan(120);
  });
});

describe('demo seed refuses a database with anything not the demo’s', () => {
  it('a real person’s role, a project registered by someone else: refused in English and Chinese, nothing changed', async () => {
    const fresh = await freshDatabase();
    try {
      const other = testContainer(fresh, {}, at('2024-05-01 09:00:00'));
      await loadPlayground(fresh, other.services);
      await seedDemo(other, { at: at('2024-05-01 09:00:00') });
      const before = await contentOf(other.services);

      await grantRole(fresh, 'ou_abc123def', 'contact', 'HP');
      const err = await seedDemo(other, { at: at('2024-11-20 09:00:00') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DemoRefused);
      expect((err as DemoRefused).message).toContain('ou_abc123def');
      expect((err as DemoRefused).message).toContain('拒绝生成演示数据');
      const after = await contentOf(other.services);
      expect({ ...after, grants: after.grants.filter((g) => g.openId !== 'ou_abc123def') }).toEqual(before);

      await other.services.transaction((tx) =>
        tx.roles.deleteGrant(c.id, { openId: 'ou_abc123def', role: 'contact', scope: 'HP' }),
      );
      expect(await nonDemoData(other.services, c.id)).toEqual([]);
      // A project registered by someone who is not a demo person (the test support's "seed"), where a slot is free.
      const full = new Set(
        (await other.services.repos.projects.activeCounts(c.id))
          .filter((x) => x.n >= 2)
          .map((x) => `${x.unit}|${x.track}`),
      );
      const free = c.file.units
        .flatMap((u) => c.file.tracks.map((t) => [u.code, t.code] as const))
        .find(([u, t]) => !full.has(`${u}|${t}`))!;
      await registerProject(fresh, free[0], free[1], '真实项目');
      expect(await nonDemoData(other.services, c.id)).toEqual(['projects registered by seed', 'audit entries by seed']);
      await expect(seedDemo(other, { at: at('2024-11-20 09:00:00') })).rejects.toThrow(DemoRefused);
    } finally {
      await fresh.destroy();
    }
  });
});
