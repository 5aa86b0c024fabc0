/**
 * Time and the working calendar, as pure functions. Dates are 'YYYY-MM-DD' strings in the competition's time zone;
 * instants are epoch milliseconds (UTC). Only Intl is used, so this runs on Node and on Workers.
 */

export type LocalDate = string;

export interface WorkingCalendar {
  /** Public holidays: days off even when they fall on a weekday. */
  readonly holidays: ReadonlySet<LocalDate>;
  /** Make-up working days (调休): weekend days that are working days. */
  readonly workdays: ReadonlySet<LocalDate>;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

export function parseLocalDate(date: LocalDate): { y: number; m: number; d: number } {
  const match = DATE_RE.exec(date);
  if (!match) throw new Error(`not a date (YYYY-MM-DD): ${date}`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const back = new Date(Date.UTC(y, m - 1, d));
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    throw new Error(`not a calendar date: ${date}`);
  }
  return { y, m, d };
}

export function isValidLocalDate(date: string): boolean {
  try {
    parseLocalDate(date);
    return true;
  } catch {
    return false;
  }
}

/** Minutes after midnight for 'HH:MM'. */
export function parseTimeOfDay(time: string): number {
  const match = TIME_RE.exec(time);
  if (!match) throw new Error(`not a time of day (HH:MM): ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface WallClock {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
  ss: number;
}

function wallClock(ms: number, tz: string): WallClock {
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), m: get('month'), d: get('day'), hh: get('hour'), mm: get('minute'), ss: get('second') };
}

/** The zone's offset from UTC at `ms`, in milliseconds (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const whole = Math.floor(ms / 1000) * 1000;
  return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss) - whole;
}

/**
 * Instants already worked out, by date, minutes and zone. The rules convert the same few dates of the competition file
 * on every request, and Intl's formatToParts is the costliest call on the busiest path (a report submitted).
 * Bounded: cleared when full.
 */
const instants = new Map<string, number>();
const INSTANTS_KEPT = 10_000;

/** The instant at which the wall clock in `tz` shows `date` `minutes` after midnight. */
export function zonedInstant(date: LocalDate, minutes: number, tz: string): number {
  const key = `${date}|${minutes}|${tz}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const instant = computeZonedInstant(date, minutes, tz);
  if (instants.size >= INSTANTS_KEPT) instants.clear();
  instants.set(key, instant);
  return instant;
}

function computeZonedInstant(date: LocalDate, minutes: number, tz: string): number {
  const { y, m, d } = parseLocalDate(date);
  const local = Date.UTC(y, m - 1, d) + minutes * 60_000;
  // Two passes settle the offset, also next to a daylight-saving change.
  let guess = local - zoneOffsetMs(local, tz);
  guess = local - zoneOffsetMs(guess, tz);
  return guess;
}

/** First instant of a local day. */
export const startOfLocalDay = (date: LocalDate, tz: string): number => zonedInstant(date, 0, tz);

/** "An end date means the end of that day there": the first instant of the following day (exclusive bound). */
export const endOfLocalDay = (date: LocalDate, tz: string): number => zonedInstant(date, 24 * 60, tz); // 24:00 is the next day's 00:00

export function localDateOf(ms: number, tz: string): LocalDate {
  const w = wallClock(ms, tz);
  return `${String(w.y).padStart(4, '0')}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** A local wall-clock stamp, e.g. 2024-05-25 23:59, in the time zone: the minute decides on time or late. */
export function localDateTimeOf(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${localDateOf(ms, tz)} ${String(w.hh).padStart(2, '0')}:${String(w.mm).padStart(2, '0')}`;
}

/** Minutes after local midnight at `ms`. */
export function localMinutesOf(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return w.hh * 60 + w.mm;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { y, m, d } = parseLocalDate(date);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b - a). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  const pa = parseLocalDate(a);
  const pb = parseLocalDate(b);
  return Math.round((Date.UTC(pb.y, pb.m - 1, pb.d) - Date.UTC(pa.y, pa.m - 1, pa.d)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  const { y, m, d } = parseLocalDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function isWorkingDay(date: LocalDate, calendar: WorkingCalendar): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const wd = weekdayOf(date);
  return wd !== 0 && wd !== 6;
}

/** `date` itself when it is a working day, otherwise the closest working day before it. */
export function workingDayOnOrBefore(date: LocalDate, calendar: WorkingCalendar): LocalDate {
  let d = date;
  for (let i = 0; i < 60 && !isWorkingDay(d, calendar); i++) d = addDays(d, -1);
  return d;
}

/** `date` itself when it is a working day, otherwise the closest working day after it. */
export function workingDayOnOrAfter(date: LocalDate, calendar: WorkingCalendar): LocalDate {
  let d = date;
  for (let i = 0; i < 60 && !isWorkingDay(d, calendar); i++) d = addDays(d, 1);
  return d;
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export interface DatedInterval {
  readonly code: string;
  /** First day, inclusive. */
  readonly start: LocalDate;
  /** Last day, inclusive (open until the end of that day). */
  readonly end: LocalDate;
}

export interface InstantInterval {
  readonly startsAt: number;
  /** Exclusive. */
  readonly endsAt: number;
}

export function intervalInstants(interval: Pick<DatedInterval, 'start' | 'end'>, tz: string): InstantInterval {
  return { startsAt: startOfLocalDay(interval.start, tz), endsAt: endOfLocalDay(interval.end, tz) };
}

/** The interval open at `ms`, if any; intervals are half-open [start of first day, end of last day). */
export function intervalAt<T extends DatedInterval>(intervals: readonly T[], ms: number, tz: string): T | undefined {
  return intervals.find((s) => {
    const { startsAt, endsAt } = intervalInstants(s, tz);
    return ms >= startsAt && ms < endsAt;
  });
}

export function calendarFrom(holidays: Iterable<LocalDate>, workdays: Iterable<LocalDate>): WorkingCalendar {
  return { holidays: new Set(holidays), workdays: new Set(workdays) };
}
