/**
 * `demo seed`: fills the database with a plausible state of the competition at an instant, for the playground (its
 * button) and the CLI (`npm run cli -- demo seed --at 2024-11-20`). The whole season is planned from the seed
 * (demo-plan.ts); what happened before `at` is written through the bot's own repositories, in time order, so the rows
 * are those the bot writes (audit entries included): the office binds contacts and judges in chat a few days before
 * registration, units register, withdraw, report and self-evaluate, judges score and recuse. The minute tick's jobs are
 * replayed at each of their slots before `at` (reminders before and after every deadline, the Monday digest), against
 * the database as it stood then, so that the reminders sent and the digests posted are recorded and the first tick
 * after seeding sends only what is due from `at` on, not months of stale overdue notices. Their messages are the past:
 * they are dropped from the outbox, not sent.
 *
 * Same seed and same `at`: the same rows, ids and the audit's ids aside (ids are random, src/platform/ids.ts).
 *
 * **Refusal.** The database must hold nothing of the competition that is not the demo's. It is refused (DemoRefused,
 * nothing written) when any of these names a person whose open_id does not start with `ou_demo_` or a chat whose id
 * does not start with `oc_demo_` (src/playground/cast.ts):
 * - a role grant of the competition, any role and source: its holder, and for a grant made in chat who made it;
 * - the people table (shared by every competition of the database: one real person anywhere is enough);
 * - a chat the bot knows in the competition;
 * - who registered a project, submitted a report or a self-evaluation, left a score sheet, acted on an award (nominated,
 *   confirmed, sent materials, decided), published rankings, announced awards or paused reminders;
 * - an audit entry of the competition, except the competition file's loads (`competition.load`, written by the
 *   loader: `system` at start, `cli`).
 * BOT_ADMINS are configuration, not data: they do not count.
 *
 * **Replacement.** Seeding again (at another date, with another seed) first deletes the competition's demo activity:
 * projects (withdrawn ones too), reports and self-evaluations, score sheets, awards and announced award lists,
 * published rankings, reminders sent, planned and snoozed and the pauses, the digests' slots, the outbox, the grants
 * made in chat (the file's stay: the cast's, from the playground's competition file), the audit entries of demo people,
 * and the minute tick's run slots (so that a tick at a minute already ticked before runs again). The competition's
 * definition, its chats and the people table stay. Then everyone is bound again and the season written anew.
 *
 * Who is who: the cast's personas keep their roles (the office, the two contacts, both bound now, the two judges of
 * one track, the leader); each unit gets one or two contacts (`ou_demo_contact_<unit>_<n>`) and each track three to
 * five judges (`ou_demo_judge_<track>_<n>`), every judge with a unit of their own, so that automatic recusal works.
 * Roles the file does not give are bound in chat by the cast's office (in the CLI, on a database loaded from the plain
 * competition file, the cast's own roles too); a generated judge's unit is a `judge_unit` grant made in chat, which no
 * chat command makes (roles.repository insertJudgeUnitGrant says why).
 */
import {
  datesBetween,
  isValidLocalDate,
  isWorkingDay,
  localDateTimeOf,
  parseTimeOfDay,
  weekdayOf,
  zonedInstant,
} from '../competition/calendar';
import { type Competition, stageAt, stageByCode } from '../competition/competition';
import { type Container, REPOSITORIES } from '../container';
import { periodWindows } from '../core/periods';
import type { Project } from '../core/projects.repository';
import { bindPeople, type Person } from '../features/people/people.service';
import { deadlineSteps } from '../features/reminders/schedule.rules';
import { deadlinesOf } from '../features/reminders/deadlines';
import { runReminders, scheduleOf } from '../features/reminders/reminders.service';
import { periodOverview } from '../features/reports';
import { decideSubmission } from '../features/reports/reporting.rules';
import { judgingWindow } from '../features/scoring';
import { scoringClosed } from '../features/scoring/scoring.rules';
import { runScheduledSummaries } from '../features/summaries/summaries.service';
import type { BotServices } from '../lark/handlers';
import { pruneSlots } from '../platform/run-slots.repository';
import { createStore } from '../platform/store';
import { DEMO_CHAT_ID_PREFIX, DEMO_OPEN_ID_PREFIX, castOf } from './cast';
import { planSeason, type DemoPlan, type PlannedEvent, type PlannedPerson } from './demo-plan';

