/**
 * The deadlines reminders are about, from the competition: registration close, each report's due date, each
 * self-evaluation, and the judging, materials and approval milestones. Pure.
 */
import type { LocalDate } from '../../competition/calendar';
import { type Competition, deadlineInstant, stageByCode } from '../../competition/competition';
import { text, type Text } from '../../platform/i18n';

export type DeadlineRule = 'registration' | 'report' | 'self-evaluation' | 'judging' | 'materials' | 'approval';

/**
 * Whether what is owed can still be done once the deadline has passed, by the rules of each step: a late report or
 * self-evaluation is still taken (marked late: reporting.rules.ts decideSubmission) and leaders may decide until the
 * end of the evaluation stage, but registration, scoring and award materials close at their deadline. An overdue
 * reminder offers a button only where it can still work; elsewhere it says to ask the office.
 */
export const OPEN_AFTER_DEADLINE: Record<DeadlineRule, boolean> = {
  registration: false,
  report: true,
  'self-evaluation': true,
  judging: false,
  materials: false,
  approval: true,
};

export interface Deadline {
  rule: DeadlineRule;
  /** Unique within the rule: 'registration', a period code, a milestone code. */
  key: string;
  name: Text;
  dueDate: LocalDate;
  dueAt: number;
  /** Nothing is owed before this instant (a period that has not opened yet is not reminded). */
  from: number;
}

export function deadlinesOf(c: Competition): Deadline[] {
  const registration = stageByCode(c, 'registration');
  const out: Deadline[] = [
    {
      rule: 'registration',
      key: 'registration',
      name: text('项目报名', 'project registration'),
      dueDate: registration.end,
      dueAt: deadlineInstant(c, registration.end),
      from: deadlineInstant(c, registration.start) - 86_400_000,
    },
  ];
  for (const p of c.periods) {
    const from = deadlineInstant(c, p.opens) - 86_400_000;
    out.push({
      rule: 'report',
      key: p.code,
      name: text(`${p.name}报告`, `${p.nameEn} report`),
      dueDate: p.due,
      dueAt: deadlineInstant(c, p.due),
      from,
    });
    if (p.selfEvaluation)
      out.push({
        rule: 'self-evaluation',
        key: p.code,
        name: text(`${p.name}自评`, `${p.nameEn} self-evaluation`),
        dueDate: p.due,
        dueAt: deadlineInstant(c, p.due),
        from,
      });
  }
  for (const m of c.file.milestones) {
    if (m.code === 'judging-close')
      out.push({
        rule: 'judging',
        key: m.code,
        name: text(`评分（${m.name}）`, `scoring (${m.nameEn})`),
        dueDate: m.date,
        dueAt: deadlineInstant(c, m.date),
        from: 0,
      });
    if (m.code === 'materials-due')
      out.push({
        rule: 'materials',
        key: m.code,
        name: text(`申报材料（${m.name}）`, `award materials (${m.nameEn})`),
        dueDate: m.date,
        dueAt: deadlineInstant(c, m.date),
        from: 0,
      });
    if (m.code === 'approval')
      out.push({
        rule: 'approval',
        key: m.code,
        name: text(`表彰审定（${m.name}）`, `award decisions (${m.nameEn})`),
        dueDate: m.date,
        dueAt: deadlineInstant(c, m.date),
        from: 0,
      });
  }
  return out;
}
