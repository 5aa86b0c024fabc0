/**
 * The rules of progress reporting (实施推进), pure: what a valid report is, whether a submission for a period is on
 * time, late, a revision or refused, and the on-time / late / missing counts the office and the reminders use.
 * Instants are epoch ms; a period's window is [start of `opens`, end of `due`] in the competition's time zone.
 */
import { readRubricScores, type RubricLine } from '../../competition/rubric';
import { text, type Text } from '../../platform/i18n';
import { cleanInput, type Validated } from '../../core/forms';
import { parseEvidence } from '../../core/forms';
import type { PeriodWindow } from '../../core/periods';
import type { PeriodTally, ReportState } from '../../core/periods';

/** Character limits of the report fields: the card's inputs hold at most 1,000 characters, so the server agrees. */
export const REPORT_LIMITS = { workDone: 1000, results: 1000, evidence: 1000, problems: 1000, links: 10, justification: 1000 } as const;

export interface ReportFields {
  workDone: string;
  results: string;
  /** 0..100 */
  completion: number;
  /** http(s) links, at most REPORT_LIMITS.links */
  evidence: string[];
  problems: string;
}

const length = (s: string) => [...s].length;

export function validateReportFields(form: Record<string, unknown>): Validated<ReportFields> {
  const workDone = cleanInput(form.work_done);
  const results = cleanInput(form.results);
  const completionRaw = cleanInput(form.completion).normalize('NFKC').replace(/%$/, '').trim();
  const evidenceRaw = cleanInput(form.evidence);
  const problemsText = cleanInput(form.problems);
  const problems: Text[] = [];
  const required = (v: string, zh: string, en: string, max: number) => {
    if (!v) problems.push(text(`请填写${zh}`, `${en} is required`));
    else if (length(v) > max) problems.push(text(`${zh}最多 ${max} 个字（现在 ${length(v)} 个）`, `${en}: at most ${max} characters (now ${length(v)})`));
  };
  required(workDone, '本期完成的工作', 'Work done this period', REPORT_LIMITS.workDone);
  required(results, '取得的成效（含数据）', 'Results (with figures)', REPORT_LIMITS.results);
  const completion = /^\d{1,3}$/.test(completionRaw) ? Number(completionRaw) : NaN;
  if (!completionRaw) problems.push(text('请填写完成度（0-100）', 'Completion (0-100) is required'));
  else if (!(completion >= 0 && completion <= 100)) problems.push(text('完成度请填 0 到 100 之间的整数', 'Completion must be a whole number from 0 to 100'));
  const { links, bad } = parseEvidence(evidenceRaw);
  if (length(evidenceRaw) > REPORT_LIMITS.evidence) problems.push(text(`佐证链接最多 ${REPORT_LIMITS.evidence} 个字`, `Evidence links: at most ${REPORT_LIMITS.evidence} characters`));
  else if (bad.length) problems.push(text(`这些不是有效链接（需以 http:// 或 https:// 开头）：${bad.slice(0, 3).join(' ')}`, `Not valid links (they must start with http:// or https://): ${bad.slice(0, 3).join(' ')}`));
  else if (links.length > REPORT_LIMITS.links) problems.push(text(`佐证链接最多 ${REPORT_LIMITS.links} 个`, `At most ${REPORT_LIMITS.links} evidence links`));
  if (length(problemsText) > REPORT_LIMITS.problems) problems.push(text(`问题与需要的帮助最多 ${REPORT_LIMITS.problems} 个字`, `Problems and help needed: at most ${REPORT_LIMITS.problems} characters`));
  return problems.length ? { ok: false, problems } : { ok: true, value: { workDone, results, completion, evidence: links, problems: problemsText } };
}

export type SubmissionDecision =
  | { kind: 'accept'; revision: number; late: boolean }
  | { kind: 'refuse'; reason: 'not_open' | 'closed_after_due'; text: Text };

/**
 * A report for a period: on time up to the end of its due day (revisions allowed until then, each kept); after
 * it, a first report is accepted and marked late, but a period already reported cannot be changed any more.
 */
export function decideSubmission(period: PeriodWindow, existingRevisions: number, now: number): SubmissionDecision {
  if (now < period.opensAt) {
    return { kind: 'refuse', reason: 'not_open', text: text(`「${period.name}」${period.opens} 才开始填报。`, `"${period.nameEn}" opens for reports on ${period.opens}.`) };
  }
  if (now < period.dueAt) return { kind: 'accept', revision: existingRevisions + 1, late: false };
  if (existingRevisions === 0) return { kind: 'accept', revision: 1, late: true };
  return {
    kind: 'refuse',
    reason: 'closed_after_due',
    text: text(
      `「${period.name}」已于 ${period.due} 截止，已报的内容不能再修改。需要补充的，请写进下一期报告。`,
      `"${period.nameEn}" closed on ${period.due}; its report can no longer be changed. Add anything new to the next report.`,
    ),
  };
}

