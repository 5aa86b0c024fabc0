/**
 * The reporting periods as windows of instants: open from the start of `opens` to the end of `due`, in the
 * competition's time zone. Reports, reminders, summaries and scoring read the same windows.
 */
import { startOfLocalDay } from '../competition/calendar';
import { deadlineInstant, type Competition } from '../competition/competition';

export interface PeriodWindow {
  code: string;
  name: string;
  nameEn: string;
  opens: string;
  due: string;
  /** Start of `opens` and end of `due`, as instants. */
  opensAt: number;
  dueAt: number;
  selfEvaluation: boolean;
}

/** The reporting periods with their windows as instants (start of `opens`, end of `due`, competition time zone). */
export function periodWindows(c: Competition): PeriodWindow[] {
  return c.periods.map((p) => ({
    code: p.code,
    name: p.name,
    nameEn: p.nameEn,
    opens: p.opens,
    due: p.due,
    opensAt: startOfLocalDay(p.opens, c.timeZone),
    dueAt: deadlineInstant(c, p.due),
    selfEvaluation: p.selfEvaluation,
  }));
}

/** Where one project stands for one period: reported on time or late, missing past the due day, or still to come. */
export type ReportState = 'on_time' | 'late' | 'missing' | 'pending';

/** The projects of one period (of a unit, a track or everyone) by state. */
export interface PeriodTally {
  onTime: number;
  late: number;
  missing: number;
  pending: number;
  /** Reports owed so far (on time + late + missing). */
  owed: number;
  /** On-time share of what was owed, 0..1 (1 when nothing was owed yet). */
  onTimeShare: number;
}
