/**
 * Every card builder of cards/ with its variants, at two sizes: `TEST_SIZE` (a few units, tracks and projects, short
 * typed values with markup characters in them, as a feature test would have) and `MAX_SIZE` (the full 2024 season of
 * test/support/season.ts: 400 projects, every typed value at its longest, full award quotas). Paged cards give every
 * page, walked by the offsets of their own "next" buttons.
 *
 * `GALLERY_BUILDERS` names the builders covered; the card renderer's test fails when cards/ exports a builder the
 * gallery does not show.
 */
import type { ActionValue } from '../../cards/actions';
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
import { exportSummaryCard } from '../../cards/export';
import { helpCard, type HelpEntry } from '../../cards/help';
import {
  judgeListCard,
  recusalForm,
  recusedCard,
  scoreForm,
  scoreSaved,
  type JudgeListItem,
  type SheetState,
} from '../../cards/judging';
import type { Card } from '../../cards/kit';
import { membersCard, type Holder, type MembersView } from '../../cards/members';
import {
  participationCard,
  publishedCard,
  rankingsOverviewCard,
  trackRankingCard,
  type CrossRow,
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
  periodFilesCard,
  periodGuidanceCard,
  projectPicker,
  reportForm,
  reportReceived,
  reportsOverviewCard,
  scheduleCard,
  selfEvaluationForm,
  selfEvaluationReceived,
  type PeriodChoice,
  type ThreadView,
  type TimelineEntry,
  ANSWERS_LISTED,
  ATTACHMENTS_LISTED,
  THREADS_LISTED,
} from '../../cards/reports';
import { welcomeCard } from '../../cards/welcome';
import type { AttachedFile, ReceiptFiles } from '../../cards/attachments';
import {
  answerNoticeCard,
  answerSentCard,
  commentForm,
  commentSentCard,
  commentToContactCard,
  guidanceThreadCard,
  type CommentTarget,
} from '../../cards/guidance';
import { GUIDANCE_ANSWER_FIELD, GUIDANCE_COMMENT_FIELD } from '../../cards/guidance.form';
import { judgeDigestCard, type JudgeDigestView } from '../../cards/guidance-digest';
import { questionReminderCard, type OpenQuestion } from '../../cards/reminders';
import { KIND_NAME, type AwardKind, type AwardStatus } from '../../src/core/awards';
import { periodWindows, type PeriodTally, type ReportState } from '../../src/core/periods';
import { nothingToReport } from '../../src/features/reports/reporting.rules';
import { inAudience, type Audience, type GrantSource, type Roles } from '../../src/core/roles';
import { COMMANDS } from '../../src/container';
import { describeRoles } from '../../src/features/help/help.handlers';
import { registrationOverview } from '../../src/features/registration/registration.rules';
import { periodOverview } from '../../src/features/reports/reporting.rules';
import { judgingWindow } from '../../src/features/scoring/scoring.rules';
import { text, type Text } from '../../src/platform/i18n';
import { buttonValues, TYPED_MARK } from './card-checks';
import { AWARD_LIMITS, LIMITS, REPORT_LIMITS, SCORE_LIMITS } from './form-limits';
import * as season from './season';
import {
  c,
  F,
  judged,
  openId,
  PERIODS,
  periodText,
  projectLabel,
  projectView,
  RUBRIC,
  RUBRIC_MAX,
  type SeasonProject,
  STAGES,
  unitShort,
} from './season';

type Unit = (typeof season.UNITS)[number];
type Track = (typeof season.TRACKS)[number];

export interface GallerySize {
  readonly name: 'test' | 'max';
  readonly units: readonly Unit[];
  readonly tracks: readonly Track[];
  readonly projects: readonly SeasonProject[];
  readonly judgesPerTrack: number;
  readonly contactsPerUnit: number;
  /** What a person typed into a field of `max` characters. */
  typed(max: number): string;
  /** Evidence links, one a line, within a field of `max` characters. */
  links(max: number, count?: number): string[];
  /** A person's display name as Lark gives it. */
  person(): string;
  /** A group's name. */
  chatName(): string;
}

export const MAX_SIZE: GallerySize = {
  name: 'max',
  units: season.UNITS,
  tracks: season.TRACKS,
  projects: season.PROJECTS,
  judgesPerTrack: season.JUDGES_PER_TRACK,
  contactsPerUnit: season.CONTACTS_PER_UNIT,
  typed: season.typed,
  links: season.links,
  person: season.person,
  chatName: () => season.typed(season.CHAT_NAME),
};

let shortSerial = 0;
/** Short, with the characters that matter to markup and to HTML, cut to `max`. */
const shortTyped = (max: number) =>
  [...`${TYPED_MARK}输入 <b>*${++shortSerial}*</b> & "引号" [x](javascript:alert(1))`].slice(0, max).join('');
const SMALL_UNITS = season.UNITS.slice(0, 3);
const SMALL_TRACKS = season.TRACKS.slice(0, 2);

export const TEST_SIZE: GallerySize = {
  name: 'test',
  units: SMALL_UNITS,
  tracks: SMALL_TRACKS,
  projects: SMALL_UNITS.flatMap((u) =>
    SMALL_TRACKS.map((t) => {
      const p = season.PROJECTS.find((x) => x.unit === u.code && x.track === t.code)!;
      return {
        ...p,
        fields: {
          name: shortTyped(LIMITS.name),
          lead: shortTyped(LIMITS.lead),
          summary: shortTyped(LIMITS.summary),
          goals: shortTyped(LIMITS.goals),
          phone: '021-12345678',
        },
      };
    }),
  ),
  judgesPerTrack: 2,
  contactsPerUnit: 1,
  typed: shortTyped,
  links: (_max, count = 2) => Array.from({ length: Math.min(count, 2) }, (_, i) => `https://example.cn/${i + 1}`),
  person: () => shortTyped(12),
  chatName: () => shortTyped(20),
};

export interface GalleryCard {
  /** The builder's name as cards/ exports it. */
  builder: string;
  /** Which variant (and page) this is. */
  what: string;
  card: Card;
  /** What the card was built from (its view, without the page offset), where a test reads it. */
  view?: unknown;
}

/** The builders the gallery shows (every card builder of cards/). */
export const GALLERY_BUILDERS = [
  'registrationForm',
  'editForm',
  'registeredCard',
  'confirmWithdrawCard',
  'withdrawnCard',
  'unitNoticeCard',
  'projectsCard',
  'registrationsCard',
  'reportForm',
  'projectPicker',
  'reportReceived',
  'selfEvaluationReceived',
  'historyCard',
  'periodGuidanceCard',
  'periodFilesCard',
  'selfEvaluationForm',
  'reportsOverviewCard',
  'scheduleCard',
  'reminderCard',
  'groupReminderCard',
  'escalationCard',
  'digestCard',
  'remindersPlanCard',
  'awardsCard',
  'nominationForm',
  'materialsForm',
  'decisionForm',
  'awardStepCard',
  'placeConfirmedCard',
  'announcementCard',
  'judgeListCard',
  'scoreForm',
  'scoreSaved',
  'recusalForm',
  'recusedCard',
  'trackRankingCard',
  'rankingsOverviewCard',
  'participationCard',
  'publishedCard',
  'membersCard',
  'helpCard',
  'welcomeCard',
  'exportSummaryCard',
  'commentForm',
  'commentSentCard',
  'commentToContactCard',
  'answerSentCard',
  'answerNoticeCard',
  'guidanceThreadCard',
  'judgeDigestCard',
  'questionReminderCard',
] as const;

