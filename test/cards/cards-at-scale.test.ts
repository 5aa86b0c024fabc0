/**
 * Every card builder in cards/ at the largest sizes the shipped competition file (db/competitions/shanghai-2024.json)
 * allows: 20 units, 10 tracks, 2 projects per unit and track (400 projects), every reporting period, every text a
 * person types at its maximum length, the full award quota (30 collectives, 40 individuals) and ended nominations,
 * 5 judges per track, 3 contacts per unit.
 *
 * The season's data is test/support/season.ts: typed values are the worst case for the request body (4-byte UTF-8
 * characters, `"` and `\`, which JSON escapes twice), each starting with TYPED_MARK and a character of its own, so that
 * it is recognised wherever it lands; names from the competition file never carry the mark.
 *
 * Each card must hold `cardFaults` (the platform's rules, the bot's budget, typed text never in markdown nor repeated
 * per language, bold clear of Chinese). Paged cards are walked by the offsets their own buttons carry, and every item
 * must be on exactly one page; cards that cut a list must say how many are left out.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  announcementCard,
  awardsCard,
  awardStepCard,
  decisionForm,
  materialsForm,
  nominationForm,
  placeConfirmedCard,
  AWARDS_PAGE,
  type AwardRow,
  type QuotaRow,
} from '../../cards/awards';
import { exportSummaryCard } from '../../cards/export';
import { helpCard, type HelpEntry } from '../../cards/help';
import {
  judgeListCard,
  recusalForm,
  recusedCard,
  scoreForm,
  scoreSaved,
  JUDGE_PAGE,
  type JudgeListItem,
} from '../../cards/judging';
import type { ActionValue } from '../../cards/actions';
import type { Card } from '../../cards/kit';
import { membersCard, type Holder, type MembersView } from '../../cards/members';
import {
  participationCard,
  publishedCard,
  rankingsOverviewCard,
  trackRankingCard,
  type CrossRow,
  type ParticipationView,
  type RankingMode,
  type RankRow,
  type TrackSummary,
  type UnitRow,
} from '../../cards/rankings';
import {
  confirmWithdrawCard,
  editForm,
  projectsCard,
  registeredCard,
  registrationForm,
  registrationsCard,
  unitNoticeCard,
  withdrawnCard,
  PROJECTS_PAGE,
  type TrackChoice,
} from '../../cards/registration';
import {
  digestCard,
  escalationCard,
  groupReminderCard,
  reminderCard,
  remindersPlanCard,
  type OwedItem,
  type PlanRow,
  type ReminderView,
} from '../../cards/reminders';
import {
  historyCard,
  projectPicker,
  reportForm,
  reportReceived,
  reportsOverviewCard,
  scheduleCard,
  selfEvaluationForm,
  selfEvaluationReceived,
  PICKER_PAGE,
  TIMELINE_PAGE,
  type PeriodChoice,
  type PickerStatus,
  type ProjectLabel,
  type TimelineEntry,
} from '../../cards/reports';
import { welcomeCard } from '../../cards/welcome';
import { COMMANDS } from '../../src/container';
import { parseDecision, parseMaterials } from '../../cards/awards.form';
import { AWARD_LIMITS, LIMITS, REPORT_LIMITS, SCORE_LIMITS } from '../support/form-limits';
import { parseRecusalReason, parseScoreSheet } from '../../cards/judging.form';
import { parseProjectFields } from '../../cards/registration.form';
import { parseReportFields, parseSelfEvaluation } from '../../cards/reports.form';
import { describeRoles } from '../../src/features/help/help.handlers';
import { judgingWindow, type SheetState } from '../../src/features/scoring/scoring.rules';
import { inAudience, type Audience, type Roles, type GrantSource } from '../../src/core/roles';
import { registrationOverview } from '../../src/features/registration/registration.rules';
import { periodOverview } from '../../src/features/reports/reporting.rules';
import { text, type Text } from '../../src/platform/i18n';
import {
  cardFaults,
  TYPED_MARK,
  buttonValues,
  nodesOf,
  says,
  stringsOf,
  tables,
  type Node,
} from '../support/card-checks';
import { competition2024Json } from '../support/fixtures';
import { periodWindows, type PeriodTally, type ReportState } from '../../src/core/periods';
import { KIND_NAME, type AwardKind, type AwardStatus } from '../../src/core/awards';

import {
  c,
  CHAT_NAME,
  CONTACTS_PER_UNIT,
  F,
  fullReport,
  JUDGES_PER_TRACK,
  judged,
  len,
  links,
  ofTrack,
  ofUnit,
  openId,
  PER_UNIT_TRACK,
  PERIODS,
  person,
  projectLabel,
  PROJECTS,
  projectView,
  RUBRIC,
  RUBRIC_MAX,
  periodText,
  type SeasonProject,
  STAGES,
  TRACKS,
  typed,
  typedSoFar,
  UNITS,
  unitShort,
} from '../support/season';

// ── reading cards ──────────────────────────────────────────────────────────────────────────────────────────────────

const names = (card: Card) =>
  [
    ...nodesOf(card.body.elements, 'form'),
    ...nodesOf(card.body.elements, 'input'),
    ...nodesOf(card.body.elements, 'button'),
    ...nodesOf(card.body.elements, 'select_static'),
  ]
    .map((n) => n.name)
    .filter((n): n is string => typeof n === 'string');

/** Faults already reported in the running test: each distinct fault is reported once, and the test goes on. */
const reported = new Set<string>();
beforeEach(() => reported.clear());

/** The card holds `cardFaults`; a fault is a soft failure (reported once per test), so that every fault shows. */
function fine(card: Card, what = ''): void {
  const fresh = cardFaults(card).filter((f) => !reported.has(f));
  for (const f of fresh) reported.add(f);
  expect.soft(fresh, what).toEqual([]);
}

/**
 * Walks a paged card from offset 0 by the offset of its own "next" button (a button whose value has `a === action`
 * and an offset `o` past the current one), checking each page and that every key is on exactly one page.
 * `itemsOf` narrows where a page's items are looked for (by default the whole body).
 */
function walkPages(
  build: (offset: number) => Card,
  action: string,
  keys: readonly string[],
  itemsOf: (card: Card) => unknown = (card) => card.body.elements,
): { pages: number } {
  const seen = new Map(keys.map((k) => [k, 0]));
  let offset = 0;
  let pages = 0;
  for (;;) {
    const card = build(offset);
    pages++;
    fine(card, `page at offset ${offset}`);
    const strings = stringsOf(itemsOf(card));
    const here = keys.filter((k) => strings.some((s) => s.includes(k)));
    expect(here.length, `page at offset ${offset} shows an item`).toBeGreaterThan(0);
    for (const k of here) seen.set(k, seen.get(k)! + 1);
    const offsets = buttonValues(card)
      .filter((v) => v.a === action && typeof v.o === 'number')
      .map((v) => v.o as number);
    const next = offsets.filter((o) => o > offset);
    const previous = offsets.filter((o) => o < offset);
    expect(next.length, `one next button at offset ${offset}`).toBeLessThanOrEqual(1);
    if (offset > 0) expect(previous.length, `one previous button at offset ${offset}`).toBe(1);
    if (!next.length) break;
    offset = next[0]!;
    expect(pages, 'pages end').toBeLessThanOrEqual(keys.length);
  }
  const wrong = [...seen].filter(([, n]) => n !== 1).map(([k, n]) => `${[...k].slice(0, 3).join('')}… on ${n} pages`);
  expect(wrong, 'every item on exactly one page').toEqual([]);
  return { pages };
}

