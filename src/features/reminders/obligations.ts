/**
 * Who still owes what for a deadline, read at the moment of the tick from the records' owners (projects and roles in
 * the core, reports, score sheets and awards from their features' repositories): reminders reach exactly those, and
 * stop as soon as the thing is done. Pure over what it reads; it writes nothing.
 */
import type { Repositories } from '../../platform/store';
import { sha256Hex } from '../../platform/hash';
import type { ActionValue } from '../../../cards/actions';
import type { OwedItem } from '../../../cards/reminders';
import { unitShortName, type Competition } from '../../competition/competition';
import { text } from '../../platform/i18n';
import type { Deadline } from './deadlines';
import { KIND_NAME } from '../../core/awards';
import type { Project } from '../../core/projects.repository';

export interface Obligation {
  /** The occurrence subject: a unit code, `J:<digest>` for a judge or `L:<digest>` for a leader (16 characters). */
  subject: string;
  /** The unit that owes, when a unit owes ('' for judges). */
  unit: string;
  /** How people name the subject: the unit's short name, or the judge's name. */
  label: string;
  /** Who is told directly: the unit's contacts, or the judge. */
  recipients: string[];
  /** What is missing, one each: our words, and the typed name (a project's, a nominee's) kept apart. */
  items: OwedItem[];
  /** The button that opens the right form (for reports and self-evaluations: what is still owed when pressed). */
  action?: ActionValue;
  /** The projects that owe, by id (reports and self-evaluations): what that button opens, read again at the press. */
  projects?: string[];
}

/** A person's occurrence subject: the prefix and 14 hex digits of SHA-256 of the open_id (fits the 16-character column). */
async function personSubject(prefix: 'J' | 'L', openId: string): Promise<string> {
  return `${prefix}:${(await sha256Hex(openId)).slice(0, 14)}`;
}

/**
 * What every deadline of one tick reads alike (the contacts, the active projects in code order), read once per tick:
 * a tick with a dozen deadlines due (each past one keeps its overdue steps) would otherwise read 40,000 projects a
 * dozen times a minute in a province-size competition (bench/scale.ts).
 */
export interface TickReads {
  contacts(): Promise<Map<string, string[]>>;
  active(): Promise<Project[]>;
}

export function tickReads(repos: Repositories, competitionId: string): TickReads {
  let contacts: Promise<Map<string, string[]>> | undefined;
  let active: Promise<Project[]> | undefined;
  return {
    contacts: () => (contacts ??= repos.roles.holdersByScope(competitionId, 'contact')),
    active: () =>
      (active ??= repos.projects
        .allActiveProjects(competitionId)
        .then((all) => all.sort((a, b) => a.code.localeCompare(b.code)))),
  };
}

