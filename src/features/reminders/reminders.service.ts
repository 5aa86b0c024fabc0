/**
 * The reminder run of one tick: for every deadline with a step due now (see schedule.rules), read who still owes
 * (obligations.ts), and for each (rule, deadline, subject, step) not yet recorded, record it and enqueue its
 * messages in one transaction. The occurrence's unique key makes it exactly once across servers, overlapping ticks
 * and restarts; the outbox's deterministic keys back that up.
 */
import { obligationsFor, tickReads } from './obligations';
import type { Store } from '../../platform/store';
import { sha256Hex } from '../../platform/hash';
import {
  digestCard,
  escalationCard,
  groupReminderCard,
  questionReminderCard,
  reminderCard,
  type OpenQuestion,
  type ReminderView,
} from '../../../cards/reminders';
import { daysBetween, localDateOf } from '../../competition/calendar';
import { periodByCode, unitShortName, type Competition } from '../../competition/competition';
import { text } from '../../platform/i18n';
import { questionChase, questionsToChase } from './questions';
import type { BotServices } from '../../lark/handlers';
import type { OutgoingMessage } from '../../lark/outbox.repository';
import type { recordOccurrence } from './reminders.repository';
import { deadlinesOf, OPEN_AFTER_DEADLINE, type Deadline } from './deadlines';
import type { Obligation } from './obligations';
import { deadlineSteps, dueSteps, isWorkingSlot, type Schedule, type Step } from './schedule.rules';

export const scheduleOf = (c: Competition): Schedule => ({
  rules: c.file.reminders,
  calendar: c.calendar,
  timeZone: c.timeZone,
});

export interface ReminderRun {
  /** Occurrences recorded and enqueued by this run. */
  sent: number;
  /** Snoozed reminders dropped because the thing was done or the deadline passed. */
  dropped: number;
}

/** A short, stable digest of an open_id (snooze steps name their contact within 32 characters). */
export async function shortHash(value: string): Promise<string> {
  return (await sha256Hex(value)).slice(0, 8);
}

function view(c: Competition, d: Deadline, o: Obligation, now: number, snooze: boolean): ReminderView {
  const daysLeft = daysBetween(localDateOf(now, c.timeZone), d.dueDate);
  // Past the deadline, a button only where the thing can still be done: otherwise it could only be refused.
  const closed = now >= d.dueAt && !OPEN_AFTER_DEADLINE[d.rule];
  return {
    deadlineName: d.name,
    dueDate: d.dueDate,
    daysLeft: now >= d.dueAt ? Math.min(-1, daysLeft) : daysLeft,
    unitName: o.unit ? o.label : undefined,
    items: o.items,
    action: closed ? undefined : o.action,
    closed,
    snooze: snooze && now < d.dueAt && o.unit ? { a: 'rem.snooze', r: d.rule, k: d.key, u: o.subject } : undefined,
  };
}

/** The messages of one step for one subject. */
function stepMessages(
  c: Competition,
  d: Deadline,
  o: Obligation,
  step: Step,
  now: number,
  ctx: {
    groups: Map<string, string>;
    leaders: string[];
    recipients?: string[];
    /** The unit's questions awaiting its answer, listed under its one-to-one reminders. */
    questions?: readonly OpenQuestion[];
  },
): OutgoingMessage[] {
  const key = (to: string) => `rem:${c.id}:${d.rule}:${d.key}:${o.subject}:${step.code}:${to}`;
  const v = view(c, d, o, now, step.kind === 'before');
  if (o.unit && ctx.questions?.length && step.kind !== 'escalate') v.questions = ctx.questions;
  const direct = (to: string, content: unknown, purpose: string): OutgoingMessage => ({
    key: key(to),
    purpose,
    op: 'send',
    receiveIdType: 'open_id',
    receiveId: to,
    rateKey: `user:${to}`,
    msgType: 'interactive',
    content,
    competitionId: c.id,
  });
  if (step.kind === 'escalate') return ctx.leaders.map((to) => direct(to, escalationCard(v), 'reminder-escalation'));
  const out = (ctx.recipients ?? o.recipients).map((to) =>
    direct(to, reminderCard(v), step.kind === 'overdue' ? 'reminder-overdue' : 'reminder'),
  );
  const group = o.unit ? ctx.groups.get(o.unit) : undefined;
  if (step.group && group && !ctx.recipients) {
    out.push({
      key: key(`group:${group}`),
      purpose: 'reminder-group',
      op: 'send',
      receiveIdType: 'chat_id',
      receiveId: group,
      rateKey: `chat:${group}`,
      msgType: 'interactive',
      content: groupReminderCard({ ...v, snooze: undefined, contacts: o.recipients }),
      competitionId: c.id,
    });
  }
  return out;
}

