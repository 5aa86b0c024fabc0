/**
 * Progress cards: the report form (pre-filled from the last report), the receipt, a project's timeline (a page of
 * periods, newest first), the self-evaluation form, the office's per-period view and the schedule. What people typed
 * is shown as plain text, once (`userText`, `field`); names from the competition file pass through `md()` in markdown.
 */
import { text, type Text } from '../src/platform/i18n';
import { PERIOD_FIELD, reportInputs, selfEvaluationInputs, type ReportFields } from './reports.form';
import type { ActionValue } from './actions';
import { receiptFileElements, type ReceiptFiles } from './attachments';
import {
  button,
  buttonRow,
  capped,
  card,
  divider,
  field,
  fitCard,
  markdown,
  plain,
  md,
  pager,
  plainText,
  submitButton,
  table,
  userText,
  type Card,
  type Element,
  type TableColumn,
} from './kit';
import type { PeriodTally, ReportState } from '../src/core/periods';

export type { ReportFields } from './reports.form';

/** One period's tallies, overall, per unit and per track, and the projects missing (reporting.rules computes it). */
export interface PeriodOverview {
  period: { code: string; name: string; nameEn: string; due: string };
  total: PeriodTally;
  byUnit: ReadonlyMap<string, PeriodTally>;
  byTrack: ReadonlyMap<string, PeriodTally>;
}

export interface ProjectLabel {
  id: string;
  code: string;
  name: string;
  trackName: string;
  trackNameEn: string;
  unitName: string;
}

export interface PeriodChoice {
  code: string;
  name: string;
  nameEn: string;
  due: string;
  /** This project's state for the period. */
  state: ReportState;
}

const STATE: Record<ReportState, Text> = {
  on_time: text('已按时报', 'reported on time'),
  late: text('已补报（逾期）', 'reported late'),
  missing: text('未报，已逾期', 'missing, overdue'),
  pending: text('待报', 'to report'),
};

const periodLabel = (p: PeriodChoice): Text =>
  text(`${p.name}（${p.due} 截止 · ${STATE[p.state].zh}）`, `${p.nameEn} (due ${p.due} · ${STATE[p.state].en})`);

/** The project's code and name as typed, on one plain line. */
const projectLine = (p: Pick<ProjectLabel, 'code' | 'name'>): Element => userText(`${p.code} · ${p.name}`);

/** Where the pre-filled values come from: this period's last revision, or an earlier period's report. */
export type Prefill = { fields: ReportFields; from: { name: string; nameEn: string }; samePeriod: boolean };

/** The report form. `periods` are only those a report can still be submitted for (locked periods are not offered). */
export function reportForm(view: {
  project: ProjectLabel;
  periods: PeriodChoice[];
  selected?: string;
  prefill?: Prefill;
}): Card {
  const f = view.prefill?.fields;
  const from = view.prefill;
  const note = !from
    ? text('', '')
    : from.samePeriod
      ? text(
          `\n已填入你上次提交的「${md(from.from.name)}」报告；修改后提交即保存为新版本。`,
          `\nFilled in with your last "${md(from.from.nameEn)}" report; submitting saves a new revision.`,
        )
      : text(
          `\n已按「${md(from.from.name)}」的报告预先填好，请改成本期的情况。`,
          `\nPre-filled from the "${md(from.from.nameEn)}" report: update it for this period.`,
        );
  return card({
    title: text(`填报进展 · ${view.project.unitName}`, `Progress report · ${view.project.unitName}`),
    elements: [
      projectLine(view.project),
      markdown(
        text(
          `截止日当天 24 点前提交算按时；截止前可以反复修改，每次都会保留。${note.zh}`,
          `Reports until the end of the due day are on time; until then you may revise as often as you like and every version is kept.${note.en}`,
        ),
      ),
      {
        tag: 'form',
        name: 'report',
        elements: [
          {
            tag: 'select_static',
            name: PERIOD_FIELD,
            required: true,
            width: 'fill',
            placeholder: plainText(text('选择填报期', 'Choose the period')),
            options: view.periods.map((p) => ({ text: plainText(periodLabel(p)), value: p.code })),
            ...(view.selected ? { initial_option: view.selected } : {}),
          },
          ...reportInputs(f),
          submitButton(text('提交进展', 'Submit'), { a: 'rpt.submit', p: view.project.id }),
        ],
      },
    ],
  });
}

/** What the picker says of a project for the period at hand: its report state, or whether its self-evaluation is in. */
export type PickerStatus =
  | { kind: 'report'; periodName: Text; due: string; state: ReportState }
  | { kind: 'self-evaluation'; periodName: Text; due: string; total?: number; max: number; closed: boolean };