// ── the file itself ────────────────────────────────────────────────────────────────────────────────────────────────

describe('the sizes are the largest the 2024 competition file allows', () => {
  it('20 units, 10 tracks, 2 projects per unit and track, eight periods; no file name carries the typed mark', () => {
    expect(UNITS).toHaveLength(20);
    expect(TRACKS).toHaveLength(10);
    expect(PER_UNIT_TRACK).toBe(2);
    expect(PROJECTS).toHaveLength(400);
    expect(PERIODS).toHaveLength(8);
    expect(F.awards).toEqual({ collectives: 30, individuals: 40 });
    expect(TRACKS.reduce((n, t) => n + t.quota.collectives, 0)).toBe(30);
    expect(TRACKS.reduce((n, t) => n + t.quota.individuals, 0)).toBe(40);
    expect(JSON.stringify(competition2024Json())).not.toContain(TYPED_MARK);
    expect(new Set(PROJECTS.map((p) => p.fields.name)).size).toBe(400);
  });

  it('the typed values are the longest the server accepts', () => {
    const p = PROJECTS[0]!.fields;
    expect(parseProjectFields({ ...p, phone: '' })).toMatchObject({ ok: true });
    expect([len(p.name), len(p.lead), len(p.summary), len(p.goals), len(p.phone)]).toEqual([
      LIMITS.name,
      LIMITS.lead,
      LIMITS.summary,
      LIMITS.goals,
      LIMITS.phone,
    ]);
    const r = fullReport();
    const checked = parseReportFields({
      work_done: r.workDone,
      results: r.results,
      completion: '100',
      evidence: r.evidence.join('\n'),
      problems: r.problems,
    });
    expect(checked).toMatchObject({ ok: true });
    expect(checked.ok && checked.value.evidence).toHaveLength(REPORT_LIMITS.links);
    expect(len(r.evidence.join('\n'))).toBeLessThanOrEqual(REPORT_LIMITS.evidence);
    expect(len(r.evidence.join('\n'))).toBeGreaterThan(REPORT_LIMITS.evidence - REPORT_LIMITS.links);
    const scores = Object.fromEntries(RUBRIC.map((x) => [`score_${x.code}`, String(x.max)]));
    expect(parseSelfEvaluation({ ...scores, justification: typed(REPORT_LIMITS.justification) }, RUBRIC)).toMatchObject(
      { ok: true },
    );
    expect(parseScoreSheet({ ...scores, comment: typed(SCORE_LIMITS.comment) }, RUBRIC)).toMatchObject({ ok: true });
    expect(parseRecusalReason({ reason: typed(SCORE_LIMITS.reason) })).toMatchObject({ ok: true });
    const m = parseMaterials({ materials: typed(AWARD_LIMITS.materials), links: links(AWARD_LIMITS.links).join('\n') });
    expect(m).toMatchObject({ ok: true });
    expect(parseDecision('reject', { note: typed(AWARD_LIMITS.note) })).toMatchObject({ ok: true });
    expect(len(typed(7))).toBe(7);
  });
});

// ── registration ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('registration cards at scale', () => {
  const unit = UNITS[0]!;
  const unitRef = { code: unit.code, name: unit.name };
  const regStage = STAGES.find((s) => s.code === 'registration')!;
  const choices = (left: (i: number) => number): TrackChoice[] =>
    TRACKS.map((t, i) => ({ code: t.code, name: t.name, nameEn: t.nameEn, left: left(i) }));
  const mine = ofUnit(unit.code);

  it('registrationForm: every track, open or full', () => {
    fine(
      registrationForm({
        unit: unitRef,
        tracks: choices(() => PER_UNIT_TRACK),
        closesOn: regStage.end,
        limit: PER_UNIT_TRACK,
      }),
    );
    fine(
      registrationForm({
        unit: unitRef,
        tracks: choices((i) => (i === 9 ? 1 : 0)),
        closesOn: regStage.end,
        limit: PER_UNIT_TRACK,
      }),
    );
  });

  it('editForm, registeredCard, confirmWithdrawCard, withdrawnCard, unitNoticeCard with every field at its maximum', () => {
    const project = projectView(mine[0]!);
    fine(editForm({ unit: unitRef, project, closesOn: regStage.end }), 'editForm');
    fine(registeredCard({ unit: unitRef, project, edited: false }), 'registeredCard');
    fine(registeredCard({ unit: unitRef, project, edited: true }), 'registeredCard edited');
    fine(confirmWithdrawCard({ unit: unitRef, project }), 'confirmWithdrawCard');
    fine(withdrawnCard({ unit: unitRef, project }), 'withdrawnCard');
    fine(unitNoticeCard({ unit: unitRef, project }), 'unitNoticeCard');
  });

  it('projectsCard: a contact with 20 projects pages through all of them (open and closed)', () => {
    expect(mine).toHaveLength(20);
    const keys = mine.map((p) => p.fields.name);
    for (const open of [true, false]) {
      const { pages } = walkPages(
        (offset) =>
          projectsCard({
            unit: unitRef,
            projects: mine.map(projectView),
            open,
            closesOn: regStage.end,
            canAddMore: open,
            offset,
          }),
        'reg.list',
        keys,
      );
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(20 / PROJECTS_PAGE));
    }
  });

  it('registrationsCard: 20 units × 10 tracks full, and nobody registered yet; says what the table leaves out', () => {
    const full = registrationOverview({
      units: UNITS,
      tracks: TRACKS,
      counts: UNITS.flatMap((u) => TRACKS.map((t) => ({ unit: u.code, track: t.code, n: PER_UNIT_TRACK }))),
    });
    const none = registrationOverview({ units: UNITS, tracks: TRACKS, counts: [] });
    for (const overview of [full, none]) {
      for (const open of [true, false]) {
        const card = registrationsCard({
          overview,
          trackCodes: TRACKS.map((t) => t.code),
          closesOn: regStage.end,
          open,
          limit: PER_UNIT_TRACK,
        });
        fine(card);
        const shown = tables(card)[0]!.length - 1; // the total row
        expect(shown).toBeGreaterThan(0);
        if (shown < UNITS.length) expect(says(card, `表中列出前 ${shown} 个单位`)).toBe(true);
      }
    }
  });
});