export interface DemoSeedOptions {
  /** The instant the database should look like (epoch ms). */
  at: number;
  /** Another seed, another season (default 1). */
  seed?: number;
}

export interface DemoSummary {
  competitionId: string;
  at: number;
  seed: number;
  /** The stage at `at` (registration, implementation, evaluation), or null outside the stages. */
  stage: string | null;
  /** Demo people holding a role in the competition (the cast's included). */
  people: number;
  contacts: number;
  judges: number;
  /** Active projects, and the withdrawn ones beside them. */
  projects: number;
  withdrawn: number;
  /**
   * Over the periods opened by `at`, each project's first report: on time, late, missing (none, past the due day) or
   * pending (none yet, the period still open); `rows`: report rows written, revisions included.
   */
  reports: { onTime: number; late: number; missing: number; pending: number; rows: number };
  selfEvaluations: number;
  /** Sheets left by judges (a recusal is a sheet too), and the recusals among them. */
  scoreSheets: number;
  recusals: number;
  /** Reminder occurrences and digests the replayed minute ticks recorded. */
  reminders: number;
  digests: number;
}

/** What seeding needs of the running bot: its services (repositories, competition) and its database handle. */
export type DemoTarget = Pick<Container, 'services' | 'database'>;

/** The database holds something that is not the demo's: nothing was written. */
export class DemoRefused extends Error {
  constructor(readonly findings: readonly string[]) {
    const shown = findings.slice(0, 6).join('; ') + (findings.length > 6 ? `; and ${findings.length - 6} more` : '');
    super(
      `拒绝生成演示数据：数据库中有不属于演示的数据（${shown}），生成演示数据会把它们替换掉。请使用空数据库，或只供演示环境使用的数据库；未写入任何内容。\n` +
        `demo seed refused: the database holds data that is not the demo's, which seeding would replace (${shown}). Seed an empty database, or one only the playground has used; nothing was written.`,
    );
    this.name = 'DemoRefused';
  }
}

const isDemoPerson = (id: string) => id.startsWith(DEMO_OPEN_ID_PREFIX);
const isDemoChat = (id: string) => id.startsWith(DEMO_CHAT_ID_PREFIX);

/** What, in the competition's records, is not the demo's (see the refusal rule above); empty when all of it is. */
export async function nonDemoData(s: BotServices, competitionId: string): Promise<string[]> {
  const r = s.repos;
  const [grants, people, chats, projects, reports, sheets, awards, announcers, publishers, pausers, audit] =
    await Promise.all([
      r.roles.grantPeople(competitionId),
      r.people.knownOpenIds(),
      r.chats.chatIdsOf(competitionId),
      r.projects.projectAuthors(competitionId),
      r.reports.reportAuthors(competitionId),
      r.scores.sheetJudges(competitionId),
      r.awards.awardActors(competitionId),
      r.announcements.announcers(competitionId),
      r.snapshots.publishers(competitionId),
      r.reminders.pausers(competitionId),
      r.audit.auditActors(competitionId),
    ]);
  const out: string[] = [];
  for (const g of grants) {
    const what = `${g.role}${g.scope ? ` ${g.scope}` : ''}`;
    if (!isDemoPerson(g.openId)) out.push(`a ${what} role of ${g.openId}`);
    else if (g.source === 'chat' && g.grantedBy && !isDemoPerson(g.grantedBy))
      out.push(`a ${what} role granted by ${g.grantedBy}`);
  }
  const people_ = (label: string, ids: readonly string[]) => {
    for (const id of ids) if (!isDemoPerson(id)) out.push(`${label} ${id}`);
  };
  const holders = new Set(grants.map((g) => g.openId));
  people_(
    'the person',
    people.filter((id) => !holders.has(id)),
  );
  for (const id of chats) if (!isDemoChat(id)) out.push(`the chat ${id}`);
  people_('projects registered by', projects);
  people_('reports by', reports);
  people_('score sheets of', sheets);
  people_('awards handled by', awards);
  people_('award lists announced by', announcers);
  people_('rankings published by', publishers);
  people_('reminders paused by', pausers);
  const auditors = [...new Set(audit.filter((a) => a.action !== 'competition.load').map((a) => a.actor))];
  people_('audit entries by', auditors);
  return [...new Set(out)];
}

