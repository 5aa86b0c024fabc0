/**
 * Every card builder in cards/ on random data (fast-check): what people type mixes emoji, CJK extension characters,
 * markdown syntax (`**`, links to `javascript:`, headings, lists, backticks), `<at id=all></at>` and
 * `<at user_id="all">` mentions, quotes and backslashes, from empty (where a field may be empty) to the field's
 * maximum; lists hold random counts up to the largest the 2024 competition file allows. Each typed value starts with
 * TYPED_MARK. Every card must hold `cardFaults`; paged cards are walked by their own buttons with every item on
 * exactly one page; cut lists say how many they leave out.
 *
 * A failure names the seed (rerun it with `seed` in `RUNS`) and the faults of the first failing card.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  announcementCard,
  awardsCard,
  awardStepCard,
  decisionForm,
  materialsForm,
  nominationForm,
  placeConfirmedCard,
  type AwardRow,
  type QuotaRow,
} from '../../cards/awards';
import type { ActionValue } from '../../cards/actions';
import { exportSummaryCard } from '../../cards/export';
import { helpCard, type HelpEntry } from '../../cards/help';
import {
  judgeListCard,
  recusalForm,
  recusedCard,
  scoreForm,
  scoreSaved,
  type JudgedProject,
  type JudgeListItem,
} from '../../cards/judging';
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
  type ProjectView,
} from '../../cards/registration';
import {
  digestCard,
  escalationCard,
  groupReminderCard,
  reminderCard,
  remindersPlanCard,
  type OwedItem,
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
  type PickerStatus,
  type ProjectLabel,
  type TimelineEntry,
} from '../../cards/reports';
import { welcomeCard } from '../../cards/welcome';
import { COMMANDS } from '../../src/container';
import { AWARD_LIMITS, LIMITS, REPORT_LIMITS, SCORE_LIMITS } from '../support/form-limits';
import { describeRoles } from '../../src/features/help/help.handlers';
import { judgingWindow, type SheetState } from '../../src/features/scoring/scoring.rules';
import { inAudience, type Audience, type Roles, type GrantSource } from '../../src/core/roles';
import { registrationOverview } from '../../src/features/registration/registration.rules';
import { periodOverview } from '../../src/features/reports/reporting.rules';
import { text, type Text } from '../../src/platform/i18n';
import { cardFaults, TYPED_MARK, buttonValues, nodesOf, says, stringsOf, tables } from '../support/card-checks';
import { competition2024 } from '../support/fixtures';
import { projectCode } from '../../src/core/projects';
import { periodWindows, type PeriodTally, type ReportState } from '../../src/core/periods';
import { KIND_NAME, type AwardKind, type AwardStatus } from '../../src/core/awards';

// ── the competition file ───────────────────────────────────────────────────────────────────────────────────────────

const c = competition2024();
const F = c.file;
const UNITS = F.units;
const TRACKS = F.tracks;
const PERIODS = c.periods;
const STAGES = c.stages;
const RUBRIC = F.rubric;
const WINDOWS = periodWindows(c);
const RUBRIC_MAX = RUBRIC.reduce((n, r) => n + r.max, 0);
const PER_UNIT_TRACK = F.projectsPerUnitPerTrack;
const ALL_PROJECTS = UNITS.length * TRACKS.length * PER_UNIT_TRACK;
const PER_UNIT = TRACKS.length * PER_UNIT_TRACK;
const PER_TRACK = UNITS.length * PER_UNIT_TRACK;
const JUDGES_PER_TRACK = 5;
const CONTACTS_PER_UNIT = 3;
const DISPLAY_NAME = 30;
const CHAT_NAME = 60;
const JW = judgingWindow(c);
const MATERIALS_DUE = F.milestones.find((m) => m.code === 'materials-due')!.date;
const periodText = (p: { name: string; nameEn: string }): Text => text(p.name, p.nameEn);

/** Runs per builder: enough to meet the odd characters, few enough to keep the file to seconds. */
const RUNS = { numRuns: 25, endOnFailure: true };

// ── typed text ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Pieces people may type that matter to a card: markup, mentions, escapes, characters of 4 bytes, line breaks. */
const TOKENS = [
  '**',
  '*',
  '_',
  '~~',
  '`',
  '```',
  '# ',
  '- ',
  '1. ',
  '> ',
  '[x](javascript:alert(1))',
  '<at id=all></at>',
  '<at user_id="all">',
  '<at id="all">',
  '<font color=red>',
  '"',
  '\\',
  "'",
  '\n',
  '\t',
  ' ',
  '&#42;',
  '&lt;',
  ':smile:',
  '|',
  '$',
  '{',
  '}',
  '𠀀',
  '𪜀',
  '𫝀',
  '😀',
  '👨‍👩‍👧‍👦',
  '🇨🇳',
  '中',
  '文',
  '：',
  '（',
  '）',
  '，',
  '。',
];
/** One unit of typed text: a token above or any grapheme. */
const piece = fc.oneof(
  { arbitrary: fc.constantFrom(...TOKENS), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 2 },
);

/** Ids of items are characters of the supplementary private use area B: random text never carries them (nor the mark). */
const ID_BASE = 0x100000;
const idChar = (i: number) => String.fromCodePoint(ID_BASE + i);
const RESERVED = new RegExp(`[${TYPED_MARK}\\u{100000}-\\u{10FFFF}]`, 'gu');

/** Random text of at most `max` characters (code points), often exactly `max`. */
function randomText(max: number): fc.Arbitrary<string> {
  if (max <= 0) return fc.constant('');
  const n = fc.oneof(fc.constant(max), fc.integer({ min: 0, max }));
  return n
    .chain((k) => fc.array(piece, { minLength: k, maxLength: k }))
    .map((parts) => [...parts.join('').replace(RESERVED, '')].slice(0, max).join(''));
}

/** What a person typed into a field of `max` characters: TYPED_MARK first; '' too when the field may be empty. */
function typed(max: number, options: { empty?: boolean } = {}): fc.Arbitrary<string> {
  const marked = randomText(max - 1).map((s) => TYPED_MARK + s);
  return options.empty ? fc.oneof(fc.constant(''), marked) : marked;
}

/** A typed value that names item `i`: the mark and the item's own character first, so that pages can be checked. */
const named = (s: string, i: number) => `${TYPED_MARK}${idChar(i)}${[...s].slice(2).join('')}`;
const keyOf = (i: number) => `${TYPED_MARK}${idChar(i)}`;

/** An array of `item`s of a random length up to `max` (often `max`). */
function upTo<T>(item: fc.Arbitrary<T>, max: number, min = 0): fc.Arbitrary<T[]> {
  return fc
    .oneof(fc.constant(max), fc.integer({ min, max }))
    .chain((n) => fc.array(item, { minLength: n, maxLength: n }));
}

/** Up to `count` http(s) links whose lines fit in `max` characters. */
function linksArb(max: number, count = REPORT_LIMITS.links): fc.Arbitrary<string[]> {
  const each = Math.floor((max - (count - 1)) / count) - 'https://a.cn/'.length;
  return upTo(
    typed(each).map((s) => `https://a.cn/${s.replace(/[\s,，、;；]+/g, '')}`),
    count,
  );
}

const fileUnit = fc.constantFrom(...UNITS);
const fileTrack = fc.constantFrom(...TRACKS);
const filePeriod = fc.constantFrom(...PERIODS);
const reportState = fc.constantFrom<ReportState>('on_time', 'late', 'missing', 'pending');
const stamp = fc.constantFrom('2024-05-01 00:00', '2024-10-31 23:59', '2024-07-31 12:34');
const unitShort = (code: string) => UNITS.find((u) => u.code === code)!.shortName;

