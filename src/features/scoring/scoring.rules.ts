/**
 * The rules of judging (评比表彰), pure: when judges may score and which projects a judge is recused from because they
 * belong to the judge's own unit. The handlers apply them on the server whatever a card sent; what a valid score
 * sheet and a recusal are lives with their forms (cards/judging.form.ts).
 */
import { startOfLocalDay, type LocalDate } from '../../competition/calendar';
import { type Competition, deadlineInstant, milestoneByCode, stageByCode } from '../../competition/competition';
import { text, type Text } from '../../platform/i18n';

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
  const closes = milestoneByCode(c, 'judging-close')?.date ?? stage.end;
  return {
    opens: stage.start,
    closes,
    opensAt: startOfLocalDay(stage.start, c.timeZone),
    closesAt: deadlineInstant(c, closes),
  };
}

/** Why a score or a recusal cannot be stored at `now`, or undefined when it can. */
export function scoringClosed(w: JudgingWindow, now: number): Text | undefined {
  if (now < w.opensAt)
    return text(
      `评分 ${w.opens} 才开始（评比表彰阶段），届时再来。`,
      `Scoring opens on ${w.opens}, with the evaluation stage; come back then.`,
    );
  if (now >= w.closesAt)
    return text(
      `评分已于 ${w.closes} 截止，分数和回避都不能再修改。`,
      `Scoring closed at the end of ${w.closes}: scores and recusals can no longer be changed.`,
    );
  return undefined;
}

export type { RubricLine } from '../../competition/rubric';

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

/** The sheets of these (active) projects, each with its project's track; sheets of other projects are left out. */
export function sheetsWithTracks<S extends { projectId: string }>(
  sheets: readonly S[],
  projects: ReadonlyArray<{ id: string; track: string }>,
): Array<S & { track: string }> {
  const trackOf = new Map(projects.map((p) => [p.id, p.track]));
  return sheets.flatMap((s) => {
    const track = trackOf.get(s.projectId);
    return track === undefined ? [] : [{ ...s, track }];
  });
}
