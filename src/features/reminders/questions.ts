/**
 * Questions a judge asked a unit to answer (指导意见 with 请回复), in the reminders, pure. A question is to be answered
 * within `answerWithinWorkingDays` working days: by the end of the n-th working day after the day it was asked. The
 * morning after that (the next working day, at the reminders' send time) its unit's contacts are chased, once. Until
 * it is answered, the unit's regular deadline reminders list it too.
 */
import { addDays, isWorkingDay, localDateOf, type LocalDate } from '../../competition/calendar';
import { slotOnOrAfter, type Schedule } from './schedule.rules';

/** The day by whose end the answer is due: `n` working days after the local day `askedAt` falls on. */
export function answerDueDate(s: Schedule, askedAt: number, n: number): LocalDate {
  let d = localDateOf(askedAt, s.timeZone);
  for (let left = n, guard = 0; left > 0 && guard < 400; guard++) {
    d = addDays(d, 1);
    if (isWorkingDay(d, s.calendar)) left--;
  }
  return d;
}

export interface QuestionChase {
  /** The last day to answer. */
  answerBy: LocalDate;
  /** When the unit is chased: the send time of the first working day after `answerBy`. */
  at: number;
}

export function questionChase(s: Schedule, askedAt: number, n: number): QuestionChase {
  const answerBy = answerDueDate(s, askedAt, n);
  return { answerBy, at: slotOnOrAfter(s, addDays(answerBy, 1)) };
}

/**
 * The questions to chase at `now`: unanswered, on an active project (`unitOf` knows it), and past their chase time.
 * Each with its unit and dates, oldest first.
 */
export function questionsToChase<Q extends { id: string; projectId: string; createdAt: number }>(
  s: Schedule,
  questions: readonly Q[],
  unitOf: (projectId: string) => string | undefined,
  n: number,
  now: number,
): Array<{ question: Q; unit: string } & QuestionChase> {
  const out: Array<{ question: Q; unit: string } & QuestionChase> = [];
  for (const q of questions) {
    const unit = unitOf(q.projectId);
    if (unit === undefined) continue;
    const chase = questionChase(s, q.createdAt, n);
    if (chase.at <= now) out.push({ question: q, unit, ...chase });
  }
  return out.sort((a, b) => a.question.createdAt - b.question.createdAt || a.question.id.localeCompare(b.question.id));
}