// ── projects ───────────────────────────────────────────────────────────────────────────────────────────────────────

interface RandomProject {
  id: string;
  code: string;
  unit: string;
  track: string;
  name: string;
  lead: string;
  summary: string;
  goals: string;
  phone: string;
}

const projectFields = fc.record({
  name: typed(LIMITS.name),
  lead: typed(LIMITS.lead),
  summary: typed(LIMITS.summary),
  goals: typed(LIMITS.goals),
  phone: typed(LIMITS.phone, { empty: true }),
  unit: fileUnit,
  track: fileTrack,
  seq: fc.integer({ min: 1, max: PER_UNIT_TRACK }),
});
/** In lists only the name and the lead are shown: the long fields stay short there, to keep runs quick. */
const listedFields = fc.record({
  name: typed(LIMITS.name),
  lead: typed(LIMITS.lead),
  summary: fc.constant(`${TYPED_MARK}summary`),
  goals: fc.constant(`${TYPED_MARK}goals`),
  phone: fc.constant(''),
  unit: fileUnit,
  track: fileTrack,
  seq: fc.integer({ min: 1, max: PER_UNIT_TRACK }),
});

type Fields = typeof projectFields extends fc.Arbitrary<infer T> ? T : never;
/** Project `i`, its name starting with keyOf(i). */
function toProject(p: Fields, i: number, unit = p.unit.code): RandomProject {
  return {
    id: `prj_${String(i).padStart(20, '0')}`,
    code: projectCode(F.codePrefix, p.track.code, unit, p.seq),
    unit,
    track: p.track.code,
    name: named(p.name, i),
    lead: p.lead,
    summary: p.summary,
    goals: p.goals,
    phone: p.phone,
  };
}
/** Up to `max` projects (of one unit when given), each named apart. */
const projectsArb = (max: number, unit?: string) =>
  upTo(listedFields, max).map((ps) => ps.map((p, i) => toProject(p, i, unit)));
/** A project alone, named apart from the items of any list (ids 0.. are theirs). */
const oneProject = projectFields.map((p) => toProject(p, 60_000));

const trackOf = (code: string) => TRACKS.find((t) => t.code === code)!;
const projectView = (p: RandomProject): ProjectView => ({
  id: p.id,
  code: p.code,
  track: p.track,
  trackName: trackOf(p.track).name,
  trackNameEn: trackOf(p.track).nameEn,
  name: p.name,
  lead: p.lead,
  summary: p.summary,
  goals: p.goals,
  phone: p.phone,
});
const projectLabel = (p: RandomProject): ProjectLabel => ({
  id: p.id,
  code: p.code,
  name: p.name,
  trackName: trackOf(p.track).name,
  trackNameEn: trackOf(p.track).nameEn,
  unitName: unitShort(p.unit),
});
const judged = (p: RandomProject): JudgedProject => ({
  id: p.id,
  code: p.code,
  name: p.name,
  unitName: unitShort(p.unit),
  trackName: text(trackOf(p.track).name, trackOf(p.track).nameEn),
});

const reportFields = fc.record({
  workDone: typed(REPORT_LIMITS.workDone),
  results: typed(REPORT_LIMITS.results),
  completion: fc.integer({ min: 0, max: 100 }),
  evidence: linksArb(REPORT_LIMITS.evidence),
  problems: typed(REPORT_LIMITS.problems, { empty: true }),
});

// ── reading cards ──────────────────────────────────────────────────────────────────────────────────────────────────

/** The faults of every card, each prefixed with what the card was. */
const faultsOf = (cards: Record<string, Card>): string[] =>
  Object.entries(cards).flatMap(([what, card]) => cardFaults(card).map((f) => `${what}: ${f}`));

/**
 * The problems of a paged list walked from offset 0 by its own next buttons (value `a === action`, offset `o` past the
 * current one): each page's faults, and keys on no page or on several.
 */
function pagingProblems(
  build: (offset: number) => Card,
  action: string,
  keys: readonly string[],
  itemsOf: (card: Card) => unknown = (card) => card.body.elements,
): string[] {
  const problems: string[] = [];
  const seen = new Map(keys.map((k) => [k, 0]));
  for (let offset = 0, pages = 1; ; pages++) {
    const card = build(offset);
    problems.push(...cardFaults(card).map((f) => `page at ${offset}: ${f}`));
    const strings = stringsOf(itemsOf(card));
    for (const k of keys) if (strings.some((s) => s.includes(k))) seen.set(k, seen.get(k)! + 1);
    const offsets = buttonValues(card)
      .filter((v) => v.a === action && typeof v.o === 'number')
      .map((v) => v.o as number);
    const next = offsets.filter((o) => o > offset);
    if (offset > 0 && offsets.filter((o) => o < offset).length !== 1)
      problems.push(`page at ${offset}: no single previous button`);
    if (next.length > 1) problems.push(`page at ${offset}: ${next.length} next buttons`);
    if (!next.length || pages > keys.length + 1) break;
    offset = next[0]!;
  }
  const wrong = [...seen].filter(([, n]) => n !== 1);
  if (wrong.length)
    problems.push(
      `${wrong.length} of ${keys.length} items not on exactly one page (${wrong
        .slice(0, 3)
        .map(([, n]) => `on ${n}`)
        .join(', ')})`,
    );
  return problems;
}

/**
 * Registers a property: `check` returns the problems of the cards built from a random value; the test fails with the
 * first value's problems and the seed.
 */
function property<T>(name: string, arb: fc.Arbitrary<T>, check: (value: T) => string[]): void {
  it(name, () => {
    let problems: string[] = [];
    const details = fc.check(
      fc.property(arb, (value) => {
        problems = [...new Set(check(value))];
        return problems.length === 0;
      }),
      RUNS,
    );
    if (details.failed && !problems.length)
      throw details.errorInstance ?? new Error(`property failed (seed ${details.seed})`);
    expect(problems, `seed ${details.seed}, path ${details.counterexamplePath ?? ''}`).toEqual([]);
  });
}

// ── registration ───────────────────────────────────────────────────────────────────────────────────────────────────

