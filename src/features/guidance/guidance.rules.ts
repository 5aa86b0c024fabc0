/**
 * Guidance decisions, pure: when a judge's daily card is due and what period it covers, what is new for a judge since
 * their last card, and the per-track counts of the office's per-period view (进展情况). `now` is always passed in.
 */
import {
  addDays,
  isWorkingDay,
  localDateOf,
  parseTimeOfDay,
  startOfLocalDay,
  zonedInstant,
  type LocalDate,
  type WorkingCalendar,
} from '../../competition/calendar';

export interface JudgeDigestSettings {
  readonly enabled: boolean;
  /** HH:MM, local. */
  readonly at: string;
  readonly workingDaysOnly: boolean;
}

/** Where the daily card runs: the competition's time zone and calendar, from a first to a last local day. */
export interface DigestSeason {
  readonly timeZone: string;
  readonly calendar: WorkingCalendar;
  /** The first day a card may go out (the start of implementation). */
  readonly from: LocalDate;
  /** The last day a card may go out (the day judging closes). */
  readonly until: LocalDate;
}

/**
 * How late a day's card may still go out: a tick missed at 17:00 (a deploy, an outage) sends it at a tick that
 * evening; after that the day is skipped, and what it would have listed goes on the next card (each card covers
 * everything since the previous one, so nothing is lost).
 */
export const JUDGE_DIGEST_GRACE_MS = 4 * 3_600_000;

/** Whether a card may go out on `date` (inside the season, and a working day when asked). */
const isDigestDay = (s: JudgeDigestSettings, where: DigestSeason, date: LocalDate): boolean =>
  date >= where.from && date <= where.until && (!s.workingDaysOnly || isWorkingDay(date, where.calendar));

export interface JudgeDigestSlot {
  /** The local day: with the judge, the card's exactly-once key. */
  readonly day: LocalDate;
  /** The instant of the day's slot: what the card covers up to (exclusive). */
  readonly at: number;
}

/** The day whose card is due at `now`: today's slot when it has come and is less than the grace old. */
export function dueJudgeDigest(s: JudgeDigestSettings, where: DigestSeason, now: number): JudgeDigestSlot | undefined {
  if (!s.enabled) return undefined;
  const minutes = parseTimeOfDay(s.at);
  const today = localDateOf(now, where.timeZone);
  // The grace is under a day, and a slot before midnight may be due just after it.
  for (const day of [today, addDays(today, -1)]) {
    if (!isDigestDay(s, where, day)) continue;
    const at = zonedInstant(day, minutes, where.timeZone);
    if (at <= now && now < at + JUDGE_DIGEST_GRACE_MS) return { day, at };
  }
  return undefined;
}

/**
 * Where a judge's first card starts: at the previous day's slot (what every other judge's card of that day covers),
 * or at the start of the season for the first card day. A judge bound in mid-season is told what is new from then
 * on, not the whole season's backlog (the project timelines hold that).
 */
export function firstCardSince(s: JudgeDigestSettings, where: DigestSeason, day: LocalDate): number {
  const minutes = parseTimeOfDay(s.at);
  for (let d = addDays(day, -1), i = 0; d >= where.from && i < 60; d = addDays(d, -1), i++)
    if (isDigestDay(s, where, d)) return zonedInstant(d, minutes, where.timeZone);
  return startOfLocalDay(where.from, where.timeZone);
}

// ── what is new for a judge ──────────────────────────────────────────────────────────────────────────────────────────

export interface DigestProject {
  id: string;
  code: string;
  name: string;
  track: string;
}

/** Something that happened to a project: a report or self-evaluation revision, or an answer to a comment. */
export type DigestEvent =
  | { kind: 'report' | 'self_evaluation'; projectId: string; period: string; revision: number; at: number }
  | { kind: 'answer'; projectId: string; period: string; commentBy: string; at: number };

