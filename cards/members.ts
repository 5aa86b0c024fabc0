/**
 * `成员` / `members`: who holds which role. Names are what people are called in Lark (from mentions or the file), so
 * they are plain text, written once: in table cells, or on a plain line under a heading in the reader's language.
 * Where a grant comes from (configuration, file, chat) is marked, because it decides how it can be removed.
 */
import { text, type Text } from '../src/platform/i18n';
import { card, divider, fitCard, markdown, table, userText, type Card, type Element } from './kit';
import type { GrantSource, Role } from '../src/core/roles';

/** Someone holding a role, as the members card names them. */
export interface Holder {
  openId: string;
  /** The name we know (from a mention or the file), else the open_id. */
  name: string;
  source: GrantSource;
}

/** Every role and its holders, as the members card shows them. */
export interface MembersView {
  office: Holder[];
  leaders: Holder[];
  units: Array<{ code: string; name: string; shortName: string; contacts: Holder[] }>;
  tracks: Array<{ code: string; name: string; nameEn: string; judges: Holder[] }>;
  /** Units' leaders (the file's `unit_leader`, told when the unit is overdue), for the units that have one. */
  unitLeaders: Array<{ code: string; shortName: string; leaders: Holder[] }>;
  /** Grants whose unit or track is no longer in the competition file (kept, shown so that the office can clean up). */
  orphans: Array<Holder & { role: Role; scope: string }>;
}

/** Beside a typed name, so in both languages at once. */
const MARK: Record<GrantSource, string> = { env: '［配置 config］', file: '［文件 file］', chat: '' };

const NONE = '（暂无 none）';
const holders = (hs: readonly Holder[]): string =>
  hs.length ? hs.map((h) => `${h.name}${MARK[h.source]}`).join('、') : NONE;

const heading = (t: Text): Element => markdown(text(`**${t.zh}**`, `**${t.en}**`));

/** Every role and its holders; each table is cut to the rows that fit (a competition may have hundreds of units). */
export function membersCard(view: MembersView): Card {
  const bound = view.units.filter((u) => u.contacts.length > 0);
  const unbound = view.units.filter((u) => u.contacts.length === 0);
  const longest = Math.max(view.units.length, view.tracks.length, view.unitLeaders.length, view.orphans.length);
  const build = (n: number): Card => {
    const cut = (shown: number, all: number): Element[] =>
      shown < all
        ? [markdown(text(`（只列出前 ${shown} 行，共 ${all} 行）`, `(The first ${shown} of ${all} rows.)`))]
        : [];
    const elements: Element[] = [
      heading(text('竞赛办', 'Competition office')),
      userText(holders(view.office)),
      heading(text('领导小组', 'Leadership group')),
      userText(holders(view.leaders)),
      divider(),
      heading(
        text(
          `参赛单位联络员（${bound.length}/${view.units.length} 个单位已绑定）`,
          `Unit contacts (${bound.length} of ${view.units.length} units bound)`,
        ),
      ),
      // Units without a contact first: they are what the office has to act on.
      table(
        [
          { name: 'unit', header: '单位 Unit', type: 'text' },
          { name: 'contacts', header: '联络员 Contacts', type: 'text' },
        ],
        [...unbound, ...bound]
          .slice(0, n)
          .map((u) => ({ unit: `${u.shortName}（${u.code}）`, contacts: holders(u.contacts) })),
      ),
      ...cut(Math.min(n, view.units.length), view.units.length),
      divider(),
      heading(text('赛道评委', 'Track judges')),
      table(
        [
          { name: 'track', header: '赛道 Track', type: 'text' },
          { name: 'judges', header: '评委 Judges', type: 'text' },
        ],
        view.tracks.slice(0, n).map((t) => ({ track: `${t.code} ${t.name}`, judges: holders(t.judges) })),
      ),
      ...cut(Math.min(n, view.tracks.length), view.tracks.length),
    ];
    if (view.unitLeaders.length) {
      elements.push(
        heading(
          text(
            '单位领导（单位逾期时提醒，来自竞赛文件）',
            'Unit leaders (told when their unit is overdue; from the competition file)',
          ),
        ),
        table(
          [
            { name: 'unit', header: '单位 Unit', type: 'text' },
            { name: 'leaders', header: '领导 Leaders', type: 'text' },
          ],
          view.unitLeaders
            .slice(0, n)
            .map((u) => ({ unit: `${u.shortName}（${u.code}）`, leaders: holders(u.leaders) })),
        ),
        ...cut(Math.min(n, view.unitLeaders.length), view.unitLeaders.length),
      );
    }
    if (view.orphans.length) {
      elements.push(
        heading(
          text('单位或赛道已不在竞赛文件中的角色', 'Roles whose unit or track is no longer in the competition file'),
        ),
        table(
          [
            { name: 'name', header: '姓名 Name', type: 'text' },
            { name: 'role', header: '角色 Role', type: 'text' },
          ],
          view.orphans.slice(0, n).map((o) => ({
            name: o.name,
            role: `${o.scope} ${o.role === 'contact' ? '联络员 contact' : '评委 judge'}`,
          })),
        ),
        ...cut(Math.min(n, view.orphans.length), view.orphans.length),
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
    return card({
      title: text('成员与角色', 'Members and roles'),
      template: unbound.length ? 'orange' : 'green',
      elements,
    });
  };
  return fitCard(build, longest).card;
}
