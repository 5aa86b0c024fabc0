/**
 * Who may do what. A person may hold several roles; authorisation is always decided here, on the server, from the
 * database, whatever a card or a message claims.
 */
export type Role = 'office' | 'contact' | 'judge' | 'leader';

export interface Roles {
  readonly office: boolean;
  readonly leader: boolean;
  /** Unit codes this person is the contact (联络员) of. */
  readonly contactOf: readonly string[];
  /** Track codes this person judges. */
  readonly judgeOf: readonly string[];
}

/** Where a grant comes from: BOT_ADMINS (office, never stored), the competition file, or a chat command. */
export type GrantSource = 'env' | 'file' | 'chat';

export interface Grant {
  openId: string;
  role: Role;
  /** '' for office and leader, a unit code for contacts, a track code for judges. */
  scope: string;
  source: GrantSource;
}

export const isRole = (r: string): r is Role => r === 'office' || r === 'contact' || r === 'judge' || r === 'leader';

export const NO_ROLES: Roles = { office: false, leader: false, contactOf: [], judgeOf: [] };

export function rolesFromGrants(grants: ReadonlyArray<{ role: string; scope: string }>, isAdmin: boolean): Roles {
  return {
    office: isAdmin || grants.some((g) => g.role === 'office'),
    leader: grants.some((g) => g.role === 'leader'),
    contactOf: grants
      .filter((g) => g.role === 'contact')
      .map((g) => g.scope)
      .sort(),
    judgeOf: grants
      .filter((g) => g.role === 'judge')
      .map((g) => g.scope)
      .sort(),
  };
}

/**
 * Who a command or card action is for. Each step of a process has one actor role: `leader` is the leadership group
 * alone (it decides awards; the office, which confirms the places, may not also approve them), while `oversight` is
 * whoever oversees the competition, the office or the leadership, for the read-only overviews.
 */
export type Audience = 'everyone' | 'oversight' | Role;

/** True when the roles fall in the audience, or in any of several. */
export function inAudience(roles: Roles, audience: Audience | readonly Audience[]): boolean {
  if (Array.isArray(audience)) return audience.some((a) => inAudience(roles, a));
  switch (audience as Audience) {
    case 'everyone':
      return true;
    case 'office':
      return roles.office;
    case 'leader':
      return roles.leader;
    case 'oversight':
      return roles.leader || roles.office;
    case 'contact':
      return roles.contactOf.length > 0;
    case 'judge':
      return roles.judgeOf.length > 0;
    default:
      return false;
  }
}

/**
 * Which units each person belongs to, for automatic recusal: the unit the competition file gives a judge
 * (`people[].roles[]: { role: judge, track, unit }`, stored as a `judge_unit` grant) and any unit they are a contact
 * of (someone who registers a unit's projects does not judge them).
 */
export function unitsOfPeople(
  grants: ReadonlyArray<{ openId: string; role: string; scope: string }>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const g of grants) {
    if (g.role !== 'judge_unit' && g.role !== 'contact') continue;
    const units = out.get(g.openId) ?? new Set<string>();
    units.add(g.scope);
    out.set(g.openId, units);
  }
  return out;
}
