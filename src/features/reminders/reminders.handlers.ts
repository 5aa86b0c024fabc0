/**
 * People in control of reminders: a contact opens what is still owed (去填写) or snoozes one (稍后提醒, two hours,
 * never past the deadline); the office pauses and resumes reminders for a unit or for everyone, and sees the plan
 * and what was sent (提醒计划).
 */
import { obligationsFor } from './obligations';
import { unitByCode } from '../../competition/competition';
import { remindersPlanCard, type PlanRow } from '../../../cards/reminders';
import { localDateOf } from '../../competition/calendar';
import type { CardActionSpec, CommandContext, CommandSpec } from '../../lark/handlers';
import { matchUnit } from '../../core/scope-matcher';
import { refuse, UserError } from '../../platform/errors';
import { text } from '../../platform/i18n';
import type { Competition } from '../../competition/competition';
import { deadlinesOf } from './deadlines';
import { scheduleOf, shortHash } from './reminders.service';
import { deadlineSteps, snoozeUntil } from './schedule.rules';
import { matchProblem, unitChoice } from '../../core/names';
import { owedFormCard } from '../reports';

const SNOOZE_HOURS = 2;
const MAX_SNOOZES = 5;

const hhmm = (c: Competition, ms: number) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: c.timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(
    ms,
  );
const localTime = (c: Competition, ms: number) => `${localDateOf(ms, c.timeZone)} ${hhmm(c, ms)}`;

export const snoozeAction: CardActionSpec<'rem.snooze'> = {
  action: 'rem.snooze',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    const now = s.clock.now();
    if (!ctx.roles.contactOf.includes(v.u))
      refuse('reminders.not_yours', '这条提醒不是发给你的单位的。', 'This reminder is not for your unit.');
    const d = deadlinesOf(c).find((x) => x.rule === v.r && x.key === v.k);
    if (!d || now >= d.dueAt)
      refuse(
        'reminders.past',
        '已经截止，不能再推迟提醒。',
        'The deadline has passed; the reminder cannot be postponed.',
      );
    const owing = (await obligationsFor(s.repos, c, d!)).some((o) => o.subject === v.u);
    if (!owing)
      return { toast: { type: 'success', text: text('已经完成了，不会再提醒。', 'Already done: no more reminders.') } };
    const until = snoozeUntil(scheduleOf(c), now, SNOOZE_HOURS, d!.dueAt);
    if (until === undefined)
      refuse(
        'reminders.too_late',
        `离截止不到 ${SNOOZE_HOURS} 个工作小时，请现在处理。`,
        `Less than ${SNOOZE_HOURS} working hours are left before the deadline; please do it now.`,
      );
    const mine = await shortHash(ctx.action.operatorOpenId);
    const existing = await s.repos.reminders.snoozesOf(s.competitionId, d!.rule, d!.key, v.u);
    const minePlanned = existing.filter((e) => e.step.endsWith(`:${mine}`));
    if (minePlanned.some((e) => e.status === 'planned'))
      return { toast: { type: 'info', text: text('已经设置过稍后提醒了。', 'A later reminder is already set.') } };
    if (minePlanned.length >= MAX_SNOOZES)
      refuse(
        'reminders.snoozed_enough',
        `已推迟 ${MAX_SNOOZES} 次，请尽快处理。`,
        `Postponed ${MAX_SNOOZES} times already; please do it soon.`,
      );
    await s.repos.reminders.recordOccurrence(
      {
        competitionId: s.competitionId,
        rule: d!.rule,
        key: d!.key,
        subject: v.u,
        step: `snooze:${minePlanned.length + 1}:${mine}`,
        dueAt: until!,
        status: 'planned',
      },
      now,
    );
    return {
      toast: {
        type: 'success',
        text: text(
          `好的，${localTime(c, until!)} 再提醒你。`,
          `OK, I will remind you again at ${localTime(c, until!)}.`,
        ),
      },
    };
  },
};

/**
 * A report or self-evaluation reminder's 去填写: what the unit owes for that deadline is read again when it is pressed
 * (a reminder stays in the chat for days, and the contact may have reported some projects since): the form of the one
 * project still owing, a picker of those still owing, or a toast when nothing is owed any more. The form comes as a
 * new message in reply to the reminder, which stays as it was: a reminder with several projects is a to-do list the
 * contact comes back to after each form (the form, and then its receipt, replace only themselves), and the quote ties
 * the form to it.
 */
