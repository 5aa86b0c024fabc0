/**
 * Progress reporting through chat and cards: `进展` (the form, or a project's timeline with a code), `自评`,
 * `进展情况` (the office's per-period view; judges see their tracks) and `日程` (stages, deadlines, what is owed).
 * Everything is re-checked on the server: the operator's unit or track, the period's window, the fields. A button
 * that opens a form, a timeline or another period answers in place one-to-one; on a card in a group it leaves the card
 * as it is and sends the answer to the clicker one-to-one (answerClick).
 */
import {
  historyCard,
  projectPicker,
  reportForm,
  reportReceived,
  reportsOverviewCard,
  scheduleCard,
  selfEvaluationForm,
  selfEvaluationReceived,
  type PeriodChoice,
  periodFilesCard,
  periodGuidanceCard,
  THREADS_LISTED,
  type AttachmentView,
  type ThreadView,
  type ProjectLabel,
  type TimelineEntry,
} from '../../../cards/reports';
import { localDateTimeOf } from '../../competition/calendar';
import {
  type Competition,
  deadlineInstant,
  milestoneByCode,
  stageAt,
  stageByCode,
  trackByCode,
  unitByCode,
  unitShortName,
} from '../../competition/competition';
import type { BotServices, CardActionContext, CardActionSpec, CardResponse, CommandSpec } from '../../lark/handlers';
import type { ReceiptFiles } from '../../../cards/attachments';
import { answerBeside, answerClick } from '../../lark/group-click';
import type { Card } from '../../../cards/kit';
import type { ActionValue } from '../../../cards/actions';
import { fileSize } from '../../../cards/attachments';
import { isUserError, refuse } from '../../platform/errors';
import { echo, text, type Text } from '../../platform/i18n';
import type { Roles } from '../../core/roles';
import type { Project } from '../../core/projects.repository';
import {
  decideSubmission,
  defaultPeriod,
  nothingToReport,
  periodNamed,
  periodOverview,
  reportablePeriods,
  reportState,
  stillOwed,
  type SubmissionDecision,
} from './reporting.rules';
import { parseReport, parseSelfEvaluation } from '../../../cards/reports.form';
import { RevisionTaken } from './reports.repository';
import { problemsText } from '../../core/forms';
import { periodWindows, type PeriodWindow } from '../../core/periods';
import { guidanceByTrack } from '../guidance';

const toastError = (t: Text): CardResponse => ({ toast: { type: 'error', text: t } });

type Accepted = Extract<SubmissionDecision, { kind: 'accept' }>;

/**
 * Stores the next revision of a report or self-evaluation: decides from the revisions so far, and decides again
 * when a concurrent submission took the number first. A refusal or a lost race becomes the toast.
 */
async function submitRevision(
  period: PeriodWindow,
  now: number,
  revisions: () => Promise<number>,
  insert: (d: Accepted) => Promise<unknown>,
): Promise<{ decision: Accepted } | { toast: NonNullable<CardResponse['toast']> }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const decision = decideSubmission(period, await revisions(), now);
    if (decision.kind === 'refuse') return { toast: { type: 'error', text: decision.text } };
    try {
      await insert(decision);
      return { decision };
    } catch (err) {
      if (err instanceof RevisionTaken) continue;
      throw err;
    }
  }
  return {
    toast: {
      type: 'error',
      text: text('同时提交的人较多，请再点一次提交。', 'Many submissions at once; please press submit again.'),
    },
  };
}

/** How cards name a project: code, name, track (code and name in both languages) and the unit's short name. */
export function label(c: Competition, p: Project): ProjectLabel {
  const t = trackByCode(c, p.track);
  const u = unitByCode(c, p.unit);
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    trackName: t ? `${t.code} ${t.name}` : p.track,
    trackNameEn: t ? `${t.code} ${t.nameEn}` : p.track,
    unitName: u?.shortName ?? p.unit,
  };
}

const periodName = (p: PeriodWindow): Text => text(p.name, p.nameEn);

/** Who may read a project's reports: its unit's contacts, its track's judges, the office and the leadership. */
export function canRead(roles: Roles, p: Project): boolean {
  return roles.office || roles.leader || roles.contactOf.includes(p.unit) || roles.judgeOf.includes(p.track);
}

async function projectFor(
  s: BotServices,
  c: Competition,
  roles: Roles,
  id: string,
  mode: 'write' | 'read',
): Promise<Project> {
  const p = await s.repos.projects.findProject(s.competitionId, id);
  if (p?.status !== 'active')
    refuse('reports.no_project', '找不到这个项目，或它已撤回。', 'This project does not exist or has been withdrawn.');
  const allowed = mode === 'write' ? roles.contactOf.includes(p!.unit) : canRead(roles, p!);
  if (!allowed) {
    const u = unitShortName(c, p!.unit);
    if (mode === 'write')
      refuse(
        'reports.not_contact',
        `项目 ${p!.code} 属于${u}，只有${u}的联络员可以填报。`,
        `Project ${p!.code} belongs to ${u}; only ${u}'s contacts can report on it.`,
      );
    refuse(
      'reports.not_allowed',
      `你不能查看项目 ${p!.code} 的进展：只有${u}的联络员、这个赛道的评委、竞赛办和领导小组可以查看。`,
      `You may not read the reports of project ${p!.code}: only ${u}'s contacts, the track's judges, the office and the leadership may.`,
    );
  }
  return p!;
}

