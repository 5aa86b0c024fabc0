/**
 * The cards at the largest sizes the 2024 competition file allows, end to end through the emulator, which refuses
 * what Lark refuses (elements counted with text elements, the escaped request body, names, tables): a contact with
 * 20 projects pages through 我的项目, a project with eight periods of 1,000-character reports shows its whole timeline,
 * the office and a judge of every track page through 70 nominations, and forms that could only be refused are not
 * sent. Every page is reached by pressing the buttons the user was shown.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertNomination } from '../../src/features/awards/awards.repository';
import { insertReport, insertSelfEvaluation } from '../../src/features/reports/reports.repository';
import { createProject, type Project } from '../../src/core/projects.repository';
import { newId } from '../../src/platform/ids';
import { toDbInstant } from '../../src/platform/instant';
import { checkCard } from '../../src/lark/card-rules';
import { json, toastText } from '../support/cards';
import { freshDatabase, type TestDatabase } from '../support/database';
import { at, competition2024Json } from '../support/fixtures';
import { OFFICE, startHarness, type Harness } from '../support/harness';
import { grantRole } from '../support/people';

const HP = 'ou_scale_hp';
const JUDGE_ALL = 'ou_scale_judge_all';
const JUDGE_HP_T03 = 'ou_scale_judge_hp_t03';
const file = competition2024Json();
const TRACKS: string[] = file.tracks.map((t: { code: string }) => t.code);
const UNITS: string[] = file.units.map((u: { code: string }) => u.code);

/** n characters of Chinese text (3 bytes each in UTF-8), different per seed so that pages can be told apart. */
const zh = (n: number, seed: string) => (seed + '城管执法规范化建设示范'.repeat(Math.ceil(n / 10))).slice(0, n);

let db: TestDatabase;
let h: Harness;
const hpProjects: Project[] = [];

async function register(unit: string, track: string, i: number): Promise<Project> {
  const r = await createProject(db.db, {
    competitionId: 'shanghai-2024',
    codePrefix: '2024',
    unit,
    track,
    limit: 2,
    fields: {
      name: zh(60, `${unit}${track}${i}号`),
      lead: zh(30, '负责人'),
      summary: zh(500, '简介'),
      goals: zh(1000, '目标'),
      phone: '',
    },
    actor: 'seed',
    now: at('2024-04-01 10:00:00'),
  });
  if (r.kind !== 'created') throw new Error(`could not register ${unit} ${track}: ${r.kind}`);
  return r.project;
}

beforeAll(async () => {
  db = await freshDatabase();
  h = await startHarness(db, { now: at('2024-04-10 10:00:00') });
  await grantRole(db, HP, 'contact', 'HP');
  for (const t of TRACKS) await grantRole(db, JUDGE_ALL, 'judge', t);
  await grantRole(db, JUDGE_HP_T03, 'judge', 'T03');
  await db.db
    .insertInto('role_grants')
    .values({
      id: newId('grt'),
      competition_id: 'shanghai-2024',
      open_id: JUDGE_HP_T03,
      role: 'judge_unit',
      scope: 'HP',
      source: 'file',
      granted_by: null,
      created_at: toDbInstant(Date.now()),
    })
    .execute();
  // HP: two projects in every track (20, the most a unit may have). Other units fill T01, T02 and T04..T10 for awards.
  for (const t of TRACKS) for (const i of [1, 2]) hpProjects.push(await register('HP', t, i));
  for (const t of TRACKS) for (const u of UNITS.slice(2, 6)) await register(u, t, 1);
});
afterAll(async () => {
  await h.close();
  await db.destroy();
});
beforeEach(() => h.emu.emulator.reset());
afterEach(() => {
  // Nothing Lark would refuse was sent, patched or answered, and every card shown meets the documented rules.
  expect(h.emu.emulator.state.violations).toEqual([]);
  for (const m of h.emu.emulator.state.messages)
    if (m.msgType === 'interactive') expect(checkCard(m.content).problems).toEqual([]);
});

/** Presses `next` on the card of `messageId` until it is gone, collecting what `read` finds on each page. */
async function walk(
  messageId: string,
  who: string,
  next: string,
  read: (card: unknown) => string[],
): Promise<string[][]> {
  const pages = [read(h.client.card(messageId))];
  for (let i = 0; i < 50 && h.client.buttons(messageId).some((b) => b.labels.includes(next)); i++) {
    const d = await h.client.clickButton(messageId, who, next);
    expect(d.clientError).toBeUndefined();
    pages.push(read(h.client.card(messageId)));
  }
  return pages;
}

const matches = (card: unknown, re: RegExp): string[] => [...json(card).matchAll(re)].map((m) => m[1]!);

