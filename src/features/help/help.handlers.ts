import { helpCard } from '../../../cards/help';
import { text, type Text } from '../../platform/i18n';
import type { BotServices, CardActionSpec, CommandSpec } from '../../lark/handlers';
import { inAudience, type Roles } from '../people/roles';

export function describeRoles(roles: Roles): Text[] {
  const out: Text[] = [];
  if (roles.office) out.push(text('竞赛办', 'competition office'));
  if (roles.leader) out.push(text('领导小组', 'leadership'));
  if (roles.contactOf.length) out.push(text(`联络员（${roles.contactOf.join('、')}）`, `unit contact (${roles.contactOf.join(', ')})`));
  if (roles.judgeOf.length) out.push(text(`评委（${roles.judgeOf.join('、')}）`, `judge (${roles.judgeOf.join(', ')})`));
  return out;
}

export function helpFor(services: BotServices, roles: Roles, inGroup: boolean) {
  return helpCard({
    roles: describeRoles(roles),
    inGroup,
    commands: services.commands.filter((c) => inAudience(roles, c.audience)).map((c) => ({ words: c.words, summary: c.summary, usage: c.usage })),
  });
}

export const helpCommand: CommandSpec = {
  name: 'help',
  words: ['帮助', 'help', '?', '菜单', 'menu'],
  summary: text('查看你可以做什么', 'See what you can do'),
  audience: 'everyone',
  run: (ctx) => ctx.reply(helpFor(ctx.services, ctx.roles, ctx.event.chatType === 'group'), 'help'),
};

export const showHelpAction: CardActionSpec<'help.show'> = {
  action: 'help.show',
  audience: 'everyone',
  run: async (ctx) => ({ card: helpFor(ctx.services, ctx.roles, false) }),
};