/** Reporting is for projects under way: from the start of implementation until judging closes. */
function requireReportingOpen(c: Competition, now: number): void {
  const stage = stageAt(c, now);
  if (stage?.code === 'implementation' || stage?.code === 'evaluation') {
    const closing = milestoneByCode(c, 'judging-close');
    if (!closing || now < deadlineInstant(c, closing.date)) return;
    refuse(
      'reports.closed',
      `评审已于 ${closing.date} 结束，不能再填报进展。`,
      `Judging closed on ${closing.date}; reports can no longer be submitted.`,
    );
  }
  const impl = stageByCode(c, 'implementation');
  refuse(
    'reports.not_started',
    `实施推进阶段 ${impl.start} 开始，届时才能填报进展。`,
    `Progress reports open with the implementation stage on ${impl.start}.`,
  );
}

/**
 * The periods a report can be submitted for now: opened, owed by the project, and not locked (a period already
 * reported cannot change after its due day, so it is not offered).
 */
async function periodChoices(s: BotServices, c: Competition, p: Project, now: number): Promise<PeriodChoice[]> {
  const first = await s.repos.reports.firstReportTimes(s.competitionId, undefined, [p.id]);
  return reportablePeriods(periodWindows(c), p, (period) => first.get(`${p.id}|${period}`), now).map(
    ({ period: w, state }) => ({ code: w.code, name: w.name, nameEn: w.nameEn, due: w.due, state }),
  );
}

/** The report form of a project; `preferred` pre-selects that period when it can be reported now (a reminder's). */
async function formFor(s: BotServices, c: Competition, p: Project, preferred?: string) {
  const now = s.clock.now();
  requireReportingOpen(c, now);
  const periods = await periodChoices(s, c, p, now);
  if (!periods.length) {
    const opened = periodWindows(c).some((w) => w.opensAt <= now && p.createdAt < w.dueAt);
    if (!opened)
      refuse(
        'reports.no_period',
        '还没有开始填报的期次。发送「日程」查看安排。',
        'No reporting period has opened yet. Send "schedule" to see the plan.',
      );
    const t = nothingToReport(
      p.code,
      periodWindows(c).find((w) => w.opensAt > now && p.createdAt < w.dueAt),
    );
    refuse('reports.nothing_due', t.zh, t.en);
  }
  const windows = periodWindows(c).filter((w) => periods.some((x) => x.code === w.code));
  // Pre-select the open period this project has not reported yet, else the default one.
  const open = periods.find((x) => x.state === 'pending') ?? periods.find((x) => x.state === 'missing');
  const selected = periods.find((x) => x.code === preferred)?.code ?? open?.code ?? defaultPeriod(windows, now)?.code;
  const last = await s.repos.reports.lastReport(p.id);
  const from = last && periodWindows(c).find((w) => w.code === last.period);
  return reportForm({
    project: label(c, p),
    periods,
    selected,
    prefill: last && from ? { fields: last, from, samePeriod: from.code === selected } : undefined,
  });
}

/**
 * A project's timeline as `viewer` may see it. Guidance and attachments are shown only one-to-one (`private`): a
 * timeline posted in a group would show them to whoever is in it. A judge of the track gets the buttons to comment.
 */
/**
 * A project's guidance threads and live attachments as the timeline and its period cards show them to `viewer`: a
 * contact of the unit gets the button to answer each comment.
 */
async function guidanceAndFilesOf(s: BotServices, c: Competition, p: Project, roles: Roles) {
  const threads = await s.repos.guidance.threadsOf(p.id);
  const files = await s.repos.attachments.attachmentsOfProject(p.id);
  const names = await s.repos.people.peopleNames([
    ...new Set(threads.flatMap((t) => [t.authorOpenId, ...t.answers.map((a) => a.authorOpenId)])),
  ]);
  const nameOf = (openId: string) => names.get(openId) ?? text('（未登记姓名）', '(name unknown)').zh;
  const contact = roles.contactOf.includes(p.unit);
  const stamp = (ms: number) => localDateTimeOf(ms, c.timeZone);
  const threadViews = (period: string): ThreadView[] =>
    threads
      .filter((t) => t.period === period)
      .map((t) => ({
        id: t.id,
        subject: t.subject,
        author: nameOf(t.authorOpenId),
        body: t.body,
        needsAnswer: t.needsAnswer,
        createdAt: stamp(t.createdAt),
        ...(contact ? { reply: { a: 'gd.reply' as const, c: t.id } } : {}),
        answers: t.answers.map((a) => ({
          author: nameOf(a.authorOpenId),
          body: a.body,
          createdAt: stamp(a.createdAt),
        })),
      }));
  const fileViews = (period: string): AttachmentView[] =>
    files
      .filter((f) => f.subject !== 'award' && f.subjectKey === period)
      .map((f) => ({
        id: f.id,
        subject: f.subject === 'self_evaluation' ? ('self_evaluation' as const) : ('report' as const),
        name: f.fileName,
        size: fileSize(f.sizeBytes),
      }));
  return { threadViews, fileViews };
}