type Builder = (typeof GALLERY_BUILDERS)[number];

/** Every page of a paged card, from offset 0 by the offset of its own "next" button (value `a === action`). */
export function pages(build: (offset: number) => Card, action: string): Card[] {
  const out: Card[] = [];
  let offset = 0;
  for (let guard = 0; guard < 200; guard++) {
    const card = build(offset);
    out.push(card);
    const next = buttonValues(card)
      .filter((v) => v.a === action && typeof v.o === 'number' && v.o > offset)
      .map((v) => v.o as number);
    if (!next.length) break;
    offset = Math.min(...next);
  }
  return out;
}

// ── award rows, as the awards handlers give them ──

export type AwardViewer = 'judge' | 'office' | 'contact' | 'leader' | 'all';
const LIVE: AwardStatus[] = ['nominated', 'allocated', 'materials_submitted', 'approved'];
export const ENDED_AWARDS: AwardStatus[] = ['declined', 'withdrawn', 'rejected'];
export const AWARD_STATUSES: AwardStatus[] = [...LIVE, ...ENDED_AWARDS];

/** The buttons the viewer gets on a nomination in this status (as awards.handlers' buttonsFor gives them). */
function awardButtons(viewer: AwardViewer, status: AwardStatus, id: string): AwardRow['buttons'] {
  const out: AwardRow['buttons'] = [];
  const is = (v: AwardViewer) => viewer === v || viewer === 'all';
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

let awardSerial = 0;
/** A nomination of the i-th project of the track, every typed value at this size, with the viewer's buttons. */
export function awardRow(
  s: GallerySize,
  track: string,
  kind: AwardKind,
  status: AwardStatus,
  viewer: AwardViewer,
  i: number,
): AwardRow {
  const ofTrack = s.projects.filter((p) => p.track === track);
  const p = ofTrack[i % ofTrack.length]!;
  const id = `awd_${String(awardSerial++).padStart(20, '0')}`;
  const hasMaterials = ['materials_submitted', 'approved', 'rejected'].includes(status);
  const decided = status === 'approved' || status === 'rejected';
  return {
    id,
    track,
    kind,
    status,
    nominee: s.typed(AWARD_LIMITS.nominee),
    title: kind === 'individual' ? s.typed(AWARD_LIMITS.title) : '',
    unitName: unitShort(p.unit),
    projectCode: p.code,
    projectName: p.fields.name,
    reason: s.typed(AWARD_LIMITS.reason),
    ...(hasMaterials ? { materials: s.typed(AWARD_LIMITS.materials) } : {}),
    ...(decided ? { decisionNote: s.typed(AWARD_LIMITS.note) } : {}),
    buttons: awardButtons(viewer, status, id),
  };
}

/** The full quota of every track (live, in every live status, less `placesLeft` collectives), then `ended` ended nominations per track. */
export function awardSeason(s: GallerySize, viewer: AwardViewer, ended: number, placesLeft = 0): AwardRow[] {
  const live = s.tracks.flatMap((t) => [
    ...Array.from({ length: t.quota.collectives - placesLeft }, (_, i) =>
      awardRow(s, t.code, 'collective', LIVE[i % 4]!, viewer, i),
    ),
    ...Array.from({ length: t.quota.individuals }, (_, i) =>
      awardRow(s, t.code, 'individual', LIVE[(i + 1) % 4]!, viewer, i + 3),
    ),
  ]);
  const gone = s.tracks.flatMap((t) =>
    Array.from({ length: ended }, (_, i) =>
      awardRow(s, t.code, i % 2 ? 'individual' : 'collective', ENDED_AWARDS[i % 3]!, viewer, i + 7),
    ),
  );
  return [...live, ...gone];
}

/** Every track's quota used up, the materials' due date and the nomination window's text. */
export function awardSetting(s: GallerySize): { quotas: QuotaRow[]; materialsDue: string; window: Text } {
  const evaluation = STAGES.find((x) => x.code === 'evaluation')!;
  const materialsDue = F.milestones.find((m) => m.code === 'materials-due')!.date;
  return {
    quotas: s.tracks.map((t) => ({
      track: t.code,
      trackName: t.name,
      trackNameEn: t.nameEn,
      collectives: { used: t.quota.collectives, quota: t.quota.collectives },
      individuals: { used: t.quota.individuals, quota: t.quota.individuals },
    })),
    materialsDue,
    window: text(
      `提名与名额确认：${evaluation.start} 至 ${materialsDue}；材料报送截止 ${materialsDue}；领导小组审定至 ${evaluation.end}。`,
      `Nominations and confirmations: ${evaluation.start} to ${materialsDue}; materials due ${materialsDue}; leadership decisions until ${evaluation.end}.`,
    ),
  };
}

/** Every card builder's output at this size. */
export function cardGallery(s: GallerySize): GalleryCard[] {
  const out: GalleryCard[] = [];
  const add = (builder: Builder, what: string, ...cards: Card[]) => addView(builder, what, undefined, ...cards);
  const addView = (builder: Builder, what: string, view: unknown, ...cards: Card[]) =>
    cards.forEach((card, i) => {
      out.push({ builder, what: cards.length > 1 ? `${what} #${i + 1}` : what, card, view });
    });
  const ofUnit = (u: string) => s.projects.filter((p) => p.unit === u);
  const ofTrack = (t: string) => s.projects.filter((p) => p.track === t);
  const perUnitTrack = Math.max(
    1,
    ...s.units.flatMap((u) => s.tracks.map((t) => ofUnit(u.code).filter((p) => p.track === t.code).length)),
  );
  const fullReport = () => ({
    workDone: s.typed(REPORT_LIMITS.workDone),
    results: s.typed(REPORT_LIMITS.results),
    completion: 100,
    evidence: s.links(REPORT_LIMITS.evidence),
    problems: s.typed(REPORT_LIMITS.problems),
  });
  const unit = s.units[0]!;
  const unitRef = { code: unit.code, name: unit.name };
  const mine = ofUnit(unit.code);
  const stamp = '2024-10-31 23:59';
  const states: ReportState[] = ['on_time', 'late', 'missing', 'pending'];
  const jw = judgingWindow(c);
  const windows = periodWindows(c);

  // ── registration ──
  const regStage = STAGES.find((x) => x.code === 'registration')!;
  const choices = (left: (i: number) => number) =>
    s.tracks.map((t, i) => ({ code: t.code, name: t.name, nameEn: t.nameEn, left: left(i) }));
  add(
    'registrationForm',
    'open',
    registrationForm({ unit: unitRef, tracks: choices(() => 2), closesOn: regStage.end, limit: 2 }),
  );
  add(
    'registrationForm',
    'one left',
    registrationForm({
      unit: unitRef,
      tracks: choices((i) => (i === s.tracks.length - 1 ? 1 : 0)),
      closesOn: regStage.end,
      limit: 2,
    }),
  );
  const project = projectView(mine[0]!);
  add('editForm', 'edit', editForm({ unit: unitRef, project, closesOn: regStage.end }));
  add('registeredCard', 'new', registeredCard({ unit: unitRef, project, edited: false }));
  add('registeredCard', 'edited', registeredCard({ unit: unitRef, project, edited: true }));
  add('confirmWithdrawCard', 'ask', confirmWithdrawCard({ unit: unitRef, project }));
  add('withdrawnCard', 'done', withdrawnCard({ unit: unitRef, project }));
  add('unitNoticeCard', 'notice', unitNoticeCard({ unit: unitRef, project }));
  for (const open of [true, false])
    add(
      'projectsCard',
      open ? 'open' : 'closed',
      ...pages(
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
      ),
    );
  const full = registrationOverview({
    units: s.units,
    tracks: s.tracks,
    counts: s.units.flatMap((u) => s.tracks.map((t) => ({ unit: u.code, track: t.code, n: perUnitTrack }))),
  });
  const none = registrationOverview({ units: s.units, tracks: s.tracks, counts: [] });
  for (const [name, overview] of [
    ['full', full],
    ['none', none],
  ] as const)
    for (const open of [true, false])
      add(
        'registrationsCard',
        `${name}, open ${open}`,
        registrationsCard({
          overview,
          trackCodes: s.tracks.map((t) => t.code),
          closesOn: regStage.end,
          open,
          limit: 2,
        }),
      );

  // ── reports ──
  const periodChoices: PeriodChoice[] = PERIODS.map((p, i) => ({
    code: p.code,
    name: p.name,
    nameEn: p.nameEn,
    due: p.due,
    state: states[i % states.length]!,
  }));
  const label = projectLabel(mine[0]!);
  for (const samePeriod of [true, false]) {
    const from = PERIODS[samePeriod ? 7 : 6]!;
    add(
      'reportForm',
      `prefilled, same period ${samePeriod}`,
      reportForm({
        project: label,
        periods: periodChoices,
        selected: PERIODS[7]!.code,
        prefill: { fields: fullReport(), from: { name: from.name, nameEn: from.nameEn }, samePeriod },
      }),
    );
  }
  add('reportForm', 'empty', reportForm({ project: label, periods: periodChoices }));
  const selfPeriod = PERIODS.find((p) => p.selfEvaluation)!;
  // A contact of one unit, and of two.
  for (const projects of [mine, [...mine, ...ofUnit(s.units[1]!.code)]]) {
    const unitName = [...new Set(projects.map((p) => unitShort(p.unit)))].join('、');
    const report = projectPicker({
      unitName,
      purpose: 'report',
      projects: projects.map((p, i) => ({
        ...projectLabel(p),
        status: { kind: 'report', periodName: periodText(PERIODS[7]!), due: PERIODS[7]!.due, state: states[i % 4]! },
        // Every third has nothing it can report now: listed with the reason instead of a button.
        ...(i % 3 === 2 ? { nothingNow: nothingToReport(p.code, i % 2 ? windows.at(-1) : undefined) } : {}),
      })),
    });
    const self = projectPicker({
      unitName,
      purpose: 'self-evaluation',
      period: selfPeriod.code,
      projects: projects.map((p, i) => ({
        ...projectLabel(p),
        status: {
          kind: 'self-evaluation',
          periodName: periodText(selfPeriod),
          due: selfPeriod.due,
          max: RUBRIC_MAX,
          closed: i % 2 === 0,
          ...(i % 3 ? { total: RUBRIC_MAX } : {}),
        },
      })),
    });
    addView('projectPicker', `report, ${projects.length} projects`, projects, report);
    addView('projectPicker', `self-evaluation, ${projects.length} projects`, projects, self);
  }
  const last = PERIODS[7]!;
  for (const p of PERIODS) {
    const periodName = periodText(p);
    add(
      'reportReceived',
      `${p.code}, on time`,
      reportReceived({ project: label, periodName, revision: 1, late: false }),
    );
    add(
      'reportReceived',
      `${p.code}, late`,
      reportReceived({
        project: label,
        periodName,
        revision: 99,
        late: true,
        ...(p.selfEvaluation ? { selfEvaluation: { period: p.code } } : {}),
      }),
    );
    add(
      'reportReceived',
      `${p.code}, revised`,
      reportReceived({ project: label, periodName, revision: 12, late: false }),
    );
    for (const revision of [1, 12])
      add(
        'selfEvaluationReceived',
        `${p.code}, revision ${revision}`,
        selfEvaluationReceived({ project: label, periodName, total: RUBRIC_MAX, max: RUBRIC_MAX, revision }),
      );
  }
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
            justification: s.typed(REPORT_LIMITS.justification),
            submittedAt: stamp,
          },
        }
      : {}),
  })).reverse();
  const historyPage = (o: number): ActionValue => ({ a: 'rpt.history', p: label.id, o });
  addView(
    'historyCard',
    'timeline',
    entries,
    ...pages((offset) => historyCard({ project: label, entries, offset, page: historyPage }), 'rpt.history'),
  );
  // The same periods as a judge reads them one-to-one: each with the most comments listed, each with long answers
  // (more than are listed), the most files listed with the longest names, and the buttons to comment and answer.
  const thread = (i: number): ThreadView => ({
    id: `gdc_${String(i).padStart(20, '0')}`,
    subject: i % 2 ? 'self_evaluation' : 'report',
    author: s.person(),
    body: s.typed(GUIDANCE_COMMENT_FIELD.max),
    needsAnswer: true,
    createdAt: stamp,
    answers: Array.from({ length: ANSWERS_LISTED + 3 }, () => ({
      author: s.person(),
      body: s.typed(GUIDANCE_ANSWER_FIELD.max),
      createdAt: stamp,
    })),
    reply: { a: 'gd.reply', c: `gdc_${String(i).padStart(20, '0')}` },
  });
  const guided: TimelineEntry[] = entries.map((e, i) => ({
    ...e,
    threads: Array.from({ length: THREADS_LISTED }, (_, j) => thread(i * 10 + j)),
    olderThreads: 7,
    attachments: Array.from({ length: ATTACHMENTS_LISTED + 2 }, (_, j) => ({
      id: `att_${String(i * 100 + j).padStart(20, '0')}`,
      subject: j % 2 ? ('self_evaluation' as const) : ('report' as const),
      name: `${s.typed(251)}.pdf`,
      size: '99.9 MB',
    })),
    period: {
      guidance: { a: 'rpt.guidance', p: label.id, period: PERIODS[0]!.code },
      files: { a: 'rpt.files', p: label.id, period: PERIODS[0]!.code },
    },
    comment: {
      report: { a: 'gd.open', p: label.id, period: PERIODS[0]!.code, s: 'report' },
      selfEvaluation: { a: 'gd.open', p: label.id, period: PERIODS[0]!.code, s: 'self_evaluation' },
    },
  }));
  addView(
    'historyCard',
    'timeline with guidance and files',
    guided,
    ...pages((offset) => historyCard({ project: label, entries: guided, offset, page: historyPage }), 'rpt.history'),
  );
  const allThreads = Array.from({ length: 12 }, (_, i) => thread(i));
  const guidancePage = (o: number): ActionValue => ({ a: 'rpt.guidance', p: label.id, period: PERIODS[0]!.code, o });
  addView(
    'periodGuidanceCard',
    '12 comments in full',
    allThreads,
    ...pages(
      (offset) =>
        periodGuidanceCard({
          project: label,
          periodName: periodText(PERIODS[0]!),
          threads: allThreads,
          offset,
          page: guidancePage,
        }),
      'rpt.guidance',
    ),
  );
  add(
    'periodGuidanceCard',
    'none yet',
    periodGuidanceCard({ project: label, periodName: periodText(PERIODS[0]!), threads: [], page: guidancePage }),
  );
  const MOST_FILES = 50;
  const allFiles = Array.from({ length: MOST_FILES }, (_, j) => ({
    id: `att_${String(j).padStart(20, '0')}`,
    subject: j % 2 ? ('self_evaluation' as const) : ('report' as const),
    name: `${s.typed(251)}.pdf`,
    size: '99.9 MB',
  }));
  const filesPage = (o: number): ActionValue => ({ a: 'rpt.files', p: label.id, period: PERIODS[0]!.code, o });
  addView(
    'periodFilesCard',
    `${MOST_FILES} files with the longest names`,
    allFiles,
    ...pages(
      (offset) =>
        periodFilesCard({
          project: label,
          periodName: periodText(PERIODS[0]!),
          files: allFiles,
          offset,
          page: filesPage,
        }),
      'rpt.files',
    ),
  );
  add(
    'periodFilesCard',
    'none yet',
    periodFilesCard({ project: label, periodName: periodText(PERIODS[0]!), files: [], page: filesPage }),
  );
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
            justification: s.typed(REPORT_LIMITS.justification),
            submittedAt: stamp,
          },
        }
      : {}),
  }));
  add('historyCard', 'sparse', historyCard({ project: label, entries: sparse, page: historyPage }));
  add('historyCard', 'nothing yet', historyCard({ project: label, entries: [], page: historyPage }));
  for (const p of PERIODS.filter((x) => x.selfEvaluation)) {
    const form = { project: label, periodName: periodText(p), period: p.code, rubric: RUBRIC };
    const prefill = {
      scores: Object.fromEntries(RUBRIC.map((r) => [r.code, r.max])),
      justification: s.typed(REPORT_LIMITS.justification),
    };
    add('selfEvaluationForm', `${p.code}, prefilled`, selfEvaluationForm({ ...form, prefill }));
    add('selfEvaluationForm', `${p.code}, empty`, selfEvaluationForm(form));
  }
  const refs = s.projects.map((p) => ({ id: p.id, code: p.code, unit: p.unit, track: p.track, createdAt: 0 }));
  const byId = new Map(s.projects.map((p) => [p.id, p]));
  // Every period, with nobody reported and with a third on time; for the office and for a judge.
  for (const w of windows)
    for (const reported of [
      new Map<string, number>(),
      new Map(refs.filter((_, i) => i % 3 === 0).map((r) => [r.id, w.dueAt - 1])),
    ]) {
      const o = periodOverview(w, refs, reported, w.dueAt + 1);
      const overviewView = {
        overview: o,
        units: s.units.map((u) => ({ code: u.code, name: u.shortName })),
        tracks: s.tracks,
        missingProjects: o.missing.map((id) => ({
          code: byId.get(id)!.code,
          unitName: unitShort(byId.get(id)!.unit),
        })),
        otherPeriods: windows
          .filter((x) => x.code !== w.code)
          .map((x) => ({ code: x.code, name: x.name, nameEn: x.nameEn })),
      };
      const what = `${w.code}, ${reported.size} reported`;
      addView('reportsOverviewCard', `${what}, office`, overviewView, reportsOverviewCard(overviewView));
      const scope = text(
        `你评审的赛道：${s.tracks.map((t) => t.code).join('、')}`,
        `Your tracks: ${s.tracks.map((t) => t.code).join(', ')}`,
      );
      addView('reportsOverviewCard', `${what}, judge`, overviewView, reportsOverviewCard({ ...overviewView, scope }));
    }
  const stages = STAGES.map((x, i) => ({
    name: x.name,
    nameEn: x.nameEn,
    start: x.start,
    end: x.end,
    current: i === 1,
  }));
  const deadlines = windows.slice(0, 5).map((x) => ({ name: `${x.name}截止`, nameEn: `${x.nameEn} due`, date: x.due }));
  const owed = s.units.map((u) => ({
    unitName: u.shortName,
    items: ofUnit(u.code).flatMap((p) =>
      PERIODS.map((x, i) => ({ projectCode: p.code, periodName: periodText(x), due: x.due, overdue: i % 2 === 0 })),
    ),
  }));
  for (const [what, view] of [
    ['contact of every unit', { stages, deadlines, owed }],
    [
      'a few units, no deadline',
      {
        stages,
        deadlines: [],
        owed: [...owed.slice(0, 3), { unitName: (s.units[3] ?? s.units.at(-1)!).shortName, items: [] }],
      },
    ],
    ['no contact', { stages, deadlines }],
  ] as const)
    addView('scheduleCard', what, view, scheduleCard(view));

  // ── reminders ──
  const midterm = PERIODS.find((p) => p.code === 'midterm')!;
  const reportItems = (u: string): OwedItem[] =>
    ofUnit(u).map((p) => ({ what: text(p.code, p.code), name: p.fields.name }));
  const materialsItems = (n: number): OwedItem[] =>
    Array.from({ length: n }, (_, i) => ({
      what: KIND_NAME[i % 2 ? 'individual' : 'collective'],
      name: s.typed(AWARD_LIMITS.nominee),
    }));
  const counted: OwedItem[] = [
    { what: text('还有 40 个项目未评分（或未回避）', '40 projects not scored (or recused) yet') },
  ];
  const quotaTotal = s.tracks.reduce((n, t) => n + t.quota.collectives + t.quota.individuals, 0);
  for (const [name, items] of [
    ['reports', reportItems(unit.code)],
    ['materials', materialsItems(quotaTotal)],
    ['counted', counted],
  ] as const)
    for (const daysLeft of [7, 1, 0, -2])
      for (const v of [
        {
          deadlineName: periodText(midterm),
          dueDate: midterm.due,
          daysLeft,
          unitName: unit.shortName,
          items,
          action: { a: 'rpt.open', p: s.projects[0]!.id },
          snooze: { a: 'rem.snooze', r: 'report', k: midterm.code, u: unit.code },
        },
        { deadlineName: text('评委评分截止', 'Judging closes'), dueDate: '2024-11-29', daysLeft, items },
      ] satisfies ReminderView[]) {
        const what = `${name}, ${daysLeft} days left${v.unitName ? '' : ', no unit'}`;
        const contacts = Array.from({ length: s.contactsPerUnit }, (_, i) => openId(i));
        addView('reminderCard', what, v, reminderCard(v));
        addView(
          'groupReminderCard',
          what,
          v,
          groupReminderCard({ ...v, contacts }),
          groupReminderCard({ ...v, contacts: [] }),
        );
        addView('escalationCard', what, v, escalationCard(v));
      }
  for (const [what, missing] of [
    ['reports', s.units.map((u) => ({ name: u.shortName, items: reportItems(u.code), contacts: s.contactsPerUnit }))],
    [
      'nothing registered',
      s.units.map((u) => ({
        name: u.shortName,
        items: [{ what: text('还没有报名任何项目', 'no project registered yet') }],
        contacts: 0,
      })),
    ],
    [
      'judges',
      Array.from({ length: s.tracks.length * s.judgesPerTrack }, () => ({
        name: s.person(),
        items: counted,
        contacts: 1,
      })),
    ],
    ['materials', s.units.map((u) => ({ name: u.shortName, items: materialsItems(7), contacts: s.contactsPerUnit }))],
  ] as const)
    addView(
      'digestCard',
      what,
      missing,
      digestCard({ deadlineName: periodText(midterm), dueDate: midterm.due, missing }),
    );
  const steps = ['T-7', 'T-3', 'T-1', 'T-0', 'overdue', 'digest', 'escalate', 'snooze:1'];
  const planLines = s.name === 'max' ? 60 : 3;
  const upcoming = Array.from({ length: planLines }, (_, i) => ({
    deadlineName: periodText(PERIODS[i % 8]!),
    dueDate: PERIODS[i % 8]!.due,
    step: steps[i % steps.length]!,
    at: '2024-07-24 09:30',
    owing: s.projects.length,
  }));
  const sent = Array.from({ length: planLines }, (_, i) => ({
    deadlineName: periodText(PERIODS[i % 8]!),
    step: steps[i % steps.length]!,
    count: s.projects.length,
    last: '2024-07-24 09:30',
  }));
  for (const [what, view] of [
    ['busy, every unit paused', { upcoming, sent, paused: s.units.map((u) => u.shortName), allPaused: false }],
    ['busy, all paused', { upcoming, sent, paused: [], allPaused: true }],
    ['quiet', { upcoming: [], sent: [], paused: [], allPaused: false }],
  ] satisfies [string, Parameters<typeof remindersPlanCard>[0]][])
    addView('remindersPlanCard', what, view, remindersPlanCard(view));

  // ── awards ──
  const { quotas, materialsDue, window: awardWindow } = awardSetting(s);
  const rows = awardSeason(s, 'all', 3);
  const awardPage = (o: number): ActionValue => ({ a: 'award.list', o });
  add(
    'awardsCard',
    'the office',
    ...pages(
      (offset) =>
        awardsCard({
          scope: text('全部赛道', 'All tracks'),
          quotas,
          rows,
          nominate: s.tracks.map((t) => ({ track: t.code, left: 1 })),
          window: awardWindow,
          offset,
          page: awardPage,
        }),
      'award.list',
    ),
  );
  add(
    'awardsCard',
    'nothing yet',
    awardsCard({
      scope: text('全部赛道', 'All tracks'),
      quotas,
      rows: [],
      nominate: [],
      window: awardWindow,
      page: awardPage,
    }),
  );
  for (const t of s.tracks) {
    const projects = ofTrack(t.code)
      .filter((p) => p.unit !== unit.code)
      .map((p, i) => ({
        id: p.id,
        code: p.code,
        name: p.fields.name,
        unitName: unitShort(p.unit),
        ...(i % 5 ? { rank: i + 1 } : {}),
      }));
    for (const left of [
      { collective: t.quota.collectives, individual: t.quota.individuals },
      { collective: 0, individual: 1 },
    ])
      addView(
        'nominationForm',
        `${t.code}, ${left.collective} + ${left.individual} left`,
        projects,
        nominationForm({ track: t.code, trackName: t.name, trackNameEn: t.nameEn, left, projects }),
      );
  }
  for (const kind of ['collective', 'individual'] as const) {
    const r = awardRow(s, s.tracks[0]!.code, kind, 'materials_submitted', 'contact', 0);
    add(
      'materialsForm',
      `${kind}, prefilled`,
      materialsForm({
        row: r,
        due: materialsDue,
        prefill: { materials: s.typed(AWARD_LIMITS.materials), links: s.links(AWARD_LIMITS.links) },
      }),
    );
    add('materialsForm', `${kind}, empty`, materialsForm({ row: r, due: materialsDue }));
  }
  const lastTrack = s.tracks.at(-1)!.code;
  for (const status of AWARD_STATUSES)
    for (const kind of ['collective', 'individual'] as const) {
      const r = awardRow(s, lastTrack, kind, status, 'all', 1);
      const fullRow = { ...r, materials: s.typed(AWARD_LIMITS.materials), decisionNote: s.typed(AWARD_LIMITS.note) };
      const standing = text(
        `所依托的项目在实时排名（未发布）中列 ${lastTrack} 赛道第 40 名（共 40 个有名次的项目，名额线 7）。`,
        `The project ranks #40 of 40 in track ${lastTrack} in the live standings (unpublished) (award line: 7).`,
      );
      const what = `${kind}, ${status}`;
      add('decisionForm', what, decisionForm({ row: fullRow, links: s.links(AWARD_LIMITS.links), standing }));
      add('awardStepCard', what, awardStepCard({ row: fullRow, done: text('已审定通过。', 'Approved.') }));
      add('placeConfirmedCard', what, placeConfirmedCard({ row: r, due: materialsDue }));
    }
  add(
    'announcementCard',
    'approved',
    announcementCard({
      competitionName: F.name,
      competitionNameEn: F.nameEn,
      rows: [
        ...s.tracks.flatMap((t) =>
          Array.from({ length: t.quota.collectives }, (_, i) => ({
            kind: 'collective' as const,
            track: t.code,
            nominee: s.typed(AWARD_LIMITS.nominee),
            title: '',
            unitName: s.units[i % s.units.length]!.shortName,
          })),
        ),
        ...s.tracks.flatMap((t) =>
          Array.from({ length: t.quota.individuals }, (_, i) => ({
            kind: 'individual' as const,
            track: t.code,
            nominee: s.typed(AWARD_LIMITS.nominee),
            title: s.typed(AWARD_LIMITS.title),
            unitName: s.units[(i + 3) % s.units.length]!.shortName,
          })),
        ),
      ],
    }),
  );

  // ── judging ──
  const sheetStates: SheetState[] = ['todo', 'scored', 'recused', 'own-unit'];
  const item = (p: SeasonProject, i: number): JudgeListItem => ({
    ...judged(p),
    state: sheetStates[i % 4]!,
    ...(i % 4 === 1 ? { total: 99.95 } : {}),
    ...(i % 5 ? { progress: { periodName: periodText(last), completion: 100 } } : {}),
    ...(i % 3 ? { selfEvaluation: { total: RUBRIC_MAX, max: RUBRIC_MAX } } : {}),
  });
  // A judge of one track, and of every track.
  for (const tracks of [[s.tracks[0]!], s.tracks]) {
    const items = tracks.flatMap((t) => ofTrack(t.code)).map(item);
    const scope = text(
      tracks.map((t) => `${t.code} ${t.name}`).join('、'),
      tracks.map((t) => `${t.code} ${t.nameEn}`).join(', '),
    );
    for (const status of ['open', 'before', 'closed'] as const)
      addView(
        'judgeListCard',
        `${tracks.length} tracks, ${status}`,
        items,
        ...pages(
          (offset) =>
            judgeListCard({
              scope,
              tally: { scored: 100, recused: 100, ownUnit: 100, todo: 100 },
              window: { opens: jw.opens, closes: jw.closes, status },
              items,
              offset,
              page: (x) => ({ a: 'judge.list', t: '*', o: x }),
            }),
          'judge.list',
        ),
      );
  }
  const jp = judged(s.projects[0]!);
  const next = judged(s.projects[1]!);
  const scores = Object.fromEntries(RUBRIC.map((r) => [r.code, r.max]));
  add(
    'scoreForm',
    'full',
    scoreForm({
      project: jp,
      rubric: RUBRIC,
      prefill: { scores, comment: s.typed(SCORE_LIMITS.comment) },
      recusedBefore: s.typed(SCORE_LIMITS.reason),
      latest: {
        periodName: periodText(last),
        completion: 100,
        results: s.typed(REPORT_LIMITS.results),
        submittedOn: '2024-10-31',
      },
      selfEvaluation: {
        periodName: periodText(midterm),
        total: RUBRIC_MAX,
        max: RUBRIC_MAX,
        justification: s.typed(REPORT_LIMITS.justification),
      },
      closes: jw.closes,
    }),
  );
  add('scoreForm', 'empty', scoreForm({ project: jp, rubric: RUBRIC, closes: jw.closes }));
  for (const outcome of ['created', 'revised', 'unchanged'] as const) {
    add(
      'scoreSaved',
      outcome,
      scoreSaved({ project: jp, rubric: RUBRIC, scores, total: 100, outcome, closes: jw.closes, next }),
    );
    add(
      'scoreSaved',
      `${outcome}, last`,
      scoreSaved({ project: jp, rubric: RUBRIC, scores, total: 0, outcome, closes: jw.closes }),
    );
  }
  add(
    'recusalForm',
    'prefilled',
    recusalForm({ project: jp, closes: jw.closes, reason: s.typed(SCORE_LIMITS.reason) }),
  );
  add('recusalForm', 'empty', recusalForm({ project: jp, closes: jw.closes }));
  add(
    'recusedCard',
    'next',
    recusedCard({ project: jp, reason: s.typed(SCORE_LIMITS.reason), closes: jw.closes, next }),
  );
  add('recusedCard', 'last', recusedCard({ project: jp, reason: s.typed(SCORE_LIMITS.reason), closes: jw.closes }));

  // ── rankings ──
  const published: RankingMode = { kind: 'published', version: 999, publishedOn: '2024-11-30', hash: 'f'.repeat(64) };
  const live: RankingMode = { kind: 'live', asOf: '2024-11-29 23:59' };
  const QUOTA = 7;
  const rankRows = (track: string, unscored = 0): RankRow[] =>
    ofTrack(track)
      .slice(0, Math.max(1, ofTrack(track).length - unscored))
      .map((p, i) => ({
        rank: i + 1,
        code: p.code,
        name: p.fields.name,
        unitName: unitShort(p.unit),
        score: 160.04 - i,
        rawMean: 99.96 - i,
        judges: s.judgesPerTrack,
        inQuota: i < QUOTA,
        closeCall: i >= QUOTA - 2 && i < QUOTA + 2,
      }));
  for (const t of s.tracks)
    for (const unscored of [0, 2]) {
      const ranked = rankRows(t.code, unscored);
      const unscoredProjects = ofTrack(t.code)
        .slice(ranked.length)
        .map((p) => ({ code: p.code, name: p.fields.name }));
      for (const mode of [published, live])
        addView(
          'trackRankingCard',
          `${t.code}, ${unscored} unscored, ${mode.kind}`,
          [...ranked.map((r) => r.name), ...unscoredProjects.map((u) => u.name)],
          ...pages(
            (offset) =>
              trackRankingCard({
                track: { code: t.code, name: t.name, nameEn: t.nameEn },
                mode,
                quota: QUOTA,
                rows: ranked,
                unscored: unscoredProjects,
                flatJudges: s.judgesPerTrack,
                offset,
                page: (x) => ({ a: 'rank.track', t: t.code, v: 999, o: x }),
                overview: { a: 'rank.overview', v: 999, o: 0 },
              }),
            'rank.track',
          ),
        );
    }
  const summaries: TrackSummary[] = s.tracks.map((t) => {
    const r = rankRows(t.code);
    return {
      code: t.code,
      name: t.name,
      nameEn: t.nameEn,
      ranked: r.length,
      quota: QUOTA,
      closeCalls: 4,
      inQuota: r
        .filter((x) => x.inQuota)
        .map((x) => ({ rank: x.rank, code: x.code, name: x.name, unitName: x.unitName, closeCall: x.closeCall })),
    };
  });
  const unitRows: UnitRow[] = s.units.map((u, i) => ({
    unitName: u.shortName,
    meanPercentile: i === s.units.length - 1 ? null : 50.05 + i,
    ranked: 20,
    inQuota: 3,
    closeCalls: 2,
  }));
  const cross: CrossRow[] = s.projects.map((p, i) => ({
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
  for (const mode of [published, live])
    addView(
      'rankingsOverviewCard',
      mode.kind,
      cross,
      ...pages(
        (offset) =>
          rankingsOverviewCard({
            mode,
            tracks: summaries,
            units: unitRows,
            entries: cross,
            offset,
            page: (x) => ({ a: 'rank.overview', v: 999, o: x }),
            trackAction: (t) => ({ a: 'rank.track', t, v: 999, o: 0 }),
          }),
        'rank.overview',
      ),
    );
  const tally = (onTime: number, late: number, missing: number): PeriodTally => ({
    onTime,
    late,
    missing,
    pending: 0,
    owed: onTime + late + missing,
    onTimeShare: onTime + late + missing ? onTime / (onTime + late + missing) : 1,
  });
  const trackRefs = s.tracks.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn }));
  const notes = [
    undefined,
    text(
      '排行发布前，群里不显示任何分数；评分截止、竞赛办发布后再看排行。',
      'No score is shown in a group before the rankings are published; ask again once scoring has closed and the office has published them.',
    ),
  ];
  for (const [name, overview] of [
    ['full', full],
    ['none', none],
  ] as const)
    for (const kind of ['registration', 'implementation', 'judging'] as const)
      for (const note of notes) {
        const stage = STAGES[kind === 'registration' ? 0 : kind === 'implementation' ? 1 : 2]!;
        add(
          'participationCard',
          `${name}, ${kind}${note ? ', with a note' : ''}`,
          participationCard({
            kind,
            stage: text(
              `${stage.name}（${stage.start} ~ ${stage.end}）`,
              `${stage.nameEn} (${stage.start} – ${stage.end})`,
            ),
            tracks: trackRefs,
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
                    periodName: periodText(last),
                    due: last.due,
                    total: tally(200, 100, 100),
                    byUnit: s.units.map((u) => ({ unitName: u.shortName, tally: tally(10, 5, 5) })),
                    byTrack: trackRefs.map((t) => ({ track: t, tally: tally(20, 10, 10) })),
                  },
                }
              : {}),
            ...(kind === 'judging'
              ? {
                  judging: {
                    closes: jw.closes,
                    byTrack: trackRefs.map((t) => ({ track: t, judges: s.judgesPerTrack, done: 150, expected: 200 })),
                  },
                }
              : {}),
          }),
        );
      }
  // Every kind of track at once: no judge, unranked projects, fine, and no project.
  const publishedTracks = s.tracks.map((t, i) => ({
    track: { code: t.code, name: t.name, nameEn: t.nameEn },
    ranked: i % 4 === 0 ? 0 : i % 4 === 1 ? 30 : 40,
    projects: i % 4 === 3 ? 0 : 40,
    judges: i % 4 === 0 ? 0 : 7,
    closeCalls: 4,
    hash: 'e'.repeat(64),
    skipped: i % 4 === 1 ? 3 : 0,
  }));
  for (const posted of [s.chatName(), null, undefined])
    for (const verified of [true, false])
      add(
        'publishedCard',
        `posted ${posted === undefined ? 'unknown' : posted !== null}, verified ${verified}`,
        publishedCard({ version: 999, tracks: publishedTracks, posted, verified }),
      );

  // ── members, help, welcome, export ──
  let holderSerial = 0;
  const sources: GrantSource[] = ['chat', 'file', 'env'];
  const holders = (n: number, source?: GrantSource): Holder[] =>
    Array.from({ length: n }, (_, i) => ({
      openId: openId(1000 + holderSerial++),
      name: s.person(),
      source: source ?? sources[i % 3]!,
    }));
  const members: MembersView = {
    office: [...holders(3, 'env'), ...holders(3, 'file'), ...holders(3, 'chat')],
    leaders: holders(5),
    units: s.units.map((u) => ({
      code: u.code,
      name: u.name,
      shortName: u.shortName,
      contacts: holders(s.contactsPerUnit),
    })),
    tracks: s.tracks.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn, judges: holders(s.judgesPerTrack) })),
    unitLeaders: s.units.map((u) => ({ code: u.code, shortName: u.shortName, leaders: holders(2, 'file') })),
    orphans: Array.from({ length: s.name === 'max' ? 20 : 2 }, (_, i) => ({
      ...holders(1)[0]!,
      role: i % 2 ? ('judge' as const) : ('contact' as const),
      scope: i % 2 ? 'T99' : 'XX',
    })),
  };
  const nobody: MembersView = {
    office: [],
    leaders: [],
    units: s.units.map((u) => ({ code: u.code, name: u.name, shortName: u.shortName, contacts: [] })),
    tracks: s.tracks.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn, judges: [] })),
    unitLeaders: [],
    orphans: [],
  };
  const half: MembersView = { ...members, units: members.units.map((u, i) => (i % 2 ? { ...u, contacts: [] } : u)) };
  for (const [what, view] of [
    ['everyone', members],
    ['nobody', nobody],
    ['half the units without a contact', half],
  ] as const)
    addView('membersCard', what, view, membersCard(view));
  const everyRole: Roles = {
    office: true,
    leader: true,
    contactOf: s.units.map((u) => u.code),
    judgeOf: s.tracks.map((t) => t.code),
  };
  const noRole: Roles = { office: false, leader: false, contactOf: [], judgeOf: [] };
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
    add(
      'helpCard',
      `every role, in a group ${inGroup}`,
      helpCard({
        roles: describeRoles(everyRole, { units: s.units, tracks: s.tracks }),
        commands: commands(everyRole),
        inGroup,
      }),
    );
    add(
      'helpCard',
      `no role, in a group ${inGroup}`,
      helpCard({ roles: describeRoles(noRole), commands: commands(noRole), inGroup }),
    );
    add(
      'welcomeCard',
      `in a group ${inGroup}`,
      welcomeCard({ competitionName: F.name, competitionNameEn: F.nameEn, inGroup }),
    );
  }
  const sheets = [
    '项目 Projects',
    '进展 Reports',
    '自评 Self-evaluations',
    '评分 Scores',
    '表彰 Awards',
    '审计 Audit log',
  ].map((name) => ({ name, rows: s.name === 'max' ? 1_000_000 : 12 }));
  add(
    'exportSummaryCard',
    'all tracks',
    exportSummaryCard({
      fileName: `saidao-${F.id}-20241231-2359.xlsx`,
      size: '99.9 MB',
      scope: text('全部赛道', 'all tracks'),
      timeZone: c.timeZone,
      sheets,
    }),
  );
  const oneTrack = s.tracks[8] ?? s.tracks.at(-1)!;
  add(
    'exportSummaryCard',
    'one track',
    exportSummaryCard({
      fileName: `saidao-${F.id}-${oneTrack.code}-20241231-2359.xlsx`,
      size: '1 KB',
      scope: text(`${oneTrack.code} ${oneTrack.name}`, `${oneTrack.code} ${oneTrack.nameEn}`),
      timeZone: c.timeZone,
      sheets,
    }),
  );
  // ── guidance: the judges' daily card, and questions in the reminders ──
  const digestOf = (tracks: readonly Track[]): JudgeDigestView => ({
    day: '2024-10-31',
    since: '2024-10-30 17:00',
    tracks,
    projects: s.projects
      .filter((p) => tracks.some((t) => t.code === p.track))
      .map((p) => ({
        id: p.id,
        code: p.code,
        name: p.fields.name,
        trackCode: p.track,
        periods: PERIODS.map((x, i) => ({
          name: periodText(x),
          report: { revision: 99, first: i % 2 === 0 },
          ...(x.selfEvaluation ? { selfEvaluation: { revision: 99, first: true } } : {}),
          answers: { count: 99, toYou: i % 2 },
        })),
      })),
  });
  for (const [what, tracks] of [
    ['one track, every project and period', s.tracks.slice(0, 1)],
    ['every track, every project and period', s.tracks],
  ] as const) {
    const view = digestOf(tracks);
    addView('judgeDigestCard', what, view, judgeDigestCard(view));
  }
  const oneNews = digestOf(s.tracks.slice(0, 1));
  const single = {
    ...oneNews,
    projects: oneNews.projects.slice(0, 1).map((p) => ({ ...p, periods: p.periods.slice(0, 1) })),
  };
  addView('judgeDigestCard', 'one project, one report', single, judgeDigestCard(single));
  const questionsOf = (u: string, overdue: boolean): OpenQuestion[] =>
    ofUnit(u).flatMap((p) =>
      PERIODS.flatMap((x) =>
        (['report', 'self_evaluation'] as const).map((subject) => ({
          projectId: p.id,
          code: p.code,
          period: periodText(x),
          subject,
          askedOn: '2024-10-08',
          answerBy: '2024-10-10',
          overdue,
        })),
      ),
    );
  for (const overdue of [true, false]) {
    const questions = questionsOf(unit.code, overdue);
    const view = { unitName: unit.shortName, withinWorkingDays: 30, questions };
    addView('questionReminderCard', `every question of a unit, overdue ${overdue}`, view, questionReminderCard(view));
  }
  const oneQuestion = {
    unitName: unit.shortName,
    withinWorkingDays: 3,
    questions: questionsOf(unit.code, true).slice(0, 1),
  };
  addView('questionReminderCard', 'one question', oneQuestion, questionReminderCard(oneQuestion));
  // ── guidance (指导意见): a project of the unit with the longest name, the longest period name, full texts ──
  {
    const longest = [...s.units].sort((a, b) => b.shortName.length - a.shortName.length)[0]!;
    const gp = s.projects.find((p) => p.unit === longest.code) ?? s.projects[0]!;
    const period = [...PERIODS].sort((a, b) => b.name.length + b.nameEn.length - a.name.length - a.nameEn.length)[0]!;
    const selfPeriod = PERIODS.find((x) => x.selfEvaluation) ?? period;
    const target = (subject: 'report' | 'self_evaluation'): CommentTarget => {
      const w = subject === 'report' ? period : selfPeriod;
      return { project: projectLabel(gp), period: w.code, periodName: periodText(w), subject };
    };
    const key = 'k'.repeat(20);
    const commentId = `gdc_${'0'.repeat(20)}`;
    add(
      'commentForm',
      'on a report',
      commentForm({
        target: target('report'),
        facts: { kind: 'report', completion: 100, submittedAt: stamp, revisions: 99, late: true },
        earlier: 999,
        formKey: key,
      }),
    );
    add(
      'commentForm',
      'on a self-evaluation',
      commentForm({
        target: target('self_evaluation'),
        facts: { kind: 'self_evaluation', total: RUBRIC_MAX, max: RUBRIC_MAX, submittedAt: stamp },
        earlier: 0,
        formKey: key,
      }),
    );
    for (const needsAnswer of [true, false]) {
      for (const contacts of [s.contactsPerUnit, 0])
        add(
          'commentSentCard',
          `${needsAnswer ? 'asking' : 'not asking'}, to ${contacts} contacts`,
          commentSentCard({
            target: target('report'),
            body: s.typed(GUIDANCE_COMMENT_FIELD.max),
            needsAnswer,
            contacts,
          }),
        );
      add(
        'commentToContactCard',
        needsAnswer ? 'asking for an answer' : 'no answer needed',
        commentToContactCard({
          target: target(needsAnswer ? 'report' : 'self_evaluation'),
          judgeName: s.person(),
          body: s.typed(GUIDANCE_COMMENT_FIELD.max),
          needsAnswer,
          createdAt: stamp,
          commentId,
          formKey: key,
        }),
      );
    }
    add(
      'answerSentCard',
      'full comment and answer',
      answerSentCard({
        target: target('report'),
        judgeName: s.person(),
        comment: s.typed(GUIDANCE_COMMENT_FIELD.max),
        answer: s.typed(GUIDANCE_ANSWER_FIELD.max),
        commentedAt: stamp,
      }),
    );
    const answers = Array.from({ length: 25 }, () => ({
      author: s.person(),
      body: s.typed(GUIDANCE_ANSWER_FIELD.max),
      createdAt: stamp,
    }));
    const threadCard = (offset: number, list = answers) =>
      guidanceThreadCard({
        target: target('report'),
        author: s.person(),
        body: s.typed(GUIDANCE_COMMENT_FIELD.max),
        needsAnswer: true,
        createdAt: stamp,
        answers: list,
        offset,
        commentId,
      });
    addView('guidanceThreadCard', '25 full answers', answers, ...pages((o) => threadCard(o), 'gd.thread'));
    add('guidanceThreadCard', 'no answer yet', threadCard(0, []));
    add(
      'answerNoticeCard',
      'full comment and answer',
      answerNoticeCard({
        target: target('self_evaluation'),
        comment: s.typed(GUIDANCE_COMMENT_FIELD.max),
        answer: s.typed(GUIDANCE_ANSWER_FIELD.max),
        answerer: s.person(),
        answeredAt: stamp,
      }),
    );
  }

  // ── evidence files: receipts and the decision card at the most files an item may have (attachments.perItem ≤ 50),
  // every name at its longest (255 characters, as the table holds them) ──
  {
    const MOST_FILES = 50;
    const files: AttachedFile[] = Array.from({ length: MOST_FILES }, (_, i) => ({
      id: `att_${String(i).padStart(20, '0')}`,
      name: `${s.typed(251)}.pdf`,
      sizeBytes: 100 * 1024 * 1024 - i,
    }));
    const receiptFiles = (subject: ReceiptFiles['subject'], open: boolean, list = files): ReceiptFiles => ({
      subject,
      files: list,
      windowMinutes: 1440,
      perItem: MOST_FILES,
      open,
    });
    const p = PERIODS.find((x) => x.selfEvaluation) ?? PERIODS[0]!;
    const periodName = periodText(p);
    for (const open of [true, false]) {
      const state = open ? 'open' : 'closed';
      add(
        'reportReceived',
        `${p.code}, late, ${MOST_FILES} files, ${state}`,
        reportReceived({
          project: label,
          periodName,
          revision: 99,
          late: true,
          selfEvaluation: { period: p.code },
          files: receiptFiles('report', open),
        }),
      );
      add(
        'selfEvaluationReceived',
        `${p.code}, ${MOST_FILES} files, ${state}`,
        selfEvaluationReceived({
          project: label,
          periodName,
          total: RUBRIC_MAX,
          max: RUBRIC_MAX,
          revision: 12,
          files: receiptFiles('self_evaluation', open),
        }),
      );
    }
    add(
      'reportReceived',
      `${p.code}, no file yet`,
      reportReceived({ project: label, periodName, revision: 1, late: false, files: receiptFiles('report', true, []) }),
    );
    for (const kind of ['collective', 'individual'] as const) {
      const r = awardRow(s, s.tracks.at(-1)!.code, kind, 'materials_submitted', 'contact', 1);
      const fullRow = { ...r, materials: s.typed(AWARD_LIMITS.materials), decisionNote: s.typed(AWARD_LIMITS.note) };
      add(
        'awardStepCard',
        `${kind}, materials, ${MOST_FILES} files`,
        awardStepCard({
          row: fullRow,
          done: text('材料已报送，等待领导小组审定；截止前还可以修改。', 'Materials submitted.'),
          files: receiptFiles('award', true),
        }),
      );
      add(
        'decisionForm',
        `${kind}, ${MOST_FILES} files`,
        decisionForm({
          row: fullRow,
          links: s.links(AWARD_LIMITS.links),
          standing: text('所依托的项目在已发布排行中列第 1 名。', 'The project ranks #1 in the published rankings.'),
          files,
        }),
      );
    }
  }
  return out;
}