function statusLine(s: PickerStatus): Text {
  const period = text(md(s.periodName.zh), md(s.periodName.en));
  if (s.kind === 'report')
    return text(
      `${period.zh}：${STATE[s.state].zh}（${s.due} 截止）`,
      `${period.en}: ${STATE[s.state].en} (due ${s.due})`,
    );
  if (s.total !== undefined)
    return text(
      `${period.zh}：已自评 ${s.total}/${s.max}（${s.closed ? '已截止' : `${s.due} 前可修改`}）`,
      `${period.en}: self-evaluated ${s.total}/${s.max} (${s.closed ? 'closed' : `may revise until ${s.due}`})`,
    );
  return text(
    `${period.zh}：未自评（${s.due} 截止${s.closed ? '，已逾期' : ''}）`,
    `${period.en}: not yet self-evaluated (due ${s.due}${s.closed ? ', overdue' : ''})`,
  );
}

/** Projects a page of the picker holds at most. */
export const PICKER_PAGE = 20;

export function projectPicker(view: {
  unitName: string;
  /** `nothingNow`: nothing can be reported for it now (the text says when next); it is listed without a button. */
  projects: Array<ProjectLabel & { status?: PickerStatus; nothingNow?: Text }>;
  purpose: 'report' | 'self-evaluation';
  period?: string;
}): Card {
  const title =
    view.purpose === 'report'
      ? text(`填报进展 · ${view.unitName}`, `Progress report · ${view.unitName}`)
      : text(`自评 · ${view.unitName}`, `Self-evaluation · ${view.unitName}`);
  const build = (n: number): Card => {
    const elements: Element[] = [markdown(text('选择项目：', 'Choose a project:'))];
    for (const p of view.projects.slice(0, n)) {
      elements.push(divider(), projectLine(p));
      if (p.status) elements.push(markdown(statusLine(p.status)));
      if (view.purpose === 'report' && p.nothingNow) {
        elements.push(plain(p.nothingNow));
        continue;
      }
      elements.push(
        view.purpose === 'report'
          ? button(text('填报', 'Report'), { a: 'rpt.open', p: p.id }, 'primary')
          : button(
              p.status?.kind === 'self-evaluation' && p.status.total !== undefined
                ? text('修改自评', 'Revise')
                : text('自评', 'Self-evaluate'),
              { a: 'sev.open', p: p.id, period: view.period! },
              'primary',
            ),
      );
    }
    if (n < view.projects.length)
      elements.push(
        markdown(
          text(
            `还有 ${view.projects.length - n} 个项目未列出：发送「我的项目」或「进展 项目编号」。`,
            `${view.projects.length - n} more project(s) not listed: send "projects" or "progress" with a project code.`,
          ),
        ),
      );
    return card({ title, elements });
  };
  return fitCard(build, Math.min(PICKER_PAGE, view.projects.length)).card;
}

export function reportReceived(view: {
  project: ProjectLabel;
  periodName: Text;
  revision: number;
  late: boolean;
  selfEvaluation?: { period: string };
  /** How to attach evidence files, and those attached (cards/attachments.ts). */
  files?: ReceiptFiles;
}): Card {
  const status = view.late
    ? text('已逾期，记为补报', 'after the due date: recorded as late')
    : view.revision > 1
      ? text(`第 ${view.revision} 次修改，以最新一次为准`, `revision ${view.revision}; the latest one counts`)
      : text('按时提交', 'on time');
  return card({
    title: text('进展已提交', 'Progress report received'),
    template: view.late ? 'orange' : 'green',
    elements: [
      projectLine(view.project),
      markdown(text(`${md(view.periodName.zh)}：${status.zh}。`, `${md(view.periodName.en)}: ${status.en}.`)),
      ...(view.selfEvaluation
        ? [
            markdown(text('本期还需要做项目自评。', 'This period also asks for a self-evaluation.')),
            button(
              text('去自评', 'Self-evaluate'),
              { a: 'sev.open', p: view.project.id, period: view.selfEvaluation.period },
              'primary',
            ),
          ]
        : []),
      ...(view.files ? receiptFileElements(view.files) : []),
      button(text('查看进展记录', 'See the timeline'), { a: 'rpt.history', p: view.project.id }),
    ],
  });
}

/** A guidance comment and its answers, as the timeline shows them; names and bodies are shown as typed. */
export interface ThreadView {
  /** The comment's id: its whole thread opens with `gd.thread`. */
  id: string;
  subject: 'report' | 'self_evaluation';
  author: string;
  body: string;
  needsAnswer: boolean;
  /** Local date and time. */
  createdAt: string;
  answers: ReadonlyArray<{ author: string; body: string; createdAt: string }>;
  /** A contact of the unit's button to answer it. */
  reply?: ActionValue;
}