/**
 * A project's timeline as `viewer` may see it. Guidance and attachments are shown only one-to-one (`private`): a
 * timeline posted in a group would show them to whoever is in it. A judge of the track gets the buttons to comment.
 */
async function timeline(
  s: BotServices,
  c: Competition,
  p: Project,
  viewer: { roles: Roles; private: boolean },
  offset = 0,
) {
  const now = s.clock.now();
  const reports = await s.repos.reports.reportsOf(p.id);
  const selfs = await s.repos.reports.latestSelfEvaluations(p.id);
  const extra = viewer.private ? await guidanceAndFilesOf(s, c, p, viewer.roles) : undefined;
  const judge = viewer.private && viewer.roles.judgeOf.includes(p.track);
  const max = c.file.rubric.reduce((n, r) => n + r.max, 0);
  const stamp = (ms: number) => localDateTimeOf(ms, c.timeZone);
  const entries: TimelineEntry[] = periodWindows(c)
    .filter((w) => w.opensAt <= now && p.createdAt < w.dueAt)
    .map((w) => {
      const mine = reports.filter((r) => r.period === w.code);
      const latest = mine.at(-1);
      const sev = selfs.find((x) => x.period === w.code);
      const onPeriod = extra?.threadViews(w.code) ?? [];
      const shown = onPeriod.slice(-THREADS_LISTED);
      return {
        periodName: periodName(w),
        due: w.due,
        state: reportState(w, mine[0]?.submittedAt, now),
        revisions: mine.length,
        latest: latest && { ...latest, submittedAt: stamp(latest.submittedAt) },
        selfEvaluation: sev && {
          total: Object.values(sev.scores).reduce((a, b) => a + b, 0),
          max,
          justification: sev.justification,
          submittedAt: stamp(sev.submittedAt),
        },
        threads: shown,
        olderThreads: onPeriod.length - shown.length,
        attachments: extra?.fileViews(w.code) ?? [],
        period: {
          guidance: { a: 'rpt.guidance' as const, p: p.id, period: w.code },
          files: { a: 'rpt.files' as const, p: p.id, period: w.code },
        },
        comment: judge
          ? {
              ...(latest ? { report: { a: 'gd.open' as const, p: p.id, period: w.code, s: 'report' as const } } : {}),
              ...(sev
                ? { selfEvaluation: { a: 'gd.open' as const, p: p.id, period: w.code, s: 'self_evaluation' as const } }
                : {}),
            }
          : undefined,
      };
    })
    .reverse();
  return historyCard({
    project: label(c, p),
    entries,
    offset,
    page: (o) => ({ a: 'rpt.history', p: p.id, o }),
    inGroup: !viewer.private,
  });
}

/** The contact's projects for a command: of the unit group it is said in, else of all the sender's units. */
async function contactProjects(
  s: BotServices,
  roles: Roles,
  chatType: 'p2p' | 'group',
  chatId: string,
): Promise<Project[]> {
  let units = roles.contactOf;
  if (chatType === 'group') {
    const chat = await s.repos.chats.findChatBinding(chatId);
    if (chat?.purpose === 'unit' && chat.unitCode && units.includes(chat.unitCode)) units = [chat.unitCode];
  }
  const all: Project[] = [];
  for (const u of units) all.push(...(await s.repos.projects.activeProjectsOf(s.competitionId, u)));
  return all;
}

const PROJECT_CODE = /^[A-Za-z0-9]{1,8}-[A-Z0-9]{1,16}-[A-Z][A-Z0-9]{0,7}-\d+$/;

export const progressCommand: CommandSpec = {
  name: 'progress',
  words: ['进展', 'progress', '填报'],
  summary: text(
    '填报项目进展，提交后可把文件、图片发给我作附件；「进展 项目编号」查看项目的进展记录、评委指导意见和附件',
    'Report progress, then send me files or pictures to attach them; "progress" with a project code shows its timeline, the judges\' guidance and the attachments',
  ),
  usage: text('进展 2024-T02-HP-1', 'progress 2024-T02-HP-1'),
  audience: ['contact', 'judge', 'oversight'],
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const code = ctx.command.args.join('').trim().toUpperCase();
    if (code) {
      if (!PROJECT_CODE.test(code))
        refuse(
          'reports.bad_code',
          `「${echo(code, 20)}」不是项目编号，编号形如 2024-T02-HP-1。`,
          `"${echo(code, 20)}" is not a project code; codes look like 2024-T02-HP-1.`,
        );
      const id = await s.repos.projects.projectIdByCode(s.competitionId, code);
      if (!id) refuse('reports.unknown_code', `没有编号为 ${code} 的项目。`, `There is no project ${code}.`);
      const p = await projectFor(s, c, ctx.roles, id!, 'read');
      return ctx.reply(
        await timeline(s, c, p, { roles: ctx.roles, private: ctx.event.chatType === 'p2p' }),
        'report-history',
      );
    }
    if (!ctx.roles.contactOf.length) {
      refuse(
        'reports.code_needed',
        '请在命令后加项目编号查看进展，例如「进展 2024-T02-HP-1」；各单位的填报情况请用「进展情况」。',
        'Add a project code to read its timeline, e.g. "progress 2024-T02-HP-1"; for everyone\'s reporting use "reports".',
      );
    }
    requireReportingOpen(c, s.clock.now());
    const projects = await contactProjects(s, ctx.roles, ctx.event.chatType, ctx.event.chatId);
    if (!projects.length)
      refuse('reports.no_projects', '你的单位还没有报名的项目。', 'Your unit has no registered project.');
    if (projects.length === 1) return ctx.reply(await formFor(s, c, projects[0]!), 'report-form');
    await ctx.reply(
      await reportPicker(s, c, projects, defaultPeriod(periodWindows(c), s.clock.now())),
      'report-picker',
    );
  },
};

