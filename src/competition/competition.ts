/**
 * The competition as the rest of the bot sees it: the validated file with the reporting rhythm expanded into
 * periods and the working calendar built. Pure.
 */
import type { CompetitionFile } from './competition.schema';
import {
  calendarFrom,
  endOfLocalDay,
  intervalAt,
  startOfLocalDay,
  workingDayOnOrBefore,
  type LocalDate,
  type WorkingCalendar,
} from './calendar';

export type StageCode = 'registration' | 'implementation' | 'evaluation';

export interface Stage {
  readonly code: StageCode;
  readonly name: string;
  readonly nameEn: string;
  readonly start: LocalDate;
  readonly end: LocalDate;
}

export interface Period {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly opens: LocalDate;
  /** The last day on which a report counts as on time (already moved to a working day where the rule says so). */
  readonly due: LocalDate;
  readonly kind: 'routine' | 'midterm' | 'final';
  readonly selfEvaluation: boolean;
}

export interface Competition {
  readonly file: CompetitionFile;
  readonly id: string;
  readonly timeZone: string;
  readonly stages: readonly Stage[];
  readonly periods: readonly Period[];
  readonly calendar: WorkingCalendar;
}

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Monthly periods from the rhythm plus the explicit check points, ordered by due date. */
export function expandPeriods(file: CompetitionFile, calendar: WorkingCalendar): Period[] {
  const periods: Period[] = [];
  const monthly = file.reporting.monthly;
  if (monthly) {
    let [y, m] = monthly.from.split('-').map(Number) as [number, number];
    const [ty, tm] = monthly.to.split('-').map(Number) as [number, number];
    while (y < ty || (y === ty && m <= tm)) {
      const mm = String(m).padStart(2, '0');
      const nominal = `${y}-${mm}-${String(monthly.dueDay).padStart(2, '0')}`;
      periods.push({
        code: `${y}-${mm}`,
        name: `${m}月进展`,
        nameEn: `${MONTHS_EN[m - 1]} progress`,
        opens: `${y}-${mm}-01`,
        due: monthly.dueOnWorkingDayBefore ? workingDayOnOrBefore(nominal, calendar) : nominal,
        kind: 'routine',
        selfEvaluation: false,
      });
      m += 1;
      if (m > 12) {
        m = 1;
        y += 1;
      }
    }
  }
  for (const p of file.reporting.periods) periods.push({ ...p });
  return periods.sort((a, b) => (a.due === b.due ? a.code.localeCompare(b.code) : a.due < b.due ? -1 : 1));
}

export function buildCompetition(file: CompetitionFile): Competition {
  const calendar = calendarFrom(file.calendar.holidays, file.calendar.workdays);
  return {
    file,
    id: file.id,
    timeZone: file.timeZone,
    stages: file.stages.map((s) => ({ ...s, code: s.code as StageCode })),
    periods: expandPeriods(file, calendar),
    calendar,
  };
}

/** The stage open at `ms`, or undefined before the first and after the last. */
export function stageAt(c: Competition, ms: number): Stage | undefined {
  return intervalAt(c.stages, ms, c.timeZone);
}

type Track = CompetitionFile['tracks'][number];
type Unit = CompetitionFile['units'][number];
type Milestone = CompetitionFile['milestones'][number];

interface Lookups {
  readonly tracks: ReadonlyMap<string, Track>;
  readonly units: ReadonlyMap<string, Unit>;
  readonly milestones: ReadonlyMap<string, Milestone>;
  readonly periods: ReadonlyMap<string, Period>;
  readonly stages: ReadonlyMap<string, Stage>;
}

// Built once per loaded competition (the object is cached and never mutated), so a lookup by code is a map read.
const lookups = new WeakMap<Competition, Lookups>();
function lookupsOf(c: Competition): Lookups {
  let l = lookups.get(c);
  if (!l) {
    const byCode = <T extends { code: string }>(items: readonly T[]) => new Map(items.map((x) => [x.code, x]));
    l = {
      tracks: byCode(c.file.tracks),
      units: byCode(c.file.units),
      milestones: byCode(c.file.milestones),
      periods: byCode(c.periods),
      stages: byCode(c.stages),
    };
    lookups.set(c, l);
  }
  return l;
}

/** The competition's track, unit, milestone or reporting period with this code; undefined when the file has none. */
export const trackByCode = (c: Competition, code: string): Track | undefined => lookupsOf(c).tracks.get(code);
export const unitByCode = (c: Competition, code: string): Unit | undefined => lookupsOf(c).units.get(code);
export const milestoneByCode = (c: Competition, code: string): Milestone | undefined =>
  lookupsOf(c).milestones.get(code);
export const periodByCode = (c: Competition, code: string): Period | undefined => lookupsOf(c).periods.get(code);

export function stageByCode(c: Competition, code: StageCode): Stage {
  const stage = lookupsOf(c).stages.get(code);
  if (!stage) throw new Error(`competition ${c.id} has no stage ${code}`);
  return stage;
}

export function isStageOpen(c: Competition, code: StageCode, ms: number): boolean {
  const s = stageByCode(c, code);
  return ms >= startOfLocalDay(s.start, c.timeZone) && ms < endOfLocalDay(s.end, c.timeZone);
}

/** How chat names a unit: its short name from the file, or its code when the file no longer has it. */
export const unitShortName = (c: Competition, code: string): string => unitByCode(c, code)?.shortName ?? code;

/** The instant a dated deadline passes: the end of its day in the competition's time zone. */
export const deadlineInstant = (c: Competition, date: LocalDate): number => endOfLocalDay(date, c.timeZone);

/** The period whose window [opens, due] holds `ms`; if none, the next one still to come. */
export function currentPeriod(c: Competition, ms: number): Period | undefined {
  return (
    c.periods.find((p) => ms >= startOfLocalDay(p.opens, c.timeZone) && ms < endOfLocalDay(p.due, c.timeZone)) ??
    c.periods.find((p) => ms < startOfLocalDay(p.opens, c.timeZone))
  );
}
