/**
 * In a group, the office says what the group is for: `本群绑定 黄浦区` / `bind chat HP` (the unit's group),
 * `设为通知群` / `announce here` (the competition's announcement group), `本群解绑` / `unbind chat` (neither).
 * These name the group they are sent in, so a one-to-one chat is refused.
 */
import type { CommandContext, CommandSpec } from '../../lark/handlers';
import { UserError } from '../../platform/errors';
import { echo, text, type Text } from '../../platform/i18n';
import { matchUnit } from '../../core/scope-matcher';
import type { ChatBinding } from '../../core/chats.repository';
import { setChatPurpose, type PurposeResult, type WantedPurpose } from './chats.service';
import { unitText, type ScopeNames, matchProblem, unitChoice } from '../../core/names';

const fail = (code: string, t: Text): never => {
  throw new UserError(code, t);
};

function requireGroup(ctx: CommandContext, word: Text): void {
  if (ctx.event.chatType !== 'group') {
    fail(
      'chat.not_group',
      text(
        `「${word.zh}」设置的是所在的群：请在那个群里 @我 发送。`,
        `"${word.en}" sets up the group it is sent in: send it in that group, @mentioning me.`,
      ),
    );
  }
}

/** Pure: how a chat's former purpose reads in a reply ("黄浦区城管执法局（HP）的单位群", "通知群"). */
export function purposeText(names: ScopeNames, c: Pick<ChatBinding, 'purpose' | 'unitCode'>): Text {
  if (c.purpose === 'announcement') return text('通知群', 'announcement group');
  if (c.purpose === 'unit' && c.unitCode) {
    const u = unitText(names, c.unitCode);
    return text(`${u.zh}的单位群`, `group of ${u.en}`);
  }
  return text('普通群', 'plain group');
}

const chatName = (c: ChatBinding) => echo(c.name ?? c.chatId);

/** Pure: the reply to a change of purpose, naming what this chat was and which chats lost the purpose. */
export function purposeReply(names: ScopeNames, competitionId: string, wanted: WantedPurpose, r: PurposeResult): Text {
  const now = purposeText(
    names,
    wanted.purpose === 'unit'
      ? { purpose: 'unit', unitCode: wanted.unitCode }
      : { purpose: wanted.purpose, unitCode: null },
  );
  if (r.already) {
    return wanted.purpose === ''
      ? text(
          '本群没有绑定单位，也不是通知群，未改动。',
          'This group has no unit and is not the announcement group; nothing changed.',
        )
      : text(`本群已经是${now.zh}，未改动。`, `This group is already the ${now.en}; nothing changed.`);
  }
  const out: Text[] = [];
  const was =
    r.before.competitionId === competitionId && r.before.purpose !== '' ? purposeText(names, r.before) : undefined;
  if (wanted.purpose === '')
    out.push(
      text(
        `✓ 本群不再是${was?.zh ?? '单位群或通知群'}。`,
        `✓ This group is no longer the ${was?.en ?? 'unit or announcement group'}.`,
      ),
    );
  else {
    out.push(text(`✓ 本群已设为${now.zh}。`, `✓ This group is now the ${now.en}.`));
    if (was) out.push(text(`本群原来是${was.zh}，现在不再是。`, `It was the ${was.en} and no longer is.`));
  }
  for (const d of r.displaced) {
    const rule =
      wanted.purpose === 'announcement'
        ? text('每个竞赛只有一个通知群', 'a competition has one announcement group')
        : text('每个单位只有一个单位群', 'a unit has one group');
    out.push(
      text(
        `群「${chatName(d)}」不再是${now.zh}（${rule.zh}）。`,
        `The group "${chatName(d)}" is no longer the ${now.en} (${rule.en}).`,
      ),
    );
  }
  return text(out.map((t) => t.zh).join('\n'), out.map((t) => t.en).join('\n'));
}

async function apply(ctx: CommandContext, wanted: WantedPurpose, names: ScopeNames, purpose: string): Promise<void> {
  const s = ctx.services;
  const result = await setChatPurpose(s, {
    competitionId: s.competitionId,
    chatId: ctx.event.chatId,
    actor: ctx.event.senderOpenId,
    wanted,
    now: s.clock.now(),
  });
  await ctx.reply(purposeReply(names, s.competitionId, wanted, result), purpose);
}

async function scopeNames(ctx: CommandContext): Promise<ScopeNames> {
  const c = await ctx.services.competition();
  return { units: c.file.units, tracks: c.file.tracks };
}

const BIND_CHAT = text('本群绑定', 'bind chat');

export const bindChatCommand: CommandSpec = {
  name: 'bind-chat',
  words: ['本群绑定', 'bind chat'],
  summary: text('在群里发送：把本群设为某单位的单位群', 'In a group: make it the group of a unit'),
  usage: text('本群绑定 黄浦区', 'bind chat HP'),
  audience: 'office',
  async run(ctx) {
    requireGroup(ctx, BIND_CHAT);
    const names = await scopeNames(ctx);
    const m = matchUnit(names.units, ctx.command.args.join(' '));
    if (m.kind !== 'one')
      return fail('chat.unknown_unit', matchProblem(m, text('单位', 'unit'), unitChoice(names), names.units));
    await apply(ctx, { purpose: 'unit', unitCode: m.item.code }, names, 'bind-chat');
  },
};

export const announceHereCommand: CommandSpec = {
  name: 'announce-here',
  words: ['设为通知群', 'announce here'],
  summary: text(
    '在群里发送：把本群设为竞赛的通知群（只有一个）',
    "In a group: make it the competition's announcement group (there is one)",
  ),
  audience: 'office',
  async run(ctx) {
    requireGroup(ctx, text('设为通知群', 'announce here'));
    await apply(ctx, { purpose: 'announcement' }, await scopeNames(ctx), 'announce-here');
  },
};

export const unbindChatCommand: CommandSpec = {
  name: 'unbind-chat',
  words: ['本群解绑', 'unbind chat'],
  summary: text('在群里发送：本群不再是单位群或通知群', 'In a group: it is no longer a unit or announcement group'),
  audience: 'office',
  async run(ctx) {
    requireGroup(ctx, text('本群解绑', 'unbind chat'));
    await apply(ctx, { purpose: '' }, await scopeNames(ctx), 'unbind-chat');
  },
};

export const CHAT_COMMANDS: readonly CommandSpec[] = [bindChatCommand, announceHereCommand, unbindChatCommand];