describe('registration cards on random data', () => {
  const regEnd = STAGES.find((s) => s.code === 'registration')!.end;

  property(
    'registrationForm',
    fc.record({
      unit: fileUnit,
      left: fc.array(fc.integer({ min: 0, max: PER_UNIT_TRACK }), {
        minLength: TRACKS.length,
        maxLength: TRACKS.length,
      }),
      tracks: fc.integer({ min: 1, max: TRACKS.length }),
    }),
    (v) =>
      faultsOf({
        registrationForm: registrationForm({
          unit: { code: v.unit.code, name: v.unit.name },
          tracks: TRACKS.slice(0, v.tracks).map((t, i) => ({
            code: t.code,
            name: t.name,
            nameEn: t.nameEn,
            left: v.left[i]!,
          })),
          closesOn: regEnd,
          limit: PER_UNIT_TRACK,
        }),
      }),
  );

  property(
    'editForm, registeredCard, confirmWithdrawCard, withdrawnCard, unitNoticeCard',
    fc.record({ p: oneProject, edited: fc.boolean() }),
    ({ p, edited }) => {
      const unit = { code: p.unit, name: UNITS.find((u) => u.code === p.unit)!.name };
      const project = projectView(p);
      return faultsOf({
        editForm: editForm({ unit, project, closesOn: regEnd }),
        registeredCard: registeredCard({ unit, project, edited }),
        confirmWithdrawCard: confirmWithdrawCard({ unit, project }),
        withdrawnCard: withdrawnCard({ unit, project }),
        unitNoticeCard: unitNoticeCard({ unit, project }),
      });
    },
  );

  property(
    'projectsCard: every project of a unit on exactly one page',
    fc.record({
      unit: fileUnit,
      projects: fileUnit.chain((u) => projectsArb(PER_UNIT, u.code)),
      open: fc.boolean(),
      canAddMore: fc.boolean(),
    }),
    (v) =>
      pagingProblems(
        (offset) =>
          projectsCard({
            unit: { code: v.unit.code, name: v.unit.name },
            projects: v.projects.map(projectView),
            open: v.open,
            closesOn: regEnd,
            canAddMore: v.canAddMore,
            offset,
          }),
        'reg.list',
        v.projects.map((_, i) => keyOf(i)),
      ),
  );

  property(
    'registrationsCard: says which units the table leaves out',
    fc.record({
      counts: fc.array(fc.integer({ min: 0, max: PER_UNIT_TRACK }), {
        minLength: UNITS.length * TRACKS.length,
        maxLength: UNITS.length * TRACKS.length,
      }),
      open: fc.boolean(),
    }),
    (v) => {
      const overview = registrationOverview({
        units: UNITS,
        tracks: TRACKS,
        counts: UNITS.flatMap((u, i) =>
          TRACKS.map((t, j) => ({ unit: u.code, track: t.code, n: v.counts[i * TRACKS.length + j]! })),
        ),
      });
      const card = registrationsCard({
        overview,
        trackCodes: TRACKS.map((t) => t.code),
        closesOn: regEnd,
        open: v.open,
        limit: PER_UNIT_TRACK,
      });
      const shown = (tables(card)[0]?.length ?? 1) - 1;
      return [
        ...faultsOf({ registrationsCard: card }),
        ...(shown < UNITS.length && !says(card, `表中列出前 ${shown} 个单位`)
          ? [`the table lists ${shown} of ${UNITS.length} units without saying so`]
          : []),
      ];
    },
  );
});

