/**
 * The replies of the binding commands, as pure functions of their outcomes: one line per person and role, saying
 * exactly what changed and what did not, in Chinese and English.
 */
import { echo, text, zhJoin, type Text } from '../../platform/i18n';
import { grantText, SOURCE_TEXT } from './grants';
import type { BindOutcome, UnbindOutcome } from './people.service';
import { joinTexts, lines, unitText, type ScopeNames } from '../../core/names';
import type { Grant } from '../../core/roles';

export function bindReply(names: ScopeNames, outcomes: readonly BindOutcome[]): Text {
  return lines(
    outcomes.map(({ person, wanted, decision }) => {
      const who = echo(person.name);
      const role = grantText(names, wanted);
      switch (decision.kind) {
        case 'granted':
          return text(`✓ ${who}：${zhJoin('已设为', role.zh)}`, `✓ ${who}: now ${role.en}`);
        case 'already': {
          const from = SOURCE_TEXT[decision.source];
          return text(
            `· ${zhJoin(who, '已经是', role.zh)}（来自${from.zh}），未改动`,
            `· ${who} is already ${role.en} (from the ${from.en}); nothing changed`,
          );
        }
        case 'contact-elsewhere': {
          const units = joinTexts(decision.units.map((u) => unitText(names, u)));
          const first = decision.units[0]!;
          return text(
            `✗ ${zhJoin(who, '已是', units.zh, '的联络员')}，一位联络员只属于一个单位。要改绑，请先发送「解绑 @${who} ${first}」`,
            `✗ ${who} is already a contact of ${units.en}, and a contact belongs to one unit. To move them, first send "unbind @${who} ${first}"`,
          );
        }
        default: {
          const never: never = decision;
          return never;
        }
      }
    }),
  );
}

/** What to write after 解绑 @某人 to name this grant. */
const nameOf = (g: Grant): Text =>
  g.role === 'contact' || g.role === 'judge'
    ? text(g.scope, g.scope)
    : g.role === 'leader'
      ? text('领导', 'leader')
      : text('管理员', 'admin');

const FILE_NOTE = text(
  '来自竞赛文件的角色会在下次加载竞赛文件（包括重启）时恢复；要永久解除，请同时修改竞赛文件',
  'roles from the competition file come back with its next load (including a restart); to remove them for good, edit the file too',
);

export function unbindReply(names: ScopeNames, outcomes: readonly UnbindOutcome[]): Text {
  const out: Text[] = [];
  let fromFile = false;
  for (const o of outcomes) {
    const who = echo(o.person.name);
    const describe = (gs: readonly Grant[]) => joinTexts(gs.map((g) => grantText(names, g)));
    if (o.removed.length) {
      const removed = describe(o.removed);
      out.push(text(`✓ ${who}：${zhJoin('已解除', removed.zh)}`, `✓ ${who}: no longer ${removed.en}`));
      fromFile ||= o.removed.some((g) => g.source === 'file');
    }
    if (o.keptFromFile.length) {
      const kept = describe(o.keptFromFile);
      const name = nameOf(o.keptFromFile[0]!);
      out.push(
        text(
          `· ${zhJoin(who, '保留来自竞赛文件的', kept.zh)}；要解除，请写明，例如「解绑 @${who} ${name.zh}」`,
          `· ${who} keeps ${kept.en} from the competition file; to remove it, name it, e.g. "unbind @${who} ${name.en}"`,
        ),
      );
    }
    if (o.envOfficeKept) {
      out.push(
        text(
          `· ${zhJoin(who, '是配置 BOT_ADMINS 中的管理员，不能在聊天中解除；请修改配置')}`,
          `· ${who} is an admin through the BOT_ADMINS configuration, which chat cannot change; edit the configuration`,
        ),
      );
    }
    if (!o.removed.length && !o.keptFromFile.length && !o.envOfficeKept) {
      out.push(text(`· ${zhJoin(who, '没有这个角色，未改动')}`, `· ${who} does not hold that role; nothing changed`));
    }
  }
  if (fromFile) out.push(text(`注意：${FILE_NOTE.zh}。`, `Note: ${FILE_NOTE.en}.`));
  return lines(out);
}
