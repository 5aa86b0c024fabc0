/** Every user-facing text exists in Chinese (first) and English. */
export interface Text {
  readonly zh: string;
  readonly en: string;
}

export const text = (zh: string, en: string): Text => ({ zh, en });

/** For plain-text surfaces that cannot switch language (text messages, logs shown to people). */
export const bilingual = (t: Text): string => (t.zh === t.en ? t.zh : `${t.zh}\n${t.en}`);

/** Lark's locale keys for i18n fields in cards and toasts. */
export const larkI18n = (t: Text) => ({ zh_cn: t.zh, en_us: t.en });

const HAN = /[\u3400-\u9fff]/u;
const LATIN_OR_DIGIT = /[A-Za-z0-9]/;

/**
 * Chinese pieces joined as Chinese typesetting wants them: a space where a Chinese character meets a Latin letter or
 * a digit (已设为 T02 法治建设赛道评委), none between Chinese characters. Only the seams between pieces are touched,
 * never the inside of a piece (names stay as typed).
 */
export function zhJoin(...parts: readonly string[]): string {
  let out = '';
  for (const part of parts) {
    if (!part) continue;
    const a = out.at(-1) ?? '';
    const b = part[0]!;
    out += (HAN.test(a) && LATIN_OR_DIGIT.test(b)) || (LATIN_OR_DIGIT.test(a) && HAN.test(b)) ? ` ${part}` : part;
  }
  return out;
}

/** The first `max` characters (code points) of `s`, with … when something was cut. */
export const excerpt = (s: string, max: number): string =>
  [...s].length > max ? `${[...s].slice(0, max).join('')}…` : s;

/**
 * What a person typed, echoed back in a reply (a text message, where `<at user_id="all">` would notify the whole group
 * and `[x](url)` would become a link: https://open.feishu.cn/document/server-docs/im-v1/message-content-description/create_json):
 * cut to `max` characters, angle and square brackets made full-width, so that nothing typed can become a mention,
 * a tag or a link, whatever the reply is shown in.
 */
export function echo(s: string, max = 40): string {
  return excerpt(s, max).replace(/</g, '＜').replace(/>/g, '＞').replace(/\[/g, '［').replace(/\]/g, '］');
}
