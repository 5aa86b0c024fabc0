/**
 * The scheduled digest (competition file `summaries`), pure: which slot, if any, is due at an instant, and what the
 * digest shows at that point of the season.
 */
import {
  addDays,
  isWorkingDay,
  localDateOf,
  parseTimeOfDay,
  weekdayOf,
  zonedInstant,
  type LocalDate,
  type WorkingCalendar,
} from '../../competition/calendar';
import type { StageCode } from '../../competition/competition';

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface DigestSchedule {
  readonly days: readonly Weekday[];
  /** HH:MM, local. */
  readonly at: string;
  readonly workingDaysOnly: boolean;
}

/**
 * How late a slot may still go out: a tick missed at 09:00 (a deploy, an outage) posts at the next tick that morning,
 * but a digest is not worth posting in the evening or the next day: then the slot is simply skipped.
 */
export const DIGEST_GRACE_MS = 4 * 3_600_000;

export interface DigestSlot {
  /** The slot's identity and exactly-once key: local date and time, e.g. 2024-11-04T09:00. */
  readonly slot: string;
  readonly date: LocalDate;
  readonly at: number;
}

/**
 * The slot due at `now`: the latest scheduled day-and-time at or before `now`, less than DIGEST_GRACE_MS ago, on a
 * listed weekday (and a working day when asked), with its date inside [from, until]. Undefined when none is.
 */
export function dueDigestSlot(
  s: DigestSchedule,
  where: { timeZone: string; calendar: WorkingCalendar; from: LocalDate; until: LocalDate },
  now: number,
): DigestSlot | undefined {
  const minutes = parseTimeOfDay(s.at);
  const today = localDateOf(now, where.timeZone);
  // The grace is under a day, so only today's and yesterday's slots can be due.
  for (const date of [today, addDays(today, -1)]) {
    if (date < where.from || date > where.until) continue;
    if (!s.days.includes(WEEKDAYS[weekdayOf(date)]!)) continue;
    if (s.workingDaysOnly && !isWorkingDay(date, where.calendar)) continue;
    const at = zonedInstant(date, minutes, where.timeZone);
    if (at <= now && now < at + DIGEST_GRACE_MS) return { slot: `${date}T${s.at}`, date, at };
  }
  return undefined;
}

/**
 * What a digest (and `排行` before publication) shows: during registration, who registered what; during
 * implementation, reporting punctuality; during evaluation, until the office publishes, punctuality and judging
 * progress (counts of sheets, never a score); once published, the rankings. Nothing outside the season.
 */
export type DigestKind = 'registration' | 'implementation' | 'judging' | 'rankings';

export function digestKind(stage: StageCode | undefined, published: boolean): DigestKind | undefined {
  if (published) return 'rankings';
  switch (stage) {
    case 'registration':
      return 'registration';
    case 'implementation':
      return 'implementation';
    case 'evaluation':
      return 'judging';
    default:
      return undefined;
  }
}
