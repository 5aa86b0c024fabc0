import { helpCard } from '../../../cards/help';
import { text, type Text } from '../../platform/i18n';
import type { BotServices, CardActionSpec, CommandSpec } from '../../lark/handlers';
import { answerClick } from '../../lark/group-click';
import { inAudience, type Audience, type Roles } from '../../core/roles';
import { trackText, unitText, type ScopeNames } from '../../core/names';

/** The person's roles, with unit and track names when the competition is at hand (codes otherwise). */
export function describeRoles(roles: Roles, names: ScopeNames = { units: [], tracks: [] }): Text[] {
  const out: Text[] = [];
  const list = (codes: readonly string[], one: (n: ScopeNames, code: string) => Text) => {
    const ts = codes.map((c) => one(names, c));
    return text(ts.map((t) => t.zh).join('、'), ts.map((t) => t.en).join(', '));
  };
  if (roles.office) out.push(text('竞赛办', 'competition office'));
  if (roles.leader) out.push(text('领导小组', 'leadership'));
  if (roles.contactOf.length) {
    const units = list(roles.contactOf, unitText);
    out.push(text(`联络员（${units.zh}）`, `unit contact (${units.en})`));
  }
  if (roles.judgeOf.length) {
    const tracks = list(roles.judgeOf, trackText);
    out.push(text(`评委（${tracks.zh}）`, `judge (${tracks.en})`));
  }
  return out;
}

/** A command for several audiences is listed under the first one the person belongs to. */
const headingFor = (roles: Roles, audience: Audience | readonly Audience[]): Audience =>
  Array.isArray(audience) ? (audience.find((a) => inAudience(roles, a)) ?? audience[0]!) : (audience as Audience);

export async function helpFor(services: BotServices, roles: Roles, inGroup: boolean) {
  const c = await services.competition().catch(() => undefined);
  return helpCard({
    roles: describeRoles(roles, c && { units: c.file.units, tracks: c.file.tracks }),
    inGroup,
    ...(c ? { competition: text(c.file.name, c.file.nameEn) } : {}),
    commands: services.commands
      .filter((cmd) => inAudience(roles, cmd.audience))
      .map((cmd) => ({
        words: cmd.words,
        summary: cmd.summary,
        usage: cmd.usage,
        section: headingFor(roles, cmd.audience),
      })),
  });
}

export const helpCommand: CommandSpec = {
  name: 'help',
  words: ['帮助', 'help', '?', '菜单', 'menu'],
  summary: text('查看你可以做什么', 'See what you can do'),
  audience: 'everyone',
  run: async (ctx) => ctx.reply(await helpFor(ctx.services, ctx.roles, ctx.event.chatType === 'group'), 'help'),
};

/**
 * The welcome card's 「我能做什么」: the clicker's own help (what they may do, one-to-one). In a one-to-one chat it
 * replaces the welcome; in a group the welcome stays for everyone and the help goes to the clicker (answerClick).
 */
export const showHelpAction: CardActionSpec<'help.show'> = {
  action: 'help.show',
  audience: 'everyone',
  run: async (ctx) =>
    answerClick(
      ctx,
      await helpFor(ctx.services, ctx.roles, false),
      text('帮助：你可以做什么', 'Help: what you can do'),
      'help',
    ),
};