/** The units of `projects`, each once, as a picker's title names them (浦东、黄浦). */
const unitNamesOf = (c: Competition, projects: readonly Project[]): string =>
  [...new Set(projects.map((p) => unitShortName(c, p.unit)))].join('、');

/** The picker of `projects` to report on, each with its state for `period` (the current one, or a reminder's). */
async function reportPicker(s: BotServices, c: Competition, projects: Project[], period: PeriodWindow | undefined) {
  const now = s.clock.now();
  const first = await s.repos.reports.firstReportTimes(
    s.competitionId,
    undefined,
    projects.map((p) => p.id),
  );
  // A project with nothing it can report now gets no button (it could only be refused), and those that can come first.
  const windows = periodWindows(c);
  const reportable = new Set(
    projects
      .filter((p) => reportablePeriods(windows, p, (code) => first.get(`${p.id}|${code}`), now).length > 0)
      .map((p) => p.id),
  );
  const ordered = [...projects.filter((p) => reportable.has(p.id)), ...projects.filter((p) => !reportable.has(p.id))];
  return projectPicker({
    unitName: unitNamesOf(c, projects),
    purpose: 'report',
    projects: ordered.map((p) => ({
      ...label(c, p),
      ...(reportable.has(p.id)
        ? {}
        : {
            nothingNow: nothingToReport(
              p.code,
              windows.find((w) => w.opensAt > now && p.createdAt < w.dueAt),
            ),
          }),
      ...(period
        ? {
            status: {
              kind: 'report' as const,
              periodName: periodName(period),
              due: period.due,
              state: reportState(period, first.get(`${p.id}|${period.code}`), now),
            },
          }
        : {}),
    })),
  });
}

export const selfEvaluationCommand: CommandSpec = {
  name: 'self-evaluation',
  words: ['自评', 'self-evaluation', 'selfeval'],
  summary: text('中途检查和年终时为本单位项目自评', "Score your unit's projects at the mid-term check and at year end"),
  audience: 'contact',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    requireReportingOpen(c, now);
    const period = periodWindows(c)
      .filter((w) => w.selfEvaluation && w.opensAt <= now)
      .sort((a, b) => Math.abs(a.dueAt - now) - Math.abs(b.dueAt - now))[0];
    if (!period) {
      const next = periodWindows(c).find((w) => w.selfEvaluation);
      refuse(
        'reports.no_self_evaluation',
        `现在不是自评时间${next ? `，下一次是「${next.name}」（${next.opens} 起）` : ''}。`,
        `Self-evaluation is not open now${next ? `; the next one is "${next.nameEn}" (from ${next.opens})` : ''}.`,
      );
    }
    const projects = await contactProjects(s, ctx.roles, ctx.event.chatType, ctx.event.chatId);
    if (!projects.length)
      refuse('reports.no_projects', '你的单位还没有报名的项目。', 'Your unit has no registered project.');
    await ctx.reply(await selfEvaluationPicker(s, c, projects, period!), 'self-evaluation-picker');
  },
};

/** The picker of `projects` to self-evaluate for `period`, each saying whether its self-evaluation is in. */
async function selfEvaluationPicker(s: BotServices, c: Competition, projects: Project[], period: PeriodWindow) {
  const now = s.clock.now();
  const done = await s.repos.reports.latestSelfEvaluationsFor(
    projects.map((p) => p.id),
    period.code,
  );
  const max = c.file.rubric.reduce((n, r) => n + r.max, 0);
  const status = (p: Project) => {
    const sev = done.get(p.id);
    return {
      kind: 'self-evaluation' as const,
      periodName: periodName(period),
      due: period.due,
      max,
      closed: now >= period.dueAt,
      ...(sev ? { total: Object.values(sev.scores).reduce((a, b) => a + b, 0) } : {}),
    };
  };
  return projectPicker({
    unitName: unitNamesOf(c, projects),
    purpose: 'self-evaluation',
    period: period.code,
    projects: projects.map((p) => ({ ...label(c, p), status: status(p) })),
  });
}