/** A file attached to the period's report or self-evaluation, with the button that has the bot forward it. */
export interface AttachmentView {
  id: string;
  subject: 'report' | 'self_evaluation';
  name: string;
  /** e.g. 1.2 MB */
  size: string;
}

export interface TimelineEntry {
  periodName: Text;
  due: string;
  state: ReportState;
  revisions: number;
  /** `submittedAt` is a local date and time: the minute decides on time or late. */
  latest?: ReportFields & { submittedAt: string };
  selfEvaluation?: { total: number; max: number; justification: string; submittedAt: string };
  /** Guidance on this period, oldest first (at most THREADS_LISTED), and how many older ones are not shown. */
  threads?: ThreadView[];
  olderThreads?: number;
  attachments?: AttachmentView[];
  /** The buttons to the period's whole guidance and all its files, on cards of their own. */
  period?: { guidance: ActionValue; files: ActionValue };
  /** The buttons a judge of the track has to comment on the report or the self-evaluation. */
  comment?: { report?: ActionValue; selfEvaluation?: ActionValue };
}

/** Comments a period shows at most on the timeline (the newest); 全部指导意见 has them all. */
export const THREADS_LISTED = 3;
/** Attachments a period shows at most on the timeline; 全部附件 lists them all. */
export const ATTACHMENTS_LISTED = 10;

const SUBJECT: Record<'report' | 'self_evaluation', Text> = {
  report: text('进展报告', 'report'),
  self_evaluation: text('自评', 'self-evaluation'),
};

function attachmentElements(list: readonly AttachmentView[]): Element[] {
  const out: Element[] = [];
  for (const a of list) {
    out.push(
      userText(`${a.name} · ${a.size}`),
      button(text(`打开（${SUBJECT[a.subject].zh}附件）`, `Open (${SUBJECT[a.subject].en} attachment)`), {
        a: 'att.open',
        id: a.id,
      }),
    );
  }
  return out;
}

/**
 * The period's guidance and files: inline when they fit (the newest comments, the first files), with buttons to all
 * of them when some are not shown; only counts and those buttons when `compact` (a period too long for a page of its
 * own: long reports, long threads, many long file names).
 */
function guidanceAndFiles(e: TimelineEntry, compact: boolean): Element[] {
  const files = e.attachments ?? [];
  const threads = e.threads ?? [];
  const comments = threads.length + (e.olderThreads ?? 0);
  const open = threads.filter((t) => t.needsAnswer && !t.answers.length).length;
  const out: Element[] = [];
  if (files.length) out.push(markdown(text(`**附件（${files.length}）**`, `**Attachments (${files.length})**`)));
  if (!compact) out.push(...attachmentElements(files.slice(0, ATTACHMENTS_LISTED)));
  if (comments && compact)
    out.push(
      markdown(
        text(
          `**指导意见（${comments}）**${open ? ` ：${open} 条待回复` : ''}`,
          `**Guidance (${comments})**${open ? `: ${open} awaiting an answer` : ''}`,
        ),
      ),
    );
  if (!compact) out.push(...threadElements(threads));
  const all: Element[] = [];
  if (e.period && comments && (compact || (e.olderThreads ?? 0) > 0))
    all.push(button(text(`全部指导意见（${comments}）`, `All guidance (${comments})`), e.period.guidance));
  if (e.period && files.length && (compact || files.length > ATTACHMENTS_LISTED))
    all.push(button(text(`全部附件（${files.length}）`, `All attachments (${files.length})`), e.period.files));
  if (all.length) out.push(buttonRow(all));
  return out;
}

