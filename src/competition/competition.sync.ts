/**
 * What loading a competition file would change, as a pure diff between the rows the file describes and the rows
 * the database holds. Keyed by codes, so loading the same file twice plans nothing.
 */
import type { Competition } from './competition';
import { intervalInstants } from './calendar';
import { toDbInstant } from '../platform/instant';

export type Row = Record<string, string | number | null>;

export interface Change {
  readonly entity: 'competition' | 'stage' | 'track' | 'unit' | 'person' | 'role' | 'chat';
  readonly key: string;
  readonly op: 'add' | 'update' | 'remove';
  /** For updates: the fields that differ. */
  readonly fields?: readonly string[];
  readonly row?: Row;
}

export interface DesiredState {
  competition: Row;
  stages: Row[];
  tracks: Row[];
  units: Row[];
  people: Row[];
  /** Grants the file gives: open_id, role, scope. */
  grants: Row[];
  chats: Row[];
  /** People the file names only by e-mail or mobile: bound once resolved through the contact API. */
  unresolved: string[];
}

export interface CurrentState {
  competition: Row | undefined;
  stages: Row[];
  tracks: Row[];
  units: Row[];
  people: Row[];
  /** Every grant of the competition, with its source. */
  grants: Row[];
  chats: Row[];
  /** Projects (any status) per unit code and per track code: those cannot be removed. */
  projectsByUnit: ReadonlyMap<string, number>;
  projectsByTrack: ReadonlyMap<string, number>;
}

export interface LoadPlan {
  readonly competitionId: string;
  readonly changes: readonly Change[];
  /** Changes that cannot be made; when any, nothing is applied. */
  readonly refusals: readonly string[];
  readonly unresolved: readonly string[];
}

/** What the contact API is asked: the e-mails and mobiles of the people the file names without an open_id. */
export interface Lookup {
  emails: string[];
  mobiles: string[];
}

/** One answer of the contact API (batch_get_id): no openId when the directory has nobody by that e-mail or mobile. */
export interface DirectoryAnswer {
  email?: string;
  mobile?: string;
  openId?: string;
}

export type UnresolvedReason = 'not-found' | 'not-asked';

export interface Resolution {
  /** E-mail (lower case) or mobile → open_id. */
  openIds: ReadonlyMap<string, string>;
  resolved: Array<{ who: string; openId: string; via: 'contact-api' | 'stored' }>;
  unresolved: Array<{ who: string; reason: UnresolvedReason }>;
}

const emailKey = (email: string) => email.trim().toLowerCase();

/** The key a person named only by e-mail or mobile is looked up by (the e-mail when both are given). */
function lookupKey(p: { openId?: string; email?: string; mobile?: string }): string | undefined {
  if (p.openId) return undefined;
  return p.email ? emailKey(p.email) : p.mobile;
}

export function lookupsNeeded(people: Competition['file']['people']): Lookup {
  const emails = new Set<string>();
  const mobiles = new Set<string>();
  for (const p of people) {
    if (p.openId) continue;
    if (p.email) emails.add(emailKey(p.email));
    else if (p.mobile) mobiles.add(p.mobile);
  }
  return { emails: [...emails], mobiles: [...mobiles] };
}

/**
 * Who the people named by e-mail or mobile are: the contact API's answers first; for those it was not asked about
 * (Lark not configured, or the call failed) the open_id an earlier load stored with the same e-mail or mobile. That
 * fallback keeps a load without Lark (a CLI run elsewhere, an outage at start) from dropping the roles these
 * people were given before; a clear "not found" from the directory does drop them (the person left).
 */
