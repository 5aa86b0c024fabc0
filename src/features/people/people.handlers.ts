/**
 * The office binds people from chat with @mentions: `绑定 @某人 黄浦区` (unit contact), `评委 @某人 法治建设` (track
 * judge), `领导 @某人`, `管理员 @某人`, `解绑 @某人 [角色/单位/赛道]`; `成员` shows who holds what. Several @mentions
 * bind them all. The handlers only read the command and format the reply; decisions are in grants.ts, changes in
 * people.service.ts.
 */
import { membersCard } from '../../../cards/members';
import type { CommandContext, CommandSpec } from '../../lark/handlers';
import { UserError } from '../../platform/errors';
import { echo, text, type Text } from '../../platform/i18n';
import { roleFromWord, type UnbindTarget, type WantedGrant } from './grants';
import { bindPeople, members, unbindPeople, type Person } from './people.service';
import { bindReply, unbindReply } from './people.text';
import { matchSeveral, matchTrack, matchUnit, type Match } from '../../core/scope-matcher';
import { type ScopeNames, joinTexts, lines, matchProblem, trackChoice, unitChoice } from '../../core/names';

const fail = (code: string, t: Text): never => {
  throw new UserError(code, t);
};

async function scopeNames(ctx: CommandContext): Promise<ScopeNames> {
  const c = await ctx.services.competition();
  return { units: c.file.units, tracks: c.file.tracks };
}

/** The people @mentioned in the command (the bot itself is already left out), each once. */
function mentioned(ctx: CommandContext, usage: Text): Person[] {
  const people = ctx.command.mentions
    // Lark's open_ids start with ou_; @所有人 and other non-person mentions do not.
    .filter((m) => m.openId.startsWith('ou_'))
    .map((m) => ({ openId: m.openId, name: m.name.trim() || m.openId }));
  if (!people.length)
    fail(
      'people.no_mention',
      text(`请 @ 要设置的人，例如「${usage.zh}」。`, `@mention the people concerned, e.g. "${usage.en}".`),
    );
  return [...new Map(people.map((p) => [p.openId, p])).values()];
}

const query = (ctx: CommandContext) => ctx.command.args.join(' ').trim();

function resolveSeveral<T extends { code: string }>(
  all: readonly T[],
  q: string,
  one: (items: readonly T[], q: string) => Match<T>,
  what: Text,
  describe: (item: T) => Text,
): T[] {
  const m = matchSeveral(all, q, one);
  if (m.ok) return m.items;
  return fail(`people.unknown_${what.en}`, lines(m.problems.map((p) => matchProblem(p, what, describe, all))));
}

async function change(
  ctx: CommandContext,
  wanted: WantedGrant[],
  purpose: string,
  names: ScopeNames,
  usage: Text,
): Promise<void> {
  const s = ctx.services;
  const people = mentioned(ctx, usage);
  const outcomes = await bindPeople(s, {
    competitionId: s.competitionId,
    actor: ctx.event.senderOpenId,
    people,
    wanted,
    admins: s.admins,
    now: s.clock.now(),
  });
  await ctx.reply(bindReply(names, outcomes), purpose);
}

const BIND_USAGE = text('绑定 @张三 黄浦区', 'bind @someone HP');

export const bindCommand: CommandSpec = {
  name: 'bind',
  words: ['绑定', 'bind'],
  summary: text(
    '设置单位联络员（可同时 @ 多人）',
    'Make people the contacts of a unit (several @mentions bind them all)',
  ),
  usage: BIND_USAGE,
  audience: 'office',
  async run(ctx) {
    const names = await scopeNames(ctx);
    mentioned(ctx, BIND_USAGE);
    const q = query(ctx);
    const unitWord = text('单位', 'unit');
    if (!q)
      fail(
        'people.no_unit',
        matchProblem({ kind: 'none', query: '', candidates: [] }, unitWord, unitChoice(names), names.units),
      );
    const units = resolveSeveral(names.units, q, matchUnit, unitWord, unitChoice(names));
    if (units.length > 1) {
      const list = joinTexts(units.map(unitChoice(names)));
      fail(
        'people.one_unit',
        text(
          `一位联络员只属于一个单位，请只写一个（现在写了 ${list.zh}）。`,
          `A contact belongs to one unit; name only one (you named ${list.en}).`,
        ),
      );
    }
    await change(ctx, [{ role: 'contact', scope: units[0]!.code }], 'bind', names, BIND_USAGE);
  },
};

const JUDGE_USAGE = text('评委 @李四 法治建设', 'judge @someone T02');