/** Answers a thread shows at most on the timeline (the newest); the thread's own card has them all. */
export const ANSWERS_LISTED = 2;
/** A period's guidance: each comment with its newest answers and the buttons to answer it or read it whole. */
function threadElements(threads: readonly ThreadView[]): Element[] {
  const out: Element[] = [];
  for (const t of threads) {
    const state = !t.needsAnswer
      ? text('', '')
      : t.answers.length
        ? text(' · 已回复', ' · answered')
        : text(' · **请回复，尚未回复**', ' · **answer requested, none yet**');
    out.push(
      markdown(
        text(
          `**指导意见** · ${SUBJECT[t.subject].zh} · ${t.createdAt}${state.zh}`,
          `**Guidance** · ${SUBJECT[t.subject].en} · ${t.createdAt}${state.en}`,
        ),
      ),
      userText(`${t.author}：${t.body}`),
    );
    const shown = t.answers.slice(-ANSWERS_LISTED);
    const hidden = t.answers.length - shown.length;
    if (hidden > 0)
      out.push(markdown(text(`较早的 ${hidden} 条回复未列出。`, `${hidden} earlier answer(s) not shown.`)));
    for (const a of shown)
      out.push(...field(text(`单位回复 · ${a.createdAt}`, `Unit's answer · ${a.createdAt}`), `${a.author}：${a.body}`));
    const buttons: Element[] = [];
    if (t.reply)
      buttons.push(
        button(
          t.answers.length ? text('补充回复', 'Add an answer') : text('回复这条意见', 'Answer this comment'),
          t.reply,
          t.needsAnswer && !t.answers.length ? 'primary' : 'default',
        ),
      );
    if (hidden > 0) buttons.push(button(text('查看完整对话', 'The whole thread'), { a: 'gd.thread', c: t.id }));
    if (buttons.length) out.push(buttonRow(buttons));
  }
  return out;
}

/** Periods a page of the timeline holds at most; fewer when the reports are long. */
export const TIMELINE_PAGE = 4;

function entryElements(e: TimelineEntry, compact = false): Element[] {
  const name = text(md(e.periodName.zh), md(e.periodName.en));
  const out: Element[] = [
    divider(),
    markdown(
      text(
        `**${name.zh}** （${e.due} 截止）· ${STATE[e.state].zh}${e.revisions > 1 ? ` · 修改 ${e.revisions - 1} 次` : ''}`,
        `**${name.en}** (due ${e.due}) · ${STATE[e.state].en}${e.revisions > 1 ? ` · revised ${e.revisions - 1}×` : ''}`,
      ),
    ),
  ];
  if (e.latest) {
    out.push(
      markdown(
        text(
          `完成度 **${e.latest.completion}%** · 最后提交于 ${e.latest.submittedAt}`,
          `Completion **${e.latest.completion}%** · last submitted ${e.latest.submittedAt}`,
        ),
      ),
    );
    out.push(
      ...field(text('本期完成的工作', 'Work done'), e.latest.workDone),
      ...field(text('取得的成效', 'Results'), e.latest.results),
    );
    if (e.latest.evidence.length) out.push(...field(text('佐证链接', 'Evidence links'), e.latest.evidence.join('\n')));
    if (e.latest.problems) out.push(...field(text('问题与需要的帮助', 'Problems and help needed'), e.latest.problems));
  }
  if (e.selfEvaluation) {
    const owed = !e.latest
      ? text(' · 本期进展报告还没有提交', " · this period's progress report is still owed")
      : text('', '');
    out.push(
      markdown(
        text(
          `自评 **${e.selfEvaluation.total}/${e.selfEvaluation.max}** · 提交于 ${e.selfEvaluation.submittedAt}${owed.zh}`,
          `Self-evaluation **${e.selfEvaluation.total}/${e.selfEvaluation.max}** · submitted ${e.selfEvaluation.submittedAt}${owed.en}`,
        ),
      ),
    );
    out.push(...field(text('自评理由', 'Justification'), e.selfEvaluation.justification));
  }
  out.push(...guidanceAndFiles(e, compact));
  const comment = [
    ...(e.comment?.report ? [button(text('对报告写指导意见', 'Comment on the report'), e.comment.report)] : []),
    ...(e.comment?.selfEvaluation
      ? [button(text('对自评写指导意见', 'Comment on the self-evaluation'), e.comment.selfEvaluation)]
      : []),
  ];
  if (comment.length) out.push(buttonRow(comment));
  return out;
}

/**
 * A project's timeline: `entries` newest period first, a page of them from `offset` (as many as fit, at most
 * TIMELINE_PAGE), with buttons to newer and older periods.
 */
