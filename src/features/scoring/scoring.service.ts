/**
 * Scoring use cases: a judge's projects with where they stand, the scoring form with the project's latest progress
 * and self-evaluation, and storing a score or a recusal. Every check is made here on the server, whatever the card
 * says: the operator judges the project's track, the project is active and not of the judge's own unit, and the
 * judging window is open.
 */
import type { JudgedProject, JudgeListItem } from '../../../cards/judging';
import { localDateOf } from '../../competition/calendar';
import { type Competition, periodByCode, trackByCode, unitShortName } from '../../competition/competition';
import type { BotServices } from '../../lark/handlers';
import { refuse } from '../../platform/errors';
import { text, type Text } from '../../platform/i18n';
import type { Roles } from '../../core/roles';
import type { Project } from '../../core/projects.repository';
import { judgingWindow, scoringClosed, sheetState, type SheetState } from './scoring.rules';
import { weightedTotal } from '../rankings';
import type { SaveOutcome, SheetChange } from './scores.repository';

const periodName = (c: Competition, code: string): Text => {
  const p = periodByCode(c, code);
  return p ? text(p.name, p.nameEn) : text(code, code);
};

export function judgedProject(c: Competition, p: Project): JudgedProject {
  const t = trackByCode(c, p.track);
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    unitName: unitShortName(c, p.unit),
    trackName: t ? text(`${t.code} ${t.name}`, `${t.code} ${t.nameEn}`) : text(p.track, p.track),
  };
}

/** The weighted total (0..100) of a sheet on the competition's rubric, the number the ranking standardises. */
export const sheetTotal = (c: Competition, scores: Readonly<Record<string, number>>) =>
  weightedTotal(c.file.rubric, scores);

/**
 * The project behind a judging button or command, if this judge may score it: active, in one of their tracks. The
 * refusal says why (and contains 不能查看 for the authorisation matrix's sake: the judge cannot see it either).
 */
export async function projectForJudge(s: BotServices, roles: Roles, id: string): Promise<Project> {
  const p = await s.repos.projects.findProject(s.competitionId, id);
  if (p?.status !== 'active')
    refuse('judging.no_project', '找不到这个项目，或它已撤回。', 'This project does not exist or has been withdrawn.');
  if (!roles.judgeOf.includes(p!.track)) {
    refuse(
      'judging.not_judge',
      `你不是 ${p!.track} 赛道的评委，不能查看或评分项目 ${p!.code}。`,
      `You are not a judge of track ${p!.track}: you cannot see or score project ${p!.code}.`,
    );
  }
  return p!;
}

/** Refuses a project of the judge's own unit: the recusal is automatic and cannot be lifted by the judge. */
export function refuseOwnUnit(c: Competition, p: Project, units: ReadonlySet<string>): void {
  if (!units.has(p.unit)) return;
  const u = unitShortName(c, p.unit);
  refuse(
    'judging.own_unit',
    `项目 ${p.code} 属于${u}，是你所在单位的项目：你已自动回避，不能评分。`,
    `Project ${p.code} belongs to ${u}, your own unit: you are recused automatically and cannot score it.`,
  );
}

export interface JudgeWork {
  items: JudgeListItem[];
  /** Every project of the judge's tracks with its state, in list order (by track, then code). */
  states: Array<{ project: Project; state: SheetState }>;
}

