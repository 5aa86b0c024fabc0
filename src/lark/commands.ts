/**
 * Chat text → command, as a pure function. Tolerates full-width forms (ＨＥＬＰ, ／帮助, full-width spaces),
 * a leading slash, extra spaces and arguments written straight after a Chinese command word (进展2024-T02-HP-1).
 * Mentions arrive as placeholders (@_user_1) with a table of who they are
 * (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/events/receive).
 */
import type { Mention } from './envelope';

export interface ParsedCommand {
  /** The command word as written (normalised), '' when the text was empty. */
  word: string;
  /** Free-text arguments, in order (mentions excluded). */
  args: string[];
  /** People mentioned, in order, the bot excluded. */
  mentions: Mention[];
  /** Whether the bot itself was mentioned. */
  botMentioned: boolean;
}

const MENTION_MARK = '\u0001';

/** NFKC folds full-width letters, digits, punctuation and spaces to their ASCII forms. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const isCjk = (ch: string | undefined) => ch !== undefined && /[\u3000-\u9fff\uf900-\ufaff]/.test(ch);

export function parseCommand(
  text: string,
  mentions: readonly Mention[],
  botOpenId: string | undefined,
  words: readonly string[],
): ParsedCommand {
  const people: Mention[] = [];
  let botMentioned = false;
  // One pass, longest keys first, so that @_user_10 is never read as @_user_1 followed by "0".
  const byKey = new Map(mentions.map((m) => [m.key, m]));
  const keys = [...byKey.keys()]
    .sort((a, b) => b.length - a.length)
    .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const marked = keys.length
    ? text.replace(new RegExp(keys.join('|'), 'g'), (key) => {
        const m = byKey.get(key)!;
        if (botOpenId !== undefined && m.openId === botOpenId) {
          botMentioned = true;
          return ' ';
        }
        return ` ${MENTION_MARK}${key}${MENTION_MARK} `;
      })
    : text;
  // Mentions in the order they appear in the text.
  const order = [...marked.matchAll(new RegExp(`${MENTION_MARK}([^${MENTION_MARK}]+)${MENTION_MARK}`, 'g'))].map(
    (x) => x[1],
  );
  for (const key of order) {
    const m = byKey.get(key!);
    if (m) people.push(m);
  }
  const plain = normaliseText(
    marked.replace(new RegExp(`${MENTION_MARK}[^${MENTION_MARK}]*${MENTION_MARK}`, 'g'), ' '),
  ).replace(/^\/+\s*/, '');

  const lower = plain.toLowerCase();
  let word = '';
  for (const w of words) {
    const wl = w.toLowerCase();
    if (!lower.startsWith(wl) || wl.length <= word.length) continue;
    const next = plain[wl.length];
    // Chinese command words may be followed directly by their argument; others need a space or the end.
    if (next === undefined || next === ' ' || isCjk(w[w.length - 1])) word = wl;
  }
  if (!word) {
    const [first = '', ...rest] = plain.split(' ');
    return { word: first.toLowerCase(), args: rest.filter(Boolean), mentions: people, botMentioned };
  }
  const rest = plain.slice(word.length).trim();
  return { word, args: rest ? rest.split(' ') : [], mentions: people, botMentioned };
}