export function historyCard(view: {
  project: ProjectLabel;
  entries: TimelineEntry[];
  offset?: number;
  page: (offset: number) => ActionValue;
  /** Posted in a group: guidance and attachments are left out, and the card says where to read them. */
  inGroup?: boolean;
}): Card {
  const total = view.entries.length;
  const offset = Math.min(view.offset ?? 0, Math.max(0, total - 1));
  const build = (n: number, compact = false): Card => {
    const shown = view.entries.slice(offset, offset + n);
    const elements: Element[] = [
      projectLine(view.project),
      markdown(
        text(
          `赛道：${md(view.project.trackName)} · ${md(view.project.unitName)}`,
          `Track: ${md(view.project.trackNameEn)} · ${md(view.project.unitName)}`,
        ),
      ),
    ];
    if (view.inGroup && total)
      elements.push(
        markdown(
          text(
            '评委指导意见和附件只在与我的单聊中显示：在单聊中发送「进展 项目编号」查看。',
            'The judges\' guidance and the attachments show only in a one-to-one chat with me: send "progress" with the project code there.',
          ),
        ),
      );
    for (const e of shown) elements.push(...entryElements(e, compact));
    if (!total) elements.push(markdown(text('还没有需要填报的期次。', 'No reporting period has opened yet.')));
    elements.push(
      ...pager({
        offset,
        shown: shown.length,
        total,
        step: TIMELINE_PAGE,
        page: view.page,
        noun: text('期', 'periods'),
        labels: { previous: text('较新的期次', 'Newer periods'), next: text('更早的期次', 'Older periods') },
      }),
    );
    return card({ title: text('进展记录', 'Progress timeline'), elements });
  };
  const fitted = fitCard(build, Math.min(TIMELINE_PAGE, total - offset));
  // A period too long for a page of its own (long reports, long threads): its guidance and files become counts and
  // buttons to their own cards.
  return fitted.n > 0 || total === offset ? fitted.card : fitCard((n) => build(n, true), 1).card;
}

export function selfEvaluationForm(view: {
  project: ProjectLabel;
  periodName: Text;
  period: string;
  rubric: ReadonlyArray<{ code: string; name: string; nameEn: string; max: number }>;
  prefill?: { scores: Record<string, number>; justification: string };
}): Card {
  return card({
    title: text(`项目自评 · ${view.periodName.zh}`, `Self-evaluation · ${view.periodName.en}`),
    elements: [
      projectLine(view.project),
      markdown(
        text(
          '按评比标准给本项目打分（整数），并简要说明理由。截止前可修改。',
          'Score the project on each criterion (whole numbers) and justify briefly. You may revise until the due date.',
        ),
      ),
      {
        tag: 'form',
        name: 'self_evaluation',
        elements: [
          ...selfEvaluationInputs(view.rubric, view.prefill),
          submitButton(text('提交自评', 'Submit'), { a: 'sev.submit', p: view.project.id, period: view.period }),
        ],
      },
    ],
  });
}

export function selfEvaluationReceived(view: {
  project: ProjectLabel;
  periodName: Text;
  total: number;
  max: number;
  revision: number;
  /** How to attach evidence files, and those attached (cards/attachments.ts). */
  files?: ReceiptFiles;
}): Card {
  return card({
    title: text('自评已提交', 'Self-evaluation received'),
    template: 'green',
    elements: [
      projectLine(view.project),
      markdown(
        text(
          `${md(view.periodName.zh)}自评 **${view.total}/${view.max}** ${view.revision > 1 ? `（第 ${view.revision} 次修改）` : ''}。`,
          `${md(view.periodName.en)}: **${view.total}/${view.max}**${view.revision > 1 ? ` (revision ${view.revision})` : ''}.`,
        ),
      ),
      ...(view.files ? receiptFileElements(view.files) : []),
      button(text('查看进展记录', 'See the timeline'), { a: 'rpt.history', p: view.project.id }),
    ],
  });
}

const pct = (x: number) => `${Math.round(100 * x)}%`;
const tallyText = (t: PeriodTally): Text =>
  text(
    `按时 ${t.onTime} · 逾期补报 ${t.late} · 缺报 ${t.missing}${t.pending ? ` · 待报 ${t.pending}` : ''}`,
    `on time ${t.onTime} · late ${t.late} · missing ${t.missing}${t.pending ? ` · to come ${t.pending}` : ''}`,
  );

/** Missing projects named on the card at most; the records export has them all. */
const MISSING_LISTED = 40;

/**
 * Units a page of 进展情况 lists at most (ten pages of its table, like the cross-track ranking's); fewer when their
 * names are long. A province has thousands of units, and a card holds 30 KB
 * (https://open.feishu.cn/document/server-docs/im-v1/message/create).
 */
export const OVERVIEW_UNITS_PAGE = 100;
/** A row's bytes as the request body counts them (UTF-8, escaped twice: the card is a string inside `content`). */
const UTF8 = new TextEncoder();
/** Units a page lists at least (one page of its table) before the period's other details are shortened. */
const OVERVIEW_UNITS_MIN = 10;
/**
 * What the card says of the period besides its units, from the most to the least: many tracks and long names (up to 50
 * tracks, 100-character English names) would leave no room for the units, so then fewer missing projects are named,
 * then the tracks are given by their codes only.
 */
const OVERVIEW_DETAIL = [
  { missing: MISSING_LISTED, trackNames: true },
  { missing: 10, trackNames: true },
  { missing: 10, trackNames: false },
] as const;