/** Deletes the competition's demo activity (see Replacement above), in one transaction. */
async function clearDemo(target: DemoTarget, competitionId: string): Promise<void> {
  const s = target.services;
  const actors = [...new Set((await s.repos.audit.auditActors(competitionId)).map((a) => a.actor))].filter(
    isDemoPerson,
  );
  await s.transaction(async (tx) => {
    await tx.scores.deleteSheetsOf(competitionId);
    await tx.guidance.deleteGuidanceOf(competitionId);
    await tx.judgeDigests.deleteJudgeDigestsOf(competitionId);
    await tx.attachments.deleteAttachmentsOf(competitionId);
    await tx.reports.deleteReportsOf(competitionId);
    await tx.awards.deleteAwardsOf(competitionId);
    await tx.announcements.deleteAnnouncementsOf(competitionId);
    await tx.snapshots.deleteSnapshotsOf(competitionId);
    await tx.projects.deleteProjectsOf(competitionId);
    await tx.reminders.deleteRemindersOf(competitionId);
    await tx.summaries.deleteDigestsOf(competitionId);
    await tx.outbox.deleteOutboxOf(competitionId);
    await tx.roles.deleteChatGrants(competitionId);
    await tx.audit.deleteAuditBy(competitionId, actors);
  });
  // Run slots are the deployment's, not the competition's; the playground's database serves the one competition.
  await pruneSlots(target.database.db, Date.UTC(9999, 0, 1));
}

/**
 * Runs `work` with the bot's services whose repositories are bound to one transaction, a nested `transaction` joining
 * it: a replayed tick (or the binding of everyone) commits once rather than once per reminder, the same rows.
 */
async function inOneTransaction<T>(target: DemoTarget, work: (s: BotServices) => Promise<T>): Promise<T> {
  return target.database.db.transaction().execute(async (trx) => {
    const repos = createStore(trx, REPOSITORIES).repos;
    // What a replayed tick sends goes into this transaction's outbox rows, and the outbox is not woken: those messages
    // went out in the past, and the rows are dropped once the season is written (they must never reach a chat).
    return work({
      ...target.services,
      repos,
      transaction: (w) => w(repos),
      enqueue: (messages) => repos.outbox.enqueueMessages(messages, target.services.clock.now()),
      wakeOutbox: () => {},
    });
  });
}

/** Binds everyone the plan names, as the office does in chat (what the file already gives stays as it is). */
async function bindEveryone(s: BotServices, c: Competition, plan: DemoPlan, now: number): Promise<void> {
  const bind = (people: PlannedPerson[], role: 'office' | 'leader' | 'contact' | 'judge', scope: string) =>
    people.length
      ? bindPeople(s, {
          competitionId: c.id,
          actor: plan.office,
          people: people.map((p): Person => ({ openId: p.openId, name: p.name })),
          admins: s.admins,
          now,
          wanted: [{ role, scope }],
        })
      : Promise.resolve([]);
  const of = (role: PlannedPerson['role'], where: (p: PlannedPerson) => boolean = () => true) =>
    plan.people.filter((p) => p.role === role && where(p));
  await bind(of('office'), 'office', '');
  await bind(of('leader'), 'leader', '');
  for (const u of c.file.units)
    await bind(
      of('contact', (p) => p.unit === u.code),
      'contact',
      u.code,
    );
  for (const t of c.file.tracks)
    await bind(
      of('judge', (p) => p.track === t.code),
      'judge',
      t.code,
    );
  const judges = of('judge');
  await s.transaction(async (tx) => {
    for (const j of judges) {
      if (!j.unit) continue;
      const made = await tx.roles.insertJudgeUnitGrant(
        { competitionId: c.id, openId: j.openId, unit: j.unit, grantedBy: plan.office },
        now,
      );
      if (!made) continue; // the competition file gave it (a cast judge in the playground)
      await tx.audit.recordAudit({
        competitionId: c.id,
        actor: plan.office,
        action: 'role.grant',
        entityType: 'role_grant',
        entityId: `${j.openId}:judge_unit:${j.unit}`,
        before: null,
        after: { openId: j.openId, role: 'judge_unit', scope: j.unit, source: 'chat', name: j.name },
        at: now,
      });
    }
  });
}