// ── reports ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('report cards on random data', () => {
  const choices = fc
    .subarray([...PERIODS], { minLength: 1 })
    .chain((ps) =>
      fc
        .array(reportState, { minLength: ps.length, maxLength: ps.length })
        .map((states) =>
          ps.map((p, i) => ({ code: p.code, name: p.name, nameEn: p.nameEn, due: p.due, state: states[i]! })),
        ),
    );

  property(
    'reportForm',
    fc.record({
      p: oneProject,
      periods: choices,
      selected: fc.boolean(),
      prefill: fc.option(fc.record({ fields: reportFields, from: filePeriod, samePeriod: fc.boolean() }), {
        nil: undefined,
      }),
    }),
    (v) =>
      faultsOf({
        reportForm: reportForm({
          project: projectLabel(v.p),
          periods: v.periods,
          ...(v.selected ? { selected: v.periods[0]!.code } : {}),
          ...(v.prefill
            ? {
                prefill: {
                  fields: v.prefill.fields,
                  from: { name: v.prefill.from.name, nameEn: v.prefill.from.nameEn },
                  samePeriod: v.prefill.samePeriod,
                },
              }
            : {}),
        }),
      }),
  );

  const pickerStatus: fc.Arbitrary<PickerStatus | undefined> = fc.oneof(
    fc.constant(undefined),
    fc.record({
      kind: fc.constant('report' as const),
      periodName: filePeriod.map(periodText),
      due: fc.constant('2024-07-31'),
      state: reportState,
    }),
    fc
      .record({
        kind: fc.constant('self-evaluation' as const),
        periodName: filePeriod.map(periodText),
        due: fc.constant('2024-07-31'),
        max: fc.constant(RUBRIC_MAX),
        closed: fc.boolean(),
        total: fc.option(fc.integer({ min: 0, max: RUBRIC_MAX }), { nil: undefined }),
      })
      .map(({ total, ...s }) => (total === undefined ? s : { ...s, total })),
  );

  property(
    'projectPicker: says how many projects it leaves out',
    fc.record({
      projects: projectsArb(2 * PER_UNIT),
      statuses: fc.array(pickerStatus, { minLength: 2 * PER_UNIT, maxLength: 2 * PER_UNIT }),
      purpose: fc.constantFrom('report' as const, 'self-evaluation' as const),
    }),
    (v) => {
      const card = projectPicker({
        unitName: [...new Set(v.projects.map((p) => unitShort(p.unit)))].join('、'),
        purpose: v.purpose,
        period: 'midterm',
        projects: v.projects.map((p, i) => ({
          ...projectLabel(p),
          ...(v.statuses[i] ? { status: v.statuses[i] } : {}),
        })),
      });
      const shown = v.projects.filter((_, i) => says(card, keyOf(i))).length;
      return [
        ...faultsOf({ projectPicker: card }),
        ...(shown < v.projects.length && !says(card, `还有 ${v.projects.length - shown} 个项目未列出`)
          ? [`lists ${shown} of ${v.projects.length} projects without saying so`]
          : []),
      ];
    },
  );

  property(
    'reportReceived, selfEvaluationReceived',
    fc.record({
      p: oneProject,
      period: filePeriod,
      revision: fc.integer({ min: 1, max: 1000 }),
      late: fc.boolean(),
      self: fc.boolean(),
      total: fc.integer({ min: 0, max: RUBRIC_MAX }),
    }),
    (v) =>
      faultsOf({
        reportReceived: reportReceived({
          project: projectLabel(v.p),
          periodName: periodText(v.period),
          revision: v.revision,
          late: v.late,
          ...(v.self ? { selfEvaluation: { period: v.period.code } } : {}),
        }),
        selfEvaluationReceived: selfEvaluationReceived({
          project: projectLabel(v.p),
          periodName: periodText(v.period),
          total: v.total,
          max: RUBRIC_MAX,
          revision: v.revision,
        }),
      }),
  );

  const entry = fc
    .record({
      state: reportState,
      revisions: fc.integer({ min: 0, max: 50 }),
      latest: fc.option(fc.record({ fields: reportFields, submittedAt: stamp }), { nil: undefined }),
      self: fc.option(
        fc.record({
          total: fc.integer({ min: 0, max: RUBRIC_MAX }),
          justification: typed(REPORT_LIMITS.justification),
          submittedAt: stamp,
        }),
        { nil: undefined },
      ),
    })
    .filter((e) => e.latest !== undefined || e.self !== undefined);

  property(
    'historyCard: every period of the timeline on exactly one page',
    fc.record({
      p: oneProject,
      periods: fc.subarray([...PERIODS]),
      entries: fc.array(entry, { minLength: PERIODS.length, maxLength: PERIODS.length }),
    }),
    (v) => {
      // Each entry is named by its first typed text (the report's work, else the self-evaluation's justification).
      const entries: TimelineEntry[] = v.periods
        .map((p, i) => {
          const e = v.entries[i]!;
          return {
            periodName: periodText(p),
            due: p.due,
            state: e.state,
            revisions: e.revisions,
            ...(e.latest
              ? {
                  latest: {
                    ...e.latest.fields,
                    workDone: named(e.latest.fields.workDone, i),
                    submittedAt: e.latest.submittedAt,
                  },
                }
              : {}),
            ...(e.self
              ? {
                  selfEvaluation: {
                    total: e.self.total,
                    max: RUBRIC_MAX,
                    justification: e.latest ? e.self.justification : named(e.self.justification, i),
                    submittedAt: e.self.submittedAt,
                  },
                }
              : {}),
          };
        })
        .reverse();
      const project = projectLabel(v.p);
      return pagingProblems(
        (offset) => historyCard({ project, entries, offset, page: (o) => ({ a: 'rpt.history', p: project.id, o }) }),
        'rpt.history',
        v.periods.map((_, i) => keyOf(i)),
      );
    },
  );

  property(
    'selfEvaluationForm',
    fc.record({
      p: oneProject,
      period: filePeriod,
      prefill: fc.option(
        fc.record({
          justification: typed(REPORT_LIMITS.justification),
          scores: fc.array(fc.integer({ min: 0, max: 25 }), { minLength: RUBRIC.length, maxLength: RUBRIC.length }),
        }),
        { nil: undefined },
      ),
    }),
    (v) =>
      faultsOf({
        selfEvaluationForm: selfEvaluationForm({
          project: projectLabel(v.p),
          periodName: periodText(v.period),
          period: v.period.code,
          rubric: RUBRIC,
          ...(v.prefill
            ? {
                prefill: {
                  justification: v.prefill.justification,
                  scores: Object.fromEntries(RUBRIC.map((r, i) => [r.code, v.prefill!.scores[i]!])),
                },
              }
            : {}),
        }),
      }),
  );

  property(
    'reportsOverviewCard: says how many missing projects it does not name',
    fc.record({
      window: fc.constantFrom(...WINDOWS),
      reported: fc.array(fc.boolean(), { minLength: ALL_PROJECTS, maxLength: ALL_PROJECTS }),
      count: fc.integer({ min: 0, max: ALL_PROJECTS }),
      after: fc.boolean(),
      scope: fc.boolean(),
      others: fc.subarray([...WINDOWS]),
    }),
    (v) => {
      const refs = UNITS.flatMap((u) =>
        TRACKS.flatMap((t) =>
          [1, 2].map((k) => ({
            id: `prj_${t.code}${u.code}${k}`,
            code: projectCode(F.codePrefix, t.code, u.code, k),
            unit: u.code,
            track: t.code,
            createdAt: 0,
          })),
        ),
      ).slice(0, v.count);
      const first = new Map(refs.filter((_, i) => v.reported[i]).map((r) => [r.id, v.window.dueAt - 1]));
      const o = periodOverview(v.window, refs, first, v.after ? v.window.dueAt + 1 : v.window.opensAt);
      const byId = new Map(refs.map((r) => [r.id, r]));
      const card = reportsOverviewCard({
        overview: o,
        units: UNITS.map((u) => ({ code: u.code, name: u.shortName })),
        tracks: TRACKS,
        missingProjects: o.missing.map((id) => ({ code: byId.get(id)!.code, unitName: unitShort(byId.get(id)!.unit) })),
        otherPeriods: v.others.map((w) => ({ code: w.code, name: w.name, nameEn: w.nameEn })),
        ...(v.scope
          ? {
              scope: text(
                `你评审的赛道：${TRACKS.map((t) => t.code).join('、')}`,
                `Your tracks: ${TRACKS.map((t) => t.code).join(', ')}`,
              ),
            }
          : {}),
      });
      const listed = o.missing.filter((id) => says(card, byId.get(id)!.code)).length;
      return [
        ...faultsOf({ reportsOverviewCard: card }),
        ...(listed < o.missing.length && !says(card, `另有 ${o.missing.length - listed} 个`)
          ? [`names ${listed} of ${o.missing.length} missing without saying so`]
          : []),
      ];
    },
  );

  property(
    'scheduleCard: says how many units and items it leaves out',
    fc.record({
      current: fc.integer({ min: -1, max: STAGES.length - 1 }),
      deadlines: fc.subarray([...WINDOWS], { maxLength: 5 }),
      owed: fc.option(
        upTo(
          fc.record({
            unit: fileUnit,
            items: upTo(
              fc.record({
                code: fc.constantFrom('2024-T01-PD-1', '2024-T10-ZMQ-2'),
                period: filePeriod,
                overdue: fc.boolean(),
              }),
              PER_UNIT * PERIODS.length,
            ),
          }),
          UNITS.length,
        ),
        { nil: undefined },
      ),
    }),
    (v) => {
      const owed = v.owed?.map((u) => ({
        unitName: u.unit.shortName,
        items: u.items.map((i) => ({
          projectCode: i.code,
          periodName: periodText(i.period),
          due: i.period.due,
          overdue: i.overdue,
        })),
      }));
      const card = scheduleCard({
        stages: STAGES.map((s, i) => ({
          name: s.name,
          nameEn: s.nameEn,
          start: s.start,
          end: s.end,
          current: i === v.current,
        })),
        deadlines: v.deadlines.map((w) => ({ name: `${w.name}截止`, nameEn: `${w.nameEn} due`, date: w.due })),
        ...(owed ? { owed } : {}),
      });
      const units = owed ?? [];
      const shown = nodesOf(card.body.elements, 'markdown').filter((m) =>
        /还欠|目前没有欠报/.test(String(m.content)),
      ).length;
      const problems = faultsOf({ scheduleCard: card });
      if (shown < units.length && !says(card, `另有 ${units.length - shown} 个单位未列出`))
        problems.push(`shows ${shown} of ${units.length} units without saying so`);
      for (const u of units.slice(0, shown))
        if (u.items.length > 12 && !says(card, `…另有 ${u.items.length - 12} 项`))
          problems.push(`cuts ${u.items.length} items without saying so`);
      return problems;
    },
  );
});

// ── reminders ──────────────────────────────────────────────────────────────────────────────────────────────────────