/** 进展情况 of a period (the last one due when none is named), a page of its units from `offset`. */
async function overviewCard(
  s: BotServices,
  c: Competition,
  roles: Roles,
  periodCode: string | undefined,
  offset?: number,
) {
  const now = s.clock.now();
  const windows = periodWindows(c);
  const due = windows.filter((w) => w.opensAt <= now);
  const period = periodCode
    ? windows.find((w) => w.code === periodCode)
    : (due.filter((w) => w.dueAt <= now).at(-1) ?? defaultPeriod(windows, now));
  if (!period) refuse('reports.no_period', '还没有开始填报的期次。', 'No reporting period has opened yet.');
  const wide = roles.office || roles.leader;
  const tracks = wide ? undefined : roles.judgeOf;
  const projects = await s.repos.projects.allActiveProjects(s.competitionId, tracks);
  const first = await s.repos.reports.firstReportTimes(s.competitionId, period!.code);
  const byProject = new Map([...first].map(([k, v]) => [k.split('|')[0]!, v]));
  const o = periodOverview(
    period!,
    projects.map((p) => ({ id: p.id, code: p.code, unit: p.unit, track: p.track, createdAt: p.createdAt })),
    byProject,
    now,
  );
  const byId = new Map(projects.map((p) => [p.id, p]));
  return reportsOverviewCard({
    overview: o,
    units: c.file.units.map((u) => ({ code: u.code, name: u.shortName })),
    tracks: c.file.tracks,
    missingProjects: o.missing.map((id) => ({
      code: byId.get(id)!.code,
      unitName: unitShortName(c, byId.get(id)!.unit),
    })),
    otherPeriods: due
      .filter((w) => w.code !== period!.code)
      .map((w) => ({ code: w.code, name: w.name, nameEn: w.nameEn })),
    scope: wide
      ? undefined
      : text(`你评审的赛道：${roles.judgeOf.join('、')}`, `Your tracks: ${roles.judgeOf.join(', ')}`),
    guidance: guidanceByTrack(await s.repos.guidance.commentsOfPeriod(s.competitionId, period!.code), projects),
    ...(offset ? { offset } : {}),
  });
}

export const reportsCommand: CommandSpec = {
  name: 'reports',
  words: ['进展情况', 'reports'],
  summary: text(
    '各期进展的按时、逾期、缺报情况（评委看自己的赛道）',
    'On-time, late and missing reports per period (judges: their tracks)',
  ),
  usage: text('进展情况 [期次，如 6月 或 中途检查]', 'reports [period, e.g. 2024-06 or midterm]'),
  audience: ['judge', 'oversight'],
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const wanted = ctx.command.args.join('').trim();
    const period = wanted ? periodNamed(c.periods, wanted) : undefined;
    if (wanted && !period) {
      refuse(
        'reports.unknown_period',
        `没有「${echo(wanted, 20)}」这个期次。可选：${c.periods.map((p) => p.name).join('、')}（也可以用代码，如 ${c.periods[0]?.code}）`,
        `There is no period "${echo(wanted, 20)}". Choose from: ${c.periods.map((p) => p.nameEn).join(', ')} (or a code, e.g. ${c.periods[0]?.code})`,
      );
    }
    await ctx.reply(await overviewCard(s, c, ctx.roles, period?.code), 'reports-overview');
  },
};

export const scheduleCommand: CommandSpec = {
  name: 'schedule',
  words: ['日程', 'schedule'],
  summary: text(
    '竞赛阶段、接下来的截止日，以及本单位还欠什么',
    'Stages, the next deadlines, and what your unit still owes',
  ),
  audience: 'everyone',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const current = stageAt(c, now);
    const windows = periodWindows(c);
    const deadlines = [
      ...c.stages
        .filter((st) => st.code === 'registration')
        .map((st) => ({
          name: `${st.name}截止`,
          nameEn: `${st.nameEn} closes`,
          date: st.end,
          at: deadlineInstant(c, st.end),
        })),
      ...windows.map((w) => ({ name: `${w.name}截止`, nameEn: `${w.nameEn} due`, date: w.due, at: w.dueAt })),
      ...c.file.milestones.map((m) => ({
        name: m.name,
        nameEn: m.nameEn,
        date: m.date,
        at: deadlineInstant(c, m.date),
      })),
    ]
      .filter((d) => d.at > now)
      .sort((a, b) => a.at - b.at)
      .slice(0, 5);
    let owed: Array<NonNullable<Parameters<typeof scheduleCard>[0]['owed']>[number]> | undefined;
    // An archived competition owes nothing and has no deadline ahead: its stages only, and the note that it is over.
    if (c.file.archived) deadlines.length = 0;
    if (ctx.roles.contactOf.length && !c.file.archived) {
      owed = [];
      for (const unit of ctx.roles.contactOf) {
        const projects = await s.repos.projects.activeProjectsOf(s.competitionId, unit);
        const first = await s.repos.reports.firstReportTimes(
          s.competitionId,
          undefined,
          projects.map((p) => p.id),
        );
        const items = stillOwed(
          windows,
          projects.map((p) => ({ id: p.id, code: p.code, unit: p.unit, track: p.track, createdAt: p.createdAt })),
          new Set(first.keys()),
          now,
        );
        owed.push({
          unitName: unitShortName(c, unit),
          items: items.map((i) => ({
            projectCode: i.project.code,
            periodName: periodName(i.period),
            due: i.period.due,
            overdue: i.overdue,
          })),
        });
      }
    }
    await ctx.reply(
      scheduleCard({
        competition: text(c.file.name, c.file.nameEn),
        archived: c.file.archived,
        stages: c.stages.map((st) => ({
          name: st.name,
          nameEn: st.nameEn,
          start: st.start,
          end: st.end,
          current: current?.code === st.code,
        })),
        deadlines,
        owed,
      }),
      'schedule',
    );
  },
};