export const openOwedAction: CardActionSpec<'rem.open'> = {
  action: 'rem.open',
  audience: 'contact',
  async run(ctx, v) {
    const s = ctx.services;
    const c = await s.competition();
    if (!ctx.roles.contactOf.includes(v.u))
      refuse('reminders.not_yours', '这条提醒不是发给你的单位的。', 'This reminder is not for your unit.');
    const d = deadlinesOf(c).find((x) => x.rule === v.r && x.key === v.k);
    if (!d) refuse('reminders.unknown', '这条提醒对应的期次已不存在。', "This reminder's period no longer exists.");
    const owed = (await obligationsFor(s.repos, c, d!)).find((o) => o.subject === v.u);
    if (!owed?.projects?.length)
      return {
        toast: {
          type: 'success',
          text: text(
            `「${d!.name.zh}」已全部提交，没有要填的了。`,
            `${d!.name.en}: everything is in, nothing is owed any more.`,
          ),
        },
      };
    const { card, purpose, projects } = await owedFormCard(s, ctx.roles, v.r, owed.projects, v.k);
    const a = ctx.action;
    await s.enqueue([
      {
        // One message per press (a callback delivered twice is the same press). A reminder with this button is sent
        // one-to-one: the reply counts against the person's limit, with the reminders the tick sends them.
        key: `rem-open:${a.eventId}`,
        purpose,
        ...(a.messageId
          ? { op: 'reply' as const, receiveIdType: 'message_id' as const, receiveId: a.messageId }
          : { op: 'send' as const, receiveIdType: 'open_id' as const, receiveId: a.operatorOpenId }),
        rateKey: `user:${a.operatorOpenId}`,
        msgType: 'interactive',
        content: card,
        competitionId: c.id,
      },
    ]);
    const only = projects.length === 1 ? projects[0]!.code : undefined;
    return {
      toast: {
        type: 'info',
        text: only
          ? text(`${only} 的表单已发在下方。`, `The form for ${only} is below.`)
          : text(
              `还有 ${projects.length} 个项目未完成，请在下方选择。`,
              `${projects.length} projects still owe it: choose one below.`,
            ),
      },
    };
  },
};

/** A unit named by code, full name, short name or alias (the same matching as binding); '' for none given. */
function unitArg(c: Competition, words: string[]): string {
  const wanted = words.join(' ').trim();
  if (!wanted) return '';
  const m = matchUnit(c.file.units, wanted);
  if (m.kind === 'one') return m.item.code;
  const names = { units: c.file.units, tracks: c.file.tracks };
  throw new UserError('reminders.unknown_unit', matchProblem(m, text('单位', 'unit'), unitChoice(names), c.file.units));
}

/** Pauses (or resumes) reminders for a unit or everyone; the change and its audit record commit together. */
async function setPause(ctx: CommandContext, paused: boolean): Promise<{ c: Competition; unit: string; who: string }> {
  const s = ctx.services;
  const c = await s.competition();
  const unit = unitArg(c, ctx.command.args);
  const now = s.clock.now();
  const actor = ctx.event.senderOpenId;
  await s.transaction(async (tx) => {
    const changed = await tx.reminders.setPaused({ competitionId: s.competitionId, unit, actor, paused }, now);
    if (changed) {
      await tx.audit.recordAudit({
        competitionId: s.competitionId,
        actor,
        action: paused ? 'reminders.pause' : 'reminders.resume',
        entityType: 'reminders',
        entityId: unit || '*',
        before: { paused: !paused },
        after: { paused },
        at: now,
      });
    }
  });
  return { c, unit, who: unit ? unitByCode(c, unit)!.shortName : '' };
}

export const pauseCommand: CommandSpec = {
  name: 'pause-reminders',
  words: ['暂停提醒', 'pause reminders', 'pause'],
  summary: text('暂停某个单位（或全部）的提醒', 'Pause reminders for a unit (or for everyone)'),
  usage: text('暂停提醒 [单位]', 'pause reminders [unit]'),
  audience: 'office',
  async run(ctx) {
    const { unit, who } = await setPause(ctx, true);
    await ctx.reply(
      unit
        ? text(
            `已暂停${who}的提醒。发送「恢复提醒 ${who}」恢复。`,
            `Reminders for ${who} are paused. Send "resume reminders ${who}" to resume.`,
          )
        : text(
            '已暂停全部提醒。发送「恢复提醒」恢复。',
            'All reminders are paused. Send "resume reminders" to resume.',
          ),
      'reminders-pause',
    );
  },
};