/**
 * The instants before `before` at which the minute tick had something to do: every reminder step of every deadline
 * (the reminders job decides, at each, who still owes) and every digest slot (competition file `summaries`).
 */
function tickInstants(c: Competition, before: number): Array<{ at: number; job: 'reminders' | 'summaries' }> {
  const sched = scheduleOf(c);
  const reminders = new Set<number>();
  for (const d of deadlinesOf(c))
    for (const step of deadlineSteps(sched, d.dueDate, d.dueAt))
      if (step.at >= d.from && step.at < before) reminders.add(step.at);
  const out: Array<{ at: number; job: 'reminders' | 'summaries' }> = [...reminders].map((at) => ({
    at,
    job: 'reminders',
  }));
  const digest = c.file.summaries;
  if (digest) {
    const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const from = stageByCode(c, 'registration').start;
    const until = stageByCode(c, 'evaluation').end;
    for (const date of datesBetween(from, until)) {
      if (!digest.days.includes(weekdays[weekdayOf(date)] as (typeof digest.days)[number])) continue;
      if (digest.workingDaysOnly && !isWorkingDay(date, c.calendar)) continue;
      const at = zonedInstant(date, parseTimeOfDay(digest.at), c.timeZone);
      if (at < before) out.push({ at, job: 'summaries' });
    }
  }
  return out.sort((a, b) => a.at - b.at || a.job.localeCompare(b.job));
}

