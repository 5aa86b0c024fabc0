/**
 * The rules of progress reporting (实施推进), pure: whether a submission for a period is on time, late, a revision or
 * refused, and the on-time / late / missing counts the office and the reminders use. What a valid report is lives
 * with its form (cards/reports.form.ts).
 * Instants are epoch ms; a period's window is [start of `opens`, end of `due`] in the competition's time zone.
 */
import { text, type Text } from '../../platform/i18n';
import type { PeriodTally, PeriodWindow, ReportState } from '../../core/periods';

export type SubmissionDecision =
  | { kind: 'accept'; revision: number; late: boolean }
  | { kind: 'refuse'; reason: 'not_open' | 'closed_after_due'; text: Text };

/**
 * A report for a period: on time up to the end of its due day (revisions allowed until then, each kept); after
 * it, a first report is accepted and marked late, but a period already reported cannot be changed any more.
 */
export function decideSubmission(period: PeriodWindow, existingRevisions: number, now: number): SubmissionDecision {
  if (now < period.opensAt) {
    return {
      kind: 'refuse',
      reason: 'not_open',
      text: text(
        `「${period.name}」${period.opens} 才开始填报。`,
        `"${period.nameEn}" opens for reports on ${period.opens}.`,
      ),
    };
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
    : text(
        `项目 ${projectCode} 的各期进展都已报送，之后没有需要填报的期次了。`,
        `Project ${projectCode} has reported every period; no period is left to report.`,
      );
}

/** Where one project stands for one period, from the instant of its first report (undefined: none yet). */
export function reportState(period: PeriodWindow, firstReportAt: number | undefined, now: number): ReportState {
  if (firstReportAt !== undefined) return firstReportAt < period.dueAt ? 'on_time' : 'late';
  return now >= period.dueAt ? 'missing' : 'pending';
}

/**
 * The periods a project can report for now, with its state in each: every period open by now that it owes (registered
 * before its due date), except those it reported and whose due day has passed (a report is locked then).
 * `firstReportAt(period)` is the instant of its first report for that period, if any.
 */
export function reportablePeriods(
  periods: readonly PeriodWindow[],
  project: Pick<ProjectRef, 'createdAt'>,
  firstReportAt: (period: string) => number | undefined,
  now: number,
): Array<{ period: PeriodWindow; state: ReportState }> {
  const out: Array<{ period: PeriodWindow; state: ReportState }> = [];
  for (const w of periods) {
    if (w.opensAt > now || project.createdAt >= w.dueAt) continue;
    const state = reportState(w, firstReportAt(w.code), now);
    const locked = now >= w.dueAt && (state === 'on_time' || state === 'late');
    if (!locked) out.push({ period: w, state });
  }
  return out;
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
export function periodOverview(
  period: PeriodWindow,
  projects: readonly ProjectRef[],
  firstReports: ReadonlyMap<string, number>,
  now: number,
): PeriodOverview {
  const owing = projects.filter((p) => p.createdAt < period.dueAt);
  const states = new Map(owing.map((p) => [p.id, reportState(period, firstReports.get(p.id), now)]));
  const group = (key: (p: ProjectRef) => string) => {
    // Appended in place: copying a group's list at each project was quadratic (40,000 projects of 10 tracks, 0.5 s).
    const out = new Map<string, ReportState[]>();
    for (const p of owing) {
      const list = out.get(key(p));
      if (list) list.push(states.get(p.id)!);
      else out.set(key(p), [states.get(p.id)!]);
    }
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
export function stillOwed(
  periods: readonly PeriodWindow[],
  projects: readonly ProjectRef[],
  reported: ReadonlySet<string>,
  now: number,
): Array<{ project: ProjectRef; period: PeriodWindow; overdue: boolean }> {
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

/**
 * The period a person names in `进展情况 <期次>`: by its code (2024-05, midterm), its name as the cards show it
 * (5月进展, 中期检查), that name without 进展 (5月), or its English name; case, width and spaces do not matter.
 */
export function periodNamed<P extends { code: string; name: string; nameEn: string }>(
  periods: readonly P[],
  words: string,
): P | undefined {
  const norm = (x: string) => x.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  const wanted = norm(words);
  if (!wanted) return undefined;
  return periods.find((p) => [p.code, p.name, p.nameEn, p.name.replace(/进展$/, '')].some((n) => norm(n) === wanted));
}
