/**
 * Who holds which role, and what a binding or unbinding command changes, as pure decisions over the grants a person
 * already has. Grants come from three places: BOT_ADMINS in the configuration (office, never stored), the
 * competition file (stored with source `file`, re-applied on every load) and chat commands (source `chat`).
 */
import { text, zhJoin, type Text } from '../../platform/i18n';
import type { Grant, GrantSource, Role } from '../../core/roles';
import { trackText, unitText, type ScopeNames } from '../../core/names';
import type { Holder, MembersView } from '../../../cards/members';

export interface WantedGrant {
  role: Role;
  scope: string;
}

export type GrantDecision =
  | { kind: 'grant' }
  | { kind: 'already'; source: GrantSource }
  /**
   * A contact acts for one unit (the notice names one 联络员 per unit): moving them is an unbinding first, said
   * explicitly.
   */
  | { kind: 'contact-elsewhere'; units: string[] };

export function decideGrant(held: readonly Grant[], wanted: WantedGrant, isEnvAdmin: boolean): GrantDecision {
  if (wanted.role === 'office' && isEnvAdmin) return { kind: 'already', source: 'env' };
  const same = held.find((g) => g.role === wanted.role && g.scope === wanted.scope);
  if (same) return { kind: 'already', source: same.source };
  if (wanted.role === 'contact') {
    const units = held.filter((g) => g.role === 'contact').map((g) => g.scope);
    if (units.length) return { kind: 'contact-elsewhere', units };
  }
  return { kind: 'grant' };
}

export type UnbindTarget =
  /** Nothing named: every grant made in chat. */
  | { kind: 'all' }
  /** A role word (联络员, 评委…): every grant of that role, whatever its scope. */
  | { kind: 'role'; role: Role }
  /** A unit or a track: that one grant. */
  | { kind: 'grant'; role: Role; scope: string };

export interface UnbindPlan {
  remove: Grant[];
  /** Grants from the file that "unbind everything" leaves alone (they are removed only when named). */
  keptFromFile: Grant[];
  /** The person is office through BOT_ADMINS, which no chat command can change. */
  envOfficeKept: boolean;
}

/**
 * "Unbind everything" means what was bound in chat: grants from the file stay unless named, because the file is the
 * office's written record and the next load would bring them back anyway. Naming a file grant removes it (the
 * reply and the audit say it comes back with the next load).
 */
export function planUnbind(held: readonly Grant[], target: UnbindTarget, isEnvAdmin: boolean): UnbindPlan {
  switch (target.kind) {
    case 'all':
      return {
        remove: held.filter((g) => g.source === 'chat'),
        keptFromFile: held.filter((g) => g.source === 'file'),
        envOfficeKept: isEnvAdmin,
      };
    case 'role':
      return {
        remove: held.filter((g) => g.role === target.role),
        keptFromFile: [],
        envOfficeKept: target.role === 'office' && isEnvAdmin,
      };
    case 'grant':
      return {
        remove: held.filter((g) => g.role === target.role && g.scope === target.scope),
        keptFromFile: [],
        envOfficeKept: target.role === 'office' && isEnvAdmin,
      };
    default: {
      const never: never = target;
      return never;
    }
  }
}

/** True when removing these grants would leave the competition without anyone in the office. */
export function leavesNoOffice(
  officeHolders: readonly string[],
  removing: readonly Grant[],
  admins: readonly string[],
): boolean {
  const gone = new Set(removing.filter((g) => g.role === 'office').map((g) => g.openId));
  if (gone.size === 0) return false;
  return !officeHolders.some((id) => admins.includes(id) || !gone.has(id));
}

// ── words and names ────────────────────────────────────────────────────────────────────────────────────────────────

/** Role words accepted after 解绑 @某人 (and shown in the members card). */
const ROLE_WORDS: ReadonlyArray<[Role, readonly string[]]> = [
  ['contact', ['联络员', 'contact', 'contacts']],
  ['judge', ['评委', 'judge', 'judges']],
  ['leader', ['领导', '领导小组', 'leader', 'leaders', 'leadership']],
  ['office', ['管理员', '竞赛办', 'admin', 'admins', 'office']],
];

export function roleFromWord(word: string): Role | undefined {
  const w = word.normalize('NFKC').trim().toLowerCase();
  return ROLE_WORDS.find(([, words]) => words.includes(w))?.[0];
}

/** 黄浦区城管执法局（HP）联络员 / contact of 黄浦 (HP). */
export function grantText(names: ScopeNames, g: WantedGrant): Text {
  switch (g.role) {
    case 'office':
      return text('竞赛办管理员', 'competition office admin');
    case 'leader':
      return text('领导小组成员', 'member of the leadership group');
    case 'contact': {
      const u = unitText(names, g.scope);
      return text(zhJoin(u.zh, '联络员'), `contact of ${u.en}`);
    }
    case 'judge': {
      const t = trackText(names, g.scope);
      return text(zhJoin(t.zh, '赛道评委'), `judge of ${t.en}`);
    }
    default: {
      const never: never = g.role;
      return never;
    }
  }
}

export const SOURCE_TEXT: Record<GrantSource, Text> = {
  env: text('配置 BOT_ADMINS', 'BOT_ADMINS configuration'),
  file: text('竞赛文件', 'competition file'),
  chat: text('聊天命令', 'chat command'),
};

// ── the members overview ───────────────────────────────────────────────────────────────────────────────────────────

export function membersView(
  names: ScopeNames,
  grants: readonly Grant[],
  admins: readonly string[],
  nameOf: ReadonlyMap<string, string>,
  unitLeaders: ReadonlyArray<{ openId: string; unit: string }> = [],
): MembersView {
  const holder = (g: Pick<Grant, 'openId' | 'source'>): Holder => ({
    openId: g.openId,
    name: nameOf.get(g.openId) || g.openId,
    source: g.source,
  });
  const byName = (a: Holder, b: Holder) => a.name.localeCompare(b.name, 'zh') || a.openId.localeCompare(b.openId);
  const of = (role: Role, scope?: string) =>
    grants
      .filter((g) => g.role === role && (scope === undefined || g.scope === scope))
      .map(holder)
      .sort(byName);
  const envOffice = admins.map((openId) => holder({ openId, source: 'env' }));
  const storedOffice = of('office').filter((h) => !admins.includes(h.openId));
  const unitCodes = new Set(names.units.map((u) => u.code));
  const trackCodes = new Set(names.tracks.map((t) => t.code));
  return {
    office: [...envOffice.sort(byName), ...storedOffice],
    leaders: of('leader'),
    units: names.units.map((u) => ({
      code: u.code,
      name: u.name,
      shortName: u.shortName,
      contacts: of('contact', u.code),
    })),
    tracks: names.tracks.map((t) => ({ code: t.code, name: t.name, nameEn: t.nameEn, judges: of('judge', t.code) })),
    unitLeaders: names.units
      .map((u) => ({
        code: u.code,
        shortName: u.shortName,
        leaders: unitLeaders
          .filter((l) => l.unit === u.code)
          .map((l) => holder({ openId: l.openId, source: 'file' }))
          .sort(byName),
      }))
      .filter((u) => u.leaders.length > 0),
    orphans: grants
      .filter(
        (g) => (g.role === 'contact' && !unitCodes.has(g.scope)) || (g.role === 'judge' && !trackCodes.has(g.scope)),
      )
      .map((g) => ({ ...holder(g), role: g.role, scope: g.scope })),
  };
}