export interface DigestEntry {
  project: DigestProject;
  /** Per period, in the periods' order: what came. */
  periods: Array<{
    period: string;
    /** The latest revision that came of the report, and whether the first one was among them. */
    report?: { revision: number; first: boolean };
    selfEvaluation?: { revision: number; first: boolean };
    /** Answers that came, and how many of them answer this judge's own comments. */
    answers?: { count: number; toYou: number };
  }>;
}

/**
 * What is new for one judge: the events in [since, until) on the projects of their tracks, grouped by project (track,
 * then code) and period (in `periodOrder`). Empty when nothing is new.
 */
export function judgeDigestEntries(input: {
  judge: string;
  tracks: ReadonlySet<string>;
  projects: readonly DigestProject[];
  events: readonly DigestEvent[];
  since: number;
  until: number;
  periodOrder: readonly string[];
}): DigestEntry[] {
  const mine = new Map(input.projects.filter((p) => input.tracks.has(p.track)).map((p) => [p.id, p]));
  const byProject = new Map<string, Map<string, DigestEntry['periods'][number]>>();
  for (const e of input.events) {
    if (e.at < input.since || e.at >= input.until || !mine.has(e.projectId)) continue;
    const periods = byProject.get(e.projectId) ?? new Map<string, DigestEntry['periods'][number]>();
    byProject.set(e.projectId, periods);
    const p = periods.get(e.period) ?? { period: e.period };
    periods.set(e.period, p);
    if (e.kind === 'answer') {
      const a = p.answers ?? { count: 0, toYou: 0 };
      p.answers = { count: a.count + 1, toYou: a.toYou + (e.commentBy === input.judge ? 1 : 0) };
    } else {
      const key = e.kind === 'report' ? 'report' : 'selfEvaluation';
      const was = p[key];
      p[key] = {
        revision: Math.max(was?.revision ?? 0, e.revision),
        first: (was?.first ?? false) || e.revision === 1,
      };
    }
  }
  const rank = new Map(input.periodOrder.map((code, i) => [code, i]));
  const order = (code: string) => rank.get(code) ?? Number.MAX_SAFE_INTEGER;
  return [...byProject.entries()]
    .map(([id, periods]) => ({
      project: mine.get(id)!,
      periods: [...periods.values()].sort(
        (a, b) => order(a.period) - order(b.period) || a.period.localeCompare(b.period),
      ),
    }))
    .sort((a, b) => a.project.track.localeCompare(b.project.track) || a.project.code.localeCompare(b.project.code));
}

// ── 进展情况: guidance per track ─────────────────────────────────────────────────────────────────────────────────────

export interface GuidanceTally {
  /** Projects with at least one comment on the period (on its report or its self-evaluation). */
  commented: number;
  /** Comments asking for an answer (请回复) that has not come. */
  awaiting: number;
}

/**
 * For one period's comments, per track of the projects shown: how many projects have guidance and how many questions
 * await an answer. Comments on projects not shown (withdrawn, or outside a judge's tracks) are not counted; a track
 * whose projects have no comment is absent.
 */
export function guidanceByTrack(
  comments: ReadonlyArray<{ projectId: string; needsAnswer: boolean; answeredAt: number | undefined }>,
  projects: ReadonlyArray<{ id: string; track: string }>,
): Map<string, GuidanceTally> {
  const trackOf = new Map(projects.map((p) => [p.id, p.track]));
  const commented = new Map<string, Set<string>>();
  const out = new Map<string, GuidanceTally>();
  for (const c of comments) {
    const track = trackOf.get(c.projectId);
    if (track === undefined) continue;
    const seen = commented.get(track) ?? new Set<string>();
    commented.set(track, seen);
    seen.add(c.projectId);
    const t = out.get(track) ?? { commented: 0, awaiting: 0 };
    out.set(track, {
      commented: seen.size,
      awaiting: t.awaiting + (c.needsAnswer && c.answeredAt === undefined ? 1 : 0),
    });
  }
  return out;
}
