/**
 * When reminders go out, pure. For each deadline the competition file's reminder rules give steps: lead-time
 * reminders (default 7, 3 and 1 days before), the morning of the deadline day, and after it an overdue notice to the
 * unit, a digest to the office and an escalation to the unit's leader. Every step is placed on a working slot
 * (working day, within working hours, in the competition's time zone):
 * - a step that falls on a day off moves to the next working day; if that is past the deadline it moves back to the
 *   last working day before it, so it is never dropped and never sent after the deadline;
 * - steps of one deadline that land on the same slot are merged (the one closest to the deadline stays).
 * At a tick, only the most recent pre-deadline step that is due is sent: after downtime a unit gets one reminder,
 * not a burst of stale ones; steps whose deadline has passed are obsolete.
 */
import {
  addDays,
  isWorkingDay,
  localDateOf,
  localMinutesOf,
  parseTimeOfDay,
  workingDayOnOrAfter,
  workingDayOnOrBefore,
  zonedInstant,
  type LocalDate,
  type WorkingCalendar,
} from '../../competition/calendar';

export interface ReminderRules {
  leadDays: readonly number[];
  onDeadlineDay: boolean;
  /** HH:MM local */
  sendAt: string;
  workingHours: { start: string; end: string };
  groupFromDaysBefore: number;
  escalateAfterDays: number;
}

export type StepKind = 'before' | 'overdue' | 'digest' | 'escalate';

export interface Step {
  /** Stable name, part of the exactly-once key: T-7, T-3, T-1, T-0, overdue, digest, escalate. */
  code: string;
  kind: StepKind;
  /** For `before` steps: days before the deadline day. */
  daysBefore?: number;
  at: number;
  /** Also post in the unit's group (@mentioning its contacts). */
  group: boolean;
}

export interface Schedule {
  rules: ReminderRules;
  calendar: WorkingCalendar;
  timeZone: string;
}

/** The minute of the day at which a day's reminders go out: `sendAt`, kept inside working hours. */
function sendMinutes(r: ReminderRules): number {
  const start = parseTimeOfDay(r.workingHours.start);
  const end = parseTimeOfDay(r.workingHours.end);
  return Math.min(Math.max(parseTimeOfDay(r.sendAt), start), end - 1);
}

/** Whether `ms` is inside working hours on a working day. */
export function isWorkingSlot(s: Schedule, ms: number): boolean {
  const date = localDateOf(ms, s.timeZone);
  const minutes = localMinutesOf(ms, s.timeZone);
  return (
    isWorkingDay(date, s.calendar) &&
    minutes >= parseTimeOfDay(s.rules.workingHours.start) &&
    minutes < parseTimeOfDay(s.rules.workingHours.end)
  );
}

/** The working slot on `date` (or the next working day), at the send time. */
export function slotOnOrAfter(s: Schedule, date: LocalDate): number {
  return zonedInstant(workingDayOnOrAfter(date, s.calendar), sendMinutes(s.rules), s.timeZone);
}

/** The next working slot at or after `ms` (the same day's working hours if still open, else the next day's start). */
export function nextWorkingSlot(s: Schedule, ms: number): number {
  if (isWorkingSlot(s, ms)) return ms;
  const date = localDateOf(ms, s.timeZone);
  const start = parseTimeOfDay(s.rules.workingHours.start);
  if (isWorkingDay(date, s.calendar) && localMinutesOf(ms, s.timeZone) < start)
    return zonedInstant(date, start, s.timeZone);
  return zonedInstant(workingDayOnOrAfter(addDays(date, 1), s.calendar), start, s.timeZone);
}

/** Adds `n` working days to `date` (n ≥ 1). */
function addWorkingDays(date: LocalDate, n: number, calendar: WorkingCalendar): LocalDate {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d, calendar)) left--;
  }
  return d;
}