export const openReportAction: CardActionSpec<'rpt.open'> = {
  action: 'rpt.open',
  audience: 'contact',
  async run(ctx, v) {
    const c = await ctx.services.competition();
    const p = await projectFor(ctx.services, c, ctx.roles, v.p, 'write');
    return answerClick(
      ctx,
      await formFor(ctx.services, c, p),
      text(`项目 ${p.code} 的进展填报表`, `the progress report form of ${p.code}`),
      'report-form',
    );
  },
};

export const submitReportAction: CardActionSpec<'rpt.submit'> = {
  action: 'rpt.submit',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const p = await projectFor(s, c, ctx.roles, v.p, 'write');
    requireReportingOpen(c, now);
    const windows = periodWindows(c);
    const checked = parseReport(
      ctx.action.formValue,
      windows.map((w) => w.code),
    );
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const period = windows.find((w) => w.code === checked.value.period)!;
    if (p.createdAt >= period.dueAt)
      return toastError(
        text(
          `项目 ${p.code} 报名时「${period.name}」已截止，不需要填报这一期。`,
          `Project ${p.code} was registered after "${period.nameEn}" was due; it does not owe that period.`,
        ),
      );
    const outcome = await submitRevision(
      period,
      now,
      () => s.repos.reports.revisionCount(p.id, period.code),
      (decision) =>
        s.repos.reports.insertReport({
          competitionId: s.competitionId,
          projectId: p.id,
          projectCode: p.code,
          period: period.code,
          revision: decision.revision,
          late: decision.late,
          fields: checked.value.fields,
          actor: ctx.action.operatorOpenId,
          now,
        }),
    );
    if ('toast' in outcome) return outcome;
    const { decision } = outcome;
    const sevDone = period.selfEvaluation
      ? (await s.repos.reports.selfEvaluationRevisions(p.id, period.code)) > 0
      : true;
    const attachable = await rememberReceipt(ctx, p, 'report', period.code);
    return {
      card: reportReceived({
        project: label(c, p),
        periodName: periodName(period),
        revision: decision.revision,
        late: decision.late,
        selfEvaluation: sevDone ? undefined : { period: period.code },
        // The period's first report has no files yet: files attach to a receipt, and this is its first.
        ...(attachable
          ? { files: await receiptFiles(s, c, p.id, 'report', period.code, true, decision.revision === 1) }
          : {}),
      }),
      toast: {
        type: decision.late ? 'warning' : 'success',
        text: decision.late ? text('已提交（逾期补报）', 'Submitted (late)') : text('已提交', 'Submitted'),
      },
    };
  },
};

export const historyAction: CardActionSpec<'rpt.history'> = {
  action: 'rpt.history',
  audience: ['contact', 'judge', 'oversight'] as const,
  async run(ctx, v) {
    const c = await ctx.services.competition();
    const p = await projectFor(ctx.services, c, ctx.roles, v.p, 'read');
    const from = v.o ? v.o + 1 : 0;
    return (v.n ? answerBeside : answerClick)(
      ctx,
      await timeline(ctx.services, c, p, { roles: ctx.roles, private: true }, v.o),
      text(
        `项目 ${p.code} 的进展记录${from ? `（第 ${from} 条起）` : ''}`,
        `the timeline of ${p.code}${from ? ` (from entry ${from})` : ''}`,
      ),
      'report-history',
    );
  },
};

/** The period of a project's timeline a button names, refused when the competition no longer has it. */
function periodOf(c: Competition, code: string): PeriodWindow {
  const w = periodWindows(c).find((x) => x.code === code);
  if (!w) refuse('reports.unknown_period', '这个期次已不存在。', 'This period no longer exists.');
  return w!;
}

/**
 * A card of one period of a project's timeline (its guidance, or its files), for the timeline's readers: below the
 * timeline from its button, then paged in place by its own buttons (which carry an offset).
 */
function periodCardAction<N extends 'rpt.guidance' | 'rpt.files'>(
  action: N,
  build: (
    view: { project: ProjectLabel; periodName: Text; offset?: number; page: (o: number) => ActionValue },
    of: Awaited<ReturnType<typeof guidanceAndFilesOf>>,
    period: string,
  ) => Card,
  what: (code: string, w: PeriodWindow) => Text,
  purpose: string,
): CardActionSpec<N> {
  return {
    action,
    audience: ['contact', 'judge', 'oversight'] as const,
    async run(ctx, value) {
      const v = value as { p: string; period: string; o?: number };
      const s = ctx.services;
      const c = await s.competition();
      const p = await projectFor(s, c, ctx.roles, v.p, 'read');
      const w = periodOf(c, v.period);
      const view = {
        project: label(c, p),
        periodName: periodName(w),
        offset: v.o,
        page: (o: number) => ({ a: action, p: p.id, period: w.code, o }) as ActionValue,
      };
      return (v.o === undefined ? answerBeside : answerClick)(
        ctx,
        build(view, await guidanceAndFilesOf(s, c, p, ctx.roles), w.code),
        what(p.code, w),
        purpose,
      );
    },
  };
}