export async function runReminders(s: BotServices, now: number): Promise<ReminderRun> {
  const run: ReminderRun = { sent: 0, dropped: 0 };
  const c = await s.competition();
  const sched = scheduleOf(c);
  if (!isWorkingSlot(sched, now)) return run;
  const paused = await s.repos.reminders.pausedUnits(s.competitionId);
  if (paused.has('')) return run;
  let groups: Map<string, string> | undefined;
  let questions: Map<string, OpenQuestion[]> | undefined;
  const deadlines = deadlinesOf(c);
  const owedCache = new Map<string, Obligation[]>();
  const reads = tickReads(s.repos, s.competitionId);
  const owed = async (d: Deadline) => {
    const k = `${d.rule}|${d.key}`;
    if (!owedCache.has(k))
      owedCache.set(
        k,
        (await obligationsFor(s.repos, c, d, reads)).filter((o) => !o.unit || !paused.has(o.unit)),
      );
    return owedCache.get(k)!;
  };

  for (const d of deadlines) {
    if (now < d.from) continue;
    const due = dueSteps(sched, deadlineSteps(sched, d.dueDate, d.dueAt), d.dueAt, now);
    if (!due.length) continue;
    // What is already recorded for this deadline: most minutes, everything due is, and nothing is written.
    const done = await s.repos.reminders.recordedSteps(s.competitionId, d.rule, d.key);
    const obligations = await owed(d);
    if (!obligations.length) continue;
    for (const step of due) {
      if (step.kind === 'digest') {
        if (done.has(`|${step.code}`)) continue;
        const office = await s.repos.roles.officeOpenIds(s.competitionId, s.admins);
        // Who the escalation to unit leaders will not reach: the office should know now, not find out later.
        const leaders =
          c.file.reminders.escalateAfterDays > 0
            ? await s.repos.roles.holdersByScope(s.competitionId, 'unit_leader')
            : undefined;
        const unreachable = leaders
          ? obligations.filter((o) => o.unit && !leaders.has(o.unit)).map((o) => o.label)
          : [];
        const card = digestCard({
          deadlineName: d.name,
          dueDate: d.dueDate,
          missing: obligations.map((o) => ({ name: o.label, items: o.items, contacts: o.recipients.length })),
          unreachable,
        });
        const messages = office.map(
          (to): OutgoingMessage => ({
            key: `rem:${c.id}:${d.rule}:${d.key}::digest:${to}`,
            purpose: 'reminder-digest',
            op: 'send',
            receiveIdType: 'open_id',
            receiveId: to,
            rateKey: `user:${to}`,
            msgType: 'interactive',
            content: card,
            competitionId: c.id,
          }),
        );
        if (
          await recordAndEnqueue(
            s,
            {
              competitionId: c.id,
              rule: d.rule,
              key: d.key,
              subject: '',
              step: step.code,
              dueAt: step.at,
              status: 'sent',
            },
            messages,
            now,
          )
        )
          run.sent++;
        continue;
      }
      for (const o of obligations) {
        if (done.has(`${o.subject}|${step.code}`)) continue;
        groups ??= await s.repos.chats.unitGroupChats(s.competitionId);
        questions ??= await openQuestionsByUnit(s, c, now);
        const leaders =
          step.kind === 'escalate' && o.unit
            ? await s.repos.roles.holdersOf(s.competitionId, 'unit_leader', o.unit)
            : [];
        const messages = stepMessages(c, d, o, step, now, {
          groups,
          leaders,
          questions: questions.get(o.unit),
        });
        if (!messages.length) continue; // e.g. no leader to escalate to: nothing to record
        if (
          await recordAndEnqueue(
            s,
            {
              competitionId: c.id,
              rule: d.rule,
              key: d.key,
              subject: o.subject,
              step: step.code,
              dueAt: step.at,
              status: 'sent',
            },
            messages,
            now,
          )
        )
          run.sent++;
      }
    }
  }

  // Snoozed reminders that are due: sent once (planned → sent), dropped when done or past the deadline.
  const planned = await s.repos.reminders.dueSnoozes(s.competitionId, now);
  for (const row of planned) {
    const d = deadlines.find((x) => x.rule === row.rule && x.key === row.key);
    const owing = d && now < d.dueAt ? (await owed(d)).find((x) => x.subject === row.subject) : undefined;
    // A regular reminder of the same obligation sent since the snooze was set (the deadline morning's, say) already
    // reached this person: one reminder card per obligation per slot, never two identical ones side by side.
    const superseded = owing && (await s.repos.reminders.regularReminderSince(row));
    const o = superseded ? undefined : owing;
    if (o) questions ??= await openQuestionsByUnit(s, c, now);
    const r = await s.transaction(async (tx) => {
      if (!(await tx.reminders.settleSnooze(row.id, o ? 'sent' : 'skipped', now)) || !o || !d) return false;
      const hash = row.step.split(':')[2];
      const recipients: string[] = [];
      for (const r of o.recipients) if ((await shortHash(r)) === hash) recipients.push(r);
      await tx.outbox.enqueueMessages(
        stepMessages(c, d, o, { code: row.step, kind: 'before', at: now, group: false }, now, {
          groups: new Map(),
          leaders: [],
          recipients,
          questions: questions?.get(o.unit),
        }),
        now,
      );
      return true;
    });
    if (r) run.sent++;
    else if (!o) run.dropped++;
  }
  run.sent += await chaseQuestions(s, c, paused, now);
  return run;
}