/** Every step of one deadline: `dueDate` is its last day, `dueAt` the end of that day. */
export function deadlineSteps(s: Schedule, dueDate: LocalDate, dueAt: number): Step[] {
  const r = s.rules;
  const minutes = sendMinutes(r);
  const before: Step[] = [];
  const days = [...new Set([...r.leadDays, ...(r.onDeadlineDay ? [0] : [])])].sort((a, b) => b - a);
  for (const d of days) {
    let at = slotOnOrAfter(s, addDays(dueDate, -d));
    if (at >= dueAt) at = zonedInstant(workingDayOnOrBefore(dueDate, s.calendar), minutes, s.timeZone);
    before.push({ code: `T-${d}`, kind: 'before', daysBefore: d, at, group: d <= r.groupFromDaysBefore });
  }
  // Merge steps on one slot: the later step (closer to the deadline) replaces the earlier.
  const merged = before.filter((step, i) => !before.slice(i + 1).some((later) => later.at === step.at));
  const overdueAt = slotOnOrAfter(s, addDays(dueDate, 1));
  return [
    ...merged,
    { code: 'overdue', kind: 'overdue', at: overdueAt, group: true },
    { code: 'digest', kind: 'digest', at: overdueAt, group: false },
    ...(r.escalateAfterDays > 0
      ? [
          {
            code: 'escalate',
            kind: 'escalate' as const,
            at: zonedInstant(addWorkingDays(dueDate, r.escalateAfterDays, s.calendar), minutes, s.timeZone),
            group: false,
          },
        ]
      : []),
  ];
}

/**
 * The steps to act on at `now`: the most recent pre-deadline step that is due (while the deadline is ahead),
 * and each post-deadline step that is due. Nothing outside a working slot.
 */
export function dueSteps(s: Schedule, steps: readonly Step[], dueAt: number, now: number): Step[] {
  if (!isWorkingSlot(s, now)) return [];
  const due = steps.filter((st) => st.at <= now);
  const before = now < dueAt ? due.filter((st) => st.kind === 'before').sort((a, b) => b.at - a.at)[0] : undefined;
  return [...(before ? [before] : []), ...due.filter((st) => st.kind !== 'before' && now - st.at <= LATE_STEP_MS)];
}

/**
 * How late a post-deadline step (overdue, digest, escalation) may still go out: after the bot was down for a while it
 * catches up; a step whose moment passed longer ago than this (a finished competition loaded into a new deployment,
 * a year-old deadline) is not sent at all.
 */
export const LATE_STEP_MS = 14 * 86_400_000;

/**
 * `minutes` of working time after `ms`: the clock runs only inside working hours on working days (Friday 17:00 plus two
 * working hours, with working hours 09:00-18:00, is Monday 10:00).
 */
export function addWorkingTime(s: Schedule, ms: number, minutes: number): number {
  const end = parseTimeOfDay(s.rules.workingHours.end);
  let at = nextWorkingSlot(s, ms);
  let left = minutes * 60_000;
  for (let guard = 0; guard < 400; guard++) {
    const date = localDateOf(at, s.timeZone);
    const closing = zonedInstant(date, end, s.timeZone);
    if (at + left < closing) return at + left;
    left -= closing - at;
    at = nextWorkingSlot(s, closing);
  }
  return at;
}

/**
 * When a snoozed reminder comes back: `hours` of working time later (see addWorkingTime), at the start of that minute,
 * and before the deadline; undefined when no such time is left. The minute is what the contact is promised ("11:30
 * 再提醒你") and what the minute tick of 11:30 (run at 11:30:00) finds due; keeping the click's seconds would send it
 * a minute late. Working hours start and end on a minute, so the start of the minute is still inside them.
 */
export function snoozeUntil(s: Schedule, now: number, hours: number, dueAt: number): number | undefined {
  const exact = addWorkingTime(s, now, hours * 60);
  const at = exact - (((exact % 60_000) + 60_000) % 60_000);
  return at < dueAt ? at : undefined;
}