/** The projects of the judge's tracks (or one of them), by track then code, with the judge's state on each. */
export async function judgeWork(
  s: BotServices,
  c: Competition,
  judge: string,
  tracks: readonly string[],
): Promise<JudgeWork> {
  const [projects, sheets, units] = await Promise.all([
    s.repos.projects.allActiveProjects(s.competitionId, tracks),
    s.repos.scores.sheetsOfJudge(s.competitionId, judge),
    s.repos.roles.unitsOfJudge(s.competitionId, judge),
  ]);
  const mine = new Map(sheets.map((x) => [x.projectId, x]));
  const order = new Map(c.file.tracks.map((t, i) => [t.code, i]));
  const sorted = [...projects].sort(
    (a, b) => (order.get(a.track) ?? 0) - (order.get(b.track) ?? 0) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const states = sorted.map((project) => ({
    project,
    state: sheetState(mine.get(project.id), units.has(project.unit)),
  }));
  const items: JudgeListItem[] = states.map(({ project, state }) => {
    const sheet = mine.get(project.id);
    return {
      ...judgedProject(c, project),
      state,
      ...(state === 'scored' && sheet ? { total: sheetTotal(c, sheet.scores) } : {}),
    };
  });
  return { items, states };
}

/** Adds the latest progress and self-evaluation to the items of one page (two small reads per project). */
export async function withProgress(s: BotServices, c: Competition, items: JudgeListItem[]): Promise<JudgeListItem[]> {
  const max = c.file.rubric.reduce((n, r) => n + r.max, 0);
  return Promise.all(
    items.map(async (i) => {
      const [report, sevs] = await Promise.all([
        s.repos.reports.lastReport(i.id),
        s.repos.reports.latestSelfEvaluations(i.id),
      ]);
      const sev = sevs.sort((a, b) => b.submittedAt - a.submittedAt)[0];
      return {
        ...i,
        ...(report ? { progress: { periodName: periodName(c, report.period), completion: report.completion } } : {}),
        ...(sev ? { selfEvaluation: { total: Object.values(sev.scores).reduce((a, b) => a + b, 0), max } } : {}),
      };
    }),
  );
}

/** What the scoring form shows beside the inputs: the judge's sheet so far and the project's progress. */
export async function scoringContext(s: BotServices, c: Competition, judge: string, p: Project) {
  const [sheet, report, sevs] = await Promise.all([
    s.repos.scores.sheetOf(p.id, judge),
    s.repos.reports.lastReport(p.id),
    s.repos.reports.latestSelfEvaluations(p.id),
  ]);
  const sev = sevs.sort((a, b) => b.submittedAt - a.submittedAt)[0];
  const max = c.file.rubric.reduce((n, r) => n + r.max, 0);
  return {
    sheet,
    latest: report && {
      periodName: periodName(c, report.period),
      completion: report.completion,
      results: report.results,
      submittedOn: localDateOf(report.submittedAt, c.timeZone),
    },
    selfEvaluation: sev && {
      periodName: periodName(c, sev.period),
      total: Object.values(sev.scores).reduce((a, b) => a + b, 0),
      max,
      justification: sev.justification,
    },
  };
}

/** Stores a score or a recusal after the window check; a store that keeps losing races says so. */
export async function storeSheet(
  s: BotServices,
  c: Competition,
  judge: string,
  p: Project,
  change: SheetChange,
): Promise<Exclude<SaveOutcome, { kind: 'busy' }>> {
  const now = s.clock.now();
  const closed = scoringClosed(judgingWindow(c), now);
  if (closed) refuseText('judging.closed', closed);
  const outcome = await s.repos.scores.saveSheet({
    competitionId: s.competitionId,
    project: { id: p.id, code: p.code },
    judge,
    change,
    now,
  });
  if (outcome.kind === 'busy')
    refuse(
      'judging.busy',
      '同时提交的人较多，请再点一次提交。',
      'Many submissions at once; please press submit again.',
    );
  return outcome as Exclude<SaveOutcome, { kind: 'busy' }>;
}

const refuseText = (code: string, t: Text): never => refuse(code, t.zh, t.en);

/** The next project the judge still has to score after `current` in list order (wrapping round), if any. */
export function nextToScore(work: JudgeWork, current: string): Project | undefined {
  const i = work.states.findIndex((x) => x.project.id === current);
  const order = [...work.states.slice(i + 1), ...work.states.slice(0, Math.max(0, i))];
  return order.find((x) => x.state === 'todo')?.project;
}