describe('reminder cards on random data', () => {
  const owedItem: fc.Arbitrary<OwedItem> = fc.oneof(
    fc.record({
      what: fc.constantFrom(text('2024-T01-PD-1', '2024-T01-PD-1'), KIND_NAME.collective, KIND_NAME.individual),
      name: fc.oneof(typed(LIMITS.name), typed(AWARD_LIMITS.nominee)),
    }),
    fc.record({
      what: fc.constantFrom(
        text('还没有报名任何项目', 'no project registered yet'),
        text('还有 40 个项目未评分（或未回避）', '40 projects not scored (or recused) yet'),
      ),
    }),
  );
  const deadline = fc.oneof(
    filePeriod.map(periodText),
    fc.constant(text('评委评分截止', 'Judging closes')),
    fc.constant(text('先进材料报送截止', 'Award materials due')),
  );
  const reminder: fc.Arbitrary<ReminderView> = fc
    .record({
      deadlineName: deadline,
      daysLeft: fc.integer({ min: -60, max: 60 }),
      unit: fc.option(fileUnit, { nil: undefined }),
      items: upTo(owedItem, 70),
      action: fc.boolean(),
      snooze: fc.boolean(),
    })
    .map((v) => ({
      deadlineName: v.deadlineName,
      dueDate: '2024-07-31',
      daysLeft: v.daysLeft,
      ...(v.unit ? { unitName: v.unit.shortName } : {}),
      items: v.items,
      ...(v.action ? { action: { a: 'rpt.open', p: 'prj_00000000000000000000' } as ActionValue } : {}),
      ...(v.snooze ? { snooze: { a: 'rem.snooze', r: 'report', k: 'midterm', u: 'ZMQ' } as ActionValue } : {}),
    }));
  const contact = fc.oneof(
    fc.integer({ min: 0, max: 1e6 }).map((i) => `ou_${String(i).padStart(32, '0')}`),
    fc.constantFrom('all', 'ou_1><at id=all></at>', ''),
  );

  property(
    'reminderCard, groupReminderCard, escalationCard: say how many items they leave out',
    fc.record({ v: reminder, contacts: upTo(contact, CONTACTS_PER_UNIT) }),
    ({ v, contacts }) => {
      const cards = {
        reminderCard: reminderCard(v),
        groupReminderCard: groupReminderCard({ ...v, contacts }),
        escalationCard: escalationCard(v),
      };
      const problems = faultsOf(cards);
      if (v.items.length > 30)
        for (const [what, card] of Object.entries(cards))
          if (!says(card, `…另有 ${v.items.length - 30} 项`))
            problems.push(`${what} cuts ${v.items.length} items without saying so`);
      return problems;
    },
  );

  property(
    'digestCard: says how many rows it leaves out',
    fc.record({
      deadlineName: deadline,
      missing: upTo(
        fc.record({
          name: fc.oneof(
            fileUnit.map((u) => u.shortName),
            typed(DISPLAY_NAME),
          ),
          items: upTo(owedItem, PER_UNIT),
          contacts: fc.integer({ min: 0, max: CONTACTS_PER_UNIT }),
        }),
        TRACKS.length * JUDGES_PER_TRACK,
      ),
    }),
    (v) => {
      const card = digestCard({ deadlineName: v.deadlineName, dueDate: '2024-07-31', missing: v.missing });
      const rows = tables(card)[0] ?? [];
      return [
        ...faultsOf({ digestCard: card }),
        ...(rows.length < v.missing.length && !says(card, `另有 ${v.missing.length - rows.length} 个未列出`)
          ? [`lists ${rows.length} of ${v.missing.length} without saying so`]
          : []),
      ];
    },
  );

  property(
    'remindersPlanCard',
    fc.record({
      upcoming: upTo(
        fc.record({
          deadlineName: deadline,
          dueDate: fc.constant('2024-07-31'),
          step: fc.constantFrom('T-7', 'T-1', 'T-0', 'overdue', 'digest', 'escalate', 'snooze:3'),
          at: stamp,
          owing: fc.integer({ min: 0, max: ALL_PROJECTS }),
        }),
        60,
      ),
      sent: upTo(
        fc.record({
          deadlineName: deadline,
          step: fc.constantFrom('T-3', 'overdue', 'digest'),
          count: fc.integer({ min: 0, max: ALL_PROJECTS }),
          last: stamp,
        }),
        60,
      ),
      paused: fc.subarray(UNITS.map((u) => u.shortName)),
      allPaused: fc.boolean(),
    }),
    (v) => {
      const card = remindersPlanCard(v);
      return [
        ...faultsOf({ remindersPlanCard: card }),
        ...(v.upcoming.length > 40 && !says(card, `…另有 ${v.upcoming.length - 40} 条`)
          ? ['cuts the plan without saying so']
          : []),
      ];
    },
  );
});

// ── awards ─────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('award cards on random data', () => {
  const STATUSES: AwardStatus[] = [
    'nominated',
    'allocated',
    'materials_submitted',
    'approved',
    'rejected',
    'withdrawn',
    'declined',
  ];
  const buttonChoices: AwardRow['buttons'] = [
    { label: text('撤回提名', 'Withdraw'), value: { a: 'award.withdraw', w: 'awd_00000000000000000000' } },
    {
      label: text('确认名额', 'Confirm the place'),
      value: { a: 'award.confirm', w: 'awd_00000000000000000000' },
      type: 'primary',
    },
    {
      label: text('不予确认', 'Decline'),
      value: { a: 'award.decline', w: 'awd_00000000000000000000' },
      type: 'danger',
    },
    {
      label: text('报送材料', 'Submit materials'),
      value: { a: 'award.materials.open', w: 'awd_00000000000000000000' },
      type: 'primary',
    },
    {
      label: text('审定', 'Decide'),
      value: { a: 'award.decide.open', w: 'awd_00000000000000000000' },
      type: 'primary',
    },
  ];
  const awardRow = fc
    .record({
      track: fileTrack,
      unit: fileUnit,
      kind: fc.constantFrom<AwardKind>('collective', 'individual'),
      status: fc.constantFrom(...STATUSES),
      nominee: typed(AWARD_LIMITS.nominee),
      title: typed(AWARD_LIMITS.title, { empty: true }),
      projectName: typed(LIMITS.name),
      reason: typed(AWARD_LIMITS.reason),
      materials: fc.option(typed(AWARD_LIMITS.materials), { nil: undefined }),
      decisionNote: fc.option(typed(AWARD_LIMITS.note), { nil: undefined }),
      buttons: fc.subarray(buttonChoices),
    })
    .map(
      (r): AwardRow => ({
        id: 'awd_00000000000000000000',
        track: r.track.code,
        kind: r.kind,
        status: r.status,
        nominee: r.nominee,
        title: r.title,
        unitName: r.unit.shortName,
        projectCode: projectCode(F.codePrefix, r.track.code, r.unit.code, 2),
        projectName: r.projectName,
        reason: r.reason,
        ...(r.materials ? { materials: r.materials } : {}),
        ...(r.decisionNote ? { decisionNote: r.decisionNote } : {}),
        buttons: r.buttons,
      }),
    );
  const QUOTA = F.awards.collectives + F.awards.individuals;

  property(
    'awardsCard: every nomination on exactly one page',
    fc.record({
      rows: upTo(awardRow, QUOTA + 30),
      tracks: fc.subarray([...TRACKS]),
      nominate: fc.subarray(TRACKS.map((t) => t.code)),
      office: fc.boolean(),
    }),
    (v) => {
      const rows = v.rows.map((r, i) => ({ ...r, nominee: named(r.nominee, i) }));
      const quotas: QuotaRow[] = v.tracks.map((t) => ({
        track: t.code,
        trackName: t.name,
        trackNameEn: t.nameEn,
        collectives: { used: 1, quota: t.quota.collectives },
        individuals: { used: 4, quota: t.quota.individuals },
      }));
      const scope = v.office
        ? text('全部赛道', 'All tracks')
        : text(v.tracks.map((t) => t.code).join('、'), v.tracks.map((t) => t.code).join(', '));
      const window = text(
        '提名与名额确认：2024-11-01 至 2024-12-13；材料报送截止 2024-12-13；领导小组审定至 2024-12-31。',
        'Nominations and confirmations: 2024-11-01 to 2024-12-13; materials due 2024-12-13; leadership decisions until 2024-12-31.',
      );
      return pagingProblems(
        (offset) =>
          awardsCard({
            scope,
            quotas,
            rows,
            nominate: v.nominate.map((track) => ({ track, left: 7 })),
            window,
            offset,
            page: (o) => ({ a: 'award.list', o }),
          }),
        'award.list',
        rows.map((_, i) => keyOf(i)),
      );
    },
  );

  property(
    'nominationForm',
    fc
      .record({
        track: fileTrack,
        collective: fc.integer({ min: 0, max: 3 }),
        individual: fc.integer({ min: 0, max: 4 }),
        projects: projectsArb(PER_TRACK).filter((ps) => ps.length > 0),
        ranked: fc.boolean(),
      })
      .filter((v) => v.collective + v.individual > 0),
    (v) =>
      faultsOf({
        nominationForm: nominationForm({
          track: v.track.code,
          trackName: v.track.name,
          trackNameEn: v.track.nameEn,
          left: { collective: v.collective, individual: v.individual },
          projects: v.projects.map((p, i) => ({
            id: p.id,
            code: p.code,
            name: p.name,
            unitName: unitShort(p.unit),
            ...(v.ranked ? { rank: i + 1 } : {}),
          })),
        }),
      }),
  );

  property(
    'materialsForm, decisionForm, awardStepCard, placeConfirmedCard',
    fc.record({
      row: awardRow,
      prefill: fc.option(fc.record({ materials: typed(AWARD_LIMITS.materials), links: linksArb(AWARD_LIMITS.links) }), {
        nil: undefined,
      }),
      links: linksArb(AWARD_LIMITS.links),
      standing: fc.boolean(),
    }),
    (v) =>
      faultsOf({
        materialsForm: materialsForm({ row: v.row, due: MATERIALS_DUE, ...(v.prefill ? { prefill: v.prefill } : {}) }),
        decisionForm: decisionForm({
          row: v.row,
          links: v.links,
          standing: v.standing
            ? text(
                '所依托的项目在已发布排行中列 T01 赛道第 3 名（共 40 个有名次的项目，名额线 7）。',
                'The project ranks #3 of 40 in track T01 in the published rankings (award line: 7).',
              )
            : text(
                '所依托的项目在实时排名（未发布）中没有名次（没有计入的评分）。',
                'The project has no rank in the live standings (unpublished) (no counted scores).',
              ),
        }),
        awardStepCard: awardStepCard({ row: v.row, done: text('已确认名额。', 'Place confirmed.') }),
        placeConfirmedCard: placeConfirmedCard({ row: v.row, due: MATERIALS_DUE }),
      }),
  );

  property(
    'announcementCard: says how many it leaves out',
    upTo(
      fc.record({
        kind: fc.constantFrom<AwardKind>('collective', 'individual'),
        track: fileTrack.map((t) => t.code),
        nominee: typed(AWARD_LIMITS.nominee),
        title: typed(AWARD_LIMITS.title, { empty: true }),
        unitName: fileUnit.map((u) => u.shortName),
      }),
      QUOTA,
    ),
    (rows) => {
      const card = announcementCard({ competitionName: F.name, competitionNameEn: F.nameEn, rows });
      const problems = faultsOf({ announcementCard: card });
      const kinds = (['collective', 'individual'] as const)
        .map((k) => rows.filter((r) => r.kind === k).length)
        .filter((n) => n > 0);
      tables(card).forEach((t, i) => {
        const all = kinds[i] ?? 0;
        if (t.length < all && !says(card, `另有 ${all - t.length} 个未列出`))
          problems.push(`lists ${t.length} of ${all} without saying so`);
      });
      return problems;
    },
  );
});