// ── reports ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('report cards at scale', () => {
  const windows = periodWindows(c);
  const unit = UNITS[0]!;
  const mine = ofUnit(unit.code);
  const states: ReportState[] = ['on_time', 'late', 'missing', 'pending'];
  const choices: PeriodChoice[] = PERIODS.map((p, i) => ({
    code: p.code,
    name: p.name,
    nameEn: p.nameEn,
    due: p.due,
    state: states[i % states.length]!,
  }));
  const stamp = '2024-10-31 23:59';

  it('reportForm: every period offered, pre-filled with the longest report (from this period and from an earlier one)', () => {
    for (const samePeriod of [true, false]) {
      const from = PERIODS[samePeriod ? 7 : 6]!;
      fine(
        reportForm({
          project: projectLabel(mine[0]!),
          periods: choices,
          selected: PERIODS[7]!.code,
          prefill: { fields: fullReport(), from: { name: from.name, nameEn: from.nameEn }, samePeriod },
        }),
        `samePeriod ${samePeriod}`,
      );
    }
    fine(reportForm({ project: projectLabel(mine[0]!), periods: choices }), 'no prefill');
  });

  it('projectPicker: a contact of one unit (20 projects) and of two (40), for reports and self-evaluation; says what it leaves out', () => {
    const two = [...mine, ...ofUnit(UNITS[1]!.code)];
    const selfPeriod = PERIODS.find((p) => p.selfEvaluation)!;
    for (const projects of [mine, two]) {
      const report = projects.map((p, i): ProjectLabel & { status?: PickerStatus } => ({
        ...projectLabel(p),
        status: { kind: 'report', periodName: periodText(PERIODS[7]!), due: PERIODS[7]!.due, state: states[i % 4]! },
      }));
      const self = projects.map((p, i): ProjectLabel & { status?: PickerStatus } => ({
        ...projectLabel(p),
        status: {
          kind: 'self-evaluation',
          periodName: periodText(selfPeriod),
          due: selfPeriod.due,
          max: RUBRIC_MAX,
          closed: i % 2 === 0,
          ...(i % 3 ? { total: RUBRIC_MAX } : {}),
        },
      }));
      const unitName = [...new Set(projects.map((p) => unitShort(p.unit)))].join('、');
      for (const card of [
        projectPicker({ unitName, projects: report, purpose: 'report' }),
        projectPicker({ unitName, projects: self, purpose: 'self-evaluation', period: selfPeriod.code }),
      ]) {
        fine(card);
        const shown = projects.filter((p) => says(card, p.fields.name)).length;
        expect(shown).toBeGreaterThan(0);
        expect(shown).toBeLessThanOrEqual(PICKER_PAGE);
        if (shown < projects.length) expect(says(card, `还有 ${projects.length - shown} 个项目未列出`)).toBe(true);
      }
    }
  });

  it('reportReceived and selfEvaluationReceived', () => {
    const project = projectLabel(mine[0]!);
    for (const p of PERIODS) {
      fine(reportReceived({ project, periodName: periodText(p), revision: 1, late: false }));
      fine(
        reportReceived({
          project,
          periodName: periodText(p),
          revision: 99,
          late: true,
          ...(p.selfEvaluation ? { selfEvaluation: { period: p.code } } : {}),
        }),
      );
      fine(reportReceived({ project, periodName: periodText(p), revision: 12, late: false }));
      fine(
        selfEvaluationReceived({ project, periodName: periodText(p), total: RUBRIC_MAX, max: RUBRIC_MAX, revision: 1 }),
      );
      fine(
        selfEvaluationReceived({
          project,
          periodName: periodText(p),
          total: RUBRIC_MAX,
          max: RUBRIC_MAX,
          revision: 12,
        }),
      );
    }
  });

  it('historyCard: a project with eight periods of 1,000-character reports shows its whole timeline across pages', () => {
    const entries: TimelineEntry[] = PERIODS.map((p, i) => ({
      periodName: periodText(p),
      due: p.due,
      state: states[i % 3]!,
      revisions: 20,
      latest: { ...fullReport(), submittedAt: stamp },
      ...(p.selfEvaluation
        ? {
            selfEvaluation: {
              total: RUBRIC_MAX,
              max: RUBRIC_MAX,
              justification: typed(REPORT_LIMITS.justification),
              submittedAt: stamp,
            },
          }
        : {}),
    })).reverse();
    const project = projectLabel(mine[0]!);
    const page = (o: number): ActionValue => ({ a: 'rpt.history', p: project.id, o });
    const { pages } = walkPages(
      (offset) => historyCard({ project, entries, offset, page }),
      'rpt.history',
      entries.map((e) => e.latest!.workDone),
    );
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(PERIODS.length / TIMELINE_PAGE));
    // Self-evaluations without a report, and periods with nothing yet.
    const sparse: TimelineEntry[] = PERIODS.map((p) => ({
      periodName: periodText(p),
      due: p.due,
      state: 'missing' as const,
      revisions: 0,
      ...(p.selfEvaluation
        ? {
            selfEvaluation: {
              total: 0,
              max: RUBRIC_MAX,
              justification: typed(REPORT_LIMITS.justification),
              submittedAt: stamp,
            },
          }
        : {}),
    }));
    fine(historyCard({ project, entries: sparse, page }));
    fine(historyCard({ project, entries: [], page }));
  });

  it('selfEvaluationForm: every rubric line, pre-filled with the longest justification', () => {
    for (const p of PERIODS.filter((x) => x.selfEvaluation)) {
      const prefill = {
        scores: Object.fromEntries(RUBRIC.map((r) => [r.code, r.max])),
        justification: typed(REPORT_LIMITS.justification),
      };
      fine(
        selfEvaluationForm({
          project: projectLabel(mine[0]!),
          periodName: periodText(p),
          period: p.code,
          rubric: RUBRIC,
          prefill,
        }),
      );
      fine(
        selfEvaluationForm({
          project: projectLabel(mine[0]!),
          periodName: periodText(p),
          period: p.code,
          rubric: RUBRIC,
        }),
      );
    }
  });

  it('reportsOverviewCard: 400 projects all missing a period, for the office and a judge; says how many missing are not named', () => {
    const refs = PROJECTS.map((p) => ({ id: p.id, code: p.code, unit: p.unit, track: p.track, createdAt: 0 }));
    const byId = new Map(PROJECTS.map((p) => [p.id, p]));
    for (const w of windows) {
      for (const reported of [
        new Map<string, number>(),
        new Map(refs.filter((_, i) => i % 3 === 0).map((r) => [r.id, w.dueAt - 1])),
      ]) {
        const o = periodOverview(w, refs, reported, w.dueAt + 1);
        const view = {
          overview: o,
          units: UNITS.map((u) => ({ code: u.code, name: u.shortName })),
          tracks: TRACKS,
          missingProjects: o.missing.map((id) => ({
            code: byId.get(id)!.code,
            unitName: unitShort(byId.get(id)!.unit),
          })),
          otherPeriods: windows
            .filter((x) => x.code !== w.code)
            .map((x) => ({ code: x.code, name: x.name, nameEn: x.nameEn })),
        };
        for (const card of [
          reportsOverviewCard(view),
          reportsOverviewCard({
            ...view,
            scope: text(
              `你评审的赛道：${TRACKS.map((t) => t.code).join('、')}`,
              `Your tracks: ${TRACKS.map((t) => t.code).join(', ')}`,
            ),
          }),
        ]) {
          fine(card);
          expect(tables(card)[0]).toHaveLength(UNITS.length);
          const named = o.missing.filter((id) => says(card, byId.get(id)!.code)).length;
          if (named < o.missing.length) expect(says(card, `另有 ${o.missing.length - named} 个`)).toBe(true);
        }
      }
    }
  });

  it('scheduleCard: a contact of all 20 units, each owing every period of its 20 projects; says what it leaves out', () => {
    const owed = UNITS.map((u) => ({
      unitName: u.shortName,
      items: ofUnit(u.code).flatMap((p) =>
        PERIODS.map((w, i) => ({ projectCode: p.code, periodName: periodText(w), due: w.due, overdue: i % 2 === 0 })),
      ),
    }));
    const stages = STAGES.map((s, i) => ({
      name: s.name,
      nameEn: s.nameEn,
      start: s.start,
      end: s.end,
      current: i === 1,
    }));
    const deadlines = windows
      .slice(0, 5)
      .map((w) => ({ name: `${w.name}截止`, nameEn: `${w.nameEn} due`, date: w.due }));
    for (const view of [
      { stages, deadlines, owed },
      { stages, deadlines: [], owed: [...owed.slice(0, 3), { unitName: UNITS[3]!.shortName, items: [] }] },
      { stages, deadlines },
    ]) {
      const card = scheduleCard(view);
      fine(card);
      const units = view.owed ?? [];
      const shown = units.filter((u) => says(card, `**${u.unitName}`)).length;
      if (shown < units.length) expect(says(card, `另有 ${units.length - shown} 个单位未列出`)).toBe(true);
      for (const u of units.slice(0, shown))
        if (u.items.length > 12) expect(says(card, `…另有 ${u.items.length - 12} 项`)).toBe(true);
    }
  });
});

