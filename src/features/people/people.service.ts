/**
 * Binding people to roles from chat, and the overview of who holds what. Each command is one transaction: the
 * grants change and their audit records commit together, or nothing does.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { recordAudit } from '../../core/audit.repository';
import { UserError } from '../../platform/errors';
import { text } from '../../platform/i18n';
import {
  decideGrant,
  leavesNoOffice,
  membersView,
  planUnbind,
  type GrantDecision,
  type UnbindTarget,
  type WantedGrant,
} from './grants';
import { lockPeople, peopleNames, rememberPerson } from '../../core/people.repository';
import { deleteGrant, insertChatGrant, officeOpenIds, storedGrants, unitLeaders } from '../../core/roles.repository';
import type { Grant } from '../../core/roles';
import type { ScopeNames } from '../../core/names';
import type { MembersView } from '../../../cards/members';

export interface Person {
  openId: string;
  /** As the mention showed it; the open_id when Lark gave no name. */
  name: string;
}

interface Change {
  competitionId: string;
  /** Who sent the command. */
  actor: string;
  people: readonly Person[];
  admins: readonly string[];
  now: number;
}

export interface BindOutcome {
  person: Person;
  wanted: WantedGrant;
  decision: Exclude<GrantDecision, { kind: 'grant' }> | { kind: 'granted' };
}

const grantKey = (g: Pick<Grant, 'openId' | 'role' | 'scope'>) => `${g.openId}:${g.role}:${g.scope}`;

const unique = (people: readonly Person[]) => [...new Map(people.map((p) => [p.openId, p])).values()];

/** Grants every wanted role to every person, except what they already hold or may not hold; says which was which. */
export async function bindPeople(
  db: Kysely<Database>,
  req: Change & { wanted: readonly WantedGrant[] },
): Promise<BindOutcome[]> {
  const people = unique(req.people);
  for (const p of people) await rememberPerson(db, p, req.now);
  return db.transaction().execute(async (trx) => {
    await lockPeople(
      trx,
      people.map((p) => p.openId),
    );
    const held = await storedGrants(
      trx,
      req.competitionId,
      people.map((p) => p.openId),
    );
    const outcomes: BindOutcome[] = [];
    for (const person of people) {
      for (const wanted of req.wanted) {
        const decision = decideGrant(
          held.filter((g) => g.openId === person.openId),
          wanted,
          req.admins.includes(person.openId),
        );
        if (decision.kind !== 'grant') {
          outcomes.push({ person, wanted, decision });
          continue;
        }
        const grant: Grant = { openId: person.openId, role: wanted.role, scope: wanted.scope, source: 'chat' };
        if (
          !(await insertChatGrant(trx, { competitionId: req.competitionId, ...grant, grantedBy: req.actor }, req.now))
        ) {
          outcomes.push({ person, wanted, decision: { kind: 'already', source: 'chat' } });
          continue;
        }
        held.push(grant);
        await recordAudit(trx, {
          competitionId: req.competitionId,
          actor: req.actor,
          action: 'role.grant',
          entityType: 'role_grant',
          entityId: grantKey(grant),
          before: null,
          after: { ...grant, name: person.name },
          at: req.now,
        });
        outcomes.push({ person, wanted, decision: { kind: 'granted' } });
      }
    }
    return outcomes;
  });
}

export interface UnbindOutcome {
  person: Person;
  removed: Grant[];
  keptFromFile: Grant[];
  envOfficeKept: boolean;
}

/** Removes the named grants (or every chat grant) of each person; refuses to leave the competition without an office. */
export async function unbindPeople(
  db: Kysely<Database>,
  req: Change & { target: UnbindTarget },
): Promise<UnbindOutcome[]> {
  const people = unique(req.people);
  return db.transaction().execute(async (trx) => {
    await lockPeople(
      trx,
      people.map((p) => p.openId),
    );
    const held = await storedGrants(
      trx,
      req.competitionId,
      people.map((p) => p.openId),
    );
    const plans = people.map((person) => ({
      person,
      ...planUnbind(
        held.filter((g) => g.openId === person.openId),
        req.target,
        req.admins.includes(person.openId),
      ),
    }));
    const removing = plans.flatMap((p) => p.remove);
    // Without BOT_ADMINS, the office granted in chat is the only way in: the last of them cannot be removed.
    if (
      removing.some((g) => g.role === 'office') &&
      leavesNoOffice(await officeOpenIds(trx, req.competitionId, req.admins), removing, req.admins)
    ) {
      throw new UserError(
        'role.last_office',
        text(
          '不能解除：这样竞赛办就没有管理员了。请先用「管理员 @某人」指定另一位管理员。',
          'Not removed: the competition office would have no one left. First make someone else an admin with "admin @someone".',
        ),
      );
    }
    const outcomes: UnbindOutcome[] = [];
    for (const plan of plans) {
      const removed: Grant[] = [];
      for (const g of plan.remove) {
        if (!(await deleteGrant(trx, req.competitionId, g))) continue;
        removed.push(g);
        await recordAudit(trx, {
          competitionId: req.competitionId,
          actor: req.actor,
          action: 'role.revoke',
          entityType: 'role_grant',
          entityId: grantKey(g),
          before: { ...g, name: plan.person.name },
          // A grant from the file comes back with the file's next load (at the next start, or `competition load`).
          after:
            g.source === 'file' ? { note: 'granted by the competition file: its next load grants it again' } : null,
          at: req.now,
        });
      }
      outcomes.push({
        person: plan.person,
        removed,
        keptFromFile: plan.keptFromFile,
        envOfficeKept: plan.envOfficeKept,
      });
    }
    return outcomes;
  });
}

/** Who holds which role in the competition, per unit and per track. */
export async function members(
  db: Kysely<Database>,
  competitionId: string,
  names: ScopeNames,
  admins: readonly string[],
): Promise<MembersView> {
  const grants = await storedGrants(db, competitionId);
  // Unit leaders come only from the file and are not a chat role (grants.ts): read apart.
  const leaders = await unitLeaders(db, competitionId);
  const known = await peopleNames(db, [...admins, ...grants.map((g) => g.openId), ...leaders.map((l) => l.openId)]);
  return membersView(names, grants, admins, known, leaders);
}