/**
 * The office's view of one period (a judge's: their tracks): the period's totals, a page of the units from `offset`
 * (those owing a report, in the file's order) with 上一页/下一页, then the tracks, the missing projects and the other
 * periods. Everything but the units' table is of the whole period, on every page.
 */
export function reportsOverviewCard(view: {
  overview: PeriodOverview;
  units: ReadonlyArray<{ code: string; name: string }>;
  tracks: ReadonlyArray<{ code: string; name: string; nameEn: string }>;
  missingProjects: ReadonlyArray<{ code: string; unitName: string }>;
  otherPeriods: ReadonlyArray<{ code: string; name: string; nameEn: string }>;
  scope?: Text;
  /**
   * Guidance on the period per track (a track absent has none): projects with at least one comment, and questions
   * (请回复) still awaiting an answer.
   */
  guidance?: ReadonlyMap<string, { commented: number; awaiting: number }>;
  /** The first unit of the page (0 by default). */
  offset?: number;
}): Card {
  const o = view.overview;
  const guided = (code: string): Text => {
    const g = view.guidance?.get(code);
    if (!view.guidance) return text('', '');
    return g
      ? text(
          ` · 有指导意见的项目 ${g.commented} 个${g.awaiting ? ` · 待回复 ${g.awaiting} 条` : ''}`,
          ` · guidance on ${g.commented} ${g.commented === 1 ? 'project' : 'projects'}${g.awaiting ? ` · ${g.awaiting} awaiting an answer` : ''}`,
        )
      : text(' · 暂无指导意见', ' · no guidance yet');
  };
  const rows = view.units
    .filter((u) => o.byUnit.has(u.code))
    .map((u) => {
      const t = o.byUnit.get(u.code)!;
      return {
        unit: u.name,
        on_time: t.onTime,
        late: t.late,
        missing: t.missing,
        share: t.owed ? pct(t.onTimeShare) : '—',
      };
    });
  const total = rows.length;
  const offset = Math.min(view.offset ?? 0, Math.max(0, total - 1));
  const tracks = view.tracks.filter((t) => o.byTrack.has(t.code)).map((t) => ({ t, tally: o.byTrack.get(t.code)! }));
  // Only those that can be named are escaped (a province's period may miss tens of thousands).
  const missing = view.missingProjects.slice(0, MISSING_LISTED).map((p) => ({
    zh: `${p.code}（${md(p.unitName)}）`,
    en: `${p.code} (${md(p.unitName)})`,
  }));
  const missingText = (listed: number): Text => {
    const named = missing.slice(0, listed);
    const more = view.missingProjects.length - named.length;
    return text(
      `**缺报项目（${view.missingProjects.length}）** ：${named.map((m) => m.zh).join('、')}${more ? ` 等，另有 ${more} 个（见「导出」）` : ''}`,
      `**Missing (${view.missingProjects.length})**: ${named.map((m) => m.en).join(', ')}${more ? ` and ${more} more (see "export")` : ''}`,
    );
  };
  const scope = view.scope ? text(md(view.scope.zh), md(view.scope.en)) : undefined;
  /** `pagerAt`: the numbers and buttons of the pager, when sizing a page (those of the page otherwise). */
  const build = (
    shown: typeof rows,
    step: number,
    detail: (typeof OVERVIEW_DETAIL)[number],
    pagerAt = { offset, total },
  ): Card =>
    card({
      title: text(`进展情况 · ${o.period.name}`, `Reports · ${o.period.nameEn}`),
      template: 'indigo',
      elements: [
        markdown(
          text(
            `${scope ? `${scope.zh}。` : ''}${o.period.due} 截止。${tallyText(o.total).zh}${o.total.owed ? `，按时率 **${pct(o.total.onTimeShare)}** ` : ''}。`,
            `${scope ? `${scope.en}. ` : ''}Due ${o.period.due}. ${tallyText(o.total).en}${o.total.owed ? `; on-time share **${pct(o.total.onTimeShare)}**` : ''}.`,
          ),
        ),
        table(UNIT_REPORT_COLUMNS, shown),
        ...pager({
          ...pagerAt,
          shown: shown.length,
          step,
          page: (x) => ({ a: 'rpt.overview', period: o.period.code, o: x }),
          noun: text('个单位', 'units'),
        }),
        divider(),
        markdown(
          text(
            `**按赛道**\n${tracks.map(({ t, tally: x }) => `${t.code}${detail.trackNames ? ` ${md(t.name)}` : ''}：${tallyText(x).zh}${guided(t.code).zh}`).join('\n')}`,
            `**By track**\n${tracks.map(({ t, tally: x }) => `${t.code}${detail.trackNames ? ` ${md(t.nameEn)}` : ''}: ${tallyText(x).en}${guided(t.code).en}`).join('\n')}`,
          ),
        ),
        markdown(missing.length ? missingText(detail.missing) : text('没有缺报的项目。', 'No report is missing.')),
        ...(view.otherPeriods.length
          ? [
              {
                tag: 'column_set',
                columns: view.otherPeriods.slice(-4).map((p) => ({
                  tag: 'column',
                  width: 'auto',
                  elements: [button(text(p.name, p.nameEn), { a: 'rpt.overview', period: p.code })],
                })),
              },
            ]
          : []),
      ],
    });
  // Every page has the same size, the most units the card holds when they are the period's longest rows, so that
  // 上一页 and 下一页 always land on the same pages (a page fitted to its own rows would shift the pages before it).
  const longest = rows
    .map((r) => ({ r, bytes: UTF8.encode(JSON.stringify(JSON.stringify(r))).length }))
    .sort((x, y) => y.bytes - x.bytes)
    .map((x) => x.r);
  const most = Math.min(OVERVIEW_UNITS_PAGE, total);
  let size = 0;
  let detail: (typeof OVERVIEW_DETAIL)[number] = OVERVIEW_DETAIL[0];
  for (const d of OVERVIEW_DETAIL) {
    detail = d;
    // Sized with the pager at its longest: both buttons, and numbers past any of the period's.
    size = fitCard(
      (n) => build(longest.slice(0, n), Math.max(1, n), d, { offset: total, total: 2 * total + n }),
      most,
    ).n;
    if (size >= Math.min(OVERVIEW_UNITS_MIN, total)) break;
  }
  const step = Math.max(1, size);
  return fitCard((n) => build(rows.slice(offset, offset + n), step, detail), Math.min(step, total - offset)).card;
}