// ── reminders ──────────────────────────────────────────────────────────────────────────────────────────────────────

describe('reminder cards at scale', () => {
  const unit = UNITS[0]!;
  const midterm = PERIODS.find((p) => p.code === 'midterm')!;
  const reportItems = (u: string): OwedItem[] =>
    ofUnit(u).map((p) => ({ what: text(p.code, p.code), name: p.fields.name }));
  const materialsItems = (n: number): OwedItem[] =>
    Array.from({ length: n }, (_, i) => ({
      what: KIND_NAME[i % 2 ? 'individual' : 'collective'],
      name: typed(AWARD_LIMITS.nominee),
    }));
  const counted: OwedItem[] = [
    { what: text('还有 40 个项目未评分（或未回避）', '40 projects not scored (or recused) yet') },
  ];
  const views = (items: OwedItem[]): ReminderView[] =>
    [7, 1, 0, -2].flatMap((daysLeft) => [
      {
        deadlineName: periodText(midterm),
        dueDate: midterm.due,
        daysLeft,
        unitName: unit.shortName,
        items,
        action: { a: 'rpt.open', p: PROJECTS[0]!.id } as ActionValue,
        snooze: { a: 'rem.snooze', r: 'report', k: midterm.code, u: unit.code } as ActionValue,
      },
      { deadlineName: text('评委评分截止', 'Judging closes'), dueDate: '2024-11-29', daysLeft, items },
    ]);

  it('reminderCard, groupReminderCard, escalationCard: a unit owing 20 project reports, 70 award materials, or a count', () => {
    for (const items of [reportItems(unit.code), materialsItems(70), counted]) {
      for (const v of views(items)) {
        const contacts = Array.from({ length: CONTACTS_PER_UNIT }, (_, i) => openId(i));
        for (const card of [
          reminderCard(v),
          groupReminderCard({ ...v, contacts }),
          groupReminderCard({ ...v, contacts: [] }),
          escalationCard(v),
        ]) {
          fine(card);
          if (items.length > 30) expect(says(card, `…另有 ${items.length - 30} 项`)).toBe(true);
        }
      }
    }
  });

  it('digestCard: 20 units each owing 20 reports, 50 judges, 20 units owing awards; says how many rows are not shown', () => {
    const digests = [
      UNITS.map((u) => ({ name: u.shortName, items: reportItems(u.code), contacts: CONTACTS_PER_UNIT })),
      UNITS.map((u) => ({
        name: u.shortName,
        items: [{ what: text('还没有报名任何项目', 'no project registered yet') }],
        contacts: 0,
      })),
      Array.from({ length: TRACKS.length * JUDGES_PER_TRACK }, () => ({ name: person(), items: counted, contacts: 1 })),
      UNITS.map((u) => ({ name: u.shortName, items: materialsItems(7), contacts: CONTACTS_PER_UNIT })),
    ];
    for (const missing of digests) {
      const card = digestCard({ deadlineName: periodText(midterm), dueDate: midterm.due, missing });
      fine(card);
      const rows = tables(card)[0]!;
      expect(rows.length).toBeGreaterThan(0);
      if (rows.length < missing.length) expect(says(card, `另有 ${missing.length - rows.length} 个未列出`)).toBe(true);
      rows.forEach((r, i) => {
        const n = missing[i]!.items.length;
        if (n > 8) expect(String(r.items)).toContain(`…+${n - 8}`);
      });
    }
  });

  it('remindersPlanCard: 60 upcoming and 60 sent lines, every unit paused, or all; says how many lines are not shown', () => {
    const steps = ['T-7', 'T-3', 'T-1', 'T-0', 'overdue', 'digest', 'escalate', 'snooze:1'];
    const upcoming: PlanRow[] = Array.from({ length: 60 }, (_, i) => ({
      deadlineName: periodText(PERIODS[i % 8]!),
      dueDate: PERIODS[i % 8]!.due,
      step: steps[i % steps.length]!,
      at: '2024-07-24 09:30',
      owing: 400,
    }));
    const sent = Array.from({ length: 60 }, (_, i) => ({
      deadlineName: periodText(PERIODS[i % 8]!),
      step: steps[i % steps.length]!,
      count: 400,
      last: '2024-07-24 09:30',
    }));
    for (const view of [
      { upcoming, sent, paused: UNITS.map((u) => u.shortName), allPaused: false },
      { upcoming, sent, paused: [], allPaused: true },
      { upcoming: [], sent: [], paused: [], allPaused: false },
    ]) {
      const card = remindersPlanCard(view);
      fine(card);
      if (view.upcoming.length > 40) expect(says(card, `…另有 ${view.upcoming.length - 40} 条`)).toBe(true);
    }
  });
});

