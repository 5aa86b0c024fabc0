/**
 * What every form shares: the typed input as the server keeps it, a validation result that names every problem at
 * once, the toast line of those problems, and links as people paste them.
 */
import { text, type Text } from '../platform/i18n';

/** What the person typed, kept as typed except for control characters, line-ending style and outer spaces. */
export function cleanInput(value: unknown): string {
  if (typeof value !== 'string') return '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const printable = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return printable.replace(/\r\n?/g, '\n').trim();
}

/** Length as people count it: code points, so an emoji or a CJK extension character is one. */
export const textLength = (s: string): number => [...s].length;

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Text[] };

/** Joins problems into one toast line per language. */
export function problemsText(problems: readonly Text[]): Text {
  return text(problems.map((p) => p.zh).join('；'), problems.map((p) => p.en).join('; '));
}

/** Links separated by spaces, commas or new lines; each must be an http(s) URL with a host. */
export function parseEvidence(raw: string): { links: string[]; bad: string[] } {
  const tokens = raw.split(/[\s,，、;；]+/).filter(Boolean);
  const links: string[] = [];
  const bad: string[] = [];
  for (const t of tokens) {
    try {
      const u = new URL(t);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.includes('.')) links.push(t);
      else bad.push(t);
    } catch {
      bad.push(t);
    }
  }
  return { links, bad };
}
