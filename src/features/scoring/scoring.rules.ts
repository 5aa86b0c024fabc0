/**
 * The rules of judging (评比表彰), pure: when judges may score, what a valid score sheet and a recusal are, and which
 * projects a judge is recused from because they belong to the judge's own unit. The handlers apply them on the
 * server whatever a card sent.
 */
import { readRubricScores, type RubricLine } from '../../competition/rubric';
import { startOfLocalDay, type LocalDate } from '../../competition/calendar';
import { deadlineInstant, stageByCode, type Competition } from '../../competition/competition';
import { text, type Text } from '../../platform/i18n';
import { cleanInput, type Validated } from '../../core/forms';

/** Lengths in characters: a comment is a few sentences of evidence, a recusal reason one. */
export const SCORE_LIMITS = { comment: 500, reason: 200 } as const;

export interface JudgingWindow {
  /** First day of scoring and last day (its end included), local dates. */
  readonly opens: LocalDate;
  readonly closes: LocalDate;
  readonly opensAt: number;
  /** The first instant after the window: from here on scores are final and rankings may be published. */
  readonly closesAt: number;
}

/**
 * Judges score from the first day of the evaluation stage (评比表彰) to the end of the day of the judging-close
 * milestone (the end of the evaluation stage when the file has none), in the competition's time zone. Inside the
 * window a judge may revise a score or a recusal as often as they like; after it, everything is final.
 */
export function judgingWindow(c: Competition): JudgingWindow {
  const stage = stageByCode(c, 'evaluation');
  const closes = c.file.milestones.find((m) => m.code === 'judging-close')?.date ?? stage.end;
  return { opens: stage.start, closes, opensAt: startOfLocalDay(stage.start, c.timeZone), closesAt: deadlineInstant(c, closes) };
}

/** Why a score or a recusal cannot be stored at `now`, or undefined when it can. */
export function scoringClosed(w: JudgingWindow, now: number): Text | undefined {
  if (now < w.opensAt) return text(`评分 ${w.opens} 才开始（评比表彰阶段），届时再来。`, `Scoring opens on ${w.opens}, with the evaluation stage; come back then.`);
  if (now >= w.closesAt) return text(`评分已于 ${w.closes} 截止，分数和回避都不能再修改。`, `Scoring closed at the end of ${w.closes}: scores and recusals can no longer be changed.`);
  return undefined;
}

export type { RubricLine } from '../../competition/rubric';

export interface ScoreFields {
  scores: Record<string, number>;
  comment: string;
}

const length = (s: string) => [...s].length;

/**
 * A judge's sheet from the form: a whole number from 0 to the criterion's maximum for every criterion of the rubric
 * (fields `score_<code>`; full-width digits are fine) and a short comment. Every problem is named at once.
 */
export function validateScoreSheet(form: Record<string, unknown>, rubric: readonly RubricLine[]): Validated<ScoreFields> {
  const { scores, problems } = readRubricScores(form, rubric);
  const comment = cleanInput(form.comment);
  if (!comment) problems.push(text('请写一句简短评语（依据哪些成效和数据）', 'Write a short comment (which results and figures support the scores)'));
  else if (length(comment) > SCORE_LIMITS.comment) problems.push(text(`评语最多 ${SCORE_LIMITS.comment} 个字（现在 ${length(comment)} 个）`, `Comment: at most ${SCORE_LIMITS.comment} characters (now ${length(comment)})`));
  return problems.length ? { ok: false, problems } : { ok: true, value: { scores, comment } };
}

/** The reason a judge gives for recusing themselves: required, one sentence. */
export function validateRecusalReason(form: Record<string, unknown>): Validated<string> {
  const reason = cleanInput(form.reason).replace(/\s+/g, ' ');
  if (!reason) return { ok: false, problems: [text('请写明回避理由（例如：与项目负责人有亲属关系）', 'Give the reason for recusing yourself (e.g. a relative leads the project)')] };
  if (length(reason) > SCORE_LIMITS.reason) return { ok: false, problems: [text(`回避理由最多 ${SCORE_LIMITS.reason} 个字（现在 ${length(reason)} 个）`, `Reason: at most ${SCORE_LIMITS.reason} characters (now ${length(reason)})`)] };
  return { ok: true, value: reason };
}

/** Where a judge stands with one project. Own unit wins over anything stored: the recusal is automatic. */
export type SheetState = 'todo' | 'scored' | 'recused' | 'own-unit';

export function sheetState(sheet: { recused: boolean } | undefined, ownUnit: boolean): SheetState {
  if (ownUnit) return 'own-unit';
  if (!sheet) return 'todo';
  return sheet.recused ? 'recused' : 'scored';
}

export interface JudgeTally {
  scored: number;
  recused: number;
  ownUnit: number;
  todo: number;
}

export function tallyStates(states: readonly SheetState[]): JudgeTally {
  const n = (s: SheetState) => states.filter((x) => x === s).length;
  return { scored: n('scored'), recused: n('recused'), ownUnit: n('own-unit'), todo: n('todo') };
}

export interface TrackProgress {
  track: string;
  judges: number;
  /** Sheets (scores or recusals) the track's current judges have left on projects not of their own unit. */
  done: number;
  /** Judges × projects of the track, less each judge's own-unit projects. */
  expected: number;
}

/** How far judging has got per track: counts of sheets, never a score. */
export function judgingProgress(a: {
  tracks: readonly string[];
  projects: ReadonlyArray<{ id: string; unit: string; track: string }>;
  judges: ReadonlyArray<{ openId: string; track: string }>;
  unitsOf: ReadonlyMap<string, ReadonlySet<string>>;
  sheets: ReadonlyArray<{ judge: string; projectId: string }>;
}): TrackProgress[] {
  const done = new Set(a.sheets.map((s) => `${s.judge}|${s.projectId}`));
  return a.tracks.map((track) => {
    const projects = a.projects.filter((p) => p.track === track);
    const judges = [...new Set(a.judges.filter((j) => j.track === track).map((j) => j.openId))];
    let expected = 0;
    let n = 0;
    for (const j of judges) {
      const own = a.unitsOf.get(j);
      for (const p of projects) {
        if (own?.has(p.unit)) continue;
        expected++;
        if (done.has(`${j}|${p.id}`)) n++;
      }
    }
    return { track, judges: judges.length, done: n, expected };
  });
}