// ── awards ─────────────────────────────────────────────────────────────────────────────────────────────────────────

type Viewer = 'judge' | 'office' | 'contact' | 'leader' | 'all';

describe('award cards at scale', () => {
  const LIVE_STATUSES: AwardStatus[] = ['nominated', 'allocated', 'materials_submitted', 'approved'];
  const ENDED: AwardStatus[] = ['declined', 'withdrawn', 'rejected'];
  let awardSerial = 0;
  const awardId = () => `awd_${String(awardSerial++).padStart(20, '0')}`;

  /** The buttons the viewer gets on a nomination in this status (as awards.handlers' buttonsFor gives them). */
  function buttonsFor(viewer: Viewer, status: AwardStatus, id: string): AwardRow['buttons'] {
    const out: AwardRow['buttons'] = [];
    const is = (v: Viewer) => viewer === v || viewer === 'all';
    if (is('judge') && status === 'nominated')
      out.push({ label: text('撤回提名', 'Withdraw'), value: { a: 'award.withdraw', w: id } });
    if (is('office') && status === 'nominated') {
      out.push({ label: text('确认名额', 'Confirm the place'), value: { a: 'award.confirm', w: id }, type: 'primary' });
      out.push({ label: text('不予确认', 'Decline'), value: { a: 'award.decline', w: id }, type: 'danger' });
    }
    if (is('contact') && (status === 'allocated' || status === 'materials_submitted'))
      out.push({
        label: status === 'allocated' ? text('报送材料', 'Submit materials') : text('修改材料', 'Revise materials'),
        value: { a: 'award.materials.open', w: id },
        type: 'primary',
      });
    if (is('leader') && status === 'materials_submitted')
      out.push({ label: text('审定', 'Decide'), value: { a: 'award.decide.open', w: id }, type: 'primary' });
    return out;
  }

  function row(track: string, kind: AwardKind, status: AwardStatus, viewer: Viewer, i: number): AwardRow {
    const p = ofTrack(track)[i % ofTrack(track).length]!;
    const id = awardId();
    const hasMaterials = ['materials_submitted', 'approved', 'rejected'].includes(status);
    const decided = status === 'approved' || status === 'rejected';
    return {
      id,
      track,
      kind,
      status,
      nominee: typed(AWARD_LIMITS.nominee),
      title: kind === 'individual' ? typed(AWARD_LIMITS.title) : '',
      unitName: unitShort(p.unit),
      projectCode: p.code,
      projectName: p.fields.name,
      reason: typed(AWARD_LIMITS.reason),
      ...(hasMaterials ? { materials: typed(AWARD_LIMITS.materials) } : {}),
      ...(decided ? { decisionNote: typed(AWARD_LIMITS.note) } : {}),
      buttons: buttonsFor(viewer, status, id),
    };
  }

  /** The full quota of every track (live, in every live status), then `ended` ended nominations per track. */
  function season(viewer: Viewer, ended: number, placesLeft = 0): AwardRow[] {
    const live = TRACKS.flatMap((t) => [
      ...Array.from({ length: t.quota.collectives - placesLeft }, (_, i) =>
        row(t.code, 'collective', LIVE_STATUSES[i % 4]!, viewer, i),
      ),
      ...Array.from({ length: t.quota.individuals }, (_, i) =>
        row(t.code, 'individual', LIVE_STATUSES[(i + 1) % 4]!, viewer, i + 3),
      ),
    ]);
    const gone = TRACKS.flatMap((t) =>
      Array.from({ length: ended }, (_, i) =>
        row(t.code, i % 2 ? 'individual' : 'collective', ENDED[i % 3]!, viewer, i + 7),
      ),
    );
    return [...live, ...gone];
  }

  const quotas: QuotaRow[] = TRACKS.map((t) => ({
    track: t.code,
    trackName: t.name,
    trackNameEn: t.nameEn,
    collectives: { used: t.quota.collectives, quota: t.quota.collectives },
    individuals: { used: t.quota.individuals, quota: t.quota.individuals },
  }));
  const evaluation = STAGES.find((s) => s.code === 'evaluation')!;
  const materialsDue = F.milestones.find((m) => m.code === 'materials-due')!.date;
  const window = text(
    `提名与名额确认：${evaluation.start} 至 ${materialsDue}；材料报送截止 ${materialsDue}；领导小组审定至 ${evaluation.end}。`,
    `Nominations and confirmations: ${evaluation.start} to ${materialsDue}; materials due ${materialsDue}; leadership decisions until ${evaluation.end}.`,
  );
  const allTracks = text('全部赛道', 'All tracks');
  const judgeScope = text(TRACKS.map((t) => t.code).join('、'), TRACKS.map((t) => t.code).join(', '));
  const page = (o: number): ActionValue => ({ a: 'award.list', o });

  function walkAwards(
    rows: AwardRow[],
    scope: Text,
    nominate: Array<{ track: string; left: number }>,
    quotaRows = quotas,
  ) {
    const { pages } = walkPages(
      (offset) => awardsCard({ scope, quotas: quotaRows, rows, nominate, window, offset, page }),
      'award.list',
      rows.map((r) => r.nominee),
    );
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(rows.length / AWARDS_PAGE));
  }

  it('awardsCard: a judge of every track and the office see the 70 nominations of the full quota, each with their buttons', () => {
    const judge = season('judge', 0);
    const office = season('office', 0);
    expect(judge).toHaveLength(70);
    walkAwards(judge, judgeScope, []);
    walkAwards(office, allTracks, []);
  });

  it('awardsCard: the office, a leader, a contact and someone holding every role, with 30 ended nominations besides', () => {
    for (const viewer of ['office', 'leader', 'contact', 'all'] as const) {
      const rows = season(viewer, 3);
      expect(rows).toHaveLength(100);
      walkAwards(
        rows,
        viewer === 'contact'
          ? text(UNITS.map((u) => u.shortName).join('、'), UNITS.map((u) => u.shortName).join(', '))
          : allTracks,
        viewer === 'all' ? TRACKS.map((t) => ({ track: t.code, left: 7 })) : [],
      );
    }
  });

  it('awardsCard: a judge of every track with a place left in each, nominate buttons on the first page', () => {
    const rows = season('judge', 3, 1);
    walkAwards(
      rows,
      judgeScope,
      TRACKS.map((t) => ({ track: t.code, left: 1 })),
    );
    fine(
      awardsCard({
        scope: judgeScope,
        quotas,
        rows: [],
        nominate: TRACKS.map((t) => ({ track: t.code, left: 7 })),
        window,
        page,
      }),
      'no nominations yet',
    );
  });

  it("nominationForm: every project of a track but the judge's own unit, ranked", () => {
    for (const t of TRACKS) {
      const projects = ofTrack(t.code)
        .filter((p) => p.unit !== UNITS[0]!.code)
        .map((p, i) => ({
          id: p.id,
          code: p.code,
          name: p.fields.name,
          unitName: unitShort(p.unit),
          ...(i % 5 ? { rank: i + 1 } : {}),
        }));
      expect(projects).toHaveLength(38);
      fine(
        nominationForm({
          track: t.code,
          trackName: t.name,
          trackNameEn: t.nameEn,
          left: { collective: t.quota.collectives, individual: t.quota.individuals },
          projects,
        }),
      );
      fine(
        nominationForm({
          track: t.code,
          trackName: t.name,
          trackNameEn: t.nameEn,
          left: { collective: 0, individual: 1 },
          projects,
        }),
      );
    }
  });

  it('nominationForm: a file with 1,000 projects in a track lists the best ranked that fit, and says so', () => {
    const t = TRACKS[0]!;
    const base = ofTrack(t.code)[0]!;
    const projects = Array.from({ length: 1000 }, (_, i) => ({
      id: `prj_${i}`,
      code: `2024-${t.code}-U${i}-1`,
      name: base.fields.name,
      unitName: unitShort(base.unit),
      rank: i + 1,
    }));
    const form = nominationForm({
      track: t.code,
      trackName: t.name,
      trackNameEn: t.nameEn,
      left: { collective: 3, individual: 4 },
      projects,
    });
    fine(form);
    const options = nodesOf(form.body.elements, 'select_static').find((x) => x.name === 'project')!.options as Node[];
    expect(options.length).toBeGreaterThan(10);
    expect(options.length).toBeLessThan(1000);
    expect((options[0]!.text as Node).content).toContain('#1 · ');
    expect(says(form, `下拉框列出排名靠前的 ${options.length} 个（共 1000 个）`)).toBe(true);
  });

  it('materialsForm has unique names and fits, pre-filled with the longest materials and ten links', () => {
    for (const kind of ['collective', 'individual'] as const) {
      const r = row('T01', kind, 'materials_submitted', 'contact', 0);
      for (const card of [
        materialsForm({
          row: r,
          due: materialsDue,
          prefill: { materials: typed(AWARD_LIMITS.materials), links: links(AWARD_LIMITS.links) },
        }),
        materialsForm({ row: r, due: materialsDue }),
      ]) {
        fine(card);
        const n = names(card);
        expect(n.length).toBeGreaterThan(0);
        expect(new Set(n).size, `names ${n.join(', ')}`).toBe(n.length);
      }
    }
  });

  it('decisionForm, awardStepCard, placeConfirmedCard: the nomination in full', () => {
    for (const status of [...LIVE_STATUSES, ...ENDED]) {
      for (const kind of ['collective', 'individual'] as const) {
        const r = row('T10', kind, status, 'all', 1);
        const full = { ...r, materials: typed(AWARD_LIMITS.materials), decisionNote: typed(AWARD_LIMITS.note) };
        const standing = text(
          `所依托的项目在实时排名（未发布）中列 T10 赛道第 40 名（共 40 个有名次的项目，名额线 7）。`,
          'The project ranks #40 of 40 in track T10 in the live standings (unpublished) (award line: 7).',
        );
        fine(decisionForm({ row: full, links: links(AWARD_LIMITS.links), standing }), `decisionForm ${status}`);
        fine(awardStepCard({ row: full, done: text('已审定通过。', 'Approved.') }), `awardStepCard ${status}`);
        fine(placeConfirmedCard({ row: r, due: materialsDue }), `placeConfirmedCard ${status}`);
      }
    }
  });

  it('announcementCard: 30 collectives and 40 individuals approved; says how many are not listed', () => {
    const rows = [
      ...TRACKS.flatMap((t) =>
        Array.from({ length: t.quota.collectives }, (_, i) => ({
          kind: 'collective' as const,
          track: t.code,
          nominee: typed(AWARD_LIMITS.nominee),
          title: '',
          unitName: UNITS[i]!.shortName,
        })),
      ),
      ...TRACKS.flatMap((t) =>
        Array.from({ length: t.quota.individuals }, (_, i) => ({
          kind: 'individual' as const,
          track: t.code,
          nominee: typed(AWARD_LIMITS.nominee),
          title: typed(AWARD_LIMITS.title),
          unitName: UNITS[i + 3]!.shortName,
        })),
      ),
    ];
    const card = announcementCard({ competitionName: F.name, competitionNameEn: F.nameEn, rows });
    fine(card);
    const [collectives, individuals] = tables(card);
    for (const [shown, all] of [
      [collectives!.length, 30],
      [individuals!.length, 40],
    ] as const) {
      expect(shown).toBeGreaterThan(0);
      if (shown < all) expect(says(card, `另有 ${all - shown} 个未列出`)).toBe(true);
    }
  });
});