/** The columns of a per-unit table of reports (a period's overview, the participation digest). */
export const UNIT_REPORT_COLUMNS: readonly TableColumn[] = [
  { name: 'unit', header: '单位 Unit', type: 'text' },
  { name: 'on_time', header: '按时 On time', type: 'number' },
  { name: 'late', header: '逾期 Late', type: 'number' },
  { name: 'missing', header: '缺报 Missing', type: 'number' },
  { name: 'share', header: '按时率 On-time', type: 'text' },
];

/** Owed items listed per unit on the schedule at most; the rest are counted. */
const OWED_LISTED = 12;

export function scheduleCard(view: {
  /** The competition the schedule is of, under the title. */
  competition?: Text;
  /** A finished competition: said first, with no deadline ahead. */
  archived?: boolean;
  stages: ReadonlyArray<{ name: string; nameEn: string; start: string; end: string; current: boolean }>;
  deadlines: ReadonlyArray<{ name: string; nameEn: string; date: string }>;
  owed?: ReadonlyArray<{
    unitName: string;
    items: ReadonlyArray<{ projectCode: string; periodName: Text; due: string; overdue: boolean }>;
  }>;
}): Card {
  const owed = view.owed ?? [];
  const build = (units: number): Card => {
    const elements: Element[] = [
      ...(view.archived
        ? [
            plain(
              text(
                '本竞赛已归档：可以查看进展、排行、表彰和导出，不再有截止日和提醒。',
                'This competition is archived: its reports, rankings, awards and export can be read; no deadline or reminder is ahead.',
              ),
            ),
          ]
        : []),
      markdown(
        text(
          view.stages.map((s) => `${s.current ? '▶ ' : ''}**${md(s.name)}** ${s.start} ~ ${s.end}`).join('\n'),
          view.stages.map((s) => `${s.current ? '▶ ' : ''}**${md(s.nameEn)}** ${s.start} – ${s.end}`).join('\n'),
        ),
      ),
      divider(),
      markdown(
        view.deadlines.length
          ? text(
              `**接下来的截止日**\n${view.deadlines.map((d) => `${d.date} ${md(d.name)}`).join('\n')}`,
              `**Next deadlines**\n${view.deadlines.map((d) => `${d.date} ${md(d.nameEn)}`).join('\n')}`,
            )
          : text('没有待到的截止日。', 'No deadline ahead.'),
      ),
    ];
    for (const u of owed.slice(0, units)) {
      const zh = u.items.map(
        (i) => `${i.projectCode} ${md(i.periodName.zh)}（${i.due}${i.overdue ? '，已逾期' : ' 截止'}）`,
      );
      const en = u.items.map(
        (i) => `${i.projectCode} ${md(i.periodName.en)} (due ${i.due}${i.overdue ? ', overdue' : ''})`,
      );
      elements.push(divider());
      elements.push(
        markdown(
          u.items.length
            ? text(
                `**${md(u.unitName)}还欠** \n${capped(zh, OWED_LISTED, '\n', (k) => `\n…另有 ${k} 项`)}`,
                `**${md(u.unitName)} still owes**\n${capped(en, OWED_LISTED, '\n', (k) => `\n…and ${k} more`)}`,
              )
            : text(`**${md(u.unitName)}** ：目前没有欠报的内容。`, `**${md(u.unitName)}**: nothing owed right now.`),
        ),
      );
    }
    if (units < owed.length)
      elements.push(
        markdown(text(`另有 ${owed.length - units} 个单位未列出。`, `${owed.length - units} more unit(s) not listed.`)),
      );
    return card({
      title: text('日程', 'Schedule'),
      ...(view.competition ? { subtitle: view.competition } : {}),
      elements,
    });
  };
  return fitCard(build, owed.length).card;
}