/** Fills the database with the demo competition as it stands at `options.at`; see the top of this file. */
export async function seedDemo(target: DemoTarget, options: DemoSeedOptions): Promise<DemoSummary> {
  const s = target.services;
  const at = options.at;
  const seed = (options.seed ?? 1) >>> 0;
  if (!Number.isFinite(at)) throw new Error(`demo seed: --at is not an instant (${at})`);
  const c = await s.competition();
  const findings = await nonDemoData(s, c.id);
  if (findings.length) throw new DemoRefused(findings);
  await clearDemo(target, c.id);

  const plan = planSeason(c, castOf(c.file), seed);
  await inOneTransaction(target, (tx) => bindEveryone(tx, c, plan, Math.min(plan.bindAt, at - 60_000)));

  const projects = new Map<string, Project>();
  const revisions = new Map<string, number>();
  const windows = new Map(periodWindows(c).map((w) => [w.code, w]));
  const judging = judgingWindow(c);
  const implementationFrom = zonedInstant(stageByCode(c, 'implementation').start, 0, c.timeZone);
  const counts = { reportRows: 0, selfEvaluations: 0, reminders: 0, digests: 0 };
  const projectOf = (key: string) => {
    const p = projects.get(key);
    if (!p) throw new Error(`demo seed: project ${key} was not registered`);
    return p;
  };
  const nextRevision = (kind: string, key: string, period: string, when: number) => {
    const k = `${kind}|${key}|${period}`;
    const decision = decideSubmission(windows.get(period)!, revisions.get(k) ?? 0, when);
    if (decision.kind === 'refuse') throw new Error(`demo seed: ${kind} ${key} ${period} refused: ${decision.reason}`);
    if (when < implementationFrom || when >= judging.closesAt)
      throw new Error(`demo seed: ${kind} ${key} ${period} outside reporting`);
    revisions.set(k, decision.revision);
    return decision;
  };

  const apply = async (e: PlannedEvent) => {
    switch (e.kind) {
      case 'register': {
        const p = e.project;
        const outcome = await s.repos.projects.createProject({
          competitionId: c.id,
          codePrefix: c.file.codePrefix,
          unit: p.unit,
          track: p.track,
          limit: c.file.projectsPerUnitPerTrack,
          fields: p.fields,
          actor: p.registeredBy,
          now: e.at,
        });
        if (outcome.kind !== 'created' || outcome.project.code !== p.code)
          throw new Error(`demo seed: registering ${p.code} gave ${outcome.kind}`);
        projects.set(p.key, outcome.project);
        return;
      }
      case 'withdraw': {
        const p = projectOf(e.key);
        await s.repos.projects.withdrawProject({ competitionId: c.id, project: p, actor: e.actor, now: e.at });
        projects.delete(e.key);
        return;
      }
      case 'report': {
        const p = projectOf(e.key);
        const d = nextRevision('report', e.key, e.period, e.at);
        await s.repos.reports.insertReport({
          competitionId: c.id,
          projectId: p.id,
          projectCode: p.code,
          period: e.period,
          revision: d.revision,
          late: d.late,
          fields: e.fields,
          actor: e.actor,
          now: e.at,
        });
        counts.reportRows++;
        return;
      }
      case 'self-evaluation': {
        const p = projectOf(e.key);
        const d = nextRevision('self-evaluation', e.key, e.period, e.at);
        await s.repos.reports.insertSelfEvaluation({
          competitionId: c.id,
          projectId: p.id,
          projectCode: p.code,
          period: e.period,
          revision: d.revision,
          late: d.late,
          scores: e.scores,
          justification: e.justification,
          actor: e.actor,
          now: e.at,
        });
        counts.selfEvaluations++;
        return;
      }
      case 'sheet': {
        const p = projectOf(e.key);
        if (scoringClosed(judging, e.at)) throw new Error(`demo seed: sheet on ${p.code} outside the judging window`);
        const outcome = await s.repos.scores.saveSheet({
          competitionId: c.id,
          project: { id: p.id, code: p.code },
          judge: e.judge,
          change: e.change,
          now: e.at,
        });
        if (outcome.kind === 'busy') throw new Error(`demo seed: the sheet of ${e.judge} on ${p.code} stayed busy`);
        return;
      }
    }
  };

  // The season up to `at`, with the minute tick's jobs replayed at their instants in between. Between two ticks the
  // events of different unit × track pairs touch different rows (a project's events, and a pair's running numbers,
  // stay in one chain, in time order): they are written side by side, which a database committing each write to disk
  // rewards.
  const events = plan.events.filter((e) => e.at < at);
  let next = 0;
  const upTo = async (until: number) => {
    const from = next;
    while (next < events.length && events[next]!.at < until) next++;
    await applyInChains(events.slice(from, next), apply);
  };
  for (const tick of tickInstants(c, at)) {
    await upTo(tick.at);
    if (tick.job === 'reminders')
      counts.reminders += (await inOneTransaction(target, (tx) => runReminders(tx, tick.at))).sent;
    else counts.digests += await inOneTransaction(target, (tx) => runScheduledSummaries(tx, tick.at));
  }
  await upTo(Number.POSITIVE_INFINITY);
  // What the replayed ticks put in the outbox went out in the past: it is not sent now.
  await s.repos.outbox.deleteOutboxOf(c.id);

  return summarise(s, c, plan, at, seed, counts);
}

/** Chains of events (one per unit × track pair, each in time order) written at most `width` at a time. */
async function applyInChains(
  batch: readonly PlannedEvent[],
  apply: (e: PlannedEvent) => Promise<void>,
  width = 6,
): Promise<void> {
  const chains = new Map<string, PlannedEvent[]>();
  for (const e of batch) {
    const key = e.kind === 'register' ? e.project.key : e.key;
    const pair = key.split('|').slice(0, 2).join('|');
    chains.set(pair, [...(chains.get(pair) ?? []), e]);
  }
  const queue = [...chains.values()];
  const worker = async () => {
    for (let chain = queue.shift(); chain; chain = queue.shift()) for (const e of chain) await apply(e);
  };
  await Promise.all(Array.from({ length: Math.min(width, queue.length) }, worker));
}