// ── judging ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe('judging cards on random data', () => {
  const state = fc.constantFrom<SheetState>('todo', 'scored', 'recused', 'own-unit');
  property(
    'judgeListCard: every project on exactly one page',
    fc.record({
      projects: projectsArb(ALL_PROJECTS),
      states: fc.array(state, { minLength: ALL_PROJECTS, maxLength: ALL_PROJECTS }),
      total: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
      progress: fc.option(fc.record({ period: filePeriod, completion: fc.integer({ min: 0, max: 100 }) }), {
        nil: undefined,
      }),
      self: fc.boolean(),
      status: fc.constantFrom('before' as const, 'open' as const, 'closed' as const),
      tracks: fc.subarray([...TRACKS], { minLength: 1 }),
    }),
    (v) => {
      const items: JudgeListItem[] = v.projects.map((p, i) => ({
        ...judged(p),
        state: v.states[i]!,
        ...(v.states[i] === 'scored' && v.total !== undefined ? { total: v.total } : {}),
        ...(v.progress && i % 3
          ? { progress: { periodName: periodText(v.progress.period), completion: v.progress.completion } }
          : {}),
        ...(v.self && i % 2 ? { selfEvaluation: { total: i % RUBRIC_MAX, max: RUBRIC_MAX } } : {}),
      }));
      const scope = text(
        v.tracks.map((t) => `${t.code} ${t.name}`).join('、'),
        v.tracks.map((t) => `${t.code} ${t.nameEn}`).join(', '),
      );
      return pagingProblems(
        (offset) =>
          judgeListCard({
            scope,
            tally: { scored: 1, recused: 2, ownUnit: 3, todo: 4 },
            window: { opens: JW.opens, closes: JW.closes, status: v.status },
            items,
            offset,
            page: (o) => ({ a: 'judge.list', t: '*', o }),
          }),
        'judge.list',
        items.map((_, i) => keyOf(i)),
      );
    },
  );

  property(
    'scoreForm, scoreSaved, recusalForm, recusedCard',
    fc.record({
      p: oneProject,
      next: fc.option(oneProject, { nil: undefined }),
      comment: fc.option(typed(SCORE_LIMITS.comment), { nil: undefined }),
      recusedBefore: fc.option(typed(SCORE_LIMITS.reason, { empty: true }), { nil: undefined }),
      reason: typed(SCORE_LIMITS.reason),
      latest: fc.option(
        fc.record({
          period: filePeriod,
          completion: fc.integer({ min: 0, max: 100 }),
          results: typed(REPORT_LIMITS.results),
        }),
        { nil: undefined },
      ),
      self: fc.option(
        fc.record({
          period: filePeriod,
          total: fc.integer({ min: 0, max: RUBRIC_MAX }),
          justification: typed(REPORT_LIMITS.justification),
        }),
        { nil: undefined },
      ),
      total: fc.double({ min: 0, max: 100, noNaN: true }),
      outcome: fc.constantFrom('created' as const, 'revised' as const, 'unchanged' as const),
    }),
    (v) => {
      const project = judged(v.p);
      const next = v.next && judged(v.next);
      const scores = Object.fromEntries(RUBRIC.map((r) => [r.code, r.max]));
      return faultsOf({
        scoreForm: scoreForm({
          project,
          rubric: RUBRIC,
          ...(v.comment !== undefined ? { prefill: { scores, comment: v.comment } } : {}),
          ...(v.recusedBefore !== undefined ? { recusedBefore: v.recusedBefore } : {}),
          ...(v.latest
            ? {
                latest: {
                  periodName: periodText(v.latest.period),
                  completion: v.latest.completion,
                  results: v.latest.results,
                  submittedOn: '2024-10-31',
                },
              }
            : {}),
          ...(v.self
            ? {
                selfEvaluation: {
                  periodName: periodText(v.self.period),
                  total: v.self.total,
                  max: RUBRIC_MAX,
                  justification: v.self.justification,
                },
              }
            : {}),
          closes: JW.closes,
        }),
        scoreSaved: scoreSaved({
          project,
          rubric: RUBRIC,
          scores,
          total: v.total,
          outcome: v.outcome,
          closes: JW.closes,
          ...(next ? { next } : {}),
        }),
        recusalForm: recusalForm({
          project,
          closes: JW.closes,
          ...(v.recusedBefore ? { reason: v.recusedBefore } : {}),
        }),
        recusedCard: recusedCard({ project, reason: v.reason, closes: JW.closes, ...(next ? { next } : {}) }),
      });
    },
  );
});

