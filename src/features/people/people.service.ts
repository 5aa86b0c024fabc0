/**
 * Binding people to roles from chat, and the overview of who holds what. Each command is one transaction: the
 * grants change and their audit records commit together, or nothing does.
 */
import type { Repositories, Store } from '../../platform/store';
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
  store: Store,
  req: Change & { wanted: readonly WantedGrant[] },
): Promise<BindOutcome[]> {
  const people = unique(req.people);
  for (const p of people) await store.repos.people.rememberPerson(p, req.now);
  return store.transaction(async (tx) => {
    await tx.people.lockPeople(people.map((p) => p.openId));
    const held = await tx.roles.storedGrants(
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
          !(await tx.roles.insertChatGrant(
            { competitionId: req.competitionId, ...grant, grantedBy: req.actor },
            req.now,
          ))
        ) {
          outcomes.push({ person, wanted, decision: { kind: 'already', source: 'chat' } });
          continue;
        }
        held.push(grant);
        await tx.audit.recordAudit({
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
export async function unbindPeople(store: Store, req: Change & { target: UnbindTarget }): Promise<UnbindOutcome[]> {
  const people = unique(req.people);
  return store.transaction(async (tx) => {
    await tx.people.lockPeople(people.map((p) => p.openId));
    const held = await tx.roles.storedGrants(
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
      leavesNoOffice(await tx.roles.officeOpenIds(req.competitionId, req.admins), removing, req.admins)
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
        if (!(await tx.roles.deleteGrant(req.competitionId, g))) continue;
        removed.push(g);
        await tx.audit.recordAudit({
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
  repos: Repositories,
  competitionId: string,
  names: ScopeNames,
  admins: readonly string[],
): Promise<MembersView> {
  const grants = await repos.roles.storedGrants(competitionId);
  // Unit leaders come only from the file and are not a chat role (grants.ts): read apart.
  const leaders = [...(await repos.roles.holdersByScope(competitionId, 'unit_leader'))].flatMap(([unit, ids]) =>
    ids.map((openId) => ({ openId, unit })),
  );
  const known = await repos.people.peopleNames([
    ...admins,
    ...grants.map((g) => g.openId),
    ...leaders.map((l) => l.openId),
  ]);
  return membersView(names, grants, admins, known, leaders);
}
