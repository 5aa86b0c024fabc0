/**
 * Who still owes what for a deadline, read from the database at the moment of the tick: reminders reach exactly
 * those, and stop as soon as the thing is done.
 */
import type { Bound, Repository } from '../../platform/store';
import { sha256Hex } from '../../platform/hash';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { ActionValue } from '../../../cards/actions';
import type { OwedItem } from '../../../cards/reminders';
import { unitShortName, type Competition } from '../../competition/competition';
import { text } from '../../platform/i18n';
import { fromDbInstant } from '../../platform/instant';
import { peopleNames } from '../../core/people.repository';
import type { Deadline } from './deadlines';
import { KIND_NAME, type AwardKind } from '../../core/awards';

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
  /** The button that opens the right form. */
  action?: ActionValue;
}

async function contactsByUnit(db: Kysely<Database>, competitionId: string): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('role_grants')
    .select(['open_id', 'scope'])
    .where('competition_id', '=', competitionId)
    .where('role', '=', 'contact')
    .orderBy('open_id')
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.scope, [...(out.get(r.scope) ?? []), r.open_id]);
  return out;
}

/** A person's occurrence subject: the prefix and 14 hex digits of SHA-256 of the open_id (fits the 16-character column). */
async function personSubject(prefix: 'J' | 'L', openId: string): Promise<string> {
  return `${prefix}:${(await sha256Hex(openId)).slice(0, 14)}`;
}

export async function obligationsFor(db: Kysely<Database>, c: Competition, deadline: Deadline): Promise<Obligation[]> {
  const competitionId = c.id;
  const contacts = await contactsByUnit(db, competitionId);
  const active = await db
    .selectFrom('projects')
    .select(['id', 'code', 'name', 'unit_code', 'track_code', 'created_at'])
    .where('competition_id', '=', competitionId)
    .where('status', '=', 'active')
    .orderBy('code')
    .execute();
  const byUnit = (
    projects: typeof active,
    item: (p: (typeof active)[number]) => OwedItem,
    action: (p: (typeof active)[number]) => ActionValue,
  ): Obligation[] => {
    const units = [...new Set(projects.map((p) => p.unit_code))].sort();
    return units.map((unit) => {
      const mine = projects.filter((p) => p.unit_code === unit);
      return {
        subject: unit,
        unit,
        label: unitShortName(c, unit),
        recipients: contacts.get(unit) ?? [],
        items: mine.map(item),
        action: action(mine[0]!),
      };
    });
  };

  switch (deadline.rule) {
    case 'registration': {
      const registered = new Set(active.map((p) => p.unit_code));
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
      const table = deadline.rule === 'report' ? 'reports' : 'self_evaluations';
      const done = await db
        .selectFrom(table)
        .select('project_id')
        .distinct()
        .where('competition_id', '=', competitionId)
        .where('period_code', '=', deadline.key)
        .execute();
      const doneIds = new Set(done.map((r) => r.project_id));
      // A project registered after the due date does not owe the period.
      const owing = active.filter((p) => !doneIds.has(p.id) && fromDbInstant(p.created_at) < deadline.dueAt);
      return byUnit(
        owing,
        (p) => ({ what: text(p.code, p.code), name: p.name }),
        (p) =>
          deadline.rule === 'report' ? { a: 'rpt.open', p: p.id } : { a: 'sev.open', p: p.id, period: deadline.key },
      );
    }
    case 'judging': {
      const judges = await db
        .selectFrom('role_grants')
        .select(['open_id', 'scope'])
        .where('competition_id', '=', competitionId)
        .where('role', '=', 'judge')
        .execute();
      // Projects of a judge's own unit (judge_unit from the file, or a unit they are a contact of) are recused
      // automatically and never get a sheet: they are not owed (src/features/scoring/scoring.rules.ts).
      const ownUnits = await db
        .selectFrom('role_grants')
        .select(['open_id', 'scope'])
        .where('competition_id', '=', competitionId)
        .where('role', 'in', ['judge_unit', 'contact'])
        .execute();
      const own = new Set(ownUnits.map((g) => `${g.open_id}|${g.scope}`));
      const scored = await db
        .selectFrom('scores')
        .select(['project_id', 'judge_open_id'])
        .where('competition_id', '=', competitionId)
        .execute();
      const done = new Set(scored.map((s) => `${s.judge_open_id}|${s.project_id}`));
      const names = await peopleNames(
        db,
        judges.map((j) => j.open_id),
      );
      const out: Obligation[] = [];
      for (const openId of [...new Set(judges.map((j) => j.open_id))].sort()) {
        const tracks = new Set(judges.filter((j) => j.open_id === openId).map((j) => j.scope));
        const missing = active.filter(
          (p) => tracks.has(p.track_code) && !done.has(`${openId}|${p.id}`) && !own.has(`${openId}|${p.unit_code}`),
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
      const awards = await db
        .selectFrom('awards')
        .select(['unit_code', 'nominee_name', 'kind'])
        .where('competition_id', '=', competitionId)
        .where('status', '=', 'allocated')
        .orderBy('unit_code')
        .execute();
      const units = [...new Set(awards.map((a) => a.unit_code))];
      return units.map((unit) => ({
        subject: unit,
        unit,
        label: unitShortName(c, unit),
        recipients: contacts.get(unit) ?? [],
        items: awards
          .filter((a) => a.unit_code === unit)
          .map((a) => ({ what: KIND_NAME[a.kind as AwardKind], name: a.nominee_name })),
        action: { a: 'award.list' } as const,
      }));
    }
    case 'approval': {
      // The leadership decides together: each leader is reminded of what still awaits a decision, once anyone decides
      // it, it is no longer owed.
      const pending = await db
        .selectFrom('awards')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('competition_id', '=', competitionId)
        .where('status', '=', 'materials_submitted')
        .executeTakeFirstOrThrow();
      const n = Number(pending.n);
      if (!n) return [];
      const leaders = await db
        .selectFrom('role_grants')
        .select('open_id')
        .where('competition_id', '=', competitionId)
        .where('role', '=', 'leader')
        .orderBy('open_id')
        .execute();
      const ids = [...new Set(leaders.map((l) => l.open_id))];
      const names = await peopleNames(db, ids);
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

/** This repository for handlers and services, bound to the database (src/platform/store.ts). */
export const obligationsRepository = { obligationsFor } satisfies Repository;

declare module '../../platform/store' {
  interface Repositories {
    obligations: Bound<typeof obligationsRepository>;
  }
}