async function summarise(
  s: BotServices,
  c: Competition,
  plan: DemoPlan,
  at: number,
  seed: number,
  counts: { reportRows: number; selfEvaluations: number; reminders: number; digests: number },
): Promise<DemoSummary> {
  const [grants, all, sheets] = await Promise.all([
    s.repos.roles.grantPeople(c.id),
    s.repos.projects.projectsForExport(c.id),
    s.repos.scores.sheetsOfCompetition(c.id),
  ]);
  const active = all.filter((p) => p.status === 'active');
  const refs = active.map((p) => ({ id: p.id, code: p.code, unit: p.unit, track: p.track, createdAt: p.createdAt }));
  const reports = { onTime: 0, late: 0, missing: 0, pending: 0, rows: counts.reportRows };
  for (const w of periodWindows(c)) {
    if (w.opensAt > at) continue;
    const first = await s.repos.reports.firstReportTimes(c.id, w.code);
    const byProject = new Map([...first].map(([k, v]) => [k.split('|')[0]!, v]));
    const o = periodOverview(w, refs, byProject, at).total;
    reports.onTime += o.onTime;
    reports.late += o.late;
    reports.missing += o.missing;
    reports.pending += o.pending;
  }
  const holders = (role: string) => new Set(grants.filter((g) => g.role === role).map((g) => g.openId)).size;
  const mine = new Set(plan.people.map((p) => p.openId));
  return {
    competitionId: c.id,
    at,
    seed,
    stage: stageAt(c, at)?.code ?? null,
    people: new Set(grants.filter((g) => mine.has(g.openId)).map((g) => g.openId)).size,
    contacts: holders('contact'),
    judges: holders('judge'),
    projects: active.length,
    withdrawn: all.length - active.length,
    reports,
    selfEvaluations: counts.selfEvaluations,
    scoreSheets: sheets.length,
    recusals: sheets.filter((x) => x.recused).length,
    reminders: counts.reminders,
    digests: counts.digests,
  };
}

/**
 * `--at` as the CLI takes it, in the competition's time zone: a date (`2024-11-20`, meaning 09:00 that day, the start
 * of the working day: the day's reminders are still to come), a local time (`2024-11-20T14:30`, seconds optional, a
 * space for the T is fine), or an ISO instant with its offset (`2024-11-20T14:30:00+08:00`, `…Z`). Undefined when it is
 * none of these.
 */
export function parseDemoAt(text: string, timeZone: string): number | undefined {
  const v = text.trim();
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(v) && /^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
  if (!m || !isValidLocalDate(m[1]!)) return undefined;
  const [hh, mm, ss] = [m[2] ?? '09', m[3] ?? '00', m[4] ?? '00'].map(Number) as [number, number, number];
  if (hh > 23 || mm > 59 || ss > 59) return undefined;
  return zonedInstant(m[1]!, hh * 60 + mm, timeZone) + ss * 1000;
}

/** The summary as the CLI prints it. */
export function describeSummary(d: DemoSummary, timeZone: string): string[] {
  const r = d.reports;
  return [
    `${d.competitionId} as of ${localDateTimeOf(d.at, timeZone)} (${timeZone}), seed ${d.seed}: ${d.stage ?? 'outside the stages'}`,
    `  people: ${d.people} demo people with a role (${d.contacts} contacts, ${d.judges} judges)`,
    `  projects: ${d.projects} registered${d.withdrawn ? `, ${d.withdrawn} withdrawn` : ''}`,
    `  reports: ${r.onTime} on time, ${r.late} late, ${r.missing} missing, ${r.pending} not yet due (${r.rows} rows with revisions)`,
    `  self-evaluations: ${d.selfEvaluations}`,
    `  score sheets: ${d.scoreSheets}${d.recusals ? ` (${d.recusals} recusals)` : ''}`,
    `  reminders sent: ${d.reminders}; digests posted: ${d.digests}`,
  ];
}