export const resumeCommand: CommandSpec = {
  name: 'resume-reminders',
  words: ['恢复提醒', 'resume reminders', 'resume'],
  summary: text('恢复某个单位（或全部）的提醒', 'Resume reminders for a unit (or for everyone)'),
  usage: text('恢复提醒 [单位]', 'resume reminders [unit]'),
  audience: 'office',
  async run(ctx) {
    const { unit, who } = await setPause(ctx, false);
    await ctx.reply(
      unit
        ? text(`已恢复${who}的提醒。`, `Reminders for ${who} resumed.`)
        : text('已恢复全部提醒（单独暂停的单位仍暂停）。', 'Reminders resumed (units paused one by one stay paused).'),
      'reminders-resume',
    );
  },
};

export const planCommand: CommandSpec = {
  name: 'reminders',
  words: ['提醒计划', 'reminders'],
  summary: text('接下来要发的提醒和最近发过的提醒', 'Reminders coming up and reminders sent'),
  audience: 'office',
  async run(ctx) {
    const s = ctx.services;
    const c = await s.competition();
    if (c.file.archived)
      return ctx.reply(
        text(
          `「${c.file.name}」已归档：不再发送提醒、汇总或评审动态。`,
          `"${c.file.nameEn}" is archived: it sends no more reminders, digests or daily cards.`,
        ),
        'reminders',
      );
    const now = s.clock.now();
    const horizon = now + 14 * 86_400_000;
    const sched = scheduleOf(c);
    // Units with a leader (from the file): escalations reach only these.
    const leaders = await s.repos.roles.holdersByScope(s.competitionId, 'unit_leader');
    const upcoming: PlanRow[] = [];
    for (const d of deadlinesOf(c)) {
      const steps = deadlineSteps(sched, d.dueDate, d.dueAt).filter(
        (st) => st.at > now && st.at <= horizon && st.at >= d.from && st.kind !== 'digest',
      );
      if (!steps.length) continue;
      const obligations = await obligationsFor(s.repos, c, d);
      const owing = obligations.length;
      // An escalation goes to the unit's leaders: say how many owing units have none (it would reach nobody).
      const unreachable = steps.some((st) => st.kind === 'escalate')
        ? obligations.filter((o) => o.unit && !leaders.has(o.unit)).length
        : 0;
      for (const st of steps)
        upcoming.push({
          deadlineName: d.name,
          dueDate: d.dueDate,
          step: st.code,
          at: localTime(c, st.at),
          owing,
          ...(st.kind === 'escalate' ? { unreachable } : {}),
        });
    }
    upcoming.sort((a, b) => a.at.localeCompare(b.at));
    const rows = await s.repos.reminders.sentSince(s.competitionId, now - 14 * 86_400_000);
    const groups = new Map<string, { rule: string; key: string; step: string; count: number; last: number }>();
    for (const r of rows) {
      const step = r.step.startsWith('snooze') ? 'snooze' : r.step;
      // Question chases are keyed per comment: they are shown together, as one line.
      const key = r.rule === 'guidance' ? '' : r.key;
      const k = `${r.rule}|${key}|${step}`;
      const g = groups.get(k) ?? { rule: r.rule, key, step, count: 0, last: 0 };
      g.count++;
      g.last = Math.max(g.last, r.at);
      groups.set(k, g);
    }
    const deadlines = deadlinesOf(c);
    const sent = [...groups.values()]
      .sort((a, b) => b.last - a.last)
      .slice(0, 20)
      .map((g) => ({
        deadlineName:
          g.rule === 'guidance'
            ? text('指导意见待回复', 'guidance awaiting an answer')
            : (deadlines.find((d) => d.rule === g.rule && d.key === g.key)?.name ?? text(g.key, g.key)),
        step: g.step,
        count: g.count,
        last: localTime(c, g.last),
      }));
    const paused = await s.repos.reminders.pausedUnits(s.competitionId);
    await ctx.reply(
      remindersPlanCard({
        upcoming: upcoming.slice(0, 25),
        sent,
        allPaused: paused.has(''),
        paused: [...paused].filter(Boolean).map((u) => unitByCode(c, u)?.shortName ?? u),
      }),
      'reminders-plan',
    );
  },
};

export const REMINDER_COMMANDS = [planCommand, pauseCommand, resumeCommand] as const;
export const REMINDER_ACTIONS = [snoozeAction, openOwedAction] as const;