/** Comments a page of a period's guidance card holds at most; fewer when they are long. */
export const GUIDANCE_PAGE = 5;

/** A period's guidance on a card of its own: every comment in full with its answers' count, a page from `offset`. */
export function periodGuidanceCard(view: {
  project: ProjectLabel;
  periodName: Text;
  threads: ThreadView[];
  offset?: number;
  page: (offset: number) => ActionValue;
}): Card {
  const total = view.threads.length;
  const offset = Math.min(view.offset ?? 0, Math.max(0, total - 1));
  const name = text(md(view.periodName.zh), md(view.periodName.en));
  const build = (n: number): Card => {
    const elements: Element[] = [projectLine(view.project)];
    for (const t of view.threads.slice(offset, offset + n)) {
      const state = !t.needsAnswer
        ? text('', '')
        : t.answers.length
          ? text(' · 已回复', ' · answered')
          : text(' · **请回复，尚未回复**', ' · **answer requested, none yet**');
      elements.push(
        divider(),
        markdown(
          text(
            `**指导意见** · ${SUBJECT[t.subject].zh} · ${t.createdAt}${state.zh} · ${t.answers.length} 条回复`,
            `**Guidance** · ${SUBJECT[t.subject].en} · ${t.createdAt}${state.en} · ${t.answers.length === 1 ? '1 answer' : `${t.answers.length} answers`}`,
          ),
        ),
        userText(`${t.author}：${t.body}`),
        buttonRow([
          ...(t.answers.length ? [button(text('查看完整对话', 'The whole thread'), { a: 'gd.thread', c: t.id })] : []),
          ...(t.reply
            ? [
                button(
                  t.answers.length ? text('补充回复', 'Add an answer') : text('回复这条意见', 'Answer this comment'),
                  t.reply,
                  t.answers.length ? 'default' : 'primary',
                ),
              ]
            : []),
        ]),
      );
    }
    if (!total) elements.push(markdown(text('这一期还没有指导意见。', 'No guidance on this period yet.')));
    elements.push(
      ...pager({
        offset,
        shown: Math.min(n, total - offset),
        total,
        step: GUIDANCE_PAGE,
        page: view.page,
        noun: text('条', 'comments'),
      }),
    );
    return card({ title: text(`指导意见 · ${name.zh}`, `Guidance · ${name.en}`), elements });
  };
  return fitCard(build, Math.min(GUIDANCE_PAGE, total - offset)).card;
}

/** Files a page of a period's files card holds at most; fewer when their names are long. */
export const FILES_PAGE = 20;

/** A period's attachments on a card of their own, each with 打开, a page from `offset`. */
export function periodFilesCard(view: {
  project: ProjectLabel;
  periodName: Text;
  files: AttachmentView[];
  offset?: number;
  page: (offset: number) => ActionValue;
}): Card {
  const total = view.files.length;
  const offset = Math.min(view.offset ?? 0, Math.max(0, total - 1));
  const name = text(md(view.periodName.zh), md(view.periodName.en));
  const build = (n: number): Card =>
    card({
      title: text(`附件 · ${name.zh}`, `Attachments · ${name.en}`),
      elements: [
        projectLine(view.project),
        ...(total
          ? attachmentElements(view.files.slice(offset, offset + n))
          : [markdown(text('这一期还没有附件。', 'No attachment on this period yet.'))]),
        ...pager({
          offset,
          shown: Math.min(n, total - offset),
          total,
          step: FILES_PAGE,
          page: view.page,
          noun: text('个', 'files'),
        }),
      ],
    });
  return fitCard(build, Math.min(FILES_PAGE, total - offset)).card;
}