/** The period a form pre-selects: the open one whose due date comes first, else the latest one already due. */
export function defaultPeriod(periods: readonly PeriodWindow[], now: number): PeriodWindow | undefined {
  const open = periods.filter((p) => p.opensAt <= now && now < p.dueAt).sort((a, b) => a.dueAt - b.dueAt);
  if (open.length) return open[0];
  return periods.filter((p) => p.opensAt <= now).sort((a, b) => b.dueAt - a.dueAt)[0];
}

/**
 * What a contact is told when a project has no period a report can be submitted for now (every period so far is
 * reported and past its due day): when the next one opens and is due, or that none is left.
 */
export function nothingToReport(projectCode: string, next: PeriodWindow | undefined): Text {
  return next
    ? text(
        `项目 ${projectCode} 目前没有可以填报的期次：已报送的期次截止后不能再改。下一期「${next.name}」${next.opens} 开始，${next.due} 截止，届时再来。`,
        `Project ${projectCode} has nothing to report right now: periods already reported cannot change after their due day. The next one, "${next.nameEn}", opens on ${next.opens} and is due on ${next.due}.`,
      )
    : text(`项目 ${projectCode} 的各期进展都已报送，之后没有需要填报的期次了。`, `Project ${projectCode} has reported every period; no period is left to report.`);
}

/** Where one project stands for one period, from the instant of its first report (undefined: none yet). */
export function reportState(period: PeriodWindow, firstReportAt: number | undefined, now: number): ReportState {
  if (firstReportAt !== undefined) return firstReportAt < period.dueAt ? 'on_time' : 'late';
  return now >= period.dueAt ? 'missing' : 'pending';
}

export interface ProjectRef {
  id: string;
  code: string;
  unit: string;
  track: string;
  /** Projects registered after a period's due date do not owe that period. */
  createdAt: number;
}

const tally = (states: readonly ReportState[]): PeriodTally => {
  const n = (s: ReportState) => states.filter((x) => x === s).length;
  const onTime = n('on_time');
  const late = n('late');
  const missing = n('missing');
  const owed = onTime + late + missing;
  return { onTime, late, missing, pending: n('pending'), owed, onTimeShare: owed ? onTime / owed : 1 };
};

export interface PeriodOverview {
  period: PeriodWindow;
  total: PeriodTally;
  byUnit: Map<string, PeriodTally>;
  byTrack: Map<string, PeriodTally>;
  /** Project ids with no report although the period is due. */
  missing: string[];
}

/** On-time, late and missing per unit and per track for one period. `firstReports`: project id → first report instant. */
export function periodOverview(period: PeriodWindow, projects: readonly ProjectRef[], firstReports: ReadonlyMap<string, number>, now: number): PeriodOverview {
  const owing = projects.filter((p) => p.createdAt < period.dueAt);
  const states = new Map(owing.map((p) => [p.id, reportState(period, firstReports.get(p.id), now)]));
  const group = (key: (p: ProjectRef) => string) => {
    const out = new Map<string, ReportState[]>();
    for (const p of owing) out.set(key(p), [...(out.get(key(p)) ?? []), states.get(p.id)!]);
    return new Map([...out].map(([k, v]) => [k, tally(v)]));
  };
  return {
    period,
    total: tally([...states.values()]),
    byUnit: group((p) => p.unit),
    byTrack: group((p) => p.track),
    missing: owing.filter((p) => states.get(p.id) === 'missing').map((p) => p.id),
  };
}

/** What a unit's projects still owe at `now`: periods open or overdue with no report, soonest first. */
export function stillOwed(periods: readonly PeriodWindow[], projects: readonly ProjectRef[], reported: ReadonlySet<string>, now: number): Array<{ project: ProjectRef; period: PeriodWindow; overdue: boolean }> {
  const out: Array<{ project: ProjectRef; period: PeriodWindow; overdue: boolean }> = [];
  for (const period of periods) {
    if (period.opensAt > now) continue;
    for (const project of projects) {
      if (project.createdAt >= period.dueAt || reported.has(`${project.id}|${period.code}`)) continue;
      out.push({ project, period, overdue: now >= period.dueAt });
    }
  }
  return out.sort((a, b) => a.period.dueAt - b.period.dueAt || a.project.code.localeCompare(b.project.code));
}

/** Self-evaluation scores: one per rubric criterion, whole numbers from 0 to the criterion's maximum. */
export function validateSelfEvaluation(
  form: Record<string, unknown>,
  rubric: readonly RubricLine[],
): Validated<{ scores: Record<string, number>; justification: string }> {
  const { scores, problems } = readRubricScores(form, rubric);
  const justification = cleanInput(form.justification);
  if (!justification) problems.push(text('请简要说明打分理由', 'Give a short justification'));
  else if (length(justification) > REPORT_LIMITS.justification) problems.push(text(`打分理由最多 ${REPORT_LIMITS.justification} 个字`, `Justification: at most ${REPORT_LIMITS.justification} characters`));
  return problems.length ? { ok: false, problems } : { ok: true, value: { scores, justification } };
}