export const judgeCommand: CommandSpec = {
  name: 'judge',
  words: ['评委', 'judge'],
  summary: text('设置赛道评委（可写多个赛道）', 'Make people judges of one or more tracks'),
  usage: JUDGE_USAGE,
  audience: 'office',
  async run(ctx) {
    const names = await scopeNames(ctx);
    mentioned(ctx, JUDGE_USAGE);
    const q = query(ctx);
    const trackWord = text('赛道', 'track');
    if (!q)
      fail(
        'people.no_track',
        matchProblem({ kind: 'none', query: '', candidates: [] }, trackWord, trackChoice(names), names.tracks),
      );
    const tracks = resolveSeveral(names.tracks, q, matchTrack, trackWord, trackChoice(names));
    await change(
      ctx,
      tracks.map((t) => ({ role: 'judge', scope: t.code })),
      'judge',
      names,
      JUDGE_USAGE,
    );
  },
};

const LEADER_USAGE = text('领导 @王五', 'leader @someone');

export const leaderCommand: CommandSpec = {
  name: 'leader',
  words: ['领导', 'leader'],
  summary: text('设置领导小组成员', 'Add people to the leadership group'),
  usage: LEADER_USAGE,
  audience: 'office',
  run: async (ctx) => change(ctx, [{ role: 'leader', scope: '' }], 'leader', await scopeNames(ctx), LEADER_USAGE),
};

const ADMIN_USAGE = text('管理员 @赵六', 'admin @someone');

export const adminCommand: CommandSpec = {
  name: 'admin',
  words: ['管理员', 'admin'],
  summary: text('设置竞赛办管理员', 'Add people to the competition office'),
  usage: ADMIN_USAGE,
  audience: 'office',
  run: async (ctx) => change(ctx, [{ role: 'office', scope: '' }], 'admin', await scopeNames(ctx), ADMIN_USAGE),
};

/** After `解绑 @某人`: nothing (every chat grant), a role word, a unit or a track. */
export function unbindTarget(names: ScopeNames, q: string): UnbindTarget | Text {
  if (!q) return { kind: 'all' };
  const role = roleFromWord(q);
  if (role) return { kind: 'role', role };
  const unit = matchUnit(names.units, q);
  const track = matchTrack(names.tracks, q);
  if (unit.kind === 'one' && track.kind !== 'one') return { kind: 'grant', role: 'contact', scope: unit.item.code };
  if (track.kind === 'one' && unit.kind !== 'one') return { kind: 'grant', role: 'judge', scope: track.item.code };
  const candidates = [
    ...(unit.kind === 'one' ? [unit.item] : unit.candidates).map(unitChoice(names)),
    ...(track.kind === 'one' ? [track.item] : track.candidates).map(trackChoice(names)),
  ];
  const shown = echo(q);
  if (candidates.length) {
    const list = joinTexts(candidates);
    return text(
      `「${shown}」可能是：${list.zh}。请写得更具体些，或写代码。`,
      `"${shown}" could be: ${list.en}. Be more specific, or use the code.`,
    );
  }
  return text(
    `「${shown}」不是角色、单位或赛道。可以写：联络员、评委、领导、管理员，或一个单位、一个赛道；什么都不写则解除聊天中绑定的全部角色。`,
    `"${shown}" is not a role, a unit or a track. Write contact, judge, leader or admin, or a unit or a track; write nothing to remove every role bound in chat.`,
  );
}

const UNBIND_USAGE = text('解绑 @张三 黄浦区', 'unbind @someone HP');

export const unbindCommand: CommandSpec = {
  name: 'unbind',
  words: ['解绑', 'unbind'],
  summary: text(
    '解除某人的角色：写明角色、单位或赛道，或不写（解除聊天中绑定的全部角色）',
    'Remove a role: name the role, unit or track, or nothing (every role bound in chat)',
  ),
  usage: UNBIND_USAGE,
  audience: 'office',
  async run(ctx) {
    const s = ctx.services;
    const names = await scopeNames(ctx);
    const people = mentioned(ctx, UNBIND_USAGE);
    const target = unbindTarget(names, query(ctx));
    if (!('kind' in target)) return fail('people.unknown_target', target);
    const outcomes = await unbindPeople(s, {
      competitionId: s.competitionId,
      actor: ctx.event.senderOpenId,
      people,
      target,
      admins: s.admins,
      now: s.clock.now(),
    });
    await ctx.reply(unbindReply(names, outcomes), 'unbind');
  },
};

export const membersCommand: CommandSpec = {
  name: 'members',
  words: ['成员', 'members'],
  summary: text('查看谁担任什么角色（按单位和赛道）', 'See who holds which role, per unit and per track'),
  // The leadership reads it too: it names people, but only people the competition already shows to each other.
  audience: 'oversight',
  async run(ctx) {
    const s = ctx.services;
    const view = await members(s.repos, s.competitionId, await scopeNames(ctx), s.admins);
    await ctx.reply(membersCard(view), 'members');
  },
};

export const PEOPLE_COMMANDS: readonly CommandSpec[] = [
  bindCommand,
  judgeCommand,
  leaderCommand,
  adminCommand,
  unbindCommand,
  membersCommand,
];