export function resolvePeople(
  needed: Lookup,
  answers: readonly DirectoryAnswer[] | undefined,
  stored: readonly Row[],
): Resolution {
  const answered = new Map<string, string | undefined>();
  for (const a of answers ?? []) {
    if (a.email !== undefined) answered.set(emailKey(a.email), a.openId || undefined);
    else if (a.mobile !== undefined) answered.set(a.mobile, a.openId || undefined);
  }
  const remembered = new Map<string, string>();
  for (const p of stored) {
    if (typeof p.email === 'string' && p.email) remembered.set(emailKey(p.email), String(p.open_id));
    if (typeof p.mobile === 'string' && p.mobile) remembered.set(p.mobile, String(p.open_id));
  }
  const openIds = new Map<string, string>();
  const out: Resolution = { openIds, resolved: [], unresolved: [] };
  for (const who of [...needed.emails, ...needed.mobiles]) {
    if (answered.has(who)) {
      const openId = answered.get(who);
      if (openId) {
        openIds.set(who, openId);
        out.resolved.push({ who, openId, via: 'contact-api' });
      } else out.unresolved.push({ who, reason: 'not-found' });
      continue;
    }
    const openId = remembered.get(who);
    if (openId) {
      openIds.set(who, openId);
      out.resolved.push({ who, openId, via: 'stored' });
    } else out.unresolved.push({ who, reason: 'not-asked' });
  }
  return out;
}

export function desiredState(
  c: Competition,
  definitionJson: string,
  definitionHash: string,
  resolved: ReadonlyMap<string, string> = new Map(),
): DesiredState {
  const f = c.file;
  const id = c.id;
  // Keyed by open_id and by grant: two entries of the file may turn out to be one person once resolved.
  const people = new Map<string, Row>();
  const grants = new Map<string, Row>();
  const unresolved: string[] = [];
  for (const p of f.people) {
    const key = lookupKey(p);
    const openId = p.openId ?? (key !== undefined ? resolved.get(key) : undefined);
    if (!openId) {
      unresolved.push(key ?? '?');
      continue;
    }
    // Only what the file says: a name remembered from a chat mention is not erased by a file that gives none.
    const row: Row = { ...people.get(openId), open_id: openId };
    if (p.name) row.name = p.name;
    if (p.email) row.email = p.email;
    if (p.mobile) row.mobile = p.mobile;
    people.set(openId, row);
    for (const r of p.roles) {
      const scope = r.role === 'contact' || r.role === 'unit_leader' ? r.unit : r.role === 'judge' ? r.track : '';
      grants.set(`${openId}:${r.role}:${scope}`, { open_id: openId, role: r.role, scope });
      // A judge's own unit is stored as a grant of its own (not a role people act in): it recuses them from the
      // unit's projects (src/features/scoring).
      if (r.role === 'judge' && r.unit)
        grants.set(`${openId}:judge_unit:${r.unit}`, { open_id: openId, role: 'judge_unit', scope: r.unit });
    }
  }
  return {
    competition: {
      id,
      name: f.name,
      name_en: f.nameEn,
      time_zone: f.timeZone,
      definition: definitionJson,
      definition_hash: definitionHash,
    },
    stages: c.stages.map((s, i) => {
      const { startsAt, endsAt } = intervalInstants(s, c.timeZone);
      return {
        competition_id: id,
        code: s.code,
        seq: i + 1,
        name: s.name,
        name_en: s.nameEn,
        starts_on: s.start,
        ends_on: s.end,
        starts_at: toDbInstant(startsAt),
        ends_at: toDbInstant(endsAt),
      };
    }),
    tracks: f.tracks.map((t, i) => ({
      competition_id: id,
      code: t.code,
      seq: i + 1,
      name: t.name,
      name_en: t.nameEn,
      aspects: JSON.stringify(t.aspects),
      department: t.department,
      quota_collectives: t.quota.collectives,
      quota_individuals: t.quota.individuals,
    })),
    units: f.units.map((u, i) => ({
      competition_id: id,
      code: u.code,
      seq: i + 1,
      name: u.name,
      short_name: u.shortName,
      aliases: JSON.stringify(u.aliases),
    })),
    people: [...people.values()],
    grants: [...grants.values()],
    chats: f.chats.map((ch) => ({
      chat_id: ch.chatId,
      competition_id: id,
      purpose: ch.purpose,
      unit_code: ch.unit ?? null,
    })),
    unresolved,
  };
}

function diffByKey(
  entity: Change['entity'],
  current: Row[],
  desired: Row[],
  key: (r: Row) => string,
  fields: string[],
  removable: boolean,
): Change[] {
  const changes: Change[] = [];
  const now = new Map(current.map((r) => [key(r), r]));
  const wanted = new Set<string>();
  for (const row of desired) {
    const k = key(row);
    wanted.add(k);
    const existing = now.get(k);
    if (!existing) changes.push({ entity, key: k, op: 'add', row });
    else {
      // A field the desired row leaves out is not the file's to decide (people's names, when the file gives none).
      const differing = fields.filter((f) => f in row && String(existing[f] ?? '') !== String(row[f] ?? ''));
      if (differing.length) changes.push({ entity, key: k, op: 'update', fields: differing, row });
    }
  }
  if (removable) for (const [k, row] of now) if (!wanted.has(k)) changes.push({ entity, key: k, op: 'remove', row });
  return changes;
}