export async function obligationsFor(
  repos: Repositories,
  c: Competition,
  deadline: Deadline,
  reads: TickReads = tickReads(repos, c.id),
): Promise<Obligation[]> {
  const competitionId = c.id;
  const contacts = await reads.contacts();
  // Shared by the tick's deadlines: filtered below, never changed.
  const active = await reads.active();
  const byUnit = (
    projects: typeof active,
    item: (p: (typeof active)[number]) => OwedItem,
    action: (unit: string) => ActionValue,
  ): Obligation[] => {
    // One pass, each unit's projects in the order given (a filter per unit was units × projects: 80 million steps for
    // 2,000 units of 20 projects each).
    const ofUnit = new Map<string, typeof projects>();
    for (const p of projects) {
      const mine = ofUnit.get(p.unit);
      if (mine) mine.push(p);
      else ofUnit.set(p.unit, [p]);
    }
    return [...ofUnit.keys()].sort().map((unit) => {
      const mine = ofUnit.get(unit)!;
      return {
        subject: unit,
        unit,
        label: unitShortName(c, unit),
        recipients: contacts.get(unit) ?? [],
        items: mine.map(item),
        action: action(unit),
        projects: mine.map((p) => p.id),
      };
    });
  };

  switch (deadline.rule) {
    case 'registration': {
      const registered = new Set(active.map((p) => p.unit));
      return c.file.units
        .filter((u) => !registered.has(u.code))
        .map((u) => ({
          subject: u.code,
          unit: u.code,
          label: u.shortName,
          recipients: contacts.get(u.code) ?? [],
          items: [{ what: text('还没有报名任何项目', 'no project registered yet') }],
          action: { a: 'reg.open', u: u.code } as ActionValue,
        }));
    }
    case 'report':
    case 'self-evaluation': {
      const doneIds = await repos.reports.projectsThatReported(
        competitionId,
        deadline.key,
        deadline.rule === 'report' ? 'report' : 'selfEvaluation',
      );
      // A project registered after the due date does not owe the period.
      const owing = active.filter((p) => !doneIds.has(p.id) && p.createdAt < deadline.dueAt);
      // The button names the unit and the deadline, not a project: a reminder card stays in the chat for days, and
      // when pressed it opens what is owed then (reminders.handlers.ts openOwedAction), not what was owed when sent.
      const rule = deadline.rule;
      return byUnit(
        owing,
        (p) => ({ what: text(p.code, p.code), name: p.name }),
        (unit) => ({ a: 'rem.open', r: rule, k: deadline.key, u: unit }),
      );
    }
    case 'judging': {
      const grants = await repos.roles.judgingGrants(competitionId);
      const judges = grants.filter((g) => g.role === 'judge');
      // Projects of a judge's own unit (judge_unit from the file, or a unit they are a contact of) are recused
      // automatically and never get a sheet: they are not owed (src/features/scoring/scoring.rules.ts).
      const own = new Set(grants.filter((g) => g.role !== 'judge').map((g) => `${g.openId}|${g.scope}`));
      const done = await repos.scores.sheetKeys(competitionId);
      const names = await repos.people.peopleNames(judges.map((j) => j.openId));
      const out: Obligation[] = [];
      for (const openId of [...new Set(judges.map((j) => j.openId))].sort()) {
        const tracks = new Set(judges.filter((j) => j.openId === openId).map((j) => j.scope));
        const missing = active.filter(
          (p) => tracks.has(p.track) && !done.has(`${openId}|${p.id}`) && !own.has(`${openId}|${p.unit}`),
        );
        if (missing.length)
          out.push({
            subject: await personSubject('J', openId),
            unit: '',
            label: names.get(openId) ?? openId,
            recipients: [openId],
            items: [
              {
                what: text(
                  `还有 ${missing.length} 个项目未评分（或未回避）`,
                  `${missing.length} projects not scored (or recused) yet`,
                ),
              },
            ],
            action: { a: 'judge.list', t: '*', o: 0 },
          });
      }
      return out;
    }
    case 'materials': {
      const awards = (await repos.awards.listAwards(competitionId, { statuses: ['allocated'] })).sort((a, b) =>
        a.unit.localeCompare(b.unit),
      );
      const units = [...new Set(awards.map((a) => a.unit))];
      return units.map((unit) => ({
        subject: unit,
        unit,
        label: unitShortName(c, unit),
        recipients: contacts.get(unit) ?? [],
        items: awards.filter((a) => a.unit === unit).map((a) => ({ what: KIND_NAME[a.kind], name: a.nominee })),
        action: { a: 'award.list' } as const,
      }));
    }
    case 'approval': {
      // The leadership decides together: each leader is reminded of what still awaits a decision, once anyone decides
      // it, it is no longer owed.
      const n = (await repos.awards.listAwards(competitionId, { statuses: ['materials_submitted'] })).length;
      if (!n) return [];
      const ids = [...new Set([...(await repos.roles.holdersByScope(competitionId, 'leader')).values()].flat())].sort();
      const names = await repos.people.peopleNames(ids);
      const out: Obligation[] = [];
      for (const openId of ids) {
        out.push({
          subject: await personSubject('L', openId),
          unit: '',
          label: names.get(openId) ?? openId,
          recipients: [openId],
          items: [{ what: text(`还有 ${n} 个表彰待审定`, `${n} awards await a decision`) }],
          action: { a: 'award.list' },
        });
      }
      return out;
    }
  }
}