/** A period's guidance on a card of its own (the timeline's 全部指导意见). */
export const periodGuidanceAction = periodCardAction(
  'rpt.guidance',
  (view, of, period) => periodGuidanceCard({ ...view, threads: of.threadViews(period) }),
  (code, w) => text(`项目 ${code}「${w.name}」的指导意见`, `the guidance on ${code}, ${w.nameEn}`),
  'period-guidance',
);

/** A period's attachments on a card of their own (the timeline's 全部附件). */
export const periodFilesAction = periodCardAction(
  'rpt.files',
  (view, of, period) => periodFilesCard({ ...view, files: of.fileViews(period) }),
  (code, w) => text(`项目 ${code}「${w.name}」的附件`, `the attachments of ${code}, ${w.nameEn}`),
  'period-files',
);

export const overviewAction: CardActionSpec<'rpt.overview'> = {
  action: 'rpt.overview',
  audience: ['judge', 'oversight'] as const,
  async run(ctx, v) {
    const c = await ctx.services.competition();
    if (!c.periods.some((p) => p.code === v.period))
      refuse('reports.unknown_period', '这个期次已不存在。', 'This period no longer exists.');
    const w = periodWindows(c).find((x) => x.code === v.period);
    return answerClick(
      ctx,
      await overviewCard(ctx.services, c, ctx.roles, v.period, v.o),
      text(`进展情况 · ${w?.name ?? v.period}`, `Reports · ${w?.nameEn ?? v.period}`),
      'reports-overview',
    );
  },
};

function selfEvaluationPeriod(c: Competition, code: string): PeriodWindow {
  const w = periodWindows(c).find((x) => x.code === code && x.selfEvaluation);
  if (!w) refuse('reports.no_self_evaluation', '这一期不需要自评。', 'This period asks for no self-evaluation.');
  return w!;
}

/** The self-evaluation form of a project for the period `code` (pre-filled with its last one), when it is open. */
async function selfEvaluationFormFor(s: BotServices, c: Competition, p: Project, code: string) {
  requireReportingOpen(c, s.clock.now());
  const w = selfEvaluationPeriod(c, code);
  if (s.clock.now() < w.opensAt)
    refuse('reports.not_open', `「${w.name}」${w.opens} 才开始。`, `"${w.nameEn}" opens on ${w.opens}.`);
  const prior = (await s.repos.reports.latestSelfEvaluations(p.id)).find((x) => x.period === w.code);
  return selfEvaluationForm({
    project: label(c, p),
    periodName: periodName(w),
    period: w.code,
    rubric: c.file.rubric,
    prefill: prior,
  });
}

export const openSelfEvaluationAction: CardActionSpec<'sev.open'> = {
  action: 'sev.open',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const p = await projectFor(s, c, ctx.roles, v.p, 'write');
    return answerClick(
      ctx,
      await selfEvaluationFormFor(s, c, p, v.period),
      text(`项目 ${p.code} 的自评表`, `the self-evaluation form of ${p.code}`),
      'self-evaluation-form',
    );
  },
};

/**
 * What a reminder's 去填写 opens for the projects that still owe `period` when it is pressed (ids, each checked as
 * the operator's to report on, like the form's own button): the form of the one project, pre-selecting the period,
 * or a picker of them with their state for that period. `purpose` names the message, as the commands do.
 */
export async function owedFormCard(
  s: BotServices,
  roles: Roles,
  kind: 'report' | 'self-evaluation',
  projectIds: readonly string[],
  period: string,
): Promise<{ card: Card; purpose: string; projects: Project[] }> {
  const c = await s.competition();
  const projects: Project[] = [];
  for (const id of projectIds) projects.push(await projectFor(s, c, roles, id, 'write'));
  requireReportingOpen(c, s.clock.now());
  const only = projects.length === 1 ? projects[0]! : undefined;
  if (kind === 'report') {
    if (only) return { card: await formFor(s, c, only, period), purpose: 'report-form', projects };
    const w = periodWindows(c).find((x) => x.code === period);
    return { card: await reportPicker(s, c, projects, w), purpose: 'report-picker', projects };
  }
  if (only) return { card: await selfEvaluationFormFor(s, c, only, period), purpose: 'self-evaluation-form', projects };
  const w = selfEvaluationPeriod(c, period);
  return { card: await selfEvaluationPicker(s, c, projects, w), purpose: 'self-evaluation-picker', projects };
}

export const submitSelfEvaluationAction: CardActionSpec<'sev.submit'> = {
  action: 'sev.submit',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    const p = await projectFor(s, c, ctx.roles, v.p, 'write');
    requireReportingOpen(c, now);
    const w = selfEvaluationPeriod(c, v.period);
    const checked = parseSelfEvaluation(ctx.action.formValue, c.file.rubric);
    if (!checked.ok) return toastError(problemsText(checked.problems));
    const outcome = await submitRevision(
      w,
      now,
      () => s.repos.reports.selfEvaluationRevisions(p.id, w.code),
      (decision) =>
        s.repos.reports.insertSelfEvaluation({
          competitionId: s.competitionId,
          projectId: p.id,
          projectCode: p.code,
          period: w.code,
          revision: decision.revision,
          late: decision.late,
          ...checked.value,
          actor: ctx.action.operatorOpenId,
          now,
        }),
    );
    if ('toast' in outcome) return outcome;
    const total = Object.values(checked.value.scores).reduce((a, b) => a + b, 0);
    const attachable = await rememberReceipt(ctx, p, 'self_evaluation', w.code);
    return {
      card: selfEvaluationReceived({
        project: label(c, p),
        periodName: periodName(w),
        total,
        max: c.file.rubric.reduce((n, r) => n + r.max, 0),
        revision: outcome.decision.revision,
        ...(attachable ? { files: await receiptFiles(s, c, p.id, 'self_evaluation', w.code, true) } : {}),
      }),
      toast: { type: 'success', text: text('自评已提交', 'Self-evaluation submitted') },
    };
  },
};