// ── rankings ───────────────────────────────────────────────────────────────────────────────────────────────────────

describe('ranking cards on random data', () => {
  const mode: fc.Arbitrary<RankingMode> = fc.oneof(
    fc
      .record({
        kind: fc.constant('published' as const),
        version: fc.integer({ min: 1, max: 1000 }),
        publishedOn: fc.constant('2024-11-30'),
        hash: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
      })
      .map(({ hash, ...m }) => (hash ? { ...m, hash } : m)),
    fc.record({ kind: fc.constant('live' as const), asOf: stamp }),
  );

  /** Unscored projects a track's ranking names at most (cards/rankings.ts). */
  const UNSCORED_LISTED = 30;

  property(
    'trackRankingCard: every ranked project on exactly one page, the unscored ones listed once (30 at most, the rest counted)',
    fc.record({
      track: fileTrack,
      mode,
      projects: projectsArb(PER_TRACK),
      ranked: fc.integer({ min: 0, max: PER_TRACK }),
      quota: fc.integer({ min: 0, max: 7 }),
      flat: fc.integer({ min: 0, max: JUDGES_PER_TRACK }),
    }),
    (v) => {
      const cut = Math.min(v.ranked, v.projects.length);
      const rows: RankRow[] = v.projects.slice(0, cut).map((p, i) => ({
        rank: i + 1,
        code: p.code,
        name: p.name,
        unitName: unitShort(p.unit),
        score: 160 - i * 1.37,
        rawMean: 99.9 - i,
        judges: JUDGES_PER_TRACK,
        inQuota: i < v.quota,
        closeCall: Math.abs(i - v.quota) < 2,
      }));
      const unscored = v.projects.slice(cut).map((p) => ({ code: p.code, name: p.name }));
      const build = (offset: number) =>
        trackRankingCard({
          track: { code: v.track.code, name: v.track.name, nameEn: v.track.nameEn },
          mode: v.mode,
          quota: v.quota,
          rows,
          unscored,
          flatJudges: v.flat,
          offset,
          page: (o) => ({ a: 'rank.track', t: v.track.code, v: 1, o }),
          overview: { a: 'rank.overview', v: 1, o: 0 },
        });
      // The unscored list names 30 and counts the rest (on the last page).
      const listed = Math.min(v.projects.length, cut + UNSCORED_LISTED);
      const problems = pagingProblems(
        build,
        'rank.track',
        v.projects.slice(0, listed).map((_, i) => keyOf(i)),
      );
      if (unscored.length > UNSCORED_LISTED) {
        let offset = 0;
        let last = build(0);
        for (let guard = 0; guard <= PER_TRACK; guard++) {
          const next = buttonValues(last).find((b) => b.a === 'rank.track' && typeof b.o === 'number' && b.o > offset);
          if (!next) break;
          offset = next.o as number;
          last = build(offset);
        }
        if (!says(last, `+${unscored.length - UNSCORED_LISTED}`))
          problems.push(`names ${UNSCORED_LISTED} of ${unscored.length} unscored projects without counting the rest`);
      }
      return problems;
    },
  );

  property(
    'rankingsOverviewCard: every project of the cross-track table on exactly one page',
    fc.record({
      mode,
      projects: projectsArb(ALL_PROJECTS),
      tracks: fc.subarray([...TRACKS]),
      units: fc.subarray([...UNITS]),
      quota: fc.integer({ min: 0, max: 7 }),
    }),
    (v) => {
      const tracks: TrackSummary[] = v.tracks.map((t) => {
        const mine = v.projects.filter((p) => p.track === t.code);
        return {
          code: t.code,
          name: t.name,
          nameEn: t.nameEn,
          ranked: mine.length,
          quota: v.quota,
          closeCalls: 2,
          inQuota: mine.slice(0, v.quota).map((p, i) => ({
            rank: i + 1,
            code: p.code,
            name: p.name,
            unitName: unitShort(p.unit),
            closeCall: i % 2 === 0,
          })),
        };
      });
      const units: UnitRow[] = v.units.map((u, i) => ({
        unitName: u.shortName,
        meanPercentile: i % 5 ? 100 - i : null,
        ranked: 20,
        inQuota: 3,
        closeCalls: 1,
      }));
      const entries: CrossRow[] = v.projects.map((p, i) => ({
        position: i + 1,
        trackCode: p.track,
        code: p.code,
        name: p.name,
        unitName: unitShort(p.unit),
        percentile: 100 - (100 * i) / Math.max(1, v.projects.length),
        rank: (i % PER_TRACK) + 1,
        of: PER_TRACK,
        inQuota: i % PER_TRACK < v.quota,
        closeCall: i % 9 === 0,
      }));
      return pagingProblems(
        (offset) =>
          rankingsOverviewCard({
            mode: v.mode,
            tracks,
            units,
            entries,
            offset,
            page: (o) => ({ a: 'rank.overview', v: 1, o }),
            trackAction: (t) => ({ a: 'rank.track', t, v: 1, o: 0 }),
          }),
        'rank.overview',
        entries.map((_, i) => keyOf(i)),
        (card) => tables(card),
      );
    },
  );

  const tally: fc.Arbitrary<PeriodTally> = fc
    .tuple(fc.nat(PER_TRACK), fc.nat(PER_TRACK), fc.nat(PER_TRACK), fc.nat(PER_TRACK))
    .map(([onTime, late, missing, pending]) => {
      const owed = onTime + late + missing;
      return { onTime, late, missing, pending, owed, onTimeShare: owed ? onTime / owed : 1 };
    });

  property(
    'participationCard: says which units its tables leave out',
    fc.record({
      kind: fc.constantFrom('registration' as const, 'implementation' as const, 'judging' as const),
      counts: fc.array(fc.integer({ min: 0, max: PER_UNIT_TRACK }), {
        minLength: UNITS.length * TRACKS.length,
        maxLength: UNITS.length * TRACKS.length,
      }),
      note: fc.boolean(),
      reports: fc.option(
        fc.record({
          period: filePeriod,
          total: tally,
          units: fc.subarray([...UNITS]),
          byUnit: fc.array(tally, { minLength: UNITS.length, maxLength: UNITS.length }),
          byTrack: fc.array(tally, { minLength: TRACKS.length, maxLength: TRACKS.length }),
        }),
        { nil: undefined },
      ),
      judging: fc.option(
        fc.array(fc.record({ judges: fc.nat(JUDGES_PER_TRACK), done: fc.nat(200), expected: fc.nat(200) }), {
          minLength: TRACKS.length,
          maxLength: TRACKS.length,
        }),
        { nil: undefined },
      ),
    }),
    (v) => {
      const tracks = TRACKS.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn }));
      const o = registrationOverview({
        units: UNITS,
        tracks: TRACKS,
        counts: UNITS.flatMap((u, i) =>
          TRACKS.map((t, j) => ({ unit: u.code, track: t.code, n: v.counts[i * TRACKS.length + j]! })),
        ),
      });
      const stage = STAGES[v.kind === 'registration' ? 0 : v.kind === 'implementation' ? 1 : 2]!;
      const view: ParticipationView = {
        kind: v.kind,
        stage: text(
          `${stage.name}（${stage.start} ~ ${stage.end}）`,
          `${stage.nameEn} (${stage.start} – ${stage.end})`,
        ),
        tracks,
        registrations: {
          rows: o.rows.map((r) => ({ unitName: r.name, byTrack: r.byTrack, total: r.total })),
          trackTotals: o.trackTotals,
          total: o.total,
          unitsWithout: o.unitsWithout,
        },
        ...(v.note
          ? {
              note: text(
                '竞赛办发布排行后，这里会显示各赛道的排名。',
                'Rankings will be shown here once the office publishes them.',
              ),
            }
          : {}),
        ...(v.kind !== 'registration' && v.reports
          ? {
              reports: {
                periodName: periodText(v.reports.period),
                due: v.reports.period.due,
                total: v.reports.total,
                byUnit: v.reports.units.map((u, i) => ({ unitName: u.shortName, tally: v.reports!.byUnit[i]! })),
                byTrack: tracks.map((t, i) => ({ track: t, tally: v.reports!.byTrack[i]! })),
              },
            }
          : {}),
        ...(v.kind === 'judging' && v.judging
          ? { judging: { closes: JW.closes, byTrack: tracks.map((t, i) => ({ track: t, ...v.judging![i]! })) } }
          : {}),
      };
      const card = participationCard(view);
      const problems = faultsOf({ [`participationCard ${v.kind}`]: card });
      const all = [view.registrations.rows.length, view.reports?.byUnit.length ?? 0];
      const unitTables = tables(card).filter((rows) => rows.some((r) => 'unit' in r));
      unitTables.forEach((rows, i) => {
        const shown = rows.filter((r) => r.unit !== '合计 Total').length;
        const of = v.kind === 'registration' && i === 0 ? all[0]! : all[1]!;
        if (shown < of && !says(card, `只列出前 ${shown} 个单位，共 ${of} 个`))
          problems.push(`a table lists ${shown} of ${of} units without saying so`);
      });
      return problems;
    },
  );

  property(
    'publishedCard',
    fc.record({
      version: fc.integer({ min: 1, max: 1000 }),
      tracks: fc.subarray([...TRACKS]),
      posted: fc.oneof(typed(CHAT_NAME), fc.constant(null), fc.constant(undefined), fc.constant('')),
      verified: fc.boolean(),
      skipped: fc.nat(50),
    }),
    (v) =>
      faultsOf({
        publishedCard: publishedCard({
          version: v.version,
          posted: v.posted,
          verified: v.verified,
          tracks: v.tracks.map((t) => ({
            track: { code: t.code, name: t.name, nameEn: t.nameEn },
            ranked: 40,
            projects: 40,
            judges: v.skipped % 8,
            closeCalls: 3,
            hash: 'a'.repeat(64),
            skipped: v.skipped,
          })),
        }),
      }),
  );
});