describe('cards at the largest sizes of the 2024 file', () => {
  it('a contact with 20 projects pages through 我的项目 and reaches every project once', async () => {
    h.container.clock.set(at('2024-04-10 10:00:00'));
    const list = await h.say(HP, '我的项目');
    expect(json(list.content)).toContain('共 20 个项目');
    const pages = await walk(list.messageId, HP, '下一页', (c) => matches(c, /"a":"reg\.edit","p":"(prj_[^"]+)"/g));
    expect(pages.length).toBeGreaterThan(1);
    const seen = pages.flat();
    expect(seen).toHaveLength(20);
    expect(new Set(seen)).toEqual(new Set(hpProjects.map((p) => p.id)));
  });

  it('a project with eight periods of 1,000-character reports shows its whole timeline, newest first, page by page', async () => {
    const p = hpProjects[2]!;
    const periods = ['2024-05', '2024-06', 'midterm', '2024-07', '2024-08', '2024-09', '2024-10', 'year-end'];
    let minute = 0;
    for (const period of periods) {
      const links = Array.from({ length: 10 }, (_, i) => `https://example.com/${period}/${i}/${'e'.repeat(70)}`);
      await insertReport(db.db, {
        competitionId: 'shanghai-2024',
        projectId: p.id,
        projectCode: p.code,
        period,
        revision: 1,
        late: false,
        fields: {
          workDone: zh(1000, `${period}工作`),
          results: zh(1000, `${period}成效`),
          completion: 50,
          evidence: links,
          problems: zh(1000, `${period}问题`),
        },
        actor: HP,
        now: at('2024-05-20 23:59:00') + minute++ * 60_000,
      });
    }
    for (const period of ['midterm', 'year-end']) {
      await insertSelfEvaluation(db.db, {
        competitionId: 'shanghai-2024',
        projectId: p.id,
        projectCode: p.code,
        period,
        revision: 1,
        late: false,
        scores: { effectiveness: 20, results: 20, feasibility: 20, exemplary: 20 },
        justification: zh(1000, `${period}理由`),
        actor: HP,
        now: at('2024-10-20 10:00:00'),
      });
    }
    h.container.clock.set(at('2024-11-05 10:00:00'));
    const timeline = await h.say(HP, `进展 ${p.code}`);
    const pages = await walk(timeline.messageId, HP, '更早的期次', (c) =>
      matches(c, /"content":"([^"]{7,8}工作)/g).map((s) => s.replace('工作', '')),
    );
    const seen = pages.flat();
    // Every period once, the latest due first (the mid-term check is due 31 July, after July's report); each page within Lark's limits (checked after the test).
    expect(seen).toEqual(['year-end', '2024-10', '2024-09', '2024-08', 'midterm', '2024-07', '2024-06', '2024-05']);
    // The minute of the submission is shown: 23:59 and 00:00 decide on time or late.
    expect(json(h.client.card(timeline.messageId))).toContain('最后提交于 2024-05-20 23:59');
  });

  it('the office and a judge of every track page through 70 nominations (the full quota) and reach each once', async () => {
    h.container.clock.set(at('2024-11-05 10:00:00'));
    const ids: string[] = [];
    for (const t of TRACKS) {
      const projects = await db.db
        .selectFrom('projects')
        .select(['id', 'unit_code'])
        .where('track_code', '=', t)
        .where('unit_code', '!=', 'HP')
        .execute();
      const quota = file.tracks.find((x: { code: string }) => x.code === t).quota;
      for (const [kind, n] of [
        ['collective', quota.collectives],
        ['individual', quota.individuals],
      ] as const) {
        for (let i = 0; i < n; i++) {
          const project = projects[i % projects.length]!;
          const out = await insertNomination(db.db, {
            kind,
            projectId: project.id,
            nominee: zh(30, `${t}${kind}${i}`),
            title: zh(30, '科长'),
            reason: zh(500, `${t}理由${i}`),
            competitionId: 'shanghai-2024',
            track: t,
            unit: project.unit_code,
            quota: n,
            actor: JUDGE_ALL,
            now: at('2024-11-04 10:00:00'),
          });
          if (out.kind === 'nominated') ids.push(out.award.id);
        }
      }
    }
    expect(ids).toHaveLength(70);
    for (const [who, button] of [
      [OFFICE, 'award.confirm'],
      [JUDGE_ALL, 'award.withdraw'],
    ] as const) {
      const list = await h.say(who, '表彰');
      const pages = await walk(list.messageId, who, '下一页', (c) =>
        matches(c, new RegExp(`"a":"${button.replace('.', '\\.')}","w":"(awd_[0-9a-z]+)"`, 'g')),
      );
      expect(pages.length).toBeGreaterThan(1);
      const seen = pages.flat();
      expect(seen).toHaveLength(ids.length);
      expect(new Set(seen)).toEqual(new Set(ids));
    }
  });

  it('a judge whose unit holds every project of the track gets no nomination form that could never be submitted', async () => {
    h.container.clock.set(at('2024-11-05 10:00:00'));
    // T03 now has only HP's projects, and this judge belongs to HP.
    await db.db.deleteFrom('awards').where('track_code', '=', 'T03').execute();
    await db.db
      .updateTable('projects')
      .set({ status: 'withdrawn' })
      .where('track_code', '=', 'T03')
      .where('unit_code', '!=', 'HP')
      .execute();
    const list = await h.say(JUDGE_HP_T03, '表彰');
    const answer = await h.client.clickButton(list.messageId, JUDGE_HP_T03, { a: 'award.nominate.open', t: 'T03' });
    expect(toastText(answer)).toContain('T03 赛道目前没有你可以提名的项目');
    expect(json(h.client.card(list.messageId))).not.toContain('"name":"nominate"');
  });
});