// ── judging ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('judging cards at scale', () => {
  const jw = judgingWindow(c);
  const sheetStates: SheetState[] = ['todo', 'scored', 'recused', 'own-unit'];
  const item = (p: SeasonProject, i: number): JudgeListItem => ({
    ...judged(p),
    state: sheetStates[i % 4]!,
    ...(i % 4 === 1 ? { total: 99.95 } : {}),
    ...(i % 5 ? { progress: { periodName: periodText(PERIODS[7]!), completion: 100 } } : {}),
    ...(i % 3 ? { selfEvaluation: { total: RUBRIC_MAX, max: RUBRIC_MAX } } : {}),
  });

  it('judgeListCard: a judge of one track (40 projects) and of every track (400) pages through all of them', () => {
    for (const tracks of [[TRACKS[0]!], TRACKS]) {
      const items = tracks.flatMap((t) => ofTrack(t.code)).map(item);
      const scope = text(
        tracks.map((t) => `${t.code} ${t.name}`).join('、'),
        tracks.map((t) => `${t.code} ${t.nameEn}`).join(', '),
      );
      for (const status of ['open', 'before', 'closed'] as const) {
        const page = (o: number): ActionValue => ({ a: 'judge.list', t: '*', o });
        const { pages } = walkPages(
          (offset) =>
            judgeListCard({
              scope,
              tally: { scored: 100, recused: 100, ownUnit: 100, todo: 100 },
              window: { opens: jw.opens, closes: jw.closes, status },
              items,
              offset,
              page,
            }),
          'judge.list',
          items.map((x) => x.name),
        );
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(items.length / JUDGE_PAGE));
      }
    }
  });

  it('scoreForm, scoreSaved, recusalForm, recusedCard with the longest texts', () => {
    const p = judged(PROJECTS[0]!);
    const next = judged(PROJECTS[1]!);
    const midterm = PERIODS.find((x) => x.code === 'midterm')!;
    const scores = Object.fromEntries(RUBRIC.map((r) => [r.code, r.max]));
    const latest = {
      periodName: periodText(PERIODS[7]!),
      completion: 100,
      results: typed(REPORT_LIMITS.results),
      submittedOn: '2024-10-31',
    };
    const selfEvaluation = {
      periodName: periodText(midterm),
      total: RUBRIC_MAX,
      max: RUBRIC_MAX,
      justification: typed(REPORT_LIMITS.justification),
    };
    fine(
      scoreForm({
        project: p,
        rubric: RUBRIC,
        prefill: { scores, comment: typed(SCORE_LIMITS.comment) },
        recusedBefore: typed(SCORE_LIMITS.reason),
        latest,
        selfEvaluation,
        closes: jw.closes,
      }),
      'scoreForm full',
    );
    fine(scoreForm({ project: p, rubric: RUBRIC, closes: jw.closes }), 'scoreForm empty');
    for (const outcome of ['created', 'revised', 'unchanged'] as const) {
      fine(
        scoreSaved({ project: p, rubric: RUBRIC, scores, total: 100, outcome, closes: jw.closes, next }),
        `scoreSaved ${outcome}`,
      );
      fine(
        scoreSaved({ project: p, rubric: RUBRIC, scores, total: 0, outcome, closes: jw.closes }),
        `scoreSaved ${outcome}, last`,
      );
    }
    fine(recusalForm({ project: p, closes: jw.closes, reason: typed(SCORE_LIMITS.reason) }), 'recusalForm');
    fine(recusalForm({ project: p, closes: jw.closes }), 'recusalForm empty');
    fine(recusedCard({ project: p, reason: typed(SCORE_LIMITS.reason), closes: jw.closes, next }), 'recusedCard');
    fine(recusedCard({ project: p, reason: typed(SCORE_LIMITS.reason), closes: jw.closes }), 'recusedCard, last');
  });
});