// ── members, help, welcome, export ─────────────────────────────────────────────────────────────────────────────────

describe('members, help, welcome and export cards on random data', () => {
  const holder: fc.Arbitrary<Holder> = fc.record({
    openId: fc.integer({ min: 0, max: 1e6 }).map((i) => `ou_${i}`),
    name: typed(DISPLAY_NAME),
    source: fc.constantFrom<GrantSource>('env', 'file', 'chat'),
  });

  property(
    'membersCard: says which rows its tables leave out',
    fc.record({
      office: upTo(holder, 10),
      leaders: upTo(holder, 10),
      contacts: fc.array(upTo(holder, CONTACTS_PER_UNIT), { minLength: UNITS.length, maxLength: UNITS.length }),
      judges: fc.array(upTo(holder, JUDGES_PER_TRACK), { minLength: TRACKS.length, maxLength: TRACKS.length }),
      unitLeaders: fc
        .subarray([...UNITS])
        .chain((us) =>
          fc
            .array(upTo(holder, 2, 1), { minLength: us.length, maxLength: us.length })
            .map((hs) => us.map((u, i) => ({ code: u.code, shortName: u.shortName, leaders: hs[i]! }))),
        ),
      orphans: upTo(
        fc
          .record({
            h: holder,
            role: fc.constantFrom('contact' as const, 'judge' as const),
            scope: fc.constantFrom('XX', 'T99'),
          })
          .map(({ h, ...o }) => ({ ...h, ...o })),
        20,
      ),
    }),
    (v) => {
      const view: MembersView = {
        office: v.office,
        leaders: v.leaders,
        units: UNITS.map((u, i) => ({ code: u.code, name: u.name, shortName: u.shortName, contacts: v.contacts[i]! })),
        tracks: TRACKS.map((t, i) => ({ code: t.code, name: t.name, nameEn: t.nameEn, judges: v.judges[i]! })),
        unitLeaders: v.unitLeaders,
        orphans: v.orphans,
      };
      const card = membersCard(view);
      const problems = faultsOf({ membersCard: card });
      const counts = [
        view.units.length,
        view.tracks.length,
        ...(view.unitLeaders.length ? [view.unitLeaders.length] : []),
        ...(view.orphans.length ? [view.orphans.length] : []),
      ];
      tables(card).forEach((rows, i) => {
        const all = counts[i]!;
        if (rows.length < all && !says(card, `只列出前 ${rows.length} 行，共 ${all} 行`))
          problems.push(`a table lists ${rows.length} of ${all} rows without saying so`);
      });
      return problems;
    },
  );

  property(
    'helpCard',
    fc.record({
      office: fc.boolean(),
      leader: fc.boolean(),
      units: fc.subarray(UNITS.map((u) => u.code)),
      tracks: fc.subarray(TRACKS.map((t) => t.code)),
      inGroup: fc.boolean(),
      named: fc.boolean(),
    }),
    (v) => {
      const roles: Roles = { office: v.office, leader: v.leader, contactOf: v.units, judgeOf: v.tracks };
      const headingFor = (a: Audience | readonly Audience[]): Audience =>
        Array.isArray(a) ? (a.find((x) => inAudience(roles, x)) ?? a[0]!) : (a as Audience);
      const commands: HelpEntry[] = COMMANDS.filter((cmd) => inAudience(roles, cmd.audience)).map((cmd) => ({
        words: cmd.words,
        summary: cmd.summary,
        usage: cmd.usage,
        section: headingFor(cmd.audience),
      }));
      return faultsOf({
        helpCard: helpCard({
          roles: describeRoles(roles, v.named ? { units: UNITS, tracks: TRACKS } : undefined),
          commands,
          inGroup: v.inGroup,
        }),
      });
    },
  );

  property('welcomeCard', fc.boolean(), (inGroup) =>
    faultsOf({ welcomeCard: welcomeCard({ competitionName: F.name, competitionNameEn: F.nameEn, inGroup }) }),
  );

  property(
    'exportSummaryCard',
    fc.record({
      track: fc.option(fileTrack, { nil: undefined }),
      rows: fc.array(fc.nat(1_000_000), { minLength: 6, maxLength: 6 }),
      size: fc.constantFrom('1 KB', '12.3 MB'),
    }),
    (v) => {
      const sheets = [
        '项目 Projects',
        '进展 Reports',
        '自评 Self-evaluations',
        '评分 Scores',
        '表彰 Awards',
        '审计 Audit log',
      ].map((name, i) => ({ name, rows: v.rows[i]! }));
      return faultsOf({
        exportSummaryCard: exportSummaryCard({
          fileName: `saidao-${F.id}${v.track ? `-${v.track.code}` : ''}-20241231-2359.xlsx`,
          size: v.size,
          scope: v.track
            ? text(`${v.track.code} ${v.track.name}`, `${v.track.code} ${v.track.nameEn}`)
            : text('全部赛道', 'all tracks'),
          timeZone: c.timeZone,
          sheets,
        }),
      });
    },
  );
});