export function planLoad(current: CurrentState, desired: DesiredState): LoadPlan {
  const id = String(desired.competition.id);
  const changes: Change[] = [];
  const comp = desired.competition;
  if (!current.competition) changes.push({ entity: 'competition', key: id, op: 'add', row: comp });
  else {
    const fields = ['name', 'name_en', 'time_zone', 'definition_hash'].filter(
      (f) => String(current.competition![f]) !== String(comp[f]),
    );
    if (fields.length) changes.push({ entity: 'competition', key: id, op: 'update', fields, row: comp });
  }
  changes.push(
    ...diffByKey(
      'stage',
      current.stages,
      desired.stages,
      (r) => String(r.code),
      ['seq', 'name', 'name_en', 'starts_on', 'ends_on', 'starts_at', 'ends_at'],
      true,
    ),
  );
  changes.push(
    ...diffByKey(
      'track',
      current.tracks,
      desired.tracks,
      (r) => String(r.code),
      ['seq', 'name', 'name_en', 'aspects', 'department', 'quota_collectives', 'quota_individuals'],
      true,
    ),
  );
  changes.push(
    ...diffByKey(
      'unit',
      current.units,
      desired.units,
      (r) => String(r.code),
      ['seq', 'name', 'short_name', 'aliases'],
      true,
    ),
  );
  // People are shared across competitions: the file adds and updates them, never removes them.
  const knownPeople = current.people.filter((p) => desired.people.some((d) => d.open_id === p.open_id));
  changes.push(
    ...diffByKey('person', knownPeople, desired.people, (r) => String(r.open_id), ['name', 'email', 'mobile'], false),
  );
  const grantKey = (r: Row) => `${r.open_id}:${r.role}:${r.scope}`;
  // A grant already made by chat satisfies the file; only grants the file made are removed with it.
  const grantAdds = diffByKey('role', current.grants, desired.grants, grantKey, [], false);
  const fileGrants = current.grants.filter((g) => g.source === 'file');
  const wanted = new Set(desired.grants.map(grantKey));
  changes.push(
    ...grantAdds,
    ...fileGrants
      .filter((g) => !wanted.has(grantKey(g)))
      .map((row): Change => ({ entity: 'role', key: grantKey(row), op: 'remove', row })),
  );
  const knownChats = current.chats.filter((ch) => desired.chats.some((d) => d.chat_id === ch.chat_id));
  changes.push(
    ...diffByKey(
      'chat',
      knownChats,
      desired.chats,
      (r) => String(r.chat_id),
      ['competition_id', 'purpose', 'unit_code'],
      false,
    ),
  );

  const refusals: string[] = [];
  for (const ch of changes) {
    if (ch.op !== 'remove') continue;
    if (ch.entity === 'unit' && (current.projectsByUnit.get(ch.key) ?? 0) > 0) {
      refusals.push(
        `unit ${ch.key} (${ch.row?.name}) cannot be removed: it has ${current.projectsByUnit.get(ch.key)} project(s). Withdraw or move them first, or keep the unit in the file.`,
      );
    }
    if (ch.entity === 'track' && (current.projectsByTrack.get(ch.key) ?? 0) > 0) {
      refusals.push(
        `track ${ch.key} (${ch.row?.name}) cannot be removed: it has ${current.projectsByTrack.get(ch.key)} project(s).`,
      );
    }
    if (ch.entity === 'stage') refusals.push(`stage ${ch.key} cannot be removed`);
  }
  return { competitionId: id, changes, refusals, unresolved: desired.unresolved };
}

export function describeChange(c: Change): string {
  const sign = c.op === 'add' ? '+' : c.op === 'remove' ? '-' : '~';
  return `${sign} ${c.entity} ${c.key}${c.fields ? ` (${c.fields.join(', ')})` : ''}`;
}
