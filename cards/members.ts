/**
 * `成员` / `members`: who holds which role. Names are what people are called in Lark (from mentions or the file), so
 * they are shown as plain text; where a grant comes from (configuration, file, chat) is marked, because it decides
 * how it can be removed.
 */
import { text, type Text } from '../src/platform/i18n';
import type { GrantSource, MembersView, Holder } from '../src/features/people/grants';
import { card, divider, markdown, plainText, type Card, type Element } from './kit';

const MARK: Record<GrantSource, Text> = {
  env: text('［配置］', ' [config]'),
  file: text('［文件］', ' [file]'),
  chat: text('', ''),
};

const holders = (hs: readonly Holder[]): Text =>
  hs.length === 0
    ? text('（暂无）', '(none yet)')
    : text(hs.map((h) => `${h.name}${MARK[h.source].zh}`).join('、'), hs.map((h) => `${h.name}${MARK[h.source].en}`).join(', '));

/** Plain text in both languages: nothing in it is read as markdown or as a mention. */
const plain = (t: Text): Element => ({ tag: 'div', text: plainText(t) });

const joinLines = (ts: readonly Text[]): Text => text(ts.map((t) => t.zh).join('\n'), ts.map((t) => t.en).join('\n'));

export function membersCard(view: MembersView): Card {
  const bound = view.units.filter((u) => u.contacts.length > 0);
  const unbound = view.units.filter((u) => u.contacts.length === 0);
  const section = (title: Text) => markdown(text(`**${title.zh}**`, `**${title.en}**`));
  const elements: Element[] = [
    section(text('竞赛办', 'Competition office')),
    plain(holders(view.office)),
    section(text('领导小组', 'Leadership group')),
    plain(holders(view.leaders)),
    divider(),
    section(text(`参赛单位联络员（${bound.length}/${view.units.length} 个单位已绑定）`, `Unit contacts (${bound.length} of ${view.units.length} units bound)`)),
  ];
  if (bound.length) {
    elements.push(plain(joinLines(bound.map((u) => {
      const h = holders(u.contacts);
      return text(`${u.name}（${u.code}）：${h.zh}`, `${u.shortName} (${u.code}): ${h.en}`);
    }))));
  }
  if (unbound.length) {
    elements.push(
      section(text('尚未绑定联络员的单位', 'Units without a contact yet')),
      plain(text(unbound.map((u) => `${u.shortName}（${u.code}）`).join('、'), unbound.map((u) => `${u.shortName} (${u.code})`).join(', '))),
    );
  }
  elements.push(
    divider(),
    section(text('赛道评委', 'Track judges')),
    plain(joinLines(view.tracks.map((t) => {
      const h = holders(t.judges);
      return text(`${t.code} ${t.name}：${h.zh}`, `${t.code} ${t.nameEn}: ${h.en}`);
    }))),
  );
  if (view.unitLeaders.length) {
    elements.push(
      section(text('单位领导（单位逾期时提醒，来自竞赛文件）', 'Unit leaders (told when their unit is overdue; from the competition file)')),
      plain(joinLines(view.unitLeaders.map((u) => {
        const h = holders(u.leaders);
        return text(`${u.shortName}（${u.code}）：${h.zh}`, `${u.shortName} (${u.code}): ${h.en}`);
      }))),
    );
  }
  if (view.orphans.length) {
    elements.push(
      section(text('单位或赛道已不在竞赛文件中的角色', 'Roles whose unit or track is no longer in the competition file')),
      plain(joinLines(view.orphans.map((o) => {
        const role = o.role === 'contact' ? text('联络员', 'contact') : text('评委', 'judge');
        return text(`${o.name}：${o.scope} ${role.zh}`, `${o.name}: ${role.en} of ${o.scope}`);
      }))),
    );
  }
  elements.push(
    markdown(
      text(
        '［配置］来自 BOT_ADMINS，［文件］来自竞赛文件，其余由聊天命令绑定。发送「解绑 @某人」解除聊天绑定的角色。',
        '[config] comes from BOT_ADMINS, [file] from the competition file, the rest was bound in chat. Send "unbind @someone" to remove roles bound in chat.',
      ),
    ),
  );
  return card({ title: text('成员与角色', 'Members and roles'), template: unbound.length ? 'orange' : 'green', elements });
}
