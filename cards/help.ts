import type { Audience } from '../src/core/roles';
import { echo, text, type Text } from '../src/platform/i18n';
import { card, divider, markdown, md, type Card, type Element } from './kit';

export interface HelpEntry {
  words: readonly string[];
  summary: Text;
  usage?: Text;
  /** The heading the command is listed under (the card has one heading per role). */
  section: Audience;
}

/** Headings in the order a person meets them: what everyone can do first, the office's tools last. */
export const SECTIONS: ReadonlyArray<readonly [Audience, Text]> = [
  ['everyone', text('所有人', 'Everyone')],
  ['contact', text('单位联络员', 'Unit contacts')],
  ['judge', text('赛道评委', 'Track judges')],
  ['oversight', text('领导小组与竞赛办', 'Leadership and the office')],
  ['leader', text('领导小组', 'Leadership')],
  ['office', text('竞赛办', 'Competition office')],
];

export interface HelpView {
  /** The roles the person holds, already described in both languages (e.g. 联络员（黄浦区）). */
  roles: Text[];
  commands: HelpEntry[];
  inGroup: boolean;
  /** The competition the card is about, under its title. */
  competition?: Text;
}

const line = (e: HelpEntry): Text => {
  const zhWords = e.words.filter((w) => /[^\p{ASCII}]/u.test(w));
  const enWords = e.words.filter((w) => /^\p{ASCII}+$/u.test(w));
  // A space after the bold word: bold next to Chinese punctuation may not render.
  const zh = `**${zhWords[0] ?? enWords[0]}** ${enWords[0] ? `(${enWords[0]})` : ''}：${e.summary.zh}${e.usage ? `\n　用法：${e.usage.zh}` : ''}`;
  const en = `**${enWords[0] ?? zhWords[0]}**${zhWords[0] ? ` (${zhWords[0]})` : ''}: ${e.summary.en}${e.usage ? `\n  Usage: ${e.usage.en}` : ''}`;
  return text(zh, en);
};

export function helpCard(view: HelpView): Card {
  const who =
    view.roles.length === 0
      ? text(
          '你还没有角色。请联系竞赛办为你绑定单位或赛道。',
          'You have no role yet. Ask the competition office to bind you to a unit or a track.',
        )
      : text(
          `你的角色：${view.roles.map((r) => md(r.zh)).join('、')}`,
          `Your roles: ${view.roles.map((r) => md(r.en)).join(', ')}`,
        );
  const how = view.inGroup
    ? text('在群里请先 @我 再发命令。', 'In a group, @mention me before the command.')
    : text('直接发送命令即可，例如「帮助」。', 'Just send a command, for example "help".');
  return card({
    title: text('赛道助手 · 帮助', 'Saidao · Help'),
    ...(view.competition ? { subtitle: view.competition } : {}),
    template: 'blue',
    elements: [markdown(who), markdown(how), ...sections(view.commands)],
  });
}

function sections(commands: readonly HelpEntry[]): Element[] {
  const out: Element[] = [];
  for (const [audience, heading] of SECTIONS) {
    const mine = commands.filter((c) => c.section === audience);
    if (!mine.length) continue;
    out.push(
      divider(),
      markdown(text(`**${heading.zh}**`, `**${heading.en}**`)),
      ...mine.map((c) => markdown(line(c))),
    );
  }
  return out;
}

/** The short answer to text the bot did not understand. */
export const unknownCommandHint = (word: string): Text =>
  text(
    `没有「${echo(word, 20)}」这个命令。发送「帮助」查看你可以做什么。`,
    `There is no command "${echo(word, 20)}". Send "help" to see what you can do.`,
  );