// ── rankings ───────────────────────────────────────────────────────────────────────────────────────────────────────

describe('ranking cards at scale', () => {
  const published: RankingMode = { kind: 'published', version: 999, publishedOn: '2024-11-30', hash: 'f'.repeat(64) };
  const live: RankingMode = { kind: 'live', asOf: '2024-11-29 23:59' };
  const QUOTA = 7;
  const rankRows = (track: string, unscored = 0): RankRow[] =>
    ofTrack(track)
      .slice(0, ofTrack(track).length - unscored)
      .map((p, i) => ({
        rank: i + 1,
        code: p.code,
        name: p.fields.name,
        unitName: unitShort(p.unit),
        score: 160.04 - i,
        rawMean: 99.96 - i,
        judges: JUDGES_PER_TRACK,
        inQuota: i < QUOTA,
        closeCall: i >= QUOTA - 2 && i < QUOTA + 2,
      }));

  it('trackRankingCard: every track, published and live, pages through every ranked project and lists the unscored ones once', () => {
    for (const t of TRACKS) {
      for (const unscored of [0, 2]) {
        const rows = rankRows(t.code, unscored);
        const unscoredProjects = ofTrack(t.code)
          .slice(rows.length)
          .map((p) => ({ code: p.code, name: p.fields.name }));
        for (const mode of [published, live]) {
          const page = (o: number): ActionValue => ({ a: 'rank.track', t: t.code, v: 999, o });
          walkPages(
            (offset) =>
              trackRankingCard({
                track: { code: t.code, name: t.name, nameEn: t.nameEn },
                mode,
                quota: QUOTA,
                rows,
                unscored: unscoredProjects,
                flatJudges: JUDGES_PER_TRACK,
                offset,
                page,
                overview: { a: 'rank.overview', v: 999, o: 0 },
              }),
            'rank.track',
            [...rows.map((r) => r.name), ...unscoredProjects.map((u) => u.name)],
          );
        }
      }
    }
  });

  it('rankingsOverviewCard: 10 tracks, 20 units and 400 projects, published and live, pages through every project', () => {
    const tracks: TrackSummary[] = TRACKS.map((t) => {
      const rows = rankRows(t.code);
      return {
        code: t.code,
        name: t.name,
        nameEn: t.nameEn,
        ranked: rows.length,
        quota: QUOTA,
        closeCalls: 4,
        inQuota: rows
          .filter((r) => r.inQuota)
          .map((r) => ({ rank: r.rank, code: r.code, name: r.name, unitName: r.unitName, closeCall: r.closeCall })),
      };
    });
    const units: UnitRow[] = UNITS.map((u, i) => ({
      unitName: u.shortName,
      meanPercentile: i === 19 ? null : 50.05 + i,
      ranked: 20,
      inQuota: 3,
      closeCalls: 2,
    }));
    const entries: CrossRow[] = PROJECTS.map((p, i) => ({
      position: i + 1,
      trackCode: p.track,
      code: p.code,
      name: p.fields.name,
      unitName: unitShort(p.unit),
      percentile: 100 - i / 4,
      rank: (i % 40) + 1,
      of: 40,
      inQuota: i % 40 < QUOTA,
      closeCall: i % 7 === 0,
    }));
    for (const mode of [published, live]) {
      walkPages(
        (offset) =>
          rankingsOverviewCard({
            mode,
            tracks,
            units,
            entries,
            offset,
            page: (o) => ({ a: 'rank.overview', v: 999, o }),
            trackAction: (t) => ({ a: 'rank.track', t, v: 999, o: 0 }),
          }),
        'rank.overview',
        entries.map((e) => e.name),
        (card) => tables(card),
      );
    }
  });

  const tally = (onTime: number, late: number, missing: number, pending = 0): PeriodTally => ({
    onTime,
    late,
    missing,
    pending,
    owed: onTime + late + missing,
    onTimeShare: onTime + late + missing ? onTime / (onTime + late + missing) : 1,
  });

  it('participationCard: registration, implementation and judging digests of the full season; says which units the tables leave out', () => {
    const full = registrationOverview({
      units: UNITS,
      tracks: TRACKS,
      counts: UNITS.flatMap((u) => TRACKS.map((t) => ({ unit: u.code, track: t.code, n: PER_UNIT_TRACK }))),
    });
    const none = registrationOverview({ units: UNITS, tracks: TRACKS, counts: [] });
    const tracks = TRACKS.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn }));
    const notes = [
      undefined,
      text(
        '排行发布前，群里不显示任何分数；评分截止、竞赛办发布后再看排行。',
        'No score is shown in a group before the rankings are published; ask again once scoring has closed and the office has published them.',
      ),
    ];
    for (const overview of [full, none]) {
      for (const kind of ['registration', 'implementation', 'judging'] as const) {
        for (const note of notes) {
          const stage = STAGES[kind === 'registration' ? 0 : kind === 'implementation' ? 1 : 2]!;
          const view: ParticipationView = {
            kind,
            stage: text(
              `${stage.name}（${stage.start} ~ ${stage.end}）`,
              `${stage.nameEn} (${stage.start} – ${stage.end})`,
            ),
            tracks,
            registrations: {
              rows: overview.rows.map((r) => ({ unitName: r.name, byTrack: r.byTrack, total: r.total })),
              trackTotals: overview.trackTotals,
              total: overview.total,
              unitsWithout: overview.unitsWithout,
            },
            ...(note ? { note } : {}),
            ...(kind !== 'registration'
              ? {
                  reports: {
                    periodName: periodText(PERIODS[7]!),
                    due: PERIODS[7]!.due,
                    total: tally(200, 100, 100),
                    byUnit: UNITS.map((u) => ({ unitName: u.shortName, tally: tally(10, 5, 5) })),
                    byTrack: tracks.map((t) => ({ track: t, tally: tally(20, 10, 10) })),
                  },
                }
              : {}),
            ...(kind === 'judging'
              ? {
                  judging: {
                    closes: judgingWindow(c).closes,
                    byTrack: tracks.map((t) => ({ track: t, judges: JUDGES_PER_TRACK, done: 150, expected: 200 })),
                  },
                }
              : {}),
          };
          const card = participationCard(view);
          fine(card, `${kind}${note ? ' with a note' : ''}`);
          const unitTables = tables(card).filter((rows) => rows.some((r) => 'unit' in r));
          for (const rows of unitTables) {
            const shown = rows.filter((r) => r.unit !== '合计 Total').length;
            if (shown < UNITS.length) expect(says(card, `只列出前 ${shown} 个单位，共 ${UNITS.length} 个`)).toBe(true);
          }
        }
      }
    }
  });

  it('publishedCard: every track, the announcement group named as typed, or none', () => {
    // Every kind of track at once: no judge, unranked projects, fine, and no project.
    const tracks = TRACKS.map((t, i) => ({
      track: { code: t.code, name: t.name, nameEn: t.nameEn },
      ranked: i % 4 === 0 ? 0 : i % 4 === 1 ? 30 : 40,
      projects: i % 4 === 3 ? 0 : 40,
      judges: i % 4 === 0 ? 0 : 7,
      closeCalls: 4,
      hash: 'e'.repeat(64),
      skipped: i % 4 === 1 ? 3 : 0,
    }));
    for (const posted of [typed(CHAT_NAME), null, undefined]) {
      for (const verified of [true, false])
        fine(
          publishedCard({ version: 999, tracks, posted, verified }),
          `posted ${String(posted).slice(0, 1)} verified ${verified}`,
        );
    }
  });
});