// ── evidence files (src/features/attachments) ───────────────────────────────────────────────────

type Subject = 'report' | 'self_evaluation';

/**
 * The receipt replacing a form becomes what files sent next attach to (or in reply to it): only in a one-to-one chat,
 * where the contact sends them; a receipt on a card in a group lists no files (whoever is in the group would see the
 * names). Whether it did.
 */
async function rememberReceipt(ctx: CardActionContext, p: Project, subject: Subject, period: string): Promise<boolean> {
  const s = ctx.services;
  const { messageId, chatId, operatorOpenId } = ctx.action;
  // A group's receipt lists no files: they would show to everyone there.
  if (!messageId || !operatorOpenId || (chatId && (await s.repos.chats.isKnownGroup(chatId)))) return false;
  await s.repos.attachments.rememberTarget(s.competitionId, {
    messageId,
    openId: operatorOpenId,
    projectId: p.id,
    subject,
    subjectKey: period,
    createdAt: s.clock.now(),
  });
  return true;
}

/** What a receipt shows of the files attached to a period's report or self-evaluation. */
async function receiptFiles(
  s: BotServices,
  c: Competition,
  projectId: string,
  subject: Subject,
  period: string,
  open: boolean,
  /** Nothing can be attached yet (the period's first report): no need to ask the database. */
  none = false,
): Promise<ReceiptFiles> {
  const files = none ? [] : await s.repos.attachments.attachmentsOf(projectId, subject, period);
  return {
    subject,
    files: files.map((f) => ({ id: f.id, name: f.fileName, sizeBytes: f.sizeBytes })),
    windowMinutes: c.file.attachments.windowMinutes,
    perItem: c.file.attachments.perItem,
    open,
  };
}

/** Why files can no longer be attached to (or removed from) a period's reports: reporting has closed. */
function reportingClosed(c: Competition, now: number): Text | undefined {
  try {
    requireReportingOpen(c, now);
    return undefined;
  } catch (err) {
    if (isUserError(err)) return err.text;
    throw err;
  }
}

/**
 * A period's report or self-evaluation as the attachments feature sees it (wired in src/container.ts): whose it is,
 * how the confirmation names it, whether files may still come or go, and its receipt card as it now stands.
 */
export async function reportAttachSubject(
  s: BotServices,
  target: { projectId: string; subject: 'report' | 'self_evaluation' | 'award'; subjectKey: string },
) {
  if (target.subject === 'award') return undefined;
  const subject = target.subject;
  const c = await s.competition();
  const p = await s.repos.projects.findProject(s.competitionId, target.projectId);
  const w = periodWindows(c).find((x) => x.code === target.subjectKey);
  if (!p || !w) return undefined;
  const closed =
    p.status !== 'active'
      ? text(`项目 ${p.code} 已撤回。`, `Project ${p.code} has been withdrawn.`)
      : reportingClosed(c, s.clock.now());
  const sev = subject === 'self_evaluation';
  return {
    unit: p.unit,
    track: p.track,
    name: text(`${p.code}「${w.name}」${sev ? '自评' : ''}`, `${p.code} "${w.nameEn}"${sev ? ' self-evaluation' : ''}`),
    closed,
    receipt: async (): Promise<Card | undefined> => {
      const files = await receiptFiles(s, c, p.id, subject, w.code, !closed);
      if (!sev) {
        const latest = (await s.repos.reports.reportsOf(p.id)).filter((r) => r.period === w.code).at(-1);
        if (!latest) return undefined;
        const sevDone = w.selfEvaluation ? (await s.repos.reports.selfEvaluationRevisions(p.id, w.code)) > 0 : true;
        return reportReceived({
          project: label(c, p),
          periodName: periodName(w),
          revision: latest.revision,
          late: latest.late,
          selfEvaluation: sevDone || closed ? undefined : { period: w.code },
          files,
        });
      }
      const latest = (await s.repos.reports.latestSelfEvaluations(p.id)).find((x) => x.period === w.code);
      if (!latest) return undefined;
      return selfEvaluationReceived({
        project: label(c, p),
        periodName: periodName(w),
        total: Object.values(latest.scores).reduce((a, b) => a + b, 0),
        max: c.file.rubric.reduce((n, r) => n + r.max, 0),
        revision: latest.revision,
        files,
      });
    },
  };
}

export const REPORT_COMMANDS = [progressCommand, selfEvaluationCommand, scheduleCommand, reportsCommand] as const;
export const REPORT_ACTIONS = [
  openReportAction,
  submitReportAction,
  historyAction,
  periodGuidanceAction,
  periodFilesAction,
  overviewAction,
  openSelfEvaluationAction,
  submitSelfEvaluationAction,
] as const;
