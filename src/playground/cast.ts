/**
 * The playground's cast: the people and chats a visitor can play, derived from whatever competition is loaded (the
 * first units and tracks of its file), so that another competition file gets a cast of its own.
 *
 * Everyone here is a demo person (open ids `ou_demo_…`, chat ids `oc_demo_…`): `demo seed` and the playground refuse
 * a database that holds anyone else. The cast's roles reach the bot the documented way, as the `people` and `chats`
 * sections of the competition file (src/competition/competition.schema.ts), except the first unit's contact, whom
 * the office binds by @mention in the unit's group: the first thing the office does in a real competition.
 */
import type { CompetitionFile } from '../competition/competition.schema';

export const DEMO_OPEN_ID_PREFIX = 'ou_demo_';
export const DEMO_CHAT_ID_PREFIX = 'oc_demo_';

/** The bot's display name, as Feishu shows it in the chat list and in @mentions. */
export const BOT_NAME = '赛道助手';

export type CastRole =
  | { role: 'office' }
  | { role: 'contact'; unit: string }
  | { role: 'judge'; track: string; unit: string }
  | { role: 'leader' }
  | { role: 'stranger' };

export interface Persona {
  openId: string;
  name: string;
  /** What the persona is in the story, in the words the persona selector shows: 竞赛办, 浦东联络员, 法治建设评委… */
  roleWord: string;
  roleWordEn: string;
  role: CastRole;
  /** Bound by the cast itself (file sections); false for the contact the office binds in the journey. */
  boundAtStart: boolean;
}

export interface CastChat {
  chatId: string;
  name: string;
  purpose: 'unit' | 'announcement';
  unit?: string;
  /** Open ids of the members (the bot is a member of every group). */
  members: string[];
}

export interface Cast {
  personas: Persona[];
  groups: CastChat[];
  /** The office's open id (also a bot admin in the playground). */
  office: string;
}

/** Personas and groups for a competition file. Deterministic: the same file always gives the same cast. */
export function castOf(file: Pick<CompetitionFile, 'units' | 'tracks'>): Cast {
  const unit = (i: number) => file.units[i % file.units.length]!;
  const short = (i: number) => unit(i).shortName ?? unit(i).name;
  const judged = file.tracks[Math.min(1, file.tracks.length - 1)]!;
  const personas: Persona[] = [
    {
      openId: `${DEMO_OPEN_ID_PREFIX}office`,
      name: '周敏',
      roleWord: '竞赛办',
      roleWordEn: 'competition office',
      role: { role: 'office' },
      boundAtStart: true,
    },
    {
      openId: `${DEMO_OPEN_ID_PREFIX}contact_${unit(0).code.toLowerCase()}`,
      name: '王芳',
      roleWord: `${short(0)}联络员`,
      roleWordEn: `contact of ${unit(0).code}`,
      role: { role: 'contact', unit: unit(0).code },
      boundAtStart: false,
    },
    {
      openId: `${DEMO_OPEN_ID_PREFIX}contact_${unit(1).code.toLowerCase()}`,
      name: '陈刚',
      roleWord: `${short(1)}联络员`,
      roleWordEn: `contact of ${unit(1).code}`,
      role: { role: 'contact', unit: unit(1).code },
      boundAtStart: true,
    },
    {
      openId: `${DEMO_OPEN_ID_PREFIX}judge_1`,
      name: '李强',
      roleWord: `${judged.name}评委`,
      roleWordEn: `judge of ${judged.code}`,
      role: { role: 'judge', track: judged.code, unit: unit(2).code },
      boundAtStart: true,
    },
    {
      openId: `${DEMO_OPEN_ID_PREFIX}judge_2`,
      name: '赵丽',
      roleWord: `${judged.name}评委`,
      roleWordEn: `judge of ${judged.code}`,
      role: { role: 'judge', track: judged.code, unit: unit(3).code },
      boundAtStart: true,
    },
    {
      openId: `${DEMO_OPEN_ID_PREFIX}leader`,
      name: '吴建国',
      roleWord: '领导小组',
      roleWordEn: 'leadership group',
      role: { role: 'leader' },
      boundAtStart: true,
    },
    {
      openId: `${DEMO_OPEN_ID_PREFIX}stranger`,
      name: '刘洋',
      roleWord: '未绑定',
      roleWordEn: 'not bound',
      role: { role: 'stranger' },
      boundAtStart: false,
    },
  ];
  const office = personas[0]!.openId;
  const contactsOf = (code: string) =>
    personas.filter((p) => p.role.role === 'contact' && p.role.unit === code).map((p) => p.openId);
  const groups: CastChat[] = [
    ...[0, 1].map((i) => ({
      chatId: `${DEMO_CHAT_ID_PREFIX}unit_${unit(i).code.toLowerCase()}`,
      name: `${short(i)}工作群`,
      purpose: 'unit' as const,
      unit: unit(i).code,
      members: [office, ...contactsOf(unit(i).code)],
    })),
    {
      chatId: `${DEMO_CHAT_ID_PREFIX}announcements`,
      name: '竞赛通知群',
      purpose: 'announcement',
      members: personas.map((p) => p.openId),
    },
  ];
  return { personas, groups, office };
}

/** The persona as the selector lists it: 「name（role）」. */
export function personaLabel(p: Pick<Persona, 'name' | 'roleWord'>): string {
  return `${p.name}（${p.roleWord}）`;
}

/** The cast's roles and groups as the competition file's `people` and `chats` sections. */
export function castSections(cast: Cast): Pick<CompetitionFile, 'people' | 'chats'> {
  const people: CompetitionFile['people'] = [];
  for (const p of cast.personas) {
    if (!p.boundAtStart) continue;
    const r = p.role;
    if (r.role === 'stranger') continue;
    const role =
      r.role === 'contact'
        ? { role: 'contact' as const, unit: r.unit }
        : r.role === 'judge'
          ? { role: 'judge' as const, track: r.track, unit: r.unit }
          : { role: r.role };
    people.push({ name: p.name, openId: p.openId, roles: [role] });
  }
  const chats: CompetitionFile['chats'] = cast.groups.map((g) =>
    g.purpose === 'unit'
      ? { chatId: g.chatId, purpose: 'unit', unit: g.unit }
      : { chatId: g.chatId, purpose: 'announcement' },
  );
  return { people, chats };
}