// ── members, help, welcome, export ─────────────────────────────────────────────────────────────────────────────────

describe('members, help, welcome and export cards at scale', () => {
  const sources: GrantSource[] = ['chat', 'file', 'env'];
  const holders = (n: number, source?: GrantSource): Holder[] =>
    Array.from({ length: n }, (_, i) => ({
      openId: openId(1000 + typedSoFar() + i),
      name: person(),
      source: source ?? sources[i % 3]!,
    }));

  it('membersCard: 3 contacts a unit, 5 judges a track, unit leaders and orphans; says which rows are left out', () => {
    const full: MembersView = {
      office: [...holders(3, 'env'), ...holders(3, 'file'), ...holders(3, 'chat')],
      leaders: holders(5),
      units: UNITS.map((u) => ({
        code: u.code,
        name: u.name,
        shortName: u.shortName,
        contacts: holders(CONTACTS_PER_UNIT),
      })),
      tracks: TRACKS.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn, judges: holders(JUDGES_PER_TRACK) })),
      unitLeaders: UNITS.map((u) => ({ code: u.code, shortName: u.shortName, leaders: holders(2, 'file') })),
      orphans: Array.from({ length: 20 }, (_, i) => ({
        ...holders(1)[0]!,
        role: i % 2 ? ('judge' as const) : ('contact' as const),
        scope: i % 2 ? 'T99' : 'XX',
      })),
    };
    const empty: MembersView = {
      office: [],
      leaders: [],
      units: UNITS.map((u) => ({ code: u.code, name: u.name, shortName: u.shortName, contacts: [] })),
      tracks: TRACKS.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn, judges: [] })),
      unitLeaders: [],
      orphans: [],
    };
    const half: MembersView = { ...full, units: full.units.map((u, i) => (i % 2 ? { ...u, contacts: [] } : u)) };
    for (const view of [full, empty, half]) {
      const card = membersCard(view);
      fine(card);
      const [units, tracks, unitLeaders, orphans] = tables(card);
      for (const [rows, all] of [
        [units, view.units.length],
        [tracks, view.tracks.length],
        [unitLeaders, view.unitLeaders.length],
        [orphans, view.orphans.length],
      ] as const) {
        if (!rows) continue;
        if (rows.length < all) expect(says(card, `只列出前 ${rows.length} 行，共 ${all} 行`)).toBe(true);
      }
    }
  });

  it('helpCard: someone holding every role, in a group and one-to-one, and someone with none', () => {
    const roles: Roles = {
      office: true,
      leader: true,
      contactOf: UNITS.map((u) => u.code),
      judgeOf: TRACKS.map((t) => t.code),
    };
    const headingFor = (r: Roles, a: Audience | readonly Audience[]): Audience =>
      Array.isArray(a) ? (a.find((x) => inAudience(r, x)) ?? a[0]!) : (a as Audience);
    const commands = (r: Roles): HelpEntry[] =>
      COMMANDS.filter((cmd) => inAudience(r, cmd.audience)).map((cmd) => ({
        words: cmd.words,
        summary: cmd.summary,
        usage: cmd.usage,
        section: headingFor(r, cmd.audience),
      }));
    for (const inGroup of [true, false]) {
      fine(
        helpCard({ roles: describeRoles(roles, { units: UNITS, tracks: TRACKS }), commands: commands(roles), inGroup }),
        `all roles, inGroup ${inGroup}`,
      );
      const none: Roles = { office: false, leader: false, contactOf: [], judgeOf: [] };
      fine(helpCard({ roles: describeRoles(none), commands: commands(none), inGroup }), `no role, inGroup ${inGroup}`);
    }
  });

  it('welcomeCard, in a group and one-to-one', () => {
    for (const inGroup of [true, false])
      fine(welcomeCard({ competitionName: F.name, competitionNameEn: F.nameEn, inGroup }));
  });

  it('exportSummaryCard: every sheet, all tracks or one', () => {
    const sheets = [
      '项目 Projects',
      '进展 Reports',
      '自评 Self-evaluations',
      '评分 Scores',
      '表彰 Awards',
      '审计 Audit log',
    ].map((name) => ({ name, rows: 1_000_000 }));
    fine(
      exportSummaryCard({
        fileName: `saidao-${F.id}-20241231-2359.xlsx`,
        size: '99.9 MB',
        scope: text('全部赛道', 'all tracks'),
        timeZone: c.timeZone,
        sheets,
      }),
    );
    const t = TRACKS[8]!;
    fine(
      exportSummaryCard({
        fileName: `saidao-${F.id}-${t.code}-20241231-2359.xlsx`,
        size: '1 KB',
        scope: text(`${t.code} ${t.name}`, `${t.code} ${t.nameEn}`),
        timeZone: c.timeZone,
        sheets,
      }),
    );
  });
});