/** A question as the reminder cards show it. */
function openQuestion(
  c: Competition,
  q: { projectId: string; period: string; subject: OpenQuestion['subject']; createdAt: number },
  code: string,
  now: number,
): OpenQuestion {
  const p = periodByCode(c, q.period);
  const { answerBy } = questionChase(scheduleOf(c), q.createdAt, c.file.guidance.answerWithinWorkingDays);
  return {
    projectId: q.projectId,
    code,
    period: p ? text(p.name, p.nameEn) : text(q.period, q.period),
    subject: q.subject,
    askedOn: localDateOf(q.createdAt, c.timeZone),
    answerBy,
    overdue: localDateOf(now, c.timeZone) > answerBy,
  };
}

/** Every unit's questions awaiting its answer (on its active projects), oldest first: listed under its reminders. */
async function openQuestionsByUnit(s: BotServices, c: Competition, now: number): Promise<Map<string, OpenQuestion[]>> {
  const out = new Map<string, OpenQuestion[]>();
  const open = await s.repos.guidance.unansweredQuestions(s.competitionId);
  if (!open.length) return out;
  const projects = new Map((await s.repos.projects.allActiveProjects(s.competitionId)).map((p) => [p.id, p]));
  for (const q of open) {
    const p = projects.get(q.projectId);
    if (!p) continue;
    out.set(p.unit, [...(out.get(p.unit) ?? []), openQuestion(c, q, p.code, now)]);
  }
  return out;
}

/**
 * The chase of questions unanswered past their answer-by day (questions.ts): once per question (an occurrence of rule
 * `guidance` keyed by the comment), to the unit's contacts one-to-one, at the send time of the first working day after
 * the answer-by day (or at the first working slot after, following downtime). A unit's questions due at one tick go
 * on one card. Paused units are skipped (and chased when resumed); a unit without contacts is not recorded.
 */
async function chaseQuestions(s: BotServices, c: Competition, paused: Set<string>, now: number): Promise<number> {
  const n = c.file.guidance.answerWithinWorkingDays;
  // n working days are at least n calendar days: younger questions cannot be due.
  const open = await s.repos.guidance.unansweredQuestions(s.competitionId, now - n * 86_400_000);
  if (!open.length) return 0;
  const recorded = await s.repos.reminders.recordedKeys(
    s.competitionId,
    'guidance',
    open.map((q) => q.id),
  );
  const candidates = open.filter((q) => !recorded.has(q.id));
  if (!candidates.length) return 0;
  const projects = new Map((await s.repos.projects.allActiveProjects(s.competitionId)).map((p) => [p.id, p]));
  const due = questionsToChase(scheduleOf(c), candidates, (id) => projects.get(id)?.unit, n, now).filter(
    (x) => !paused.has(x.unit),
  );
  if (!due.length) return 0;
  const contacts = await s.repos.roles.holdersByScope(s.competitionId, 'contact');
  let sent = 0;
  for (const unit of [...new Set(due.map((x) => x.unit))].sort()) {
    const recipients = contacts.get(unit) ?? [];
    if (!recipients.length) continue;
    const mine = due.filter((x) => x.unit === unit);
    const made = await s.transaction(async (tx) => {
      const chased: typeof mine = [];
      for (const x of mine)
        if (
          await tx.reminders.recordOccurrence(
            {
              competitionId: c.id,
              rule: 'guidance',
              key: x.question.id,
              subject: unit,
              step: 'overdue',
              dueAt: x.at,
              status: 'sent',
            },
            now,
          )
        )
          chased.push(x);
      if (!chased.length) return false;
      const content = questionReminderCard({
        unitName: unitShortName(c, unit),
        withinWorkingDays: n,
        questions: chased.map((x) => openQuestion(c, x.question, projects.get(x.question.projectId)!.code, now)),
      });
      // Each question is chased once, so the first one names the message.
      await tx.outbox.enqueueMessages(
        recipients.map((to) => ({
          key: `rem:${c.id}:guidance:${chased[0]!.question.id}:${unit}:overdue:${to}`,
          purpose: 'reminder-guidance',
          op: 'send' as const,
          receiveIdType: 'open_id' as const,
          receiveId: to,
          rateKey: `user:${to}`,
          msgType: 'interactive' as const,
          content,
          competitionId: c.id,
        })),
        now,
      );
      return true;
    });
    if (made) sent++;
  }
  return sent;
}

/** Records the occurrence and enqueues its messages in one transaction, or does nothing when it was recorded before. */
async function recordAndEnqueue(
  store: Store,
  row: Parameters<typeof recordOccurrence>[1],
  messages: OutgoingMessage[],
  now: number,
): Promise<boolean> {
  return store.transaction(async (tx) => {
    if (!(await tx.reminders.recordOccurrence(row, now))) return false;
    await tx.outbox.enqueueMessages(messages, now);
    return true;
  });
}
